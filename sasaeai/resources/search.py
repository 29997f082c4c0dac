"""Japanese search over services: folding, readings, synonyms, the index on each backend.

Every text that is searched, and every query, goes through `normalize` (NFKC, hiragana to
katakana, lower case), so からおけ, カラオケ and ｶﾗｵｹ are one key. Readings of names and places
are made with SudachiPy when a record is saved, so さくらづつみ finds 桜堤.

A term matches a service when its folded form is a substring of the service's `search_text`.
That one rule is applied on every backend; the indexes only find candidates faster:
- SQLite: an FTS5 trigram table for terms of three characters or more, and an FTS5 table of
  the text's character pairs for one- and two-character terms, which trigrams miss; both
  answer exactly, so rows are only read for what is shown;
- PostgreSQL: a pg_trgm GIN index on `search_text`, which serves LIKE directly.
"""

import math
import re
import threading
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains, In

from sasaeai.core.text import search_key

MAX_QUERY_CHARS = 100
MAX_TERMS = 8
TRIGRAM_MIN = 3

_TERM_SPLIT = re.compile(r"[,、，;；\n/／|｜]+")


def normalize(text: str) -> str:
    """The folded form every searched text and every query is compared in."""
    return search_key(text or "")


# --- readings ---------------------------------------------------------------------------------

_local = threading.local()


def _tokenizer():
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        _local.tokenizer = tokenizer
    return tokenizer


def reading(text: str) -> str:
    """The katakana reading of a Japanese text (桜堤 → サクラヅツミ), made offline by
    SudachiPy with sudachidict-core; words it does not know keep their spelling."""
    text = (text or "").strip()[:500]
    if not text:
        return ""
    try:
        morphemes = _tokenizer().tokenize(text)
    except Exception:  # a tokenizer failure must never block saving a record
        return ""
    parts = []
    for morpheme in morphemes:
        form = morpheme.reading_form()
        parts.append(form if form else morpheme.surface())
    return "".join(parts).replace(" ", "")


# --- synonyms ---------------------------------------------------------------------------------


def split_terms(text: str) -> list[str]:
    """「サロン、居場所, つどいの場」→ ["サロン", "居場所", "つどいの場"]."""
    return [t.strip() for t in _TERM_SPLIT.split(text or "") if t.strip()]


def synonym_groups(*, municipality_id: int | None = None) -> list[frozenset[str]]:
    """The active synonym groups (shared ones and the municipality's), folded."""
    from .models import Synonym

    qs = Synonym.objects.filter(is_active=True)
    qs = qs.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))
    groups = []
    for terms in qs.values_list("terms", flat=True):
        folded = frozenset(normalize(t) for t in split_terms(terms) if normalize(t))
        if len(folded) > 1:
            groups.append(folded)
    return groups


def query_terms(text: str) -> list[str]:
    """The folded words of a query: cut to a sane length, split on spaces, de-duplicated."""
    folded = normalize((text or "")[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for term in folded.split(" "):
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def expand_query(
    text: str, *, municipality_id: int | None = None, groups: list[frozenset[str]] | None = None
) -> list[list[str]]:
    """A query as a list of terms, each with its alternatives (the term first, then its
    synonyms), all folded: 「からおけ 桜堤」→ [["カラオケ", "歌"], ["桜堤"]].

    Reusable wherever free text is matched against resources (for instance a person's
    interests in case matching)."""
    if groups is None:
        groups = synonym_groups(municipality_id=municipality_id)
    expanded = []
    for term in query_terms(text):
        alternatives = [term]
        for group in groups:
            if term in group:
                alternatives.extend(sorted(t for t in group if t not in alternatives))
        expanded.append(alternatives)
    return expanded


# --- the searched document ---------------------------------------------------------------------


@dataclass(frozen=True)
class SearchDocument:
    search_name: str
    search_text: str
    search_chars: str
    name_reading: str


def chars_of(text: str) -> str:
    """The text's character pairs for the SQLite short-term index: for every character, the
    pair it starts (or the character alone before a space or at the end), each pair once,
    space-separated: 「桜堤 サロン」→ "サロ ロン ン 桜堤 堤".

    A two-character term is in the text exactly when it is one of these pairs (one index
    lookup), and a one-character term exactly when a pair starts with it (a prefix lookup):
    no position lists to intersect and no row to re-read."""
    pairs = set()
    length = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        nxt = text[i + 1] if i + 1 < length else " "
        pairs.add(ch if nxt.isspace() else ch + nxt)
    return " ".join(sorted(pairs))


def service_document(service) -> SearchDocument:
    """What a service is found by: its name, reading, alternate name, description, operator,
    categories, place, town and area, each with its reading. Call after the many-to-many
    categories are saved (see services.service_reindex)."""
    name_reading = reading(service.name)
    names = [service.name, service.name_kana, name_reading, service.alternate_name]
    parts = list(names)
    parts.append(service.description)
    if service.organization_id:
        organization = service.organization
        parts += [organization.name, organization.name_kana, reading(organization.name)]
    if service.pk:
        for category in service.categories.all():
            parts += [category.name, category.name_kana]
            if category.parent_id:
                parts.append(category.parent.name)
        for target in service.target_groups.all():
            parts.append(target.name)
    if service.location_id:
        location = service.location
        parts += [location.name, reading(location.name), location.address, location.address_2]
        if location.town_id:
            parts += [location.town.name, location.town.name_kana]
        if location.area_id:
            parts += [location.area.name, location.area.name_kana]
    search_name = " ".join(normalize(p) for p in names if p)
    search_text = " ".join(normalize(p) for p in parts if p)
    return SearchDocument(
        search_name=search_name,
        search_text=search_text,
        search_chars=chars_of(search_text) if connection.vendor == "sqlite" else "",
        name_reading=name_reading,
    )


# --- matching in the database -------------------------------------------------------------------


def _is_fts5_token_char(ch: str) -> bool:
    """Characters that SQLite's unicode61 tokenizer surely keeps as tokens: ASCII letters and
    digits, kana, the common kanji block, 々 and ー. (It follows Unicode 6.1, older than
    Python's tables, so other letters are not relied on: such terms use the exact check.)"""
    code = ord(ch)
    return (
        (ch.isascii() and ch.isalnum())
        or 0x3041 <= code <= 0x3096
        or 0x30A1 <= code <= 0x30FA
        or 0x4E00 <= code <= 0x9FFF
        or ch in "々ー"
    )


def _fts5_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _short_term_query(term: str) -> str | None:
    """The FTS5 query of the pair index for a one- or two-character term, or None when the
    term holds a character the index does not keep as a token (then the exact check
    decides)."""
    if not all(_is_fts5_token_char(ch) for ch in term):
        return None
    return _fts5_phrase(term) + ("*" if len(term) == 1 else "")


def _index_q(table: str, queries: list[str]) -> Q:
    """Services found by one FTS5 table for any of the queries (one MATCH, ORed). The id is
    written `+id` so that SQLite keeps walking the municipality's index and only probes the
    (materialised) match set, instead of fetching every match across the prefecture."""
    return Q(
        In(
            Func(F("pk"), template="+%(expressions)s", output_field=IntegerField()),
            RawSQL(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s",
                [" OR ".join(queries)],
            ),
        )
    )


class Infix(Contains):
    """`field__infix=term`: the folded text holds the term. On SQLite, instr() (a byte search,
    several times cheaper than LIKE over Japanese text); elsewhere LIKE '%term%' (which the
    PostgreSQL trigram index serves). Both texts are already folded, so both are exact."""

    lookup_name = "infix"

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"instr({lhs}, {rhs}) > 0", [*lhs_params, *rhs_params]

    def get_db_prep_lookup(self, value, connection):
        if connection.vendor == "sqlite":
            return ("%s", [value])
        return super().get_db_prep_lookup(value, connection)

    def process_rhs(self, qn, connection):
        if connection.vendor == "sqlite":
            return "%s", [self.rhs]
        return super().process_rhs(qn, connection)

    def get_rhs_op(self, connection, rhs):
        # Other backends have no "infix" operator: use the one of `contains` (LIKE '%…%').
        return connection.operators["contains"] % rhs


TextField.register_lookup(Infix)
CharField.register_lookup(Infix)


def term_q(alternatives: list[str], *, use_index: bool = True) -> Q:
    """Services whose text holds any of a term's alternatives. On SQLite (with `use_index`)
    the FTS5 tables answer exactly: the trigram table for alternatives of three characters or
    more (a trigram phrase is a substring match), the pair table for one or two characters
    (see chars_of); an alternative with a character neither index keeps is checked on the
    text itself. Elsewhere the exact check decides (PostgreSQL's planner uses its trigram
    index)."""
    if not use_index or connection.vendor != "sqlite":
        combined = Q()
        for alternative in alternatives:
            combined |= Q(search_text__infix=alternative)
        return combined
    long_terms: list[str] = []
    short_terms: list[str] = []
    exact: list[str] = []
    for alternative in alternatives:
        if len(alternative) >= TRIGRAM_MIN:
            long_terms.append(_fts5_phrase(alternative))
        elif (query := _short_term_query(alternative)) is not None:
            short_terms.append(query)
        else:
            exact.append(alternative)
    combined = Q()
    if long_terms:
        combined |= _index_q("resources_service_fts", long_terms)
    if short_terms:
        combined |= _index_q("resources_service_chars", short_terms)
    for alternative in exact:
        combined |= Q(search_text__infix=alternative)
    return combined


def apply_text_search(
    queryset: QuerySet, expanded: list[list[str]], *, use_index: bool = True
) -> QuerySet:
    """Filters services by every term (AND) and its synonyms (OR), and annotates `text_rank`:
    3 when the name starts with the term, 2 when the name or its reading contains it, 1 when
    only another field does; summed over the terms."""
    if not expanded:
        return queryset.annotate(text_rank=Value(0, output_field=IntegerField()))
    rank = None
    for alternatives in expanded:
        queryset = queryset.filter(term_q(alternatives, use_index=use_index))
        starts = Q()
        contains = Q()
        for alternative in alternatives:
            starts |= Q(search_name__startswith=alternative)
            contains |= Q(search_name__infix=alternative)
        term_rank = Case(
            When(starts, then=Value(3)),
            When(contains, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
        rank = term_rank if rank is None else rank + term_rank
    return queryset.annotate(text_rank=rank)


# --- distance ---------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_000.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that contains the circle of `metres` around."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = math.degrees(metres / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
