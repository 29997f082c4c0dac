"""Publication state: what imported rows arrive with (template: as its columns say; open data:
public; HSDS: public except a private home), and the page that publishes or hides many
resources at once (filters, checkboxes, 条件に合うすべて, audited, tier 2 limited to its areas)."""

import json

import pytest

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.exchange import services
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, upload
from sasaeai.resources.models import Service

URL = "/exchange/publication/"


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


def _import(user, rows, name="サロン台帳.csv"):
    content = csv_bytes([TEMPLATE_HEADERS, *rows])
    services.import_upload(user=user, upload=upload(content, name), commit=True)


@pytest.fixture
def imported(tier1):
    _import(
        tier1,
        [
            template_row(名称="桜堤のサロン", 町="桜堤"),
            template_row(名称="境南のサロン", 町="境南町", 掲載の同意="はい"),
            template_row(名称="吉祥寺の体操", 町="吉祥寺本町"),
        ],
    )
    _import(tier1, [template_row(名称="別の台帳の会", 町="桜堤")], name="別の台帳.csv")
    return {s.name: s for s in Service.objects.all()}


def test_a_template_without_publication_columns_arrives_unpublished(imported):
    assert not any(s.is_public for s in imported.values())
    assert imported["境南のサロン"].publication_consent


def test_the_page_filters_by_import_file_and_state(client, tier1, imported):
    client.force_login(tier1)
    page = client.get(URL, {"batch": "サロン台帳.csv"}).content.decode()
    assert "条件に合う社会資源: <strong>3件</strong>" in page
    assert "別の台帳の会" not in page
    page = client.get(URL, {"state": "no_consent"}).content.decode()
    assert "条件に合う社会資源: <strong>3件</strong>" in page
    assert "境南のサロン" not in page
    assert 'id="publication-select-all"' in page


def test_publishing_needs_consent_and_is_audited(client, tier1, imported):
    client.force_login(tier1)
    ids = [imported["桜堤のサロン"].pk, imported["境南のサロン"].pk]
    response = client.post(URL, {"action": "publish", "scope": "checked", "ids": ids}, follow=True)
    body = response.content.decode()
    assert "公開する: 1件を変更しました（変更なし 0件・変更できなかった 1件）" in body
    assert "「桜堤のサロン」: 掲載の同意がないため公開できません。" in body
    assert Service.objects.get(name="境南のサロン").is_public
    assert not Service.objects.get(name="桜堤のサロン").is_public
    client.post(URL, {"action": "consent_publish", "scope": "checked", "ids": ids})
    salon = Service.objects.get(name="桜堤のサロン")
    assert salon.is_public and salon.publication_consent
    assert salon.history.first().history_change_reason == "まとめて掲載の同意ありにして公開する"
    events = AuditEvent.objects.filter(
        action="update", summary__startswith="公開の状態をまとめて変更"
    )
    assert events.count() == 2


def test_all_matching_rows_change_at_once(client, tier1, imported):
    client.force_login(tier1)
    client.post(
        f"{URL}?batch=サロン台帳.csv",
        {"action": "consent_publish", "scope": "all", "query": "batch=サロン台帳.csv"},
    )
    published = set(Service.objects.filter(is_public=True).values_list("name", flat=True))
    assert published == {"桜堤のサロン", "境南のサロン", "吉祥寺の体操"}
    client.post(f"{URL}?state=public", {"action": "hide", "scope": "all"})
    assert not Service.objects.filter(is_public=True).exists()


def test_tier2_sees_and_changes_only_its_areas(client, imported):
    tier2 = User.objects.get(username="tier2-1")
    own = set(tier2.areas.values_list("pk", flat=True))
    inside = [s for s in imported.values() if s.area_id in own]
    outside = [s for s in imported.values() if s.area_id not in own]
    assert outside, "the demo rows span more than one area"
    client.force_login(tier2)
    page = client.get(URL).content.decode()
    for service in outside:
        assert service.name not in page
    client.post(
        URL,
        {
            "action": "consent_publish",
            "scope": "checked",
            "ids": [s.pk for s in imported.values()],
        },
    )
    for service in outside:
        assert not Service.objects.get(pk=service.pk).is_public
    for service in inside:
        assert Service.objects.get(pk=service.pk).is_public


def test_roles_without_resource_editing_are_refused(client, musashino):
    client.force_login(User.objects.get(username="official"))
    assert client.get(URL).status_code == 403


def test_hsds_rows_are_public_except_a_private_home(tier1):
    feed = [
        {
            "id": "0d6ab6bf-5c0e-4a5f-9a49-0c5f3b2f0001",
            "name": "公民館の体操",
            "status": "active",
            "service_at_locations": [
                {"location": {"name": "桜堤コミュニティセンター", "addresses": [
                    {"address_1": "武蔵野市桜堤二丁目8番1号", "address_type": "physical"}]}}
            ],
        },
        {
            "id": "0d6ab6bf-5c0e-4a5f-9a49-0c5f3b2f0002",
            "name": "おうちサロン",
            "status": "active",
            "service_at_locations": [
                {"location": {
                    "description": "個人宅のため、所在地は町まで、位置は圏域の代表点で示しています。",
                    "addresses": [{"address_1": "桜堤", "address_type": "physical"}]}}
            ],
        },
    ]  # fmt: skip
    services.import_upload(
        user=tier1, upload=upload(json.dumps(feed).encode(), "hsds.json"), commit=True
    )
    hall = Service.objects.get(name="公民館の体操")
    assert hall.is_public and hall.publication_consent
    home = Service.objects.get(name="おうちサロン")
    assert not home.is_public and not home.publication_consent
    assert home.location.is_private_home
