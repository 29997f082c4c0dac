"""The Digital Agency's 自治体標準オープンデータセット as files really come: both header
generations of 公共施設一覧 and 介護サービス事業所一覧 exactly as defined, English property
headers, `#` meta rows and comment lines, and junk in optional columns that never blocks a row.

The official header lists below are typed from the definitions (see docs/exchange.md, 「見出しの
定義」), independently of sasaeai/exchange/fields.py, so that a change there that drifts from the
definition fails here."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sasaeai.accounts.models import User
from sasaeai.exchange import fields, services
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, upload, xlsx_bytes
from sasaeai.resources.models import Service

PUBLIC_FACILITIES_NEW = [
    "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "名称_通称",
    "POIコード", "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県",
    "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度",
    "高度の種別", "高度の値", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL",
    "連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "団体名", "利用可能曜日", "開始時間",
    "終了時間", "利用可能時間特記事項", "説明", "バリアフリー情報", "画像", "画像_ライセンス", "URL",
    "備考",
]  # fmt: skip
PUBLIC_FACILITIES_OLD = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
    "名称_通称", "POIコード", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号",
    "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "説明",
    "バリアフリー情報", "URL", "備考",
]  # fmt: skip
CARE_NEW = [
    "全国地方公共団体コード", "ID", "地方公共団体名", "介護サービス事業所名称",
    "介護サービス事業所名称_カナ", "介護サービス事業所名称_英字", "実施サービス",
    "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県",
    "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度",
    "高度の種別", "高度の値", "電話番号", "内線番号", "FAX番号", "連絡先メールアドレス",
    "連絡先FormURL", "連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "法人の名称",
    "事業所番号", "利用可能曜日", "利用可能曜日特記事項", "定員", "URL", "画像", "画像_ライセンス",
    "備考",
]  # fmt: skip
CARE_OLD = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "介護サービス事業所名称",
    "介護サービス事業所名称_カナ", "実施サービス", "住所", "方書", "緯度", "経度", "電話番号",
    "内線番号", "FAX番号", "法人番号", "法人の名称", "事業所番号", "利用可能曜日",
    "利用可能曜日特記事項", "定員", "URL", "備考",
]  # fmt: skip

# One row's values by header, for whichever generation's header list is used.
VALUES = {
    "全国地方公共団体コード": "132039",
    "都道府県コード又は市区町村コード": "132039",
    "ID": "F-0001",
    "NO": "1",
    "名称": "境南ふれあいセンター",
    "介護サービス事業所名称": "境南ふれあいセンター",
    "名称_カナ": "キョウナンフレアイセンター",
    "介護サービス事業所名称_カナ": "キョウナンフレアイセンター",
    "名称_英字": "Kyonan Fureai Center",
    "名称_通称": "ふれセン",
    "実施サービス": "通所介護（デイサービス）",
    "所在地_連結表記": "東京都武蔵野市境南町3-1",
    "住所": "東京都武蔵野市境南町3-1",
    "所在地_町字": "境南町3",
    "所在地_番地以下": "1",
    "緯度": "35.6975",
    "経度": "139.5487",
    "電話番号": "0422-00-1234",
    "内線番号": "223",
    "FAX番号": "0422-00-1235",
    "法人の名称": "社会福祉法人さかい",
    "団体名": "社会福祉法人さかい",
    "事業所番号": "1371200001",
    "利用可能曜日": "月火水木金土日",
    "開始時間": "9:00",
    "終了時間": "17:00",
    "利用可能時間特記事項": "年末年始を除く",
    "利用可能日時特記事項": "年末年始を除く",
    "利用可能曜日特記事項": "年末年始を除く",
    "定員": "30",
    "説明": "地域の集いの場です。",
}


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


def test_the_headers_follow_the_definitions():
    assert list(fields.OPEN_DATA_NEW_HEADERS) == PUBLIC_FACILITIES_NEW
    assert list(fields.OPEN_DATA_OLD_HEADERS) == PUBLIC_FACILITIES_OLD
    assert list(fields.CARE_NEW_HEADERS) == CARE_NEW
    assert list(fields.CARE_OLD_HEADERS) == CARE_OLD


def test_the_public_facilities_export_writes_the_new_header_and_its_opening_hours_note(
    tier1, client
):
    content = xlsx_bytes(
        [
            fields.TEMPLATE_HEADERS,
            template_row(
                名称="公開のサロン",
                町="桜堤",
                開催日時="毎週火曜 10:00-12:00 祝日休み",
                公開="はい",
                掲載の同意="はい",
            ),
        ]
    )
    services.import_upload(user=tier1, upload=upload(content, "a.xlsx"), commit=True)
    client.force_login(tier1)
    text = client.get("/exchange/export/public-facilities.csv").content.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(",") == PUBLIC_FACILITIES_NEW
    values = dict(zip(PUBLIC_FACILITIES_NEW, row.split(","), strict=True))
    assert values["利用可能時間特記事項"] == "毎週火曜 10:00〜12:00 祝日休み"
    assert values["利用可能曜日"] == "火"


@pytest.mark.parametrize(
    "headers",
    [PUBLIC_FACILITIES_NEW, PUBLIC_FACILITIES_OLD, CARE_NEW, CARE_OLD],
    ids=[
        "公共施設一覧・正式版",
        "公共施設一覧・推奨",
        "介護サービス事業所一覧・正式版",
        "介護・推奨",
    ],
)
def test_every_official_header_is_recognised_and_read(tier1, headers):
    row = [VALUES.get(h, "") for h in headers]
    report = services.import_upload(
        user=tier1, upload=upload(csv_bytes([headers, row], encoding="cp932"), "od.csv"),
        commit=True,
    )  # fmt: skip
    assert report.format == "opendata"
    assert report.unmapped == []  # no header left unknown
    service = Service.objects.get()
    assert service.name == "境南ふれあいセンター"
    assert service.name_kana == "キョウナンフレアイセンター"
    assert service.location.town.name == "境南町"
    assert service.contact_phone == "0422-00-1234 内線223"
    [schedule] = service.schedules.all()
    assert schedule.byday == "MO,TU,WE,TH,FR,SA,SU" or schedule.freq == "DAILY"
    assert schedule.closed_year_end  # the 特記事項 is read, whichever its spelling
    assert service.is_public and service.publication_consent  # open data is published data
    if "事業所番号" in headers:
        assert service.external_id == "1371200001"  # the office number is the key
        assert service.fax == "0422-00-1235"
        assert service.capacity == 30
        assert service.organization.name == "社会福祉法人さかい"
        assert "サービスの種類: 通所介護（デイサービス）" in service.description
        assert [c.name for c in service.categories.all()] == ["その他"]
    else:
        assert service.external_id in ("F-0001", "")


def _run(path, *args):
    out = io.StringIO()
    call_command(
        "import-resources", str(path), "--user", "tier1", "--yes", "--no-progress", *args,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_junk_in_optional_columns_never_blocks_a_row(tier1, tmp_path):
    headers = ["名称", "住所", "電話番号", "郵便番号", "法人番号", "団体名", "利用可能曜日"]
    rows = [
        ["電話なしのサロン", "武蔵野市境南町3-1", "なし", "-", "", "", "月"],
        ["法人番号の壊れた会", "武蔵野市境南町3-2", "0422-11-2222", "", "4.00E+12", "ある会", "火"],
        ["内線つきの窓口", "武蔵野市境南町3-3", "0422-33-4444（内線２２３）", "180-0023", "", "", "水"],
        ["番号の読めない会", "武蔵野市境南町3-4", "でんわ", "１８０", "", "", "木"],
    ]  # fmt: skip
    path = tmp_path / "junk.csv"
    path.write_bytes(csv_bytes([headers, *rows], encoding="cp932"))
    out = _run(path)
    assert "取り込みました: 新規登録 4件" in out
    assert Service.objects.get(name="電話なしのサロン").contact_phone == ""
    broken = Service.objects.get(name="法人番号の壊れた会")
    assert broken.organization.name == "ある会"
    assert broken.organization.corporate_number == ""
    assert "3行目 5列目「法人番号」: 法人番号「4.00E+12」はExcelが指数の形" in out
    assert Service.objects.get(name="内線つきの窓口").contact_phone == "0422-33-4444 内線223"
    unreadable = Service.objects.get(name="番号の読めない会")
    assert unreadable.contact_phone == ""
    assert "5行目 3列目「電話番号」: 電話番号「でんわ」の形が正しくありません" in out
    assert "5行目 4列目「郵便番号」: 郵便番号「１８０」は7桁の数字で入力してください" in out


def test_only_no_name_or_no_place_refuses_a_row_with_row_column_and_what_to_do(tier1, tmp_path):
    headers = ["名称", "住所", "緯度", "経度", "電話番号"]
    rows = [
        ["よい会", "武蔵野市境南町3-1", "", "", "なし"],
        ["", "武蔵野市境南町3-2", "", "", ""],
        ["どこかの会", "どこか遠くの町1-1", "", "", ""],
        ["点のある会", "武蔵野市どこか町1-1", "35.7033", "139.5603", ""],
    ]  # fmt: skip
    path = tmp_path / "refusals.csv"
    path.write_bytes(csv_bytes([headers, *rows]))
    with pytest.raises(CommandError, match="エラーのある行が2行"):
        _run(path)
    out = _run(path, "--only-valid")
    assert "新規登録 2件" in out
    assert "3行目 1列目「名称」: 名称がありません。名称は必須です。" in out
    assert (
        "4行目 2列目「住所」: 住所「どこか遠くの町1-1」から武蔵野市の町を特定できず、緯度・経度も"
        "ありません。市内の住所か確かめるか、「町」の列に町名か、緯度・経度を入れてください。"
    ) in out
    # A good point with an unknown town keeps its point and takes the nearest town.
    placed = Service.objects.get(name="点のある会")
    assert placed.location.town is not None
    assert str(placed.location.latitude) == "35.703300"
    assert "5行目 2列目「住所」: 「武蔵野市どこか町1-1」は武蔵野市の町として読めません" in out


def test_linkdata_meta_rows_and_a_comment_line_are_passed_over(tier1, tmp_path):
    rows = [
        ["# 武蔵野市 公共施設一覧（試験）"],
        ["#property", "name", "address", "availableDate", "startTime", "endTime"],
        ["#type", "string", "string", "string", "time", "time"],
        ["1", "英語見出しのサロン", "武蔵野市境南町3-1", "月火水木金土日", "10:00", "12:00"],
    ]
    path = tmp_path / "linkdata.csv"
    path.write_bytes(csv_bytes(rows))
    out = _run(path)
    assert "新規登録 1件" in out
    service = Service.objects.get()
    assert service.name == "英語見出しのサロン"
    assert service.schedules.get().byday == "MO,TU,WE,TH,FR,SA,SU"


def test_unknown_headers_are_listed_with_what_to_map(tier1, tmp_path):
    path = tmp_path / "unknown.csv"
    path.write_bytes(csv_bytes([["施設の呼び名", "ところ"], ["あるサロン", "境南町"]]))
    with pytest.raises(CommandError) as error:
        _run(path)
    message = str(error.value)
    assert "このファイルの見出し: 「施設の呼び名」、「ところ」" in message
    assert "--map 見出し=名称" in message
    out = _run(path, "--map", "施設の呼び名=名称", "--map", "ところ=町")
    assert "新規登録 1件" in out
