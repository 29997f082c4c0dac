"""The English catalogue of the staff screens, kept without GNU gettext.

Japanese is the source language: msgids are the Japanese strings marked in templates
({% translate %}, {% blocktranslate %}) and Python (gettext, gettext_lazy, pgettext …); the
English catalogue sasaeai/locale/en/LC_MESSAGES/django.po holds their translations.
`extract` collects the marked strings with Django's own template lexer (templatize) and
Babel's Python extractor and merges them into the .po, keeping every translation;
`compile` writes the .mo with Babel. See docs/experience.md.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

SOURCE_ROOT = Path(settings.BASE_DIR) / "sasaeai"
LOCALE_DIR = SOURCE_ROOT / "locale"
LANGUAGES = ["en"]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
HEADER_COMMENT = (
    "# Sasaeai: English translation of the staff screens (the source language is Japanese).\n"
    "# Update with `python manage.py translations extract`, translate the empty msgstr,\n"
    "# then `python manage.py translations compile`. See docs/experience.md."
)
SKIPPED_DIRS = {"migrations", "tests", "static", "locale", "__pycache__"}


@dataclass
class CatalogueState:
    language: str
    total: int
    translated: int
    missing: list[str]  # marked in the sources, absent from the .po
    stale_mo: bool  # the .mo does not match the .po


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def _source_files() -> list[Path]:
    """Python modules and templates of the apps (not tests, migrations or vendored files)."""
    files = []
    for path in sorted(SOURCE_ROOT.rglob("*")):
        parts = path.relative_to(SOURCE_ROOT).parts
        if SKIPPED_DIRS.intersection(parts[:-1]):
            continue
        if path.suffix == ".py" or (path.suffix in {".html", ".txt"} and "templates" in parts):
            files.append(path)
    return files


def extract_messages() -> Catalog:
    """Every string marked for translation in sasaeai/ (templates and Python)."""
    template = Catalog(project="sasaeai", fuzzy=False)
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            if "gettext" not in text and "_(" not in text:
                continue
            code = text
        else:
            if "translate" not in text and "trans " not in text and "_(" not in text:
                continue
            code = templatize(text, origin=str(path))
        location = str(path.relative_to(settings.BASE_DIR))
        for lineno, message, comments, context in extract(
            "python",
            io.BytesIO(code.encode("utf-8")),
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
        ):
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            template.add(
                message, locations=[(location, lineno)], auto_comments=comments, context=context
            )
    return template


def _read_po(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="sasaeai", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update_po(language: str) -> Catalog:
    """Merges the marked strings into the language's .po, keeping its translations;
    strings no longer in the sources become obsolete (#~) entries."""
    catalog = _read_po(language)
    template = extract_messages()
    template.creation_date = catalog.creation_date  # no churn in the header
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.header_comment = HEADER_COMMENT
    catalog.project, catalog.version = "sasaeai", "1"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = catalog.language_team = "Sasaeai translators"
    catalog.obsolete.clear()  # history is in git; obsolete entries only clutter the file
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, include_previous=False)
    return catalog


def compile_mo(language: str) -> Path:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    path = mo_path(language)
    with path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return path


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def _translations(catalog: Catalog) -> dict:
    """(context, msgid) → translation, for the translated, non-fuzzy messages."""
    found = {}
    for message in catalog:
        string = message.string
        if not isinstance(string, str):
            string = tuple(string) if all(string) else None
        if message.id and string and not message.fuzzy:
            found[_key(message)] = string
    return found


def state(language: str) -> CatalogueState:
    """How complete and current the catalogue is (no files written)."""
    catalog = _read_po(language)
    marked = {_key(m) for m in extract_messages() if m.id}
    in_po = {_key(m) for m in catalog if m.id}
    stale = True
    if mo_path(language).exists():
        with mo_path(language).open("rb") as handle:
            stale = _translations(read_mo(handle)) != _translations(catalog)
    return CatalogueState(
        language=language,
        total=len(in_po),
        translated=len(_translations(catalog)),
        missing=sorted(msgid for _, msgid in marked - in_po),
        stale_mo=stale,
    )
