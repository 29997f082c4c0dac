"""The report as a Word document that officials edit before submitting it: A4 portrait, the
same sections and tables as the PDF, page numbers in the footer, the pie as a picture."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..document import Document, Items, Para, Photo, Pie, Section, Table
from . import chart
from .pdf import cell_text

# Fonts every Japanese Windows and macOS has; Word substitutes on other systems.
EAST_ASIAN_FONT = "游ゴシック"
LATIN_FONT = "Yu Gothic"
MUTED = RGBColor(0x55, 0x55, 0x55)


def _set_fonts(style, size: float | None = None, colour: RGBColor | None = None) -> None:
    style.font.name = LATIN_FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    if size is not None:
        style.font.size = Pt(size)
    if colour is not None:
        style.font.color.rgb = colour


def _page_number(paragraph) -> None:
    """「- n / N -」 with Word's PAGE and NUMPAGES fields."""

    def field(code: str) -> None:
        run = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = code
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        text = OxmlElement("w:t")
        text.text = "1"
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        for element in (begin, instruction, separate, text, end):
            run._r.append(element)

    paragraph.add_run("- ")
    field("PAGE")
    paragraph.add_run(" / ")
    field("NUMPAGES")
    paragraph.add_run(" -")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _table(word, block: Table, width_mm: float) -> None:
    if block.caption:
        word.add_paragraph(block.caption, style="Caption")
    numeric = block.numeric_columns
    table = word.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = block.widths or [1] * len(block.columns)
    total = sum(weights)
    widths = [Mm(width_mm * w / total) for w in weights]
    for index, name in enumerate(block.columns):
        cell = table.rows[0].cells[index]
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
        _shade(cell, "E8F1FE")
    for values in block.rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            cells[index].text = cell_text(value)
            if index in numeric:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if block.total_row:
        for cell in table.rows[-1].cells:
            _shade(cell, "F2F2F2")
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
    _grid(table, widths)
    # The header row repeats on every page the table spans.
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    word.add_paragraph()


def _grid(table, widths) -> None:
    """The table's column grid (w:tblGrid/w:gridCol) in the cells' widths, and a fixed
    layout: LibreOffice lays a table out by its grid, not by the cells' widths, and drew
    equal columns while python-docx's grid said so."""
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(width.twips)))
    properties = table._tbl.tblPr
    layout = properties.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        properties.append(layout)
    layout.set(qn("w:type"), "fixed")
    total = properties.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        properties.append(total)
    total.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    total.set(qn("w:type"), "dxa")


def _photo(word, block: Photo, width_mm: float) -> None:
    scale = min(min(width_mm, 120) / block.width, 80 / block.height)
    word.add_picture(io.BytesIO(block.data), width=Mm(block.width * scale))
    word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = word.add_paragraph(block.caption, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _section(word, section: Section, width_mm: float) -> None:
    heading = f"{section.number} {section.title}" if section.number else section.title
    word.add_heading(heading, level=2)
    for block in section.blocks:
        if isinstance(block, Para):
            for line in block.text.split("\n"):
                paragraph = word.add_paragraph(line)
                if block.style == "figure":
                    paragraph.runs[0].font.size = Pt(12)
                    paragraph.runs[0].bold = True
                elif block.style == "label":
                    paragraph.runs[0].bold = True
                elif block.style == "note":
                    paragraph.runs[0].font.size = Pt(9)
                    paragraph.runs[0].font.color.rgb = MUTED
                elif block.style == "alert":
                    paragraph.runs[0].bold = True
                    paragraph.runs[0].font.color.rgb = RGBColor(0xB3, 0x26, 0x1E)
        elif isinstance(block, Items):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table) and not block.detail:
            _table(word, block, width_mm)
        elif isinstance(block, Pie):
            picture = chart.png(block.title, block.slices)
            word.add_picture(io.BytesIO(picture), width=Mm(min(width_mm, 160)))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(block, Photo):
            _photo(word, block, width_mm)


def render(document: Document) -> bytes:
    word = WordDocument()
    core = word.core_properties
    core.title = document.title
    core.author = "ささえあい"
    core.language = "ja-JP"
    for name, size in (
        ("Normal", 10.5),
        ("Title", 16),
        ("Heading 2", 12.5),
        ("List Bullet", 10.5),
        ("Caption", 9),
    ):
        _set_fonts(word.styles[name], size)
    word.styles["Heading 2"].font.color.rgb = RGBColor(0x00, 0x11, 0x8F)
    word.styles["Caption"].font.color.rgb = MUTED
    word.styles["Caption"].font.italic = False
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    width_mm = 210 - 40
    _page_number(section.footer.paragraphs[0])
    title = word.add_paragraph(document.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in document.lines:
        paragraph = word.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in document.sections:
        _section(word, part, width_mm)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
