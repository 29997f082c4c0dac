"""The seed as the test: the tier-1 coordinator's 平成27年度上半期 records (sasaeai demo) give a
report that prints every figure of the seed's 「武蔵野市生活支援コーディネーター平成27年度上半期
活動報告」 and its table 「相談対応件数と相談者別割合」, counted from the records.

The checks read the report's computed parts only (the free text, which a coordinator types
and which quotes some numbers, is left out), in the web page, the PDF and the Excel workbook.
"""

import io
import re

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.core.periods import half_year
from sasaeai.reports.document import document_build
from sasaeai.reports.render import pdf
from sasaeai.reports.selection import scope_parse
from sasaeai.reports.selectors import report_figures

PERIOD = half_year(2015, "first")

# Every figure the seed prints, in the form the report writes it.
SEED_FIGURES = [
    # (1) visits
    "延べ55件(実29件)",
    "総時間86時間(1件あたり平均約94分訪問)",
    "よりあい食堂(桜堤)、まきばサロン(西久保)、ひびのさんら(吉祥寺北町)、さくら倶楽部(桜堤)、"
    "メディカルフィットネス(境南町)、たんぽぽサロン(吉祥寺東町)、ここに体懐(吉祥寺北町)、"
    "みんなでカフェ(御殿山)、ふれあいルーム(西久保)、コグマサロン(全市)、手芸クラブ(桜堤)、"
    "クラフトハウス(関前)、音楽療法会武蔵野(境南町)",
    # (4) meetings
    "地域住民および関係団体等との話し合いへの参加 15件",
    "地域ケア会議(事前打ち合わせ、反省会を含む)への参加 11件",
    "地域団体の会議への参加 4件",
    "桜堤コミセンとケアハウス話し合い",
    "吉祥寺活性化協議会との連携に向けて話し合い",
    "御殿山2丁目つどいの場づくり準備会",
    # (5) programmes
    "地域交流ポイント（仮称）検討ワーキング会議（視察等を含む）への参加",
    "短期集中機能訓練の実施に向けた話し合いへの参加",
    "脳のいきいき健康教室の検討・実施に向けた話し合いへの参加",
    "介護予防事業連絡調整会議への参加",
    # (6) the publication
    "武蔵野安心・安全ニュースの作成、配布",
    "※1回500部発行(偶数月20日発行)",
    "老人クラブ・テンミリオンハウス・民生委員・福祉公社・ケアマネジャー・地域社協および見守り・"
    "孤立防止ネットワーク連絡会議メンバーなど",
    # (7)
    "平成27年4月15日(水)生活支援コーディネーター調整会議",
    "平成27年5月1日(金)生活支援コーディネーター調整会議",
    "平成27年5月25日(月)在宅介護支援センター職員向け勉強会(34名出席)",
    # (8) trainings (the seed's 4月30日(金) is a Thursday in the calendar)
    "平成27年4月28日(火)総合事業自治体フォーラム",
    "平成27年4月30日(木)流山市視察",
    "平成27年6月26日(金)総合事業自治体情報交換会（ベストプラクティス）",
    "平成27年7月17日(金)東京都介護予防推進会議",
    "平成27年7月30日(木)〜31日(金)生活支援コーディネーター指導者養成中央研修",
    "平成27年8月4日(火)生活支援体制整備事業の早期取り組みセミナー",
    "平成27年9月18日(金)生活支援コーディネーター情報交換会（三鷹市・狛江市・調布市・清瀬市）",
    # (9) lectures
    "平成27年9月4日(金)社会福祉法人武蔵野地域包括ケア推進会議",
    "平成27年9月15日(火)東京都社会福祉協議会制度検討委員会研修会",
    # (10) visitors
    "平成27年6月9日(火)東京都(2名)",
    "平成27年6月19日(金)目黒区(4名)",
    # the table 相談対応件数と相談者別割合
    "【参考】平成27年度上半期相談対応件数 合計95件",
    "(来所及び電話42件：それ以外53件)",
    "介護保険・福祉施設(4件)、個別ケース(2件)(※2件とも在宅介護支援センターにつないだ)",
    "個別ケース(9件)(※うち6件は在宅介護支援センターにつないだ)、講座やイベントの講師(6件)、"
    "活動費(6件)、他地域の取組(5件)、プログラム内容(4件)、介護保険・福祉施設(3件)、認知症(3件)、"
    "地域課題・社会資源(3件)、活動場所の確保(2件)、空き家の活用(2件)",
    "生活保護(1件)",
    "消費者被害(1件)",
    "リビングウィル(1件)",
    "テンミリオンハウス",
    "マイナンバー(1件)",
    "インフォーマルサービスへの紹介(7件)、ボランティア依頼(3件)、その他(1件)",
    "地域向け事業(7件)、総合事業(2件)",
    "在宅介護支援センター、市民社協、大学、市議会議員、他課職員、コミセン役員より",
    # the stories
    "要支援者をボランティア活動につなげた事例",
    "デイサービスから、近所のつどいの場等につなげた事例",
    "60〜64歳・女性・要支援1",
    "70〜74歳・男性・要支援1",
]

# The table's rows: 相談者, 相談件数 (and the share the pie shows).
SEED_TABLE = {
    "高齢者": 13,
    "地域活動者": 50,
    "ケアマネジャー": 11,
    "福祉施設・事業所": 9,
    "その他関係機関等": 12,
}


@pytest.fixture
def seeded(musashino):
    from sasaeai.reports import seed_demo
    from sasaeai.resources import demo as resources_demo

    resources_demo.load(musashino)
    seed_demo.load(musashino)
    return musashino


def _computed_text(document) -> str:
    """The report's text without the parts people write (成果・課題・注記)."""
    parts = []
    for section in document.sections:
        if section.key in ("texts", "notes"):
            continue
        parts.append(section.title)
        for block in section.blocks:
            if block.kind == "para":
                parts.append(block.text)
            elif block.kind == "items":
                parts.extend(block.items)
            elif block.kind == "table":
                parts.extend(str(cell) for row in block.rows for cell in row)
    return "\n".join(parts)


@pytest.mark.django_db
def test_the_seed_report_from_the_records(seeded):
    tier1 = User.objects.get(username="tier1")
    scope = scope_parse("municipality", municipality=seeded)
    figures, report = report_figures(user=tier1, period=PERIOD, scope=scope)
    assert figures.title == "武蔵野市生活支援コーディネーター平成27年度上半期活動報告"
    assert (figures.visits.total, figures.visits.distinct) == (55, 29)
    assert (figures.visits.minutes, figures.visits.hours, figures.visits.average_minutes) == (
        5160,
        86,
        94,
    )
    c = figures.consultations
    assert (c.total, c.office, c.other) == (95, 42, 53)
    assert {row.label: row.count for row in c.rows} == SEED_TABLE
    assert c.referred_to_support_center == 8
    assert figures.meetings.total == 15
    assert {r.label: r.count for r in figures.meetings.rows} == {
        "地域ケア会議(事前打ち合わせ、反省会を含む)": 11,
        "地域団体の会議": 4,
    }
    assert [p.copies_per_issue for p in figures.others.publications] == [500]
    assert [(s.title, s.section) for s in figures.stories] == [
        ("要支援者をボランティア活動につなげた事例", "support"),
        ("デイサービスから、近所のつどいの場等につなげた事例", "support"),
        # The seed's third story sits in section (3).
        (
            "民間事業所からの相談を地域につなげ、新しい取り組みを考え始めた事例",
            "activity_consultations",
        ),
    ]
    # The stories' cases were followed: three referrals proposed in the half, none closed.
    assert figures.referrals.new == 3
    assert figures.referrals.cases == 2
    assert {s.label: s.count for s in figures.referrals.by_status} == {
        "見学・体験": 1,
        "利用開始": 1,
        "定着": 1,
    }
    text = _computed_text(document_build(figures))
    missing = [figure for figure in SEED_FIGURES if figure not in text]
    assert not missing, missing
    # The saved text and the reconciliation notes are kept with the report.
    assert report is not None
    assert "表「相談対応件数と相談者別割合」に合わせました" in figures.texts["notes"]
    assert figures.texts["achievements"].startswith("地域の高齢者向けに")


@pytest.mark.django_db
def test_loading_twice_changes_nothing(seeded):
    from sasaeai.activities.models import Consultation, Visit
    from sasaeai.cases.models import CaseStory
    from sasaeai.reports import seed_demo
    from sasaeai.reports.models import ReportText

    counts = (
        Visit.objects.count(),
        Consultation.objects.count(),
        CaseStory.objects.count(),
        ReportText.objects.count(),
    )
    seed_demo.load(seeded)
    assert counts == (
        Visit.objects.count(),
        Consultation.objects.count(),
        CaseStory.objects.count(),
        ReportText.objects.count(),
    )


@pytest.mark.django_db
def test_the_web_page_prints_the_seed(seeded, client, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="official"))
    url = reverse("reports:show") + "?fiscal_year=2015&half=first&scope=municipality"
    with django_assert_max_num_queries(62):  # +2: the standing texts, the photos
        response = client.get(url)
    body = response.content.decode()
    from html import unescape

    plain = unescape(re.sub(r"<[^>]+>", "", body))
    for figure in SEED_FIGURES:
        assert figure in plain, figure
    for label, count in SEED_TABLE.items():
        assert f"{label} {count}件" in body  # the pie's legend (SVG)


@pytest.mark.django_db
def test_the_pdf_extracts_with_every_seed_figure(seeded):
    """With the written text left out, every figure in the PDF comes from the records."""
    from pypdf import PdfReader

    scope = scope_parse("municipality", municipality=seeded)
    figures, _ = report_figures(user=None, period=PERIOD, scope=scope)
    figures.texts = {}
    content = pdf.render(document_build(figures))
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    missing = [f for f in SEED_FIGURES if re.sub(r"\s+", "", f) not in text]
    assert not missing, missing
    for label, count in SEED_TABLE.items():
        assert f"{label}{count}件" in text


@pytest.mark.django_db
def test_the_excel_numbers_equal_the_web_page(seeded, client):
    from openpyxl import load_workbook

    client.force_login(User.objects.get(username="tier1"))
    query = "?fiscal_year=2015&half=first&scope=municipality"
    page = client.get(reverse("reports:show") + query).content.decode()
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports:download", args=["xlsx"]) + query).content)
    )
    sheet = workbook["相談者別割合"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    for label, count in SEED_TABLE.items():
        assert rows[label][1] == count
        # The web page's table shows the same count and share.
        assert re.search(
            rf"<th scope=\"row\">{label}</th>\s*<td class=\"num\">{count}</td>"
            rf"<td class=\"num\">{rows[label][2]}</td>",
            page,
        ), label
    assert rows["合計"][1] == 95
    visits = workbook["(1)訪問"]
    totals = [row[:4] for row in visits.iter_rows(values_only=True) if row and row[0] == "合計"]
    assert totals == [("合計", None, 55, 5160)]
    summary = {
        row[0]: row[1] for row in workbook["概要"].iter_rows(values_only=True) if row and row[0]
    }
    assert (
        summary["訪問（延べ）"] == 55
        and summary["相談対応"] == 95
        and summary["話し合いへの参加"] == 15
    )


@pytest.mark.django_db
def test_the_areas_side_by_side_add_up_to_the_whole(seeded):
    """Each area's column counts that area's records once: the columns add up to the whole,
    less what was recorded for the whole city (コグマサロン, the office consultations)."""
    scope = scope_parse("municipality", municipality=seeded)
    figures, _ = report_figures(user=None, period=PERIOD, scope=scope)
    column = {a.label: a.values for a in figures.areas}
    assert len(column) == 6
    # Both stories' cases are in 中央エリア: their three referrals, not one per transition.
    assert column["中央エリア"]["referrals_new"] == 3
    assert sum(v.get("referrals_new", 0) for v in column.values()) == 3
    citywide_visits = 3  # コグマサロン (全市), three rounds
    assert sum(v.get("visits", 0) for v in column.values()) == 55 - citywide_visits


@pytest.mark.django_db
def test_comparisons_and_tiers_count_as_each_scope_alone(seeded):
    """The report counts 前期, 前年同期 and the tiers in shared grouped passes; each equals the
    key figures of that period and scope counted on their own (the seed's three new
    referrals fall in 前年同期 of the next first half)."""
    from sasaeai.activities import counting

    scope = scope_parse("municipality", municipality=seeded)
    for period in (PERIOD, half_year(2016, "first")):
        figures, _ = report_figures(user=None, period=period, scope=scope)
        assert figures.previous.values == counting.key_figures(period.previous(), scope)
        assert figures.previous_year.values == counting.key_figures(
            period.same_period_last_year(), scope
        )
        for tier, comparison in zip((1, 2), figures.tiers, strict=True):
            alone = counting.key_figures(period, counting.Scope.for_tier(seeded, tier))
            assert comparison.values == alone
    assert figures.previous_year.values["referrals_new"] == 3


@pytest.mark.django_db
def test_the_word_and_csv_files_carry_the_figures(seeded):
    from docx import Document

    from sasaeai.reports.render import csvfile, docx

    scope = scope_parse("municipality", municipality=seeded)
    figures, _ = report_figures(user=None, period=PERIOD, scope=scope)
    figures.texts = {}
    word = Document(io.BytesIO(docx.render(document_build(figures))))
    text = "\n".join(p.text for p in word.paragraphs)
    text += "\n" + "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    missing = [f for f in SEED_FIGURES if f not in text]
    assert not missing, missing
    rows = csvfile.render(figures).decode("utf-8-sig").splitlines()
    for label, count in SEED_TABLE.items():
        assert any(f",相談者別,{label},{count},件" in row for row in rows), label


@pytest.mark.django_db
def test_the_seed_report_has_the_seeds_opening_department_and_footnote(seeded):
    """1 生活支援コーディネーターとは and 2 活動内容 come first, the 担当課 line heads the
    report, the ※ note sits under the consultation table and the third story in (3): on the
    page and in the PDF."""
    from pypdf import PdfReader

    tier1 = User.objects.get(username="tier1")
    scope = scope_parse("municipality", municipality=seeded)
    figures, _ = report_figures(user=tier1, period=PERIOD, scope=scope)
    document = document_build(figures)
    assert [s.title for s in document.sections[:2]] == ["生活支援コーディネーターとは", "活動内容"]
    assert document.sections[1].blocks[0].items[0].startswith("(1) 高齢者向けサロン等の訪問")
    assert document.lines[0] == "武蔵野市 健康福祉部 高齢者支援課"
    table = next(s for s in document.sections if s.key == "consultation_table")
    assert table.blocks[-1].text == (
        "※市役所内での窓口・電話において対応した一般的な問い合わせや相談は除く。"
    )
    third = next(s for s in document.sections if s.key == "activity_consultations")
    assert "＜民間事業所からの相談を地域につなげ、新しい取り組みを考え始めた事例＞" in [
        b.text for b in third.blocks if b.kind == "para"
    ]
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(document))).pages
    ).replace("\n", "")
    for expected in (
        "生活支援コーディネーターとは",
        "武蔵野市 健康福祉部 高齢者支援課",
        "市役所内での窓口・電話において対応した一般的な問い合わせや相談は除く",
        "民間事業所からの相談を地域につなげ",
    ):
        assert expected in text
