"""Japanese search over services: the searched documents, synonyms, the index on each backend.

Every text that is searched, and every query, goes through core.text.search_key (NFKC,
hiragana to katakana, lower case), so からおけ, カラオケ and ｶﾗｵｹ are one key. Readings of names
and places are made by core.readings (SudachiPy) when a record is saved, so さくらづつみ finds 桜堤.

Each service has two documents, built from plain values by `search_document`:
- the staff document (`search_name`, `search_text`): everything staff may see;
- the public document (`public_search_name`, `public_search_text`): only what the public page
  shows (resources.public): a private home's place name, address and 方書 stay out (the public
  sees its town), and so do the alternate name, the organisation's kana and target groups'
  internal names. The public finder matches and ranks on it alone. Every part of the public
  document is also a part of the staff document, so the staff index finds a superset of what
  the public text holds, and the public text is then checked itself.

A term matches a service when its folded form is a substring of the document's text. That one
rule is applied on every backend; the index only finds the candidates faster. The index is the
same on both backends: the staff text's distinct character pairs (`search_chars`, see chars_of)
and the service's filter facts (`search_facts`, see facts_of: municipality, area, town, status,
fee, volunteers, public, categories, target groups, and the days and times its schedules meet),
as tokens:
- SQLite: an FTS5 table with the two columns, queried with one MATCH, and a third column of
  the pairs of the names alone (`search_name_chars`), so that a search of the names (the
  prefecture-wide reader's name matches, see apply_text_search's `names_only`) visits only the
  services whose name holds the terms;
- PostgreSQL: the same as a stored tsvector and a stored text array, each with a GIN index,
  copied to the narrow search rows (search_rows.py) with a vector of the names' pairs and
  the facts (`search_name_tokens`, for the same names-only search).
A one- or two-character term is answered exactly by the pairs (a prefix or a token); a longer
term, on SQLite by all of its pairs and then a check of the text itself, on PostgreSQL by the
trigram index (LIKE). Filters become fact tokens, so a search reads only the rows it keeps,
whatever the size of the database.
"""

import contextlib
import datetime as dt
import functools
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains, In

from sasaeai.core.prepared import PreparedQuery
from sasaeai.core.readings import BOUNDARY, bounded_kana, bounded_reading, bounded_term, reading
from sasaeai.core.text import search_key, split_terms

from .models import Category, Schedule, Service, Synonym

MAX_QUERY_CHARS = 100
MAX_TERMS = 8
TRIGRAM_MIN = 3

# Times of day a search can ask for (the opening time of a schedule falls in [start, end)).
TIME_OF_DAY = {
    "morning": ("午前", dt.time(0, 0), dt.time(12, 0)),
    "afternoon": ("午後", dt.time(12, 0), dt.time(17, 0)),
    "evening": ("夕方・夜", dt.time(17, 0), dt.time(23, 59, 59)),
}
TIME_TOKENS = {"morning": "m", "afternoon": "a", "evening": "e"}


# --- synonyms ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _folded_group(terms: str) -> frozenset[str]:
    """A synonym entry's terms, folded (memoised: the same entries are read on every search)."""
    return frozenset(search_key(t) for t in split_terms(terms) if search_key(t))


# Read on every search: its SQL is compiled once per connection (core.prepared).
_SYNONYMS = PreparedQuery(
    lambda params: (
        Synonym.objects.filter(is_active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=params[0]))
        .values_list("terms")
    )
)


def synonym_groups(*, municipality_id: int | None = None) -> list[frozenset[str]]:
    """The active synonym groups (shared ones and the municipality's), folded."""
    groups = []
    for (terms,) in _SYNONYMS.rows([municipality_id]):
        folded = _folded_group(terms)
        if len(folded) > 1:
            groups.append(folded)
    return groups


def query_terms(text: str) -> list[str]:
    """The folded words of a query: cut to a sane length, split on spaces, de-duplicated."""
    folded = search_key((text or "")[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for term in folded.split(" "):
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def expand_query(
    text: str, *, municipality_id: int | None = None, groups: list[frozenset[str]] | None = None
) -> list[list[str]]:
    """A query as a list of terms, each with its alternatives (the term first, then its
    synonyms), all folded, and each katakana alternative also in the form that finds it in
    readings at word boundaries only (core.readings.bounded_term):
    「からおけ 桜堤」→ [["カラオケ", "ウタ", "歌", "歌声", "ゖからおけ", "ゖうたゖ"], ["桜堤"]]:
    the typed term from the start of a reading's word (as one types), its synonyms whole.

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
        # The typed term is found where a reading's word starts (さくら finds サクラヅツミ as one
        # types); its synonyms only as whole words (ウタ is no start of ウタイ… in any sense).
        bounded = [b for b in map(bounded_term, alternatives[1:]) if b]
        typed = bounded_term(term)
        if typed:
            bounded.insert(0, typed.removesuffix(BOUNDARY))
        expanded.append(alternatives + [b for b in bounded if b not in alternatives])
    return expanded


# --- the searched documents --------------------------------------------------------------------

# The columns a search document fills, in the order SearchDocument.columns gives them.
DOCUMENT_COLUMNS = (
    "search_name",
    "search_text",
    "search_chars",
    "search_name_chars",
    "name_reading",
    "public_search_name",
    "public_search_text",
)


@dataclass(frozen=True)
class DocumentValues:
    """What a service is found by, as plain values: the model path (service_document_values)
    and the import (exchange.writer) both give them, so both store the same documents."""

    name: str
    name_kana: str = ""
    alternate_name: str = ""
    description: str = ""
    organization: str = ""
    organization_kana: str = ""
    # Each activity category's name and its parent's name (the shared taxonomy).
    categories: tuple[str, ...] = ()
    # Each activity category's (name, its reading typed as katakana).
    category_kana: tuple[tuple[str, str], ...] = ()
    # Each target group as (its name, the label residents see).
    target_groups: tuple[tuple[str, str], ...] = ()
    place_name: str = ""
    address: str = ""
    address_2: str = ""
    is_private_home: bool = False
    town: str = ""
    town_kana: str = ""
    area: str = ""
    area_kana: str = ""


@dataclass(frozen=True)
class SearchDocument:
    search_name: str
    search_text: str
    search_chars: str
    search_name_chars: str
    name_reading: str
    public_search_name: str
    public_search_text: str

    def columns(self) -> dict[str, str]:
        """Column name → value, for writing the document to a service row."""
        return {column: getattr(self, column) for column in DOCUMENT_COLUMNS}


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


def _joined(parts: Iterable[str], readings: Iterable[str] = ()) -> str:
    """The parts folded, then the readings (already in their bounded form), space-separated."""
    folded = [f for f in (search_key(p) for p in parts if p) if f]
    return " ".join([*folded, *(r for r in readings if r)])


def search_document(values: DocumentValues) -> SearchDocument:
    """The two documents of a service (see the module's docstring). The public one holds what
    resources.public.public_service shows: names, description, organisation, categories, the
    labels of target groups, the place (a private home's only by its town) and the area; the
    staff one holds those and the rest (alternate name, organisation's kana, target groups'
    own names, a private home's place name, address and 方書). Readings (made or typed) are
    stored in the bounded form of core.readings, so a katakana term finds them only at word
    boundaries (ウタ is not in カイゴ|ヨボウ|タイソウ)."""
    name_reading = reading(values.name)
    name_words = bounded_reading(values.name)
    name_kana = bounded_kana(values.name_kana, values.name)
    public_names = [values.name]
    readings = [name_kana, name_words if name_words != name_kana else ""]
    public = [*public_names, values.description]
    public_readings = list(readings)
    staff_only = [values.alternate_name]
    staff_readings = []
    if values.organization:
        public.append(values.organization)
        public_readings.append(bounded_reading(values.organization))
        staff_readings.append(bounded_kana(values.organization_kana, values.organization))
    public += values.categories
    public_readings += [bounded_kana(kana, name) for name, kana in values.category_kana if kana]
    for name, label in values.target_groups:
        public.append(label or name)
        staff_only.append(name)
    place = [values.place_name, values.address, values.address_2]
    place_readings = [bounded_reading(values.place_name)] if values.place_name else []
    if values.is_private_home:
        staff_only += place
        staff_readings += place_readings
    else:
        public += place
        public_readings += place_readings
    public += [values.town, values.area]
    public_readings += [
        bounded_kana(values.town_kana, values.town),
        bounded_kana(values.area_kana, values.area),
    ]
    search_text = _joined(public + staff_only, public_readings + staff_readings)
    search_name = _joined([*public_names, values.alternate_name], readings)
    return SearchDocument(
        search_name=search_name,
        search_text=search_text,
        search_chars=chars_of(search_text),
        search_name_chars=chars_of(search_name),
        name_reading=name_reading,
        public_search_name=_joined(public_names, readings),
        public_search_text=_joined(public, public_readings),
    )


def service_document_values(
    service: Service, *, categories: Iterable | None = None, target_groups: Iterable | None = None
) -> DocumentValues:
    """The document values of a service as it stands in memory. Its categories and target
    groups are read from the database unless given (an import knows them before the service
    has a row); a service without a row has none unless given."""
    if categories is None:
        categories = service.categories.all() if service.pk else []
    if target_groups is None:
        target_groups = service.target_groups.all() if service.pk else []
    category_words: list[str] = []
    category_kana: list[tuple[str, str]] = []
    for category in categories:
        category_words.append(category.name)
        category_kana.append((category.name, category.name_kana))
        if category.parent_id:
            category_words.append(category.parent.name)
    organization = service.organization if service.organization_id else None
    location = service.location if service.location_id else None
    town = location.town if location is not None and location.town_id else None
    area = location.area if location is not None and location.area_id else None
    return DocumentValues(
        name=service.name,
        name_kana=service.name_kana,
        alternate_name=service.alternate_name,
        description=service.description,
        organization=organization.name if organization else "",
        organization_kana=organization.name_kana if organization else "",
        categories=tuple(category_words),
        category_kana=tuple(category_kana),
        target_groups=tuple((t.name, t.public_label) for t in target_groups),
        place_name=location.name if location else "",
        address=location.address if location else "",
        address_2=location.address_2 if location else "",
        is_private_home=bool(location and location.is_private_home),
        town=town.name if town else "",
        town_kana=town.name_kana if town else "",
        area=area.name if area else "",
        area_kana=area.name_kana if area else "",
    )


def service_document(service: Service) -> SearchDocument:
    """What a service is found by, as it is stored. Call after the many-to-many categories
    are saved (see services.service_reindex)."""
    return search_document(service_document_values(service))


def refresh_documents(service_ids: Iterable[int]) -> int:
    """Rebuilds the documents of these services after something they are built from changed
    outside the service's own save (a place that becomes a private home must leave the
    public document at once); writes only the rows whose documents differ. Returns how many."""
    ids = list(service_ids)
    changed = []
    for start in range(0, len(ids), 500):
        services = (
            Service.objects.filter(pk__in=ids[start : start + 500])
            .select_related("organization", "location__town", "location__area")
            .prefetch_related(
                Prefetch("categories", queryset=Category.objects.select_related("parent")),
                "target_groups",
            )
        )
        for service in services:
            columns = service_document(service).columns()
            if any(getattr(service, column) != value for column, value in columns.items()):
                changed.append([*columns.values(), service.pk])
    if changed:
        table = connection.ops.quote_name(Service._meta.db_table)
        assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in DOCUMENT_COLUMNS)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", changed)
    return len(changed)


# --- facts: what the filters ask, as index tokens ------------------------------------------------


def schedule_tokens(weekday_mask: int, opens_at: dt.time | None) -> set[str]:
    """The tokens of one schedule: "d0".."d6" for the weekdays it can meet on, "om"/"oa"/"oe"
    for the time of day it opens, and "d0m" … for the two together (a search for 「火曜の午前」
    means one schedule that is both, as in selectors._schedule_filter)."""
    tokens = {f"d{day}" for day in range(7) if weekday_mask & (1 << day)}
    if opens_at is not None:
        for key, (_, start, end) in TIME_OF_DAY.items():
            if start <= opens_at < end:
                bucket = TIME_TOKENS[key]
                tokens.add(f"o{bucket}")
                tokens |= {f"d{day}{bucket}" for day in range(7) if weekday_mask & (1 << day)}
    return tokens


def facts_of(
    *,
    municipality_id: int,
    area_id: int | None,
    town_id: int | None,
    status: str,
    is_free: bool | None,
    welcomes_volunteers: bool,
    is_public: bool,
    publication_consent: bool,
    category_ids: Iterable[int],
    target_ids: Iterable[int],
    schedules: Iterable[tuple[int, dt.time | None]],
) -> str:
    """The filter facts of a service as index tokens (letters and digits only, so that every
    index keeps each as one token): 「m12 a3 t45 sactive f1 v0 pub c7 g2 d1 om d1m」."""
    tokens = {
        f"m{municipality_id}",
        f"a{area_id or 0}",
        f"t{town_id or 0}",
        f"s{status}",
        {True: "f1", False: "f0"}.get(is_free, "fn"),
        "v1" if welcomes_volunteers else "v0",
    }
    if is_public and publication_consent:
        tokens.add("pub")
    tokens |= {f"c{pk}" for pk in category_ids}
    tokens |= {f"g{pk}" for pk in target_ids}
    for weekday_mask, opens_at in schedules:
        tokens |= schedule_tokens(weekday_mask or 0, opens_at)
    return " ".join(sorted(tokens))


def _facts_and_stored(service_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(the facts, what `search_facts` holds now) of these services, read from the database in
    four queries per 500 services."""
    ids = list(service_ids)
    categories: dict[int, list[int]] = {}
    targets: dict[int, list[int]] = {}
    schedules: dict[int, list[tuple[int, dt.time | None]]] = {}
    facts: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for service_id, category_id in Service.categories.through.objects.filter(
            service_id__in=chunk
        ).values_list("service_id", "category_id"):
            categories.setdefault(service_id, []).append(category_id)
        for service_id, group_id in Service.target_groups.through.objects.filter(
            service_id__in=chunk
        ).values_list("service_id", "targetgroup_id"):
            targets.setdefault(service_id, []).append(group_id)
        for service_id, mask, opens_at in Schedule.objects.filter(service_id__in=chunk).values_list(
            "service_id", "weekday_mask", "opens_at"
        ):
            schedules.setdefault(service_id, []).append((mask, opens_at))
        for row in Service.objects.filter(pk__in=chunk).values(
            "pk",
            "municipality_id",
            "area_id",
            "town_id",
            "status",
            "is_free",
            "welcomes_volunteers",
            "is_public",
            "publication_consent",
            "search_facts",
        ):
            pk = row["pk"]
            facts[pk] = (
                facts_of(
                    municipality_id=row["municipality_id"],
                    area_id=row["area_id"],
                    town_id=row["town_id"],
                    status=row["status"],
                    is_free=row["is_free"],
                    welcomes_volunteers=row["welcomes_volunteers"],
                    is_public=row["is_public"],
                    publication_consent=row["publication_consent"],
                    category_ids=categories.get(pk, []),
                    target_ids=targets.get(pk, []),
                    schedules=schedules.get(pk, []),
                ),
                row["search_facts"],
            )
    return facts


def services_facts(service_ids: Iterable[int]) -> dict[int, str]:
    """The facts of these services, as facts_of makes them from the database."""
    return {pk: facts for pk, (facts, _) in _facts_and_stored(service_ids).items()}


_deferred = threading.local()


@contextlib.contextmanager
def facts_deferred() -> Iterator[None]:
    """Within it, `refresh_facts` only notes the services and refreshes them once at the end:
    one save of a service through its form writes the service, its category and target group
    links and each schedule, and the signals of each would otherwise read and compare the
    facts again. Nothing is refreshed when the block raises (its transaction is rolled back).
    Nested blocks refresh at the end of the outermost."""
    if getattr(_deferred, "ids", None) is not None:
        yield
        return
    _deferred.ids = set()
    try:
        yield
        ids = _deferred.ids
    finally:
        _deferred.ids = None
    if ids:
        refresh_facts(ids)


def facts_written(service_ids: Iterable[int]) -> None:
    """These services' facts were just written whole (service_reindex): a `facts_deferred`
    block need not refresh them again, unless something changes them after this."""
    pending = getattr(_deferred, "ids", None)
    if pending is not None:
        pending.difference_update(service_ids)


def refresh_facts(service_ids: Iterable[int]) -> int:
    """Writes `search_facts` of these services (after their categories, target groups or
    schedules changed); only rows whose facts differ are written. Returns how many (0 inside
    `facts_deferred`, which refreshes them at its end)."""
    pending = getattr(_deferred, "ids", None)
    if pending is not None:
        pending.update(service_ids)
        return 0
    found = _facts_and_stored(service_ids)
    changed = [(facts, pk) for pk, (facts, stored) in found.items() if facts != stored]
    if changed:
        table = connection.ops.quote_name(Service._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET search_facts = %s WHERE id = %s", changed)
    return len(changed)


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


def _pairs(term: str) -> list[str]:
    """The character pairs of a term of two characters or more (all in the text when the
    term is)."""
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


@dataclass
class IndexQuery:
    """One search as the index answers it: every text term (AND), each a list of alternatives
    (OR), each alternative a one-character prefix, a two-character token or all the pairs of
    a longer term; and groups of fact tokens (AND of groups, OR within one)."""

    terms: list[list[tuple[str, list[str]]]]
    facts: list[list[str]]
    # The terms in the names only (the pairs of search_name) rather than in the whole text.
    names_only: bool = False

    def __bool__(self) -> bool:
        return bool(self.terms or self.facts)

    def fts5(self) -> str:
        """The FTS5 MATCH expression (SQLite)."""

        def alternative(kind: str, tokens: list[str]) -> str:
            if kind == "prefix":
                return _fts5_phrase(tokens[0]) + "*"
            return "(" + " AND ".join(_fts5_phrase(t) for t in tokens) + ")"

        column = "search_name_chars" if self.names_only else "search_chars"
        parts = [
            f"{column} : (" + " OR ".join(alternative(k, t) for k, t in term) + ")"
            for term in self.terms
        ]
        if self.facts:
            groups = [" OR ".join(_fts5_phrase(t) for t in group) for group in self.facts]
            parts.append("search_facts : (" + " AND ".join(f"({g})" for g in groups) + ")")
        return " AND ".join(parts)

    def tsquery(self, *, fact_mark: str | None = None) -> str:
        """The tsquery of the text terms (PostgreSQL); every token is letters and digits.

        With `fact_mark`, for a vector that holds the fact tokens marked with it (the narrow
        rows' search_name_tokens, search_rows.FACT_MARK), the fact groups are asked in the
        same tsquery, each group's tokens OR'd; without, the facts are left out (they are
        asked of the fact array)."""

        def alternative(kind: str, tokens: list[str]) -> str:
            if kind == "prefix":
                return f"'{tokens[0]}':*"
            return "(" + " & ".join(f"'{t}'" for t in tokens) + ")"

        parts = ["(" + " | ".join(alternative(k, t) for k, t in term) + ")" for term in self.terms]
        if fact_mark is not None:
            parts += [
                "(" + " | ".join(f"'{fact_mark}{t}'" for t in group) + ")" for group in self.facts
            ]
        return " & ".join(parts)


def index_terms(expanded: list[list[str]]) -> tuple[list[list[tuple[str, list[str]]]], list]:
    """(what the index can answer, the terms to check on the text itself): a term with an
    alternative of three characters or more is found by its pairs and then checked; a term
    with a character the index does not keep as a token is only checked."""
    indexed = []
    checked = []
    for alternatives in expanded:
        if not all(_is_fts5_token_char(ch) for a in alternatives for ch in a):
            checked.append(alternatives)
            continue
        term = []
        for alternative in alternatives:
            if len(alternative) == 1:
                term.append(("prefix", [alternative]))
            else:
                term.append(("all", _pairs(alternative)))
        indexed.append(term)
        if any(len(a) > 2 for a in alternatives):
            checked.append(alternatives)
    return indexed, checked


def index_q(query: IndexQuery) -> Q:
    """Services the SQLite index finds for the query: one FTS5 MATCH over the pairs and the
    facts (the service rows are then read by their ids, the FTS table driving)."""
    return Q(
        In(
            F("pk"),
            RawSQL(
                "SELECT rowid FROM resources_service_chars WHERE resources_service_chars MATCH %s",
                [query.fts5()],
            ),
        )
    )


# PostgreSQL's stored columns (migration 0005), made by the database from search_chars and
# search_facts; the model leaves them out.
PAIRS_COLUMN = '"resources_service"."search_pairs"'
FACTS_COLUMN = '"resources_service"."search_fact_tokens"'


def _postgres_q(expanded: list[list[str]], facts: list[list[str]]) -> Q:
    """The search on PostgreSQL: per term, its one- and two-character alternatives in the pair
    vector (a tsquery, GIN) OR its longer ones as LIKE '%…%' (the trigram index, exact); the
    fact groups on the fact array (GIN). The planner combines the bitmaps."""
    combined = Q()
    for alternatives in expanded:
        short = [
            a for a in alternatives if len(a) <= 2 and all(_is_fts5_token_char(ch) for ch in a)
        ]
        term = Q()
        if short:
            tsquery = IndexQuery(
                terms=[[("prefix" if len(a) == 1 else "all", [a]) for a in short]], facts=[]
            ).tsquery()
            term |= Q(
                RawSQL(f"{PAIRS_COLUMN} @@ %s::tsquery", [tsquery], output_field=BooleanField())
            )
        for alternative in alternatives:
            if alternative not in short:
                term |= Q(search_text__infix=alternative)
        combined &= term
    required = sorted({group[0] for group in facts if len(group) == 1})
    if required:
        combined &= Q(
            RawSQL(f"{FACTS_COLUMN} @> %s::text[]", [required], output_field=BooleanField())
        )
    for group in facts:
        if len(group) > 1:
            combined &= Q(
                RawSQL(f"{FACTS_COLUMN} && %s::text[]", [list(group)], output_field=BooleanField())
            )
    return combined


def _postgres_candidates(
    expanded: list[list[str]], facts: list[list[str]], *, table: str, names_only: bool = False
) -> Q:
    """The PostgreSQL index lookup on another table holding the service's index columns (the
    narrow rows, search_rows.POSTGRES_COLUMNS) for a search whose every term is then checked on
    that table's text: each alternative by its pairs in the pair vector (as on SQLite, a
    superset: the pairs are the staff text's, which holds the public one), never LIKE on a
    text; the facts as in _postgres_q. The planner combines the GIN bitmaps.

    With `names_only`, the vector of the names' pairs and the marked fact tokens
    (search_name_tokens, migration 0015): each alternative's scan asks for its pairs and the
    required facts (the groups of one token) at once, so no bitmap of the facts is made (a
    weekday and "free" over a prefecture: 24,000 rows, 10 ms)."""
    from .search_rows import FACT_MARK

    indexed, _ = index_terms(expanded)
    quoted_table = connection.ops.quote_name(table)
    # The marked facts in the names' vector: the required ones (groups of one token) only.
    with_facts = names_only and bool(indexed)
    vector = "search_name_tokens" if with_facts else "search_pairs"
    pairs = f"{quoted_table}.{vector}"
    tokens = f"{quoted_table}.search_fact_tokens"
    required = sorted({group[0] for group in facts if len(group) == 1})
    combined = Q()
    for term in indexed:
        # One tsquery per alternative, OR'd: PostgreSQL scans the GIN index once for each
        # (a bitmap OR). A single tsquery of them all made the index call its consistency
        # check on every service holding any token of any alternative: 30 ms for サロン's
        # seven alternatives at the prefecture size, against 13 ms for the seven scans.
        alternatives = [
            IndexQuery(terms=[[alternative]], facts=[[t] for t in required]).tsquery(
                fact_mark=FACT_MARK if with_facts else None
            )
            for alternative in term
        ]
        combined &= Q(
            RawSQL(
                "(" + " OR ".join(f"{pairs} @@ %s::tsquery" for _ in alternatives) + ")",
                alternatives,
                output_field=BooleanField(),
            )
        )
    if required and not with_facts:
        combined &= Q(RawSQL(f"{tokens} @> %s::text[]", [required], output_field=BooleanField()))
    for group in facts:
        if len(group) > 1:
            combined &= Q(
                RawSQL(f"{tokens} && %s::text[]", [list(group)], output_field=BooleanField())
            )
    return combined


@dataclass(frozen=True)
class Document:
    """The columns of one of a service's two documents: what a search matches and ranks on
    (in `table`: the service's own, or the narrow search rows)."""

    name_column: str
    text_column: str
    table: str = Service._meta.db_table


STAFF = Document("search_name", "search_text")
PUBLIC = Document("public_search_name", "public_search_text")
# The public document in the narrow rows (models.SearchRow), same values as PUBLIC.
PUBLIC_ROWS = Document("public_search_name", "public_search_text", table="resources_search_row")


def text_q(alternatives: list[str], *, document: Document = STAFF) -> Q:
    """Services whose text holds any of a term's alternatives, checked on the text itself."""
    sql, params = _holds_any(document.text_column, alternatives, table=document.table)
    return Q(RawSQL(sql, params, output_field=BooleanField()))


def _column(name: str, table: str = Service._meta.db_table) -> str:
    return f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(name)}"


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _holds_any(
    column: str, alternatives: list[str], *, table: str = Service._meta.db_table
) -> tuple[str, list[str]]:
    """SQL for "the folded column holds one of these": instr() on SQLite and strpos() on
    PostgreSQL (substring searches; PostgreSQL's LIKE '%…%' steps through the text character
    by character and took 80 of the 110 ms of the prefecture-wide count for カフェ's five
    alternatives over 7,212 rows, strpos 33), LIKE '%…%' elsewhere; written at once: a search
    has a few terms with up to a dozen alternatives each, and building each as its own ORM
    lookup cost more than the SQL itself. (A LIKE served by an index, the `infix` lookup,
    stays a LIKE.)"""
    quoted = _column(column, table)
    function = {"sqlite": "instr", "postgresql": "strpos"}.get(connection.vendor)
    if function:
        return (
            "(" + " OR ".join(f"{function}({quoted}, %s) > 0" for _ in alternatives) + ")",
            list(alternatives),
        )
    return (
        "(" + " OR ".join(f"{quoted} LIKE %s" for _ in alternatives) + ")",
        [f"%{_like_escaped(a)}%" for a in alternatives],
    )


def _starts_with_any(
    column: str, alternatives: list[str], *, table: str = Service._meta.db_table
) -> tuple[str, list[str]]:
    quoted = _column(column, table)
    if connection.vendor == "postgresql":
        return (
            "(" + " OR ".join(f"starts_with({quoted}, %s)" for _ in alternatives) + ")",
            list(alternatives),
        )
    escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
    return (
        "(" + " OR ".join(f"{quoted} LIKE %s{escape}" for _ in alternatives) + ")",
        [f"{_like_escaped(a)}%" for a in alternatives],
    )


def text_rank_sql(expanded: list[list[str]], *, document: Document = STAFF) -> RawSQL:
    """The rank of apply_text_search as one SQL expression: per term 3 when the name starts
    with an alternative, 2 when the name (or its reading) holds one, else 1; summed. A
    reading's bounded form (ゖ…) is never at the start of a name (the name itself comes
    first), so it is only looked for inside.

    A name that starts with an alternative holds it, so "holds" is asked first and "starts"
    only of the names that hold one: most matches hold none in their name (the word is in the
    description), and each of them then costs one test per alternative instead of two (the
    prefecture-wide search ranks thousands: 58.3 → 55.5 ms for カフェ in psql)."""
    parts = []
    params: list[str] = []
    for alternatives in expanded:
        plain = [a for a in alternatives if not a.startswith(BOUNDARY)]
        starts, starts_params = (
            _starts_with_any(document.name_column, plain, table=document.table)
            if plain
            else ("1 = 0", [])
        )
        holds, holds_params = _holds_any(document.name_column, alternatives, table=document.table)
        parts.append(f"CASE WHEN {holds} THEN (CASE WHEN {starts} THEN 3 ELSE 2 END) ELSE 1 END")
        params += holds_params + starts_params
    return RawSQL("(" + " + ".join(parts) + ")", params, output_field=IntegerField())


def names_first_terms(expanded: list[list[str]]) -> bool:
    """Whether the matches whose name holds the word come first in the order of a search for
    these terms, before every other match: true of one term (rank 2 or 3 against 1) whose
    alternatives hold no space (one that did could span two parts of the name document that
    the text does not hold side by side). With two terms or more, a name holding one term
    can outrank a name holding both (3 + 1 against 2 + 2)."""
    return len(expanded) == 1 and not any(" " in a for a in expanded[0])


def apply_text_search(
    queryset: QuerySet,
    expanded: list[list[str]],
    *,
    use_index: bool = True,
    facts: list[list[str]] | None = None,
    document: Document = STAFF,
    names_only: bool = False,
) -> QuerySet:
    """Filters services by every term (AND) and its synonyms (OR), with the index (and the
    fact groups) when `use_index`, and annotates `text_rank`: 3 when the name starts with the
    term, 2 when the name or its reading contains it, 1 when only another field does; summed
    over the terms. With the PUBLIC document, the index (built on the staff text, which holds
    every public part) only finds candidates: every term is then checked on the public text,
    and the rank reads the public names.

    With `names_only`, only the services whose name (or its reading) holds every term, each
    term checked on the name column. The name is a part of the text, so these are the matches
    whose rank is 2 or more for every term (see names_first_terms). The index then looks the
    terms up in the pairs of the staff names (which hold every pair of the public names too):
    on SQLite the FTS5 column `search_name_chars`, on PostgreSQL's narrow rows the vector
    `search_name_tokens` (with the required facts); so the candidates are the name matches,
    not every service whose text holds the terms. (PostgreSQL's service rows have no such
    vector: there the text's pairs give the candidates, as before.)"""
    checked = expanded
    if use_index and connection.vendor == "postgresql" and document.table != STAFF.table:
        # Another table (the narrow rows): the service index gives the candidates' ids.
        condition = _postgres_candidates(
            expanded, facts or [], table=document.table, names_only=names_only
        )
        if condition:
            queryset = queryset.filter(condition)
    elif use_index and connection.vendor == "postgresql":
        checked = []
        condition = _postgres_q(expanded, facts or [])
        if condition:
            queryset = queryset.filter(condition)
    elif use_index and connection.vendor == "sqlite":
        indexed, checked = index_terms(expanded)
        query = IndexQuery(terms=indexed, facts=facts or [], names_only=names_only)
        if query:
            queryset = queryset.filter(index_q(query))
    if document != STAFF or names_only:
        checked = expanded
    on = (
        Document(document.name_column, document.name_column, document.table)
        if names_only
        else document
    )
    for alternatives in checked:
        queryset = queryset.filter(text_q(alternatives, document=on))
    if not expanded:
        return queryset.annotate(text_rank=Value(0, output_field=IntegerField()))
    return queryset.annotate(text_rank=text_rank_sql(expanded, document=document))
