"""Residents' reports (honeypot, rate limit, nothing published) and the coordinators' review:
field by field, accept some or edited values through the staff edit service, reject with a
reason the organiser sees, scope by area, the API, the home panel, mail and data quality."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.directory import limits
from sasaeai.directory.models import Proposal, PublicUse
from sasaeai.org.models import Area, Town
from sasaeai.resources.models import Service, VerificationPolicy
from sasaeai.resources.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory

from .factories import ProposalFactory, issued_link

pytestmark = pytest.mark.django_db


def salon(municipality, town="境南町", **kwargs) -> Service:
    location = LocationFactory(
        town=Town.objects.get(municipality=municipality, name=town), name="境南コミセン"
    )
    values = dict(
        name="境南いきいきサロン",
        is_public=True,
        publication_consent=True,
        fees_description="1回100円",
        contact_name="山田",
        contact_phone="0422-00-1111",
    )
    values.update(kwargs)
    return ServiceFactory(location=location, **values)


def report_url(service) -> str:
    return reverse("directory_public:report_error", args=[service.municipality.code, service.pk])


def test_a_resident_reports_an_error_and_nothing_is_published(client, musashino):
    service = salon(musashino)
    response = client.post(
        report_url(service), {"message": "木曜に変わりました", "contact": "佐藤 090"}
    )
    assert response.status_code == 200 and "受け付けました" in response.content.decode()
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.proposer, proposal.area) == ("error", "resident", service.area)
    detail = client.get(reverse("finder:detail", args=[musashino.code, service.pk]))
    assert "木曜に変わりました" not in detail.content.decode()
    assert "佐藤 090" not in detail.content.decode()


def test_a_report_without_text_keeps_the_page_with_a_japanese_error(client, musashino):
    service = salon(musashino)
    response = client.post(report_url(service), {"message": "", "contact": "佐藤"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "このフィールドは必須です" in page or "必須" in page
    assert 'value="佐藤"' in page


def test_the_honeypot_files_nothing(client, musashino):
    service = salon(musashino)
    response = client.post(report_url(service), {"message": "spam", "homepage": "http://spam"})
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    assert PublicUse.objects.filter(kind="honeypot").count() == 1


@pytest.mark.parametrize("form", ["report_error", "suggest_place"])
def test_the_honeypot_is_neither_shown_announced_tabbed_to_nor_autofilled(client, musashino, form):
    from html.parser import HTMLParser

    service = salon(musashino)
    url = (
        report_url(service)
        if form == "report_error"
        else reverse("directory_public:suggest_place", args=[musashino.code])
    )

    class Finder(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[dict] = []
            self.field: dict | None = None
            self.wrapper: dict | None = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name") == "homepage":
                self.field = attrs
                self.wrapper = next((a for a in reversed(self.open) if "hidden" in a), None)
            if tag == "div":
                self.open.append(attrs)

        def handle_endtag(self, tag):
            if tag == "div" and self.open:
                self.open.pop()

    finder = Finder()
    finder.feed(client.get(url).content.decode())
    field, wrapper = finder.field, finder.wrapper
    assert field is not None and field["type"] == "text"  # bots fill text boxes in
    assert field["tabindex"] == "-1" and field["autocomplete"] == "off"
    assert field["data-1p-ignore"] == "true" and field["data-lpignore"] == "true"
    assert wrapper is not None and wrapper["aria-hidden"] == "true"


def test_reports_are_rate_limited(client, musashino, monkeypatch):
    monkeypatch.setattr(
        limits,
        "REPORTS",
        limits.Limit(("report_error", "report_place", "honeypot"), 2, dt.timedelta(hours=1)),
    )
    service = salon(musashino)
    for _ in range(2):
        client.post(report_url(service), {"message": "違います"})
    assert client.post(report_url(service), {"message": "違います"}).status_code == 429
    assert Proposal.objects.count() == 2


def test_a_report_on_a_non_public_resource_is_not_found(client, musashino):
    service = salon(musashino, is_public=False)
    assert client.get(report_url(service)).status_code == 404


def test_a_suggested_place_prefills_the_new_resource_form_with_duplicates(client, musashino):
    existing = salon(musashino, name="桜堤体操クラブ", town="桜堤")
    area = Area.objects.get(municipality=musashino, name="境・桜堤エリア")
    url = reverse("directory_public:suggest_place", args=[musashino.code])
    client.post(
        url,
        {
            "name": "桜堤体操クラブ",
            "where": "桜堤1丁目の集会所",
            "when": "毎週水曜午後",
            "what": "体操",
            "area": area.pk,
        },
    )
    proposal = Proposal.objects.get(kind="new_place")
    assert proposal.area == area
    client.force_login(User.objects.get(username="tier2-5"))
    page = client.get(reverse("directory:review", args=[proposal.pk]))
    assert existing in page.context["duplicates"]
    new_url = page.context["new_resource_url"]
    form = client.get(new_url).context["form"]
    assert form["name"].value() == "桜堤体操クラブ"
    assert form["address"].value() == "桜堤1丁目の集会所"


def _organiser_change(musashino, **changes):
    service = salon(musashino)
    ScheduleFactory(service=service, freq="WEEKLY", byday="TU")
    link, _secret = issued_link(service)
    proposal = ProposalFactory(service=service, link=link, changes=changes, message="よろしく")
    return service, proposal


def test_review_shows_field_by_field_and_accepts_some_fields(client, musashino):
    service, proposal = _organiser_change(
        musashino,
        fees_description="1回200円",
        schedule="毎週木曜 10:00〜12:00",
        contact_phone="0422-99-9999",
    )
    client.force_login(User.objects.get(username="tier2-6"))
    page = client.get(reverse("directory:review", args=[proposal.pk]))
    rows = {c.name: (c.old, c.new) for c in page.context["changes"]}
    assert rows["fees_description"] == ("1回100円", "1回200円")
    assert rows["schedule"][0].startswith("毎週火曜")
    response = client.post(
        reverse("directory:review", args=[proposal.pk]),
        {
            "decision": "accept",
            "take_fees_description": "on",
            "value_fees_description": "1回200円",
            "take_schedule": "on",
            "value_schedule": "毎週木曜 10:00〜12:00",
            "value_contact_phone": "0422-99-9999",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.fees_description == "1回200円"
    assert [s.byday for s in service.schedules.all()] == ["TH"]
    assert service.contact_phone == "0422-00-1111"  # not accepted
    assert service.confirmed_via == "staff" and service.confirmed_at == timezone.localdate()
    assert service.history.first().history_change_reason.startswith("現況を確認")
    assert service.history.filter(history_change_reason="変更").exists()  # the staff edit path
    assert "d3" in service.search_facts.split() and "d1" not in service.search_facts.split()
    proposal.refresh_from_db()
    assert proposal.status == "partly"
    assert proposal.accepted_fields == ["fees_description", "schedule"]


def test_edit_then_accept_writes_the_edited_value(client, musashino):
    service, proposal = _organiser_change(musashino, fees_description="200円")
    client.force_login(User.objects.get(username="tier1"))
    client.post(
        reverse("directory:review", args=[proposal.pk]),
        {
            "decision": "accept",
            "take_fees_description": "on",
            "value_fees_description": "1回200円（お茶代）",
        },
    )
    service.refresh_from_db()
    assert service.fees_description == "1回200円（お茶代）"
    assert Proposal.objects.get().status == "accepted"


def test_an_unreadable_schedule_comes_back_with_the_form(client, musashino):
    _service, proposal = _organiser_change(musashino, schedule="ときどき")
    client.force_login(User.objects.get(username="tier1"))
    response = client.post(
        reverse("directory:review", args=[proposal.pk]),
        {"decision": "accept", "take_schedule": "on", "value_schedule": "ときどき"},
    )
    assert response.status_code == 400
    assert "日程を読み取れませんでした" in response.content.decode()
    assert Proposal.objects.get().status == "open"


def test_reject_needs_a_reason_which_the_organiser_sees(client, musashino):
    service, proposal = _organiser_change(musashino, fees_description="無料")
    client.force_login(User.objects.get(username="tier1"))
    url = reverse("directory:review", args=[proposal.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "採用しない理由を入力してください" in response.content.decode()
    client.post(url, {"decision": "reject", "reason": "会場の規定で参加費が必要なため"})
    assert Proposal.objects.get().status == "rejected"
    client.logout()
    _link, secret = issued_link(service)
    page = client.get(reverse("directory_public:organiser", args=[secret])).content.decode()
    assert "会場の規定で参加費が必要なため" in page


def test_tier2_sees_only_its_areas(client, musashino):
    _service, proposal = _organiser_change(musashino, fees_description="無料")
    client.force_login(User.objects.get(username="tier2-1"))
    assert client.get(reverse("directory:review", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("directory:queue")).context["page"].paginator.count == 0
    client.force_login(User.objects.get(username="tier2-6"))
    assert client.get(reverse("directory:queue")).context["page"].paginator.count == 1


def test_api_lists_open_changes_in_scope(client, musashino):
    _service, proposal = _organiser_change(musashino, fees_description="1回200円")
    client.force_login(User.objects.get(username="tier2-6"))
    body = client.get("/api/v1/resource-changes", {"status": "open"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["proposer"] == "organiser" and item["resource_id"] == proposal.service_id
    assert item["changes"] == [
        {"field": "fees_description", "label": "参加費", "old": "1回100円", "new": "1回200円"}
    ]
    client.force_login(User.objects.get(username="tier2-1"))
    assert client.get("/api/v1/resource-changes", {"status": "open"}).json()["count"] == 0
    bad = client.get("/api/v1/resource-changes", {"status": "nope"})
    assert bad.status_code == 422


def test_home_panel_and_mail_on_a_new_proposal(
    client, musashino, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    VerificationPolicy.objects.create(municipality=musashino, notify_email="shien@example.jp")
    service = salon(musashino)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(service), {"message": "電話番号が違います", "contact": "佐藤 090-1"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["shien@example.jp"]
    assert "佐藤" not in mail.outbox[0].body and "電話番号が違います" not in mail.outbox[0].body
    client.force_login(User.objects.get(username="tier2-6"))
    home = client.get(reverse("home")).content.decode()
    assert "届いた情報提供（未対応）" in home and "住民からの誤りの報告" in home


def test_data_quality_per_area(client, musashino):
    today = timezone.localdate()
    salon(musashino, confirmed_at=today)
    salon(musashino, confirmed_at=None, fees_description="", is_free=None)
    client.force_login(User.objects.get(username="tier2-6"))
    rows = client.get(reverse("directory:quality")).context["rows"]
    assert [r.area.name for r in rows] == ["境南エリア"]
    assert (rows[0].total, rows[0].verified, rows[0].verified_share) == (2, 1, 50)
    assert rows[0].missing["fee"] >= 1


def _suggested_place(client, musashino) -> Proposal:
    area = Area.objects.get(municipality=musashino, name="境・桜堤エリア")
    client.post(
        reverse("directory_public:suggest_place", args=[musashino.code]),
        {
            "name": "桜堤ひだまりカフェ",
            "where": "桜堤2丁目の集会所",
            "what": "お茶飲み",
            "area": area.pk,
        },
    )
    return Proposal.objects.get(kind="new_place")


def test_registering_a_suggested_place_closes_the_suggestion(client, musashino):
    proposal = _suggested_place(client, musashino)
    tier2 = User.objects.get(username="tier2-5")
    client.force_login(tier2)
    new_url = client.get(reverse("directory:review", args=[proposal.pk])).context[
        "new_resource_url"
    ]
    form = client.get(new_url).context["form"]
    assert form["name"].value() == "桜堤ひだまりカフェ"
    data = {
        name: value
        for name, value in (
            (f.html_name, f.value()) for f in form if f.name not in ("categories", "target_groups")
        )
        if value not in (None, False)
    }
    data.update(
        {
            "town": Town.objects.get(municipality=musashino, name="桜堤").pk,
            "schedules-TOTAL_FORMS": "0",
            "schedules-INITIAL_FORMS": "0",
        }
    )
    response = client.post(new_url, data)  # the form posts back to its own address
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get(name="桜堤ひだまりカフェ")
    assert response.url == reverse("resources:detail", args=[service.pk])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.service, proposal.decided_by) == ("accepted", service, tier2)
    assert "「桜堤ひだまりカフェ」を保存しました" in client.get(response.url).content.decode()
    queue = client.get(reverse("directory:queue"))
    assert proposal not in queue.context["page"].object_list
    assert "桜堤ひだまりカフェ" not in queue.content.decode()
    # Opening the form again does not register a second one from the same suggestion.
    again = client.get(new_url)
    assert again.status_code == 302
    assert again.url == reverse("directory:review", args=[proposal.pk])


def test_a_registration_that_fails_leaves_the_suggestion_open(client, musashino):
    proposal = _suggested_place(client, musashino)
    client.force_login(User.objects.get(username="tier2-5"))
    new_url = client.get(reverse("directory:review", args=[proposal.pk])).context[
        "new_resource_url"
    ]
    response = client.post(
        new_url, {"name": "", "schedules-TOTAL_FORMS": "0", "schedules-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == "open" and proposal.service is None
    assert not Service.objects.filter(name="桜堤ひだまりカフェ").exists()


def test_another_areas_coordinator_cannot_register_the_suggestion(client, musashino):
    proposal = _suggested_place(client, musashino)
    client.force_login(User.objects.get(username="tier2-1"))
    url = reverse("directory:register", args=[proposal.pk])
    assert client.get(url).status_code in (403, 404)
    proposal.refresh_from_db()
    assert proposal.status == "open"
