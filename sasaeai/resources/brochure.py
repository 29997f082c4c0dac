"""The printable A4 brochure of one area (地域資源マップ): the public places of the area as a
list, in large type, with the IPAex Gothic font embedded so that any PDF reader shows (and can
extract) the Japanese text. A QR code leads to the latest list online."""

import importlib.util
import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sasaeai.core.eras import era_date
from sasaeai.org.models import Area, Municipality

from . import selectors
from .public import public_service
from .selectors import ServiceFilters

FONT_NAME = "IPAexGothic"


@cache
def register_font() -> str:
    """Registers IPAex Gothic (shipped in the japanize-matplotlib package) with ReportLab."""
    # Located without importing the package (which would import matplotlib).
    spec = importlib.util.find_spec("japanize_matplotlib")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18),
        "name": ParagraphStyle("name", parent=base, fontSize=14, leading=20),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
    }


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def brochure_pdf(*, municipality: Municipality, area: Area, finder_url: str) -> bytes:
    styles = _styles()
    result = selectors.service_search_public(
        municipality=municipality, filters=ServiceFilters(area_ids=[area.pk])
    )
    services = list(
        selectors.with_display_relations(result.queryset).order_by("name_kana", "name", "pk")
    )
    items = [public_service(s) for s in services]
    today = timezone.localdate()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{municipality.name} {area.name} 地域資源マップ",
        author=municipality.name,
        subject="通いの場・サロンなどの一覧",
        lang="ja",
    )
    head = Table(
        [
            [
                [
                    Paragraph(f"{escape(area.name)}　地域資源マップ", styles["title"]),
                    Paragraph(
                        f"{escape(municipality.name)}の通いの場・サロン・地域の活動の一覧です。"
                        f"{era_date(today)}現在。",
                        styles["subtitle"],
                    ),
                    Paragraph(
                        "最新の情報はQRコードのページでご覧いただけます。"
                        "参加の前に、お問い合わせ先にご確認ください。",
                        styles["small"],
                    ),
                ],
                _qr(finder_url),
            ]
        ],
        colWidths=[150 * mm, 30 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list = [head, Spacer(1, 4 * mm)]
    if not items:
        story.append(Paragraph("この圏域で公開している場所はまだありません。", styles["body"]))
    for number, item in enumerate(items, start=1):
        lines = [Paragraph(f"{number}. {escape(item.name)}", styles["name"])]
        facts = [
            ("内容", "、".join(item.categories)),
            ("日時", "／".join(item.schedules) or "お問い合わせください"),
            ("場所", item.place),
            ("費用", item.fee),
            ("参加", item.application),
            ("対象", "、".join(item.targets)),
            ("問合せ", " ".join(p for p in [item.contact_name, item.contact_phone] if p)),
        ]
        rows = [
            [Paragraph(label, styles["small"]), Paragraph(escape(value), styles["body"])]
            for label, value in facts
            if value
        ]
        if item.description:
            rows.append(
                [
                    Paragraph("紹介", styles["small"]),
                    Paragraph(escape(item.description[:200]), styles["body"]),
                ]
            )
        table = Table(rows, colWidths=[18 * mm, 162 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                ]
            )
        )
        story.append(KeepTogether([*lines, table, Spacer(1, 3 * mm)]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 9)
        canvas.drawString(15 * mm, 8 * mm, f"{municipality.name}　{area.name}　{doc.page}ページ")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
