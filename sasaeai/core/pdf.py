"""Shared pieces for PDF documents: the embedded Japanese font (IPAex Gothic, shipped in the
japanize-matplotlib package so that every viewer shows it), paragraph styles and page numbers."""

import importlib.util
from functools import cache
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "IPAexGothic"


@cache
def japanese_font() -> str:
    """Registers IPAex Gothic with ReportLab (once) and returns its name."""
    # Found without importing the package (importing it would load matplotlib).
    spec = importlib.util.find_spec("japanize_matplotlib")
    path = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


@cache
def styles() -> dict[str, ParagraphStyle]:
    font = japanese_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, spaceAfter=10, alignment=TA_CENTER
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, fontSize=15, leading=22, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12.5, leading=19, spaceBefore=8, spaceAfter=4
        ),
    }


def draw_page_number(canvas, doc) -> None:
    """Footer 「- 3 -」 on every page (use as onFirstPage/onLaterPages)."""
    canvas.saveState()
    canvas.setFont(japanese_font(), 9)
    width, _ = doc.pagesize
    canvas.drawCentredString(width / 2, 12 * 2.83465, f"- {doc.page} -")
    canvas.restoreState()
