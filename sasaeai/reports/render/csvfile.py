"""Every figure underneath a report as CSV rows (UTF-8 with BOM, so that Excel opens it as
Japanese): period, scope, section, item, breakdown, value, unit. One row per number, so that
a scheduler or a spreadsheet can take any figure without reading the layout."""

from __future__ import annotations

from sasaeai.core.exports import csv_bytes

from ..figures import KEY_FIGURES, ReportFigures

HEADER = ["期間", "範囲", "区分", "項目", "内訳", "値", "単位"]


def figure_rows(f: ReportFigures) -> list[tuple[str, str, str, object, str]]:
    """(section, item, breakdown, value, unit) for every figure of the report."""
    rows: list[tuple[str, str, str, object, str]] = []
    add = rows.append
    for placed in f.placement or []:
        add(("体制", "担当コーディネーター（期間中）", placed.area, len(placed.coordinators), "人"))
    v = f.visits
    add(("(1)訪問", "延べ件数", "", v.total, "件"))
    add(("(1)訪問", "実件数", "", v.distinct, "件"))
    add(("(1)訪問", "総時間", "", v.minutes, "分"))
    add(("(1)訪問", "総時間", "時間（四捨五入）", v.hours, "時間"))
    add(("(1)訪問", "時間を記録した訪問", "", v.timed, "件"))
    add(("(1)訪問", "1件あたり平均", "", v.average_minutes, "分"))
    for place in v.places:
        add(("(1)訪問", "訪問先別の回数", place.display, place.visits, "件"))
        add(("(1)訪問", "訪問先別の時間", place.display, place.minutes, "分"))
    c = f.consultations
    add(("相談", "相談対応件数", "合計", c.total, "件"))
    add(("相談", "相談の方法", "来所・電話", c.office, "件"))
    add(("相談", "相談の方法", "それ以外", c.other, "件"))
    add(("相談", "(2)支援を必要とする人からの相談", "", c.support_needs, "件"))
    add(("相談", "(3)活動者等からの相談", "", c.activity_related, "件"))
    add(("相談", "在宅介護支援センター等につないだ相談", "", c.referred_to_support_center, "件"))
    for row in c.rows:
        add(("相談", "相談者別", row.label, row.count, "件"))
        add(("相談", "相談者別の割合", row.label, c.share(row), "%"))
        add(("相談", "相談者別・在宅介護支援センター等につないだ", row.label, row.referred, "件"))
        for topic in row.topics:
            add(("相談", f"相談内容（{row.label}）", topic.name, topic.count, "件"))
            if topic.referred:
                add(
                    (
                        "相談",
                        f"相談内容（{row.label}）・在宅介護支援センター等につないだ",
                        topic.name,
                        topic.referred,
                        "件",
                    )
                )
        if row.untagged:
            add(("相談", f"相談内容（{row.label}）", "内容の記録なし", row.untagged, "件"))
    for destination in c.destinations:
        add(("相談", "つないだ先", destination.label, destination.count, "件"))
    r = f.referrals
    add(("個別ケース", "受け付けたケース", "", r.cases, "件"))
    add(("個別ケース", "新たにつないだ件数", "", r.new, "件"))
    for status in r.by_status:
        add(("個別ケース", "つなぎの状態（期間末）", status.label, status.count, "件"))
    for outcome in r.by_outcome:
        add(("個別ケース", "終了・中断したつなぎの結果", outcome.label, outcome.count, "件"))
    add(("個別ケース", "報告書に載せた事例", "", len(f.stories), "件"))
    m = f.meetings
    add(("(4)話し合い", "話し合いへの参加", "合計", m.total, "件"))
    for meeting in m.rows:
        add(("(4)話し合い", "会議の種類別", meeting.label, meeting.count, "件"))
    add(("(5)事業の検討", "事業の検討への参加", "合計", m.programme_meetings, "回"))
    for programme in m.programmes:
        add(("(5)事業の検討", "事業・会議別", programme.title, programme.count, "回"))
    o = f.others
    for pub in o.publications:
        add(("(6)広報誌", "発行回数", pub.title, len(pub.issues), "回"))
        add(("(6)広報誌", "発行部数", pub.title, pub.copies_total, "部"))
        for day, copies in zip(pub.issues, pub.copies, strict=True):
            add(("(6)広報誌", "発行部数", f"{pub.title} {day.isoformat()}", copies, "部"))
    for key, label, name in (
        ("(7)体制づくり", "体制づくりの検討・勉強会", "preparations"),
        ("(8)研修", "研修・セミナー等への出席", "trainings"),
        ("(9)講演", "活動報告等の講演", "lectures"),
        ("(10)視察対応", "視察対応", "visitors"),
    ):
        entries = getattr(o, name)
        add((key, label, "件数", o.total(name), "件"))
        add((key, label, "回数（同じ日・同じ名称を1回）", o.events(name), "回"))
        for entry in entries:
            if entry.head_count is not None:
                add(
                    (key, "人数", f"{entry.date.isoformat()} {entry.title}", entry.head_count, "名")
                )
    values = f.key_values()
    if f.previous is not None:
        for key, label, unit in KEY_FIGURES:
            add(("前期との比較", label, f.period.label, values[key], unit))
            if not f.previous.empty:
                add(("前期との比較", label, f.previous.label, f.previous.values.get(key, 0), unit))
            if f.previous_year is not None and not f.previous_year.empty:
                add(
                    (
                        "前年同期との比較",
                        label,
                        f.previous_year.label,
                        f.previous_year.values.get(key, 0),
                        unit,
                    )
                )
    for area in f.areas:
        for key, label, unit in KEY_FIGURES:
            add(("圏域別の比較", label, area.label, area.values.get(key, 0), unit))
    return rows


def render(f: ReportFigures) -> bytes:
    return csv_bytes(
        HEADER,
        (
            [f.period.label, f.scope_label, section, item, breakdown, value, unit]
            for section, item, breakdown, value, unit in figure_rows(f)
        ),
    )
