"""The living directory (issue #24) in a browser: an organiser confirms and changes a listing by
link on a phone; a resident reports an error and suggests a missing place; a tier-2 coordinator
accepts some fields of a proposal and rejects another with a reason; a listing whose
verification lapses goes 「確認中」 and returns when its organiser confirms it (another when a
coordinator records a check). Each journey checks what the person sees, axe on every page, and
the phone layout; screenshots for docs/img/directory/."""

import datetime as dt
import shutil
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sasaeai.directory.models import Proposal
from sasaeai.directory.tests.factories import issued_link
from sasaeai.org.models import Town
from sasaeai.resources.models import Service, VerificationPolicy
from sasaeai.resources.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory

from .harness import assert_no_horizontal_overflow, axe_check, desktop, login, phone, shot

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img" / "directory"
MUSASHINO = "132039"


def _keep(path: Path, name: str) -> None:
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS_IMG / name)


def _salon(name: str = "境南ひまわりサロン", *, confirmed_days_ago: int | None = 20) -> Service:
    """A public salon in 境南町 (境南エリア, tier2-6's area), meeting on Tuesday mornings."""
    town = Town.objects.get(municipality__code=MUSASHINO, name="境南町")
    service = ServiceFactory(
        location=LocationFactory(town=town, name="境南コミュニティセンター"),
        name=name,
        is_public=True,
        publication_consent=True,
        fees_description="1回100円",
        contact_name="山田",
        contact_phone="0422-00-1111",
        confirmed_at=(
            None
            if confirmed_days_ago is None
            else timezone.localdate() - dt.timedelta(days=confirmed_days_ago)
        ),
    )
    ScheduleFactory(service=service, byday="TU", opens_at=dt.time(10, 0), closes_at=dt.time(12, 0))
    return service


def _check_page(page, label: str) -> None:
    axe_check(page, label=label)
    assert_no_horizontal_overflow(page)


def test_an_organiser_confirms_then_reports_a_change_on_a_phone(page):
    journey = "directory-organiser-link"
    service = _salon(confirmed_days_ago=200)
    _link, secret = issued_link(service)
    phone(page)

    page.goto(reverse("directory_public:organiser", args=[secret]))
    expect(page.get_by_role("heading", level=1)).to_have_text("掲載内容の確認")
    listing = page.locator("dl.finder-facts")
    expect(listing).to_contain_text("境南ひまわりサロン")
    expect(listing).to_contain_text("1回100円")
    expect(page.get_by_text("職員が把握している主催者の連絡先")).to_contain_text("山田")
    _check_page(page, "主催者の更新ページ")
    _keep(shot(page, journey, "organiser-page"), "organiser-page.png")

    # 「このままで正しい」: one tap, a dated verification by the organiser.
    page.get_by_role("button", name="このままで正しい").click()
    expect(page.get_by_role("status")).to_contain_text("「このままで正しい」と記録しました")
    expect(page.get_by_text("最終確認:")).to_contain_text("主催者")
    service.refresh_from_db()
    assert service.confirmed_at == timezone.localdate()
    assert service.confirmed_via == Service.ConfirmedVia.ORGANISER
    _check_page(page, "主催者の更新ページ（確認済み）")
    shot(page, journey, "confirmed")

    # 「変更を知らせる」: the form starts from the listing; only what differs is sent.
    page.get_by_role("link", name="変更を知らせる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("変更を知らせる")
    schedule = page.get_by_label("日程", exact=True)
    expect(schedule).to_have_value("毎週火曜 10:00〜12:00")
    expect(page.get_by_label("参加費")).to_have_value("1回100円")
    schedule.fill("毎週木曜 10:00〜12:00")
    page.get_by_label("お知らせ・補足").fill("4月から木曜に変わります。")
    _check_page(page, "変更を知らせる")
    _keep(shot(page, journey, "change-form"), "organiser-change.png")
    page.get_by_role("button", name="送る").click()
    expect(page.get_by_role("status")).to_contain_text("変更のお知らせを受け付けました")
    expect(page.locator("ul.organiser-history")).to_contain_text("未対応")
    _check_page(page, "主催者の更新ページ（変更を送った後）")
    shot(page, journey, "change-sent")

    proposal = Proposal.objects.get(service=service)
    assert proposal.kind == Proposal.Kind.CHANGE
    assert proposal.changes == {"schedule": "毎週木曜 10:00〜12:00"}
    assert proposal.message == "4月から木曜に変わります。"
    # Nothing is published before a coordinator accepts it.
    page.goto(reverse("finder:detail", args=[MUSASHINO, service.pk]))
    expect(page.locator("dl.finder-facts")).to_contain_text("火曜")
    expect(page.locator("dl.finder-facts")).not_to_contain_text("木曜")


def test_a_resident_reports_an_error_and_suggests_a_missing_place(page):
    journey = "directory-resident"
    service = _salon()
    phone(page)

    page.goto(reverse("finder:detail", args=[MUSASHINO, service.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("境南ひまわりサロン")
    page.get_by_role("link", name="情報の誤りを知らせる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("情報の誤りを知らせる")
    expect(page.get_by_text("そのまま公開されることはありません")).to_be_visible()
    # The honeypot is neither seen nor announced: no control of that name is on the page.
    expect(page.get_by_role("textbox", name="ホームページ")).to_have_count(0)
    _check_page(page, "情報の誤りを知らせる")

    # Sent empty: the error is shown and nothing is filed.
    page.get_by_role("button", name="送る").click()
    expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    assert not Proposal.objects.exists()
    page.get_by_label("どこが違っていますか").fill("曜日が火曜から木曜に変わっています。")
    page.get_by_label("連絡先（任意）").fill("佐藤 090-0000-0000")
    _keep(shot(page, journey, "report-error"), "resident-report-error.png")
    page.get_by_role("button", name="送る").click()
    expect(page.get_by_text("受け付けました")).to_be_visible()
    _check_page(page, "誤りの報告（受付）")
    shot(page, journey, "report-thanks")
    report = Proposal.objects.get(kind=Proposal.Kind.ERROR)
    assert (report.service, report.contact) == (service, "佐藤 090-0000-0000")

    # The listing is unchanged and shows nothing the resident wrote.
    page.goto(reverse("finder:detail", args=[MUSASHINO, service.pk]))
    expect(page.locator("main")).not_to_contain_text("佐藤")
    expect(page.locator("dl.finder-facts")).to_contain_text("火曜")

    # 「載っていない場所を知らせる」 from the finder.
    page.goto(reverse("finder:search", args=[MUSASHINO]))
    page.get_by_role("link", name="載っていない場所を知らせる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("載っていない場所を知らせる")
    page.get_by_label("名前").fill("桜堤ひだまりカフェ")
    page.get_by_label("場所", exact=True).fill("桜堤2丁目の集会所")
    page.get_by_label("日時").fill("毎月第1土曜の午後")
    page.get_by_label("どんな活動か").fill("お茶とおしゃべり")
    page.get_by_label("地域").select_option(label="境・桜堤エリア")
    _check_page(page, "載っていない場所を知らせる")
    _keep(shot(page, journey, "suggest-place"), "resident-suggest-place.png")
    page.get_by_role("button", name="送る").click()
    expect(page.get_by_text("受け付けました")).to_be_visible()
    suggestion = Proposal.objects.get(kind=Proposal.Kind.NEW_PLACE)
    assert suggestion.changes["name"] == "桜堤ひだまりカフェ"
    assert suggestion.area.name == "境・桜堤エリア"
    # Not on the finder until a coordinator registers it.
    page.goto(reverse("finder:search", args=[MUSASHINO]) + "?q=ひだまりカフェ")
    expect(page.locator("#finder-results")).to_have_text("0件 見つかりました")


def test_a_tier2_coordinator_accepts_some_fields_and_rejects_another_proposal(page):
    journey = "directory-review"
    service = _salon()
    link, _secret = issued_link(service)
    change = Proposal.objects.create(
        municipality=service.municipality,
        kind=Proposal.Kind.CHANGE,
        proposer=Proposal.Proposer.ORGANISER,
        service=service,
        area=service.area,
        link=link,
        changes={
            "schedule": "毎週木曜 10:00〜12:00",
            "fees_description": "1回200円",
            "contact_phone": "0422-99-9999",
        },
        message="4月から木曜になります。",
    )
    wrong = Proposal.objects.create(
        municipality=service.municipality,
        kind=Proposal.Kind.CHANGE,
        proposer=Proposal.Proposer.ORGANISER,
        service=service,
        area=service.area,
        link=link,
        changes={"status": "closed"},
    )
    login(page, "tier2-6")
    desktop(page)

    page.goto(reverse("directory:queue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("情報提供の確認")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("境南ひまわりサロン")
    _check_page(page, "情報提供の確認（一覧）")
    _keep(shot(page, journey, "queue"), "review-queue.png")

    # Field by field, old → new; accept the schedule and the fee, not the phone number.
    page.goto(reverse("directory:review", args=[change.pk]))
    table = page.locator("table.proposal-changes")
    fee_row = table.locator("tr", has=page.get_by_role("rowheader", name="参加費"))
    expect(fee_row.locator("del")).to_have_text("1回100円")
    expect(fee_row.locator("ins")).to_have_text("1回200円")
    expect(table).to_contain_text("毎週火曜 10:00〜12:00")
    page.get_by_label("問い合わせ先（公開する電話番号）を採用する").uncheck()
    page.get_by_label("採用する", exact=True).check()
    axe_check(page, label="情報提供の確認（項目ごと）")
    _keep(shot(page, journey, "review-some-fields"), "review-some-fields.png")
    page.get_by_role("button", name="決定する").click()
    page.wait_for_url("**/directory/")
    expect(page.get_by_text("情報提供に対応しました")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)

    # Reject the other with a reason the organiser will see; the reason is required.
    page.goto(reverse("directory:review", args=[wrong.pk]))
    page.get_by_label("採用しない").check()
    page.get_by_role("button", name="決定する").click()
    expect(page.get_by_role("alert")).to_contain_text("採用しない理由を入力してください")
    page.get_by_label("理由・主催者へのメッセージ").fill(
        "4月以降も活動を続けると伺ったため、終了にはしません。"
    )
    axe_check(page, label="情報提供の確認（不採用の理由）")
    shot(page, journey, "reject-with-reason")
    page.get_by_role("button", name="決定する").click()
    page.wait_for_url("**/directory/")
    expect(page.get_by_text("該当する情報提供はありません")).to_be_visible()

    # The record shows the accepted values (and not the one left out) and its history.
    page.goto(reverse("resources:detail", args=[service.pk]))
    main = page.locator("main")
    expect(main).to_contain_text("1回200円")
    expect(main).to_contain_text("木曜")
    expect(main).to_contain_text("0422-00-1111")
    expect(main).not_to_contain_text("0422-99-9999")
    expect(main).to_contain_text("職員")  # the acceptance is a staff verification
    _check_page(page, "社会資源（採用後）")
    _keep(shot(page, journey, "record-after"), "review-record-after.png")
    page.get_by_role("link", name="変更履歴").click()
    # Two new versions: the accepted values (by this coordinator), then the verification.
    versions = page.locator("ol.resource-history > li")
    expect(versions.first).to_contain_text("職員の確認")
    edit = versions.filter(has=page.get_by_role("rowheader", name="費用の説明")).first
    expect(edit.get_by_role("heading")).to_contain_text("変更")
    expect(edit.get_by_role("row", name="費用の説明")).to_contain_text("1回100円")
    expect(edit.get_by_role("row", name="費用の説明")).to_contain_text("1回200円")
    axe_check(page, label="変更履歴（採用後）")
    shot(page, journey, "history")
    change.refresh_from_db()
    wrong.refresh_from_db()
    assert change.status == Proposal.Status.PARTLY
    assert change.accepted_fields == ["fees_description", "schedule"]
    assert wrong.status == Proposal.Status.REJECTED
    assert Service.objects.get(pk=service.pk).status == Service.Status.ACTIVE


def test_a_listing_goes_on_hold_when_unverified_and_returns_when_confirmed(page):
    journey = "directory-verification"
    VerificationPolicy.objects.update_or_create(
        municipality=Town.objects.get(municipality__code=MUSASHINO, name="境南町").municipality,
        defaults={"valid_days": 183, "hide_after_days": 30},
    )
    stale = _salon("境南ゆうやけ体操", confirmed_days_ago=230)
    fresh = _salon("境南あさひ体操", confirmed_days_ago=10)
    called = _salon("境南ほしぞら茶話会", confirmed_days_ago=300)
    _link, secret = issued_link(stale)
    finder = reverse("finder:search", args=[MUSASHINO]) + "?q=境南"
    phone(page)

    # Past 183 + 30 days without a verification: off the public finder, never deleted.
    page.goto(finder)
    results = page.locator("ol.finder-results")
    expect(results).to_contain_text("境南あさひ体操")
    expect(results).not_to_contain_text("境南ゆうやけ体操")
    expect(results).not_to_contain_text("境南ほしぞら茶話会")
    assert page.goto(reverse("finder:detail", args=[MUSASHINO, stale.pk])).status == 404
    page.goto(finder)
    _check_page(page, "さがす（確認中は出ない）")
    _keep(shot(page, journey, "finder-without"), "verification-finder-without.png")

    # Staff still see it, marked 確認中.
    login(page, "tier2-6")
    page.goto(reverse("resources:detail", args=[stale.pk]))
    expect(page.get_by_text("確認中（公開ページに出していません）")).to_be_visible()
    _check_page(page, "社会資源（確認中）")
    _keep(shot(page, journey, "staff-on-hold"), "verification-staff-on-hold.png")
    # The coordinator called the other one's organiser: 「確認済みにする」 (a staff verification).
    page.goto(reverse("resources:detail", args=[called.pk]))
    expect(page.get_by_text("確認中（公開ページに出していません）")).to_be_visible()
    page.get_by_role("button", name="確認済みにする").click()
    expect(page.get_by_text("「境南ほしぞら茶話会」を確認済みにしました")).to_be_visible()
    expect(page.get_by_text("確認中（公開ページに出していません）")).to_have_count(0)
    page.context.clear_cookies()

    # The organiser's page says so; one tap on 「このままで正しい」 brings it back.
    page.goto(reverse("directory_public:organiser", args=[secret]))
    expect(
        page.get_by_text("いまは「確認中」として住民向けのページに出していません")
    ).to_be_visible()
    _check_page(page, "主催者の更新ページ（確認中）")
    _keep(shot(page, journey, "organiser-on-hold"), "verification-organiser-on-hold.png")
    page.get_by_role("button", name="このままで正しい").click()
    expect(page.get_by_role("status")).to_contain_text("「このままで正しい」と記録しました")
    expect(page.get_by_text("いまは「確認中」として")).to_have_count(0)

    page.goto(finder)
    expect(page.locator("ol.finder-results")).to_contain_text("境南ゆうやけ体操")
    expect(page.locator("ol.finder-results")).to_contain_text("境南ほしぞら茶話会")
    _check_page(page, "さがす（確認後）")
    _keep(shot(page, journey, "finder-back"), "verification-finder-back.png")
    page.get_by_role("link", name="境南ゆうやけ体操").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("境南ゆうやけ体操")
    assert fresh.pk != stale.pk
