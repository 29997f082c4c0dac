"""The columns a resource sheet may have: the template's Japanese headers, the other spellings
found in municipal sheets, and the headers of the Digital Agency's 公共施設一覧 (both header
generations). Headers are recognised once here; the mapping step covers the rest."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sasaeai.core.text import search_key


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str  # the template header
    help: str  # the explanation sheet's line
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: str = ""  # the drop-down list in the template (category, area, town, …)
    width: int = 14


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "external_id",
        "外部ID",
        "元の台帳での番号など、資源ごとに変わらない番号。再取り込みのとき同じ資源を更新するために使います。空欄でも取り込めます（その場合は名称と町で同じ資源か判断します）。",
        "SALON-001",
        aliases=("ID", "資源ID", "管理番号", "整理番号", "番号"),
        width=12,
    ),
    ImportField(
        "name",
        "名称",
        "サロン・通いの場・団体の活動などの名称。必須です。",
        "ふれあいサロン桜堤",
        required=True,
        aliases=(
            "資源名",
            "社会資源名",
            "名前",
            "サロン名",
            "活動名",
            "事業名",
            "施設名",
            "団体・活動名",
        ),
        width=24,
    ),
    ImportField(
        "name_kana",
        "ふりがな",
        "名称の読み（ひらがな・カタカナ）。",
        "ふれあいさろんさくらづつみ",
        aliases=("よみがな", "フリガナ", "読み", "名称（カナ）", "名称カナ", "かな"),
        width=24,
    ),
    ImportField(
        "alternate_name", "通称", "よく使われる別の呼び名。", "桜堤サロン", aliases=("別名", "略称")
    ),
    ImportField(
        "categories",
        "活動の種類",
        "選択肢から選びます。複数あるときは「、」で区切って入力します（例: 体操・運動、茶話会・サロン）。",
        "体操・運動",
        aliases=("種類", "種別", "分類", "活動内容の種類", "カテゴリ", "活動分類"),
        choices="category",
        width=20,
    ),
    ImportField(
        "status",
        "状態",
        "活動中・休止中・終了のいずれか。空欄は活動中。",
        "活動中",
        aliases=("活動状況", "状況", "ステータス"),
        choices="status",
        width=10,
    ),
    ImportField(
        "direction",
        "この資源は",
        "利用者へのサービス・担い手の募集・両方のいずれか。空欄なら活動の種類・対象者・内容から判断します（相談の支援で候補を探すときに使います）。",
        "利用者へのサービス",
        aliases=("資源の種類", "サービスか募集か"),
        choices="direction",
        width=18,
    ),
    ImportField(
        "description",
        "内容",
        "活動の内容。住民向けの公開ページにも載ります。",
        "体操とおしゃべりの会です。",
        aliases=("活動内容", "説明", "概要", "内容・特徴"),
        width=30,
    ),
    ImportField(
        "target_groups",
        "対象者",
        "選択肢から選びます。複数は「、」で区切ります。",
        "高齢者一般",
        aliases=("対象", "参加対象", "利用対象者"),
        choices="target",
    ),
    ImportField(
        "eligibility_note",
        "対象の補足",
        "対象についての補足（例: 市内在住の65歳以上）。",
        "",
        aliases=("参加条件", "利用条件"),
    ),
    ImportField(
        "organization",
        "運営団体",
        "運営している団体の名称。同じ名称の団体は1つにまとめます。",
        "桜堤ふれあいの会",
        aliases=("団体名", "運営者", "主催者", "実施団体", "運営主体", "主催団体"),
        width=20,
    ),
    ImportField(
        "operator_type",
        "運営主体の種別",
        "選択肢から選びます（住民団体、社会福祉協議会 など）。",
        "住民団体（自治会、NPO法人等）",
        aliases=("運営の種別", "団体の種別"),
        choices="operator",
        width=20,
    ),
    ImportField("corporate_number", "法人番号", "運営団体の法人番号（13桁）。", "", aliases=()),
    ImportField(
        "location_name",
        "場所の名称",
        "会場の名称（集会所、コミュニティセンターなど）。",
        "桜堤コミュニティセンター",
        aliases=("会場", "開催場所", "場所", "活動場所", "会場名", "施設"),
        width=20,
    ),
    ImportField(
        "area",
        "圏域",
        "日常生活圏域。選択肢から選びます。空欄なら町から決まります。",
        "境・桜堤エリア",
        aliases=("日常生活圏域", "エリア", "地区", "担当圏域"),
        choices="area",
        width=18,
    ),
    ImportField(
        "town",
        "町",
        "町名。選択肢から選びます。空欄なら住所から決まります。",
        "桜堤",
        aliases=("町名", "町丁名", "地域"),
        choices="town",
        width=12,
    ),
    ImportField(
        "address",
        "住所",
        "会場の住所。市区町村名は省略できます。全角の数字や「丁目」の書き方も読み取ります。",
        "桜堤二丁目8番1号",
        aliases=("所在地", "開催場所住所", "会場住所", "住所・所在地"),
        width=24,
    ),
    ImportField(
        "address_2",
        "方書",
        "建物名・部屋番号など。",
        "2階 和室",
        aliases=("建物名", "方書（建物名など）", "建物名等"),
    ),
    ImportField(
        "postal_code",
        "郵便番号",
        "7桁（ハイフンはあってもなくても構いません）。",
        "180-0021",
        aliases=("〒",),
        width=10,
    ),
    ImportField(
        "latitude",
        "緯度",
        "会場の緯度（世界測地系、10進数）。空欄なら町・丁目の代表点に置き「位置はおおよそ」とします。",
        "",
        aliases=("lat", "緯度（世界測地系）"),
        width=11,
    ),
    ImportField(
        "longitude",
        "経度",
        "会場の経度（世界測地系、10進数）。",
        "",
        aliases=("lon", "lng", "経度（世界測地系）"),
        width=11,
    ),
    ImportField(
        "is_private_home",
        "個人宅",
        "自宅開放型など個人の家で開く場合は「はい」。公開地図では圏域の代表点にだけ表示します。",
        "いいえ",
        aliases=("自宅開放", "個人宅で開催"),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "place_type",
        "場所の種別",
        "選択肢から選びます（公民館・自治会館・集会所 など）。",
        "公民館・自治会館・集会所",
        aliases=("会場の種別", "場所の種類"),
        choices="place",
        width=20,
    ),
    ImportField(
        "schedule",
        "開催日時",
        "「毎週火曜10時〜12時」「第2・4水曜 13:30-15:30」「月2回(不定期)」のように書きます。複数は改行か「／」で区切ります。読み取れない書き方は補足として残し、確認が必要な資源として一覧に出します。",
        "第2・4水曜 13:30-15:30",
        aliases=(
            "開催日",
            "日時",
            "開催日時・頻度",
            "開催曜日",
            "活動日",
            "活動日時",
            "開催頻度",
            "実施日時",
            "開催日程",
        ),
        width=26,
    ),
    ImportField(
        "fee",
        "参加費",
        "「無料」または1回あたりの金額（例: 100円）。それ以外の書き方は費用の説明に入ります。",
        "100円",
        aliases=("費用", "会費", "利用料", "料金", "参加費（円）"),
        width=10,
    ),
    ImportField(
        "fees_description",
        "費用の説明",
        "費用についての補足（材料費は別途 など）。",
        "",
        aliases=("費用の補足", "料金の詳細"),
    ),
    ImportField("capacity", "定員", "人数（数字）。", "20", aliases=("定員数", "人数"), width=8),
    ImportField(
        "application_required",
        "申込",
        "申込が必要なら「要」、当日参加できるなら「不要」。",
        "不要",
        aliases=("申込の要否", "事前申込", "申し込み", "予約"),
        choices="application",
        width=8,
    ),
    ImportField(
        "application_process",
        "申込方法",
        "申込の方法（電話で担当者へ など）。",
        "",
        aliases=("申し込み方法", "申込先"),
    ),
    ImportField(
        "contact_name",
        "連絡先担当者",
        "問い合わせ先の担当者名。",
        "",
        aliases=("担当者", "代表者", "連絡先氏名", "問い合わせ先"),
    ),
    ImportField(
        "contact_phone",
        "連絡先電話番号",
        "問い合わせ先の電話番号。",
        "0422-00-0000",
        aliases=("電話番号", "電話", "連絡先", "TEL", "連絡先電話", "問い合わせ電話番号"),
        width=14,
    ),
    ImportField(
        "fax",
        "FAX番号",
        "問い合わせ先のFAX番号。",
        "",
        aliases=("FAX", "ファックス", "ファクス", "ＦＡＸ番号"),
        width=14,
    ),
    ImportField(
        "contact_email",
        "連絡先メールアドレス",
        "問い合わせ先のメールアドレス。",
        "",
        aliases=("メールアドレス", "メール", "E-mail", "email"),
    ),
    ImportField(
        "contact_is_public",
        "連絡先の公開",
        "担当者名と電話番号を公開ページに載せてよければ「はい」。",
        "いいえ",
        aliases=("連絡先を公開",),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "url",
        "ウェブサイト",
        "ホームページのURL。",
        "",
        aliases=("URL", "ホームページ", "HP", "ＵＲＬ"),
    ),
    ImportField(
        "welcomes_volunteers",
        "ボランティア募集",
        "ボランティアを募集していれば「はい」。",
        "いいえ",
        aliases=("ボランティア", "担い手募集"),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "volunteer_roles",
        "ボランティアの役割",
        "募集している役割（受付、お茶出し など）。",
        "",
        aliases=(),
    ),
    ImportField(
        "step_free",
        "段差なし",
        "会場に段差がなければ「はい」。わからなければ空欄。",
        "",
        aliases=("バリアフリー",),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "accessible_toilet",
        "多目的トイレ",
        "多目的トイレがあれば「はい」。",
        "",
        aliases=("車いす対応トイレ",),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "has_seating",
        "椅子席",
        "椅子席があれば「はい」。",
        "",
        aliases=("椅子",),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "accessibility_note",
        "バリアフリーの補足",
        "エレベーター・駐輪場など。",
        "",
        aliases=("バリアフリー情報",),
    ),
    ImportField(
        "publication_consent",
        "掲載の同意",
        "団体から公開の同意を得ていれば「はい」。",
        "はい",
        aliases=("掲載同意", "公開の同意", "同意"),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "is_public",
        "公開",
        "住民向けの公開ページ・パンフレットに載せるなら「はい」（掲載の同意が必要です）。",
        "はい",
        aliases=("公開する", "公開可否", "HP掲載"),
        choices="yesno",
        width=8,
    ),
    ImportField(
        "confirmed_at",
        "最終確認日",
        "訪問や電話で現況を確かめた日。「令和7年4月1日」「R7.4.1」「2025/4/1」のどれでも読み取ります。",
        "令和7年4月1日",
        aliases=("確認日", "現況確認日", "最終更新日", "更新日", "調査日"),
        width=14,
    ),
    ImportField(
        "internal_note",
        "職員メモ",
        "職員だけが見るメモ（公開されません）。",
        "",
        aliases=("備考", "メモ", "特記事項"),
    ),
    ImportField(
        "source_note", "出典の補足", "どの台帳・調査から取ったか。", "", aliases=("出典", "情報源")
    ),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}
TEMPLATE_HEADERS = [f.label for f in FIELDS]

# Keys that come only from the open-data headers and are folded into the fields above.
OPEN_DATA_KEYS = {
    "municipality_code": "全国地方公共団体コード",
    "od_days": "利用可能曜日",
    "od_opens": "開始時間",
    "od_closes": "終了時間",
    "od_schedule_note": "利用可能時間特記事項",
    "od_id": "ID",
    "od_office_number": "事業所番号",
    "od_care_kind": "実施サービス",
    "od_extension": "内線番号",
    "addr_prefecture": "所在地_都道府県",
    "addr_city": "所在地_市区町村",
    "addr_town": "所在地_町字",
    "addr_rest": "所在地_番地以下",
}
IGNORE = ""

# 自治体標準オープンデータセット (Digital Agency). Two generations circulate: the older
# 推奨データセット (NEC-FIWARE/smart-data-models cio/) and the 正式版 with the 所在地_ block. The
# exporter writes the 正式版 公共施設一覧; the importer reads every header below (and the
# spellings seen in published files, e.g. 利用可能日時特記事項 in old 公共施設一覧 files).
# What was checked, and where, is in docs/exchange.md.
OPEN_DATA_OLD_HEADERS = (
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_通称",
    "POIコード",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "説明",
    "バリアフリー情報",
    "URL",
    "備考",
)
OPEN_DATA_NEW_HEADERS = (
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "名称_通称",
    "POIコード",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "高度の種別",
    "高度の値",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能時間特記事項",
    "説明",
    "バリアフリー情報",
    "画像",
    "画像_ライセンス",
    "URL",
    "備考",
)
# 介護サービス事業所一覧: the 推奨データセット (cio/02) and the 正式版 (as published, e.g. 下松市).
CARE_OLD_HEADERS = (
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "介護サービス事業所名称",
    "介護サービス事業所名称_カナ",
    "実施サービス",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "備考",
)
CARE_NEW_HEADERS = (
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "介護サービス事業所名称",
    "介護サービス事業所名称_カナ",
    "介護サービス事業所名称_英字",
    "実施サービス",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "高度の種別",
    "高度の値",
    "電話番号",
    "内線番号",
    "FAX番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
)
OPEN_DATA_HEADER_KEYS = {
    "都道府県コード又は市区町村コード": "municipality_code",
    "全国地方公共団体コード": "municipality_code",
    "市区町村コード": "municipality_code",
    "NO": IGNORE,
    "ID": "od_id",
    "都道府県名": IGNORE,
    "市区町村名": IGNORE,
    "地方公共団体名": IGNORE,
    "名称": "name",
    "名称_カナ": "name_kana",
    "名称_通称": "alternate_name",
    "名称_英字": IGNORE,
    "名称_英語": IGNORE,
    "説明_英語": IGNORE,
    "POIコード": IGNORE,
    "住所": "address",
    "所在地_連結表記": "address",
    "所在地_全国地方公共団体コード": IGNORE,
    "町字ID": IGNORE,
    "所在地_都道府県": "addr_prefecture",
    "所在地_市区町村": "addr_city",
    "所在地_町字": "addr_town",
    "所在地_番地以下": "addr_rest",
    "方書": "address_2",
    "建物名等(方書)": "address_2",
    "緯度": "latitude",
    "経度": "longitude",
    "高度の種別": IGNORE,
    "高度の値": IGNORE,
    "電話番号": "contact_phone",
    "連絡先電話番号": "contact_phone",
    "内線番号": "od_extension",
    "連絡先内線番号": "od_extension",
    "連絡先名称": "contact_name",
    "FAX番号": "fax",
    "連絡先メールアドレス": "contact_email",
    "連絡先FormURL": IGNORE,
    "連絡先備考(その他、SNSなど)": IGNORE,
    "郵便番号": "postal_code",
    "法人番号": "corporate_number",
    "団体名": "organization",
    "法人の名称": "organization",
    "介護サービス事業所名称": "name",
    "介護サービス事業所名称_カナ": "name_kana",
    "介護サービス事業所名称_英字": IGNORE,
    "事業所名": "name",
    "事業所名カナ": "name_kana",
    "実施サービス": "od_care_kind",
    "サービスの種類": "od_care_kind",
    "事業所番号": "od_office_number",
    "利用可能曜日": "od_days",
    "開始時間": "od_opens",
    "終了時間": "od_closes",
    "利用可能時間特記事項": "od_schedule_note",
    "利用可能日時特記事項": "od_schedule_note",
    "利用可能曜日特記事項": "od_schedule_note",
    "料金(基本)": "fee",
    "料金(詳細)": "fees_description",
    "説明": "description",
    "バリアフリー情報": "accessibility_note",
    "アクセス方法": IGNORE,
    "駐車場情報": IGNORE,
    "画像": IGNORE,
    "画像_ライセンス": IGNORE,
    "URL": "url",
    "備考": "internal_note",
}

# LinkData files (and others) carry English property names in a `#property` row above or
# instead of the Japanese header (高松市). The common ones are recognised here.
ENGLISH_PROPERTY_KEYS = {
    "#property": IGNORE,
    "name": "name",
    "kana": "name_kana",
    "nameKana": "name_kana",
    "address": "address",
    "postalCode": "postal_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "telephoneNumber": "contact_phone",
    "tel": "contact_phone",
    "faxNumber": "fax",
    "fax": "fax",
    "email": "contact_email",
    "referenceObject": "url",
    "url": "url",
    "note": "internal_note",
    "description": "description",
    "service": "od_care_kind",
    "category": "categories",
    "availableDate": "od_days",
    "availableDay": "od_days",
    "startTime": "od_opens",
    "endTime": "od_closes",
    "availableDateNote": "od_schedule_note",
    "availableTimeNote": "od_schedule_note",
    "capacity": "capacity",
    "organization": "organization",
}

# Headers of our own exports that are not imported (derived or system values).
EXPORT_ONLY_HEADERS = {"更新日時": IGNORE, "最終確認者": IGNORE}


def header_fold(text: str) -> str:
    """The form headers are compared in: width, kana, case, spaces, brackets and line breaks
    folded (「名称（カナ）」「名称(ｶﾅ)」 and 「名称 カナ」 are one header)."""
    folded = search_key(str(text or ""))
    folded = folded.replace("\n", "")
    return re.sub(r"[\s　・:：()\[\]【】「」*※＊]", "", folded)


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for header, key in {
        **OPEN_DATA_HEADER_KEYS,
        **ENGLISH_PROPERTY_KEYS,
        **EXPORT_ONLY_HEADERS,
    }.items():
        table.setdefault(header_fold(header), key)
    for spec in FIELDS:
        table[header_fold(spec.label)] = spec.key
    for spec in FIELDS:
        for alias in spec.aliases:
            table.setdefault(header_fold(alias), spec.key)
    return table


_HEADER_TABLE = _table()


def recognise_header(header: str) -> str | None:
    """The field key of a known header, "" for a known header that is not imported, None for a
    header we do not know (the mapping step asks about it)."""
    return _HEADER_TABLE.get(header_fold(header))


def header_set_key(headers: list[str]) -> str:
    """One key per set of headers (order and spelling variants aside): a remembered mapping
    applies to every sheet with these headers."""
    folded = sorted({header_fold(h) for h in headers if header_fold(h)})
    return hashlib.sha256("\t".join(folded).encode()).hexdigest()[:40]


def mappable_fields() -> list[tuple[str, str]]:
    """(key, label) of the fields a header may be mapped to in the mapping step."""
    return [(f.key, f.label) for f in FIELDS]


def is_open_data(headers: list[str]) -> bool:
    folded = {header_fold(h) for h in headers}
    marks = {
        header_fold(h)
        for h in (
            "名称_カナ",
            "利用可能曜日",
            "所在地_連結表記",
            "都道府県コード又は市区町村コード",
            "全国地方公共団体コード",
            "介護サービス事業所名称",
            "実施サービス",
            "availableDate",
            "telephoneNumber",
        )
    }
    return len(folded & marks) >= 2
