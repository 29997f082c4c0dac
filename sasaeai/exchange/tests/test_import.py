"""Importing a sheet through the service layer: preview, commit, idempotent re-import, and
nothing written when a row has an error."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.exchange import services
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import template_row, upload, xlsx_bytes
from sasaeai.resources.models import Service
from sasaeai.resources.search import DOCUMENT_COLUMNS, service_document


def _rows():
    return [
        TEMPLATE_HEADERS,
        template_row(
            名称="ふれあいサロン桜堤",
            活動の種類="体操・運動、茶話会・サロン",
            町="桜堤",
            住所="桜堤２丁目８－１",
            開催日時="第2・4水曜 13:30-15:30",
            参加費="100円",
            最終確認日="令和7年4月1日",
            運営団体="桜堤ふれあいの会",
            場所の名称="桜堤集会所",
        ),
        template_row(
            名称="健康麻雀の会",
            住所="武蔵野市境南町3-1",
            開催日時="毎週火曜10時〜12時",
            参加費="無料",
        ),
    ]


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


def test_a_sheet_is_previewed_then_written_and_a_reimport_changes_nothing(tier1):
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(_rows()), "sheet.xlsx"))
    assert batch.preview["counts"]["create"] == 2
    assert Service.objects.count() == 0  # the preview writes nothing
    result = services.batch_commit(batch=batch, user=tier1)
    assert len(result.created) == 2
    salon = Service.objects.get(name="ふれあいサロン桜堤")
    assert salon.town.name == "桜堤"
    assert salon.location.is_approximate
    assert [s.byday for s in salon.schedules.all()] == ["2WE,4WE"]
    assert salon.fee_amount == 100
    assert str(salon.confirmed_at) == "2025-04-01"
    again = services.batch_create(user=tier1, upload=upload(xlsx_bytes(_rows()), "sheet.xlsx"))
    assert again.preview["counts"]["unchanged"] == 2
    services.batch_commit(batch=again, user=tier1)
    assert Service.objects.count() == 2


def test_a_row_with_an_unknown_town_writes_nothing(tier1):
    rows = [*_rows(), template_row(名称="どこかのサロン", 町="存在しない町")]
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(rows), "sheet.xlsx"))
    assert batch.preview["counts"]["error"] == 1
    assert any("存在しない町" in p["message"] for p in batch.preview["problems"])
    with pytest.raises(services.ImportRefused):
        services.batch_commit(batch=batch, user=tier1)
    assert Service.objects.count() == 0
    services.batch_commit(batch=batch, user=tier1, only_valid=True)
    assert Service.objects.count() == 2


def _search_columns(service: Service) -> dict:
    return {column: getattr(service, column) for column in DOCUMENT_COLUMNS}


def test_an_import_stores_the_search_documents_the_model_path_makes(tier1):
    """The import builds its documents from plain values before the rows exist; they must be
    those resources.search makes from the saved resource (the public one included)."""
    rows = [
        *_rows(),
        template_row(
            名称="山田さんちのお茶会",
            通称="山田サロン",
            活動の種類="茶話会・サロン",
            対象者="高齢者一般",
            住所="吉祥寺北町4丁目17番29号",
            方書="コーポ山田101",
            場所の名称="山田宅",
            個人宅="はい",
            運営団体="北町ふれあいの会",
            公開="はい",
            掲載の同意="はい",
        ),
    ]
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(rows), "sheet.xlsx"))
    services.batch_commit(batch=batch, user=tier1)
    for stored in Service.objects.all():
        assert _search_columns(stored) == service_document(stored).columns(), stored.name
    home = Service.objects.get(name="山田さんちのお茶会")
    assert "17番29" in home.search_text and "17番29" not in home.public_search_text
    assert "山田サロン" not in home.public_search_name


def test_an_import_that_changes_a_shared_place_updates_its_other_resources(tier1):
    """Another resource held at a place the import changes is not in the file: its documents
    follow the place all the same. A row that says its place is a private home where the
    shared place is not gets a place of its own, found only by its town."""
    place = dict(
        場所の名称="鈴木集会所", 住所="吉祥寺北町2丁目5番8号", 公開="はい", 掲載の同意="はい"
    )
    first = [TEMPLATE_HEADERS, template_row(名称="すずらんの会", 外部ID="a-1", **place)]
    second = [TEMPLATE_HEADERS, template_row(名称="すずらん体操", 外部ID="a-2", **place)]
    for rows in (first, second):
        batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(rows), "s.xlsx"))
        services.batch_commit(batch=batch, user=tier1)
    one, two = (Service.objects.get(external_id=key) for key in ("a-1", "a-2"))
    assert one.location_id == two.location_id
    changed = [
        TEMPLATE_HEADERS,
        template_row(名称="すずらん体操", 外部ID="a-2", 方書="2階和室", **place),
    ]
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(changed), "s.xlsx"))
    services.batch_commit(batch=batch, user=tier1)
    one.refresh_from_db()
    assert "2階和室" in one.public_search_text
    private = [
        TEMPLATE_HEADERS,
        template_row(名称="すずらん体操", 外部ID="a-2", 個人宅="はい", **place),
    ]
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(private), "s.xlsx"))
    services.batch_commit(batch=batch, user=tier1)
    two.refresh_from_db()
    assert two.location_id != one.location_id and two.location.is_private_home
    assert "5番8" not in two.public_search_text and "5番8" in two.search_text
    for stored in Service.objects.all():
        assert _search_columns(stored) == service_document(stored).columns(), stored.name
