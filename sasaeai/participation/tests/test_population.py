"""The population import: wide and long layouts, 5-year bands and single ages, towns written
with kanji or digit 丁目, CSV in CP932 and Excel, totals left out, every problem with its row and
column, nothing written while any remains; through the page (preview, confirm) and the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.participation.models import PopulationCount, PopulationDataset
from sasaeai.participation.population import Band, read_band, read_population

pytestmark = pytest.mark.django_db

WIDE = (
    "町丁別年齢別人口（令和8年1月1日現在）\n"
    "町丁名,総数,0～64歳,65～69歳,70～74歳,75～79歳,80歳以上,65歳以上\n"
    "吉祥寺東町一丁目,1000,700,100,80,70,50,300\n"
    "吉祥寺東町2丁目,900,600,90,90,60,60,300\n"
    "吉祥寺東町 計,1900,1300,190,170,130,110,600\n"
    "御殿山１丁目,500,300,60,40,50,50,200\n"
    "合計,2400,1600,250,210,180,160,800\n"
)


def long_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["武蔵野市 各歳別人口"])
    sheet.append(["町名", "年齢", "男", "女"])
    for age in range(60, 101):
        label = "100歳以上" if age == 100 else f"{age}歳"
        sheet.append(["境南町三丁目", label, 3, 4])
    sheet.append(["境南町三丁目", "計", 123, 164])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("65～69歳", Band(65, 69)),
        ("65-69", Band(65, 69)),
        ("６５歳", Band(65, 65)),
        ("100歳以上", Band(100, None)),
        ("90歳～", Band(90, None)),
        ("5歳未満", Band(0, 4)),
        ("総数", None),
    ],
)
def test_age_bands_as_cities_write_them(text, band):
    assert read_band(text) == band


def test_wide_cp932_with_kanji_and_digit_blocks(musashino):
    reading = read_population(WIDE.encode("cp932"), "csv", municipality=musashino)
    assert reading.ok, [p.text() for p in reading.problems]
    assert reading.layout == "wide"
    totals = {t["name"]: t for t in reading.totals()}
    assert set(totals) == {"吉祥寺東町一丁目", "吉祥寺東町二丁目", "御殿山一丁目"}
    # The 65歳以上 column is a subtotal of the bands beside it: counted once.
    assert totals["吉祥寺東町一丁目"]["aged_65"] == 300
    assert totals["吉祥寺東町一丁目"]["aged_75"] == 120
    assert totals["御殿山一丁目"]["total"] == 500
    assert reading.skipped_totals == 2  # 「吉祥寺東町 計」 and 「合計」


def test_long_excel_with_single_ages_and_sexes_added(musashino):
    reading = read_population(long_workbook(), "xlsx", municipality=musashino)
    assert reading.ok, [p.text() for p in reading.problems]
    assert reading.layout == "long"
    (town,) = reading.totals()
    assert town["name"] == "境南町三丁目"
    assert town["aged_65"] == 36 * 7  # ages 65 … 100+, 3 men and 4 women each
    assert town["aged_75"] == 26 * 7


def test_problems_name_row_and_column_and_nothing_is_written(musashino):
    content = (
        "町丁名,60～69歳,70～74歳,75歳以上\n"
        "吉祥寺東町一丁目,10,20,30\n"
        "存在しない町一丁目,1,2,3\n"
        "御殿山一丁目,5,abc,7\n"
    ).encode()
    reading = read_population(content, "csv", municipality=musashino)
    texts = [p.text() for p in reading.problems]
    assert any(t.startswith("3行目・1列目：町名「存在しない町一丁目」") for t in texts)
    assert any(t.startswith("4行目・3列目：人数「abc」") for t in texts)
    assert any("「60～69歳」は65歳の境をまたいで" in t for t in texts)
    user = User.objects.get(username="tier1")
    client = Client()
    client.force_login(user)
    upload = client.post(
        "/participation/population/import/",
        {"file": io.BytesIO(content), "as_of": "2026-01-01"},
        format="multipart",
    )
    assert upload.status_code == 302
    preview = client.get(upload["Location"])
    assert "取り込めません" in preview.content.decode()
    assert client.post(upload["Location"]).status_code == 200
    assert not PopulationDataset.objects.exists()


def test_page_previews_then_imports(musashino):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    upload = client.post(
        "/participation/population/import/",
        {"file": _named(WIDE.encode("cp932"), "人口.csv"), "as_of": "2026-01-01"},
    )
    assert upload.status_code == 302
    preview = client.get(upload["Location"]).content.decode()
    assert "3町丁の人口を取り込みます" in preview
    assert "吉祥寺東町二丁目" in preview
    assert not PopulationDataset.objects.exists()  # nothing before the confirmation
    done = client.post(upload["Location"])
    assert done.status_code == 302
    dataset = PopulationDataset.objects.get()
    assert dataset.as_of == dt.date(2026, 1, 1) and not dataset.is_demo
    assert PopulationCount.objects.filter(dataset=dataset).count() == 3 * 5
    assert AuditEvent.objects.filter(action="import", target_type__icontains="population").exists()
    assert client.post(upload["Location"]).status_code == 404  # applied: gone


def test_page_keeps_the_date_when_the_file_is_missing(musashino):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    answer = client.post("/participation/population/import/", {"as_of": "2026-01-01"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'value="2026-01-01"' in html and "error-summary" in html


def test_tier2_may_not_import(musashino):
    client = Client()
    client.force_login(User.objects.get(username="tier2-1"))
    assert client.get("/participation/population/import/").status_code == 403


def test_cli_imports_and_replaces_the_same_date(musashino, tmp_path):
    path = tmp_path / "人口.csv"
    path.write_bytes(WIDE.encode("cp932"))
    out = io.StringIO()
    call_command("import-population", str(path), user="tier1", as_of="2026-01-01", stdout=out)
    assert "3町丁" in out.getvalue()
    call_command("import-population", str(path), user="tier1", as_of="2026-01-01", stdout=out)
    assert PopulationDataset.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("町丁名,65～69歳\n知らない町,5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command(
            "import-population", str(bad), user="tier1", stdout=io.StringIO(), stderr=io.StringIO()
        )


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")
