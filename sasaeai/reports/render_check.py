"""Renders the report's Word and Excel files the way a reader's office suite does, for a person
to look at: LibreOffice (headless) converts them to PDF, pdftoppm turns every page into a PNG.

    python -m sasaeai.reports.render_check [--out DIR] [--fiscal-year 2015 --half first]
        [--scope municipality] [--municipality 132039]

Reads the report of the database configured (the demo's 平成27年度上半期 by default) with the
command's rights, writes report.docx / report.xlsx / report.pdf and their pages as PNG into DIR
(default render-check/), and prints the files. Needs LibreOffice (soffice) and poppler-utils
(pdftoppm) on the machine: they are not dependencies of Sasaeai, and the tests never need them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def convert(source: Path, out: Path) -> list[Path]:
    """source (docx/xlsx/pdf) → PDF by LibreOffice (unless it is one) → PNG pages."""
    pdf = source
    if source.suffix != ".pdf":
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise SystemExit("LibreOffice（soffice）が見つかりません。")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
        pdf = out / f"{source.stem}.pdf"
        pdf = pdf.rename(out / f"{source.stem}-{source.suffix[1:]}.pdf")
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm（poppler-utils）が見つかりません。")
    prefix = out / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=300)
    return sorted(out.glob(f"{pdf.stem}-[0-9]*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="報告書のWord・Excel・PDFを画像にして確認します。")
    parser.add_argument("--out", default="render-check")
    parser.add_argument("--fiscal-year", default="2015")
    parser.add_argument("--half", default="first")
    parser.add_argument("--scope", default="municipality")
    parser.add_argument("--municipality", default="132039")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from sasaeai.org.models import Municipality

    from .exports import export_bytes
    from .selection import period_parse, scope_parse
    from .selectors import report_figures

    municipality = Municipality.objects.get(code=args.municipality)
    period = period_parse(fiscal_year=args.fiscal_year, half=args.half or None)
    scope = scope_parse(args.scope, municipality=municipality)
    figures, _ = report_figures(user=None, period=period, scope=scope)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for fmt in ("docx", "xlsx", "pdf"):
        content, _type = export_bytes(figures, fmt)
        path = out / f"report.{fmt}"
        path.write_bytes(content)
        for page in convert(path, out):
            print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
