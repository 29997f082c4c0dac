"""The briefing pack (協議体資料) for council members: each issue on the meeting's agenda with
its evidence figures by area, its history and the proposed wording. No personal data: only
counts, issue texts written for the council, and dated steps."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from sasaeai.core.eras import era_date
from sasaeai.core.pdf import draw_page_number, japanese_font, styles

from . import selectors
from .models import IssueEvidence


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    font = japanese_font()
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#666666")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_briefing_pack(*, meeting) -> bytes:
    s = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"{meeting.title} 資料",
        author="ささえあい",
    )
    story = [
        Paragraph(escape(f"{meeting.title} 資料"), s["title"]),
        Paragraph(
            escape(
                f"開催日: {era_date(meeting.date)}"
                + (f"　会場: {meeting.venue}" if meeting.venue else "")
            ),
            s["body"],
        ),
    ]
    if meeting.council_id:
        story.append(Paragraph(escape(f"協議体: {meeting.council.name}"), s["body"]))
    items = list(selectors.agenda_of(meeting=meeting))
    story.append(Spacer(1, 6 * mm))
    if not items:
        story.append(Paragraph("議題に地域課題が登録されていません。", s["body"]))
    for number, item in enumerate(items, start=1):
        issue = item.issue
        counts = selectors.evidence_counts(issue=issue)
        areas = "、".join(a.name for a in issue.areas.all()) or "市全域"
        block = [
            Paragraph(escape(f"議題{number}　{issue.title}"), s["h1"]),
            Paragraph(
                escape(
                    f"段階: {issue.get_status_display()}　対象: {areas}　"
                    f"提起: {era_date(issue.raised_on, weekday=False)}"
                ),
                s["small"],
            ),
            Paragraph(escape(issue.description).replace("\n", "<br/>"), s["body"]),
        ]
        story.append(KeepTogether(block))
        story.append(Paragraph("根拠となる記録（件数）", s["h2"]))
        kind_row = [
            [IssueEvidence.Kind(k).label for k in counts.by_kind] + ["合計"],
            [f"{n}件" for n in counts.by_kind.values()] + [f"{counts.total}件"],
        ]
        story.append(_table(kind_row, [28 * mm] * (len(counts.by_kind) + 1)))
        if counts.by_area:
            story.append(Spacer(1, 3 * mm))
            story.append(
                _table(
                    [["圏域", "件数"]] + [[a, f"{n}件"] for a, n in counts.by_area],
                    [60 * mm, 25 * mm],
                )
            )
        if counts.by_half_year:
            story.append(Spacer(1, 3 * mm))
            story.append(
                _table(
                    [["期間", "件数"]] + [[p, f"{n}件"] for p, n in counts.by_half_year],
                    [60 * mm, 25 * mm],
                )
            )
        figures = list(issue.figures.all())
        if figures:
            story.append(Paragraph("数値の根拠", s["h2"]))
            for figure in figures:
                story.append(
                    Paragraph(
                        escape(
                            f"{figure.statement}（{era_date(figure.as_of, weekday=False)}時点）"
                        ),
                        s["body"],
                    )
                )
        story.append(Paragraph("これまでの経過", s["h2"]))
        for step in selectors.transitions_of(issue=issue):
            where = f"（{step.meeting.title}）" if step.meeting_id else ""
            story.append(
                Paragraph(
                    escape(
                        f"{era_date(step.date, weekday=False)}　{step.get_to_status_display()}{where}"
                        + (f"　{step.reason}" if step.reason else "")
                    ),
                    s["small"],
                )
            )
        if issue.proposed_wording:
            story.append(Paragraph("提言の文案", s["h2"]))
            story.append(
                Paragraph(escape(issue.proposed_wording).replace("\n", "<br/>"), s["body"])
            )
        story.append(Spacer(1, 6 * mm))
    doc.build(story, onFirstPage=draw_page_number, onLaterPages=draw_page_number)
    return buffer.getvalue()
