"""One entry point for every format of a report, shared by the download view and the
`sasaeai report` command: the bytes, their content type and a Japanese file name."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from .document import appendix_build, document_build
from .figures import ReportFigures

FORMATS = {
    "html": "ウェブページ（HTML）",
    "pdf": "PDF",
    "appendix": "付録PDF（全件の一覧）",
    "xlsx": "Excel",
    "docx": "Word",
    "csv": "CSV（すべての数値）",
}
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "appendix": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
}
STYLESHEET = Path(__file__).parent / "static" / "reports" / "report.css"


def export_bytes(figures: ReportFigures, fmt: str) -> tuple[bytes, str]:
    if fmt == "csv":
        from .render import csvfile

        return csvfile.render(figures), CONTENT_TYPES[fmt]
    if fmt == "appendix":
        from .render import pdf

        return pdf.render(appendix_build(figures)), CONTENT_TYPES[fmt]
    document = document_build(figures)
    if fmt == "pdf":
        from .render import pdf

        return pdf.render(document), CONTENT_TYPES[fmt]
    if fmt == "xlsx":
        from .render import xlsx

        return xlsx.render(document), CONTENT_TYPES[fmt]
    if fmt == "docx":
        from .render import docx

        return docx.render(document), CONTENT_TYPES[fmt]
    if fmt == "html":
        # A file that stands alone (opened from a disk or mailed): its stylesheet inside.
        html = render_to_string(
            "reports/standalone.html",
            {
                "document": document,
                "figures": figures,
                "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
            },
        )
        return html.encode("utf-8"), CONTENT_TYPES[fmt]
    raise ValueError(f"形式「{fmt}」には対応していません（{'、'.join(FORMATS)}）。")


def export_filename(figures: ReportFigures, fmt: str) -> str:
    """武蔵野市_平成27年度上半期_活動報告_武蔵野市全体.pdf (characters unsafe in file names
    replaced)."""
    scope = figures.scope_label.translate(str.maketrans({c: "_" for c in '\\/:*?"<>| '}))
    if fmt == "appendix":
        return f"{figures.municipality_name}_{figures.period.label}_活動報告_付録_{scope}.pdf"
    return f"{figures.municipality_name}_{figures.period.label}_活動報告_{scope}.{fmt}"


def export_extension(fmt: str) -> str:
    return "pdf" if fmt == "appendix" else fmt
