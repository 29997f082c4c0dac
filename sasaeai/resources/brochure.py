"""The printable A4 brochure of one area (地域資源マップ): a map drawn here from shipped data
(no tile server: the area's towns at their representative points and each place as a numbered
marker), the municipality's contact number, and the public places of the area as a compact
list (more than three to an A4 page, body text 9.5 pt or larger), with the IPAex Gothic font
embedded so that any PDF reader shows (and can extract) the Japanese text. A QR code leads to
the latest list online."""

import importlib.util
import io
import math
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Circle, Drawing, Rect, String
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
from sasaeai.org.models import Area, Municipality, Town

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
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=13.5, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18),
        "name": ParagraphStyle("name", parent=base, fontSize=12.5, leading=17),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
    }


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


MAP_WIDTH = 180 * mm
MAP_HEIGHT = 95 * mm


def _map(area: Area, items: list) -> Drawing:
    """A schematic map of the area: its towns at their representative points (labelled grey
    dots) and each place as a numbered marker, in an equirectangular projection scaled for the
    latitude. Drawn from shipped data, so it needs no network; positions are approximate."""
    towns = list(
        Town.objects.filter(area=area, latitude__isnull=False).values_list(
            "name", "latitude", "longitude"
        )
    )
    points = [(float(lat), float(lon)) for _n, lat, lon in towns]
    points += [(i.latitude, i.longitude) for i in items if i.latitude is not None]
    drawing = Drawing(MAP_WIDTH, MAP_HEIGHT)
    drawing.add(Rect(0, 0, MAP_WIDTH, MAP_HEIGHT, strokeColor=colors.grey, fillColor=None))
    if not points:
        drawing.add(
            String(
                6 * mm,
                MAP_HEIGHT / 2,
                "地図に示せる位置がありません",
                fontName=FONT_NAME,
                fontSize=10,
            )
        )
        return drawing
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid = math.radians((min(lats) + max(lats)) / 2)
    span_x = max((max(lons) - min(lons)) * math.cos(mid), 0.004)
    span_y = max(max(lats) - min(lats), 0.004)
    margin = 10 * mm
    scale = min((MAP_WIDTH - 2 * margin) / span_x, (MAP_HEIGHT - 2 * margin) / span_y)
    cx = (min(lons) + max(lons)) / 2
    cy = (min(lats) + max(lats)) / 2

    def place(lat: float, lon: float) -> tuple[float, float]:
        x = MAP_WIDTH / 2 + (lon - cx) * math.cos(mid) * scale
        y = MAP_HEIGHT / 2 + (lat - cy) * scale
        return x, y

    for name, lat, lon in towns:
        x, y = place(float(lat), float(lon))
        drawing.add(Circle(x, y, 1.2 * mm, fillColor=colors.lightgrey, strokeColor=colors.grey))
        drawing.add(
            String(
                x + 2 * mm,
                y - 1 * mm,
                name,
                fontName=FONT_NAME,
                fontSize=8,
                fillColor=colors.dimgrey,
            )
        )
    for number, item in enumerate(items, start=1):
        if item.latitude is None:
            continue
        x, y = place(item.latitude, item.longitude)
        drawing.add(
            Circle(x, y, 2.6 * mm, fillColor=colors.white, strokeColor=colors.black, strokeWidth=1)
        )
        drawing.add(
            String(
                x, y - 1.1 * mm, str(number), fontName=FONT_NAME, fontSize=8, textAnchor="middle"
            )
        )
    return drawing


def _contact(municipality: Municipality) -> str:
    policy = selectors.verification_policy(municipality.pk)
    parts = [p for p in [policy.contact_label, policy.contact_phone] if p]
    return "お問い合わせ: " + "　".join(parts) if parts else ""


def brochure_pdf(*, municipality: Municipality, area: Area, finder_url: str) -> bytes:
    styles = _styles()
    result = selectors.service_search_public(
        municipality=municipality, filters=ServiceFilters(area_ids=[area.pk])
    )
    services = list(
        selectors.with_display_relations(result.queryset).order_by("name_kana", "name", "pk")
    )
    items = [
        public_service(s, area_points=selectors.area_centroids(municipality.pk)) for s in services
    ]
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
                    *(
                        [Paragraph(escape(_contact(municipality)), styles["name"])]
                        if _contact(municipality)
                        else []
                    ),
                ],
                _qr(finder_url),
            ]
        ],
        colWidths=[150 * mm, 30 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list = [head, Spacer(1, 3 * mm), _map(area, items)]
    story.append(
        Paragraph(
            "略図: 灰色の点は町の代表点、番号は下の一覧の番号です。位置はおおよそです"
            "（個人のお宅で開かれている場所は地域の中心に示しています）。",
            styles["small"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    if not items:
        story.append(Paragraph("この圏域で公開している場所はまだありません。", styles["body"]))
    for number, item in enumerate(items, start=1):
        lines = [Paragraph(f"{number}. {escape(item.name)}", styles["name"])]
        facts = [
            ("日時", "／".join(item.schedules) or "お問い合わせください"),
            ("場所", item.place),
            (
                "内容",
                "。".join(p for p in ["、".join(item.categories), "、".join(item.targets)] if p),
            ),
            ("費用", f"{item.fee}。{item.application}"),
            ("問合せ", " ".join(p for p in [item.contact_name, item.contact_phone] if p)),
        ]
        rows = [
            [Paragraph(label, styles["small"]), Paragraph(escape(value), styles["body"])]
            for label, value in facts
            if value
        ]
        if item.description:
            description = item.description[:80] + ("…" if len(item.description) > 80 else "")
            rows.append(
                [Paragraph("紹介", styles["small"]), Paragraph(escape(description), styles["body"])]
            )
        table = Table(rows, colWidths=[16 * mm, 164 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -2), 1),
                ]
            )
        )
        story.append(KeepTogether([*lines, table, Spacer(1, 2 * mm)]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 9)
        canvas.drawString(15 * mm, 8 * mm, f"{municipality.name}　{area.name}　{doc.page}ページ")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
