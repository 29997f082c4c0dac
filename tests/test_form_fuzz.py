"""A fuzz of every form: each URL of the resolver whose GET (as a role that may use it, on the
access matrix's objects) renders a `<form method="post">` posting back to itself gets random and
hostile input (hypothesis) in every field: very long strings, control characters, NUL, emoji,
right-to-left marks, SQL and HTML fragments, template syntax, huge and negative numbers, bad and
absurd dates. Fields not chosen for an attack keep a plausible value so that many posts pass
validation and really store the hostile text.

Asserted: no answer is a server error; no HTML answer (the form's own answer, the page it
redirects to, and at the end every page each role can open) contains one of the planted
scripts or event handlers unescaped. The number of posts is printed at the end."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .access_registry import DJANGO_ADMIN, PUBLIC
from .access_world import addressable_pages, module_world, page_routes, reaches

pytestmark = pytest.mark.django_db

world = module_world()

EXAMPLES = 8  # hypothesis examples per form
ROUTES = {r.key: r for r in page_routes()}
# Who fills a form, in order of preference, among the requesters that may use it.
FILLERS = ["tier1", "admin", "tier2", "official", "council", "regional"]
TALLY = {"forms": set(), "posts": 0, "statuses": {}}

# Raw (unescaped) forms of the scripts planted below: none may reach an HTML answer.
PLANTED = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
]
UNESCAPED = re.compile(
    r"<script>alert\(1\)|<img src=x onerror=|<svg/onload=|href=\"javascript:alert"
)

HOSTILE = [
    *PLANTED,
    "' OR '1'='1' --",
    "'; DROP TABLE accounts_user; --",
    '" OR ""="',
    "1; SELECT pg_sleep(1)",
    "%' AND 1=1 AND '%'='",
    "{{ 7*7 }}{% debug %}",
    "${7*7}",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08\x0b\x0c",
    "\r\n\r\nSet-Cookie: x=1",
    "\u202eabc\u200b\ufeff",
    "👵🏻🧑‍🦽🎤" * 40,
    "𠮷野家・髙橋・﨑",
    "ｱｲｳｴｵ１２３",
    "あ" * 5000,
    "x" * 100_000,
    " ",
    "",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-99999999999999999999999999",
    "99999999999999999999999999999999",
    str(2**63),
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "令和99年13月40日",
    "25:61",
    "../../etc/passwd",
    "http://example.invalid/\x00",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),  # any code point but surrogates: controls, NUL, emoji, RTL
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
    st.integers().map(str),
    st.integers(min_value=2**62, max_value=2**200).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
    st.tuples(st.integers(-99, 99999), st.integers(-5, 40), st.integers(-5, 70)).map(
        lambda t: f"{t[0]}-{t[1]}-{t[2]}"
    ),
)


# ---------------------------------------------------------------------------------------------
# Reading forms
# ---------------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    enctype: str
    fields: list[Field] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""), enctype=a.get("enctype", ""))
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit":
                    self._form.fields.append(Field(name, "submit", a.get("value", "")))
                return
            self._form.fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form.fields.append(Field(name, "submit", a.get("value", "")))
        elif tag == "select" and name:
            self._select = Field(name, "select-multiple" if "multiple" in a else "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.value = value
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def own_post_forms(html: str, path: str) -> list[Form]:
    """The POST forms of a page that post back to the page itself."""
    parser = _FormParser()
    parser.feed(html)
    own = []
    for form in parser.forms:
        target = urlsplit(form.action).path if form.action else path
        if target == path and any(f.kind not in ("hidden", "submit") for f in form.fields):
            own.append(form)
    return own


def plausible(f: Field) -> str | list[str] | None:
    """A value that a careful user could have typed, so that unattacked fields validate."""
    if f.kind in ("checkbox", "radio"):
        return f.value or "on" if f.checked else None
    if f.kind == "select":
        return f.value or next((o for o in f.options if o), "")
    if f.kind == "select-multiple":
        return [f.value] if f.value else [o for o in f.options if o][:1]
    if f.value:
        return f.value
    return {
        "date": dt.date.today().isoformat(),
        "time": "10:00",
        "number": "1",
        "email": "fuzz@example.jp",
        "tel": "0422-00-0000",
        "url": "https://example.jp/",
        "month": dt.date.today().strftime("%Y-%m"),
        "password": "Fuzz-password-2026!",
    }.get(f.kind, "ふぁず")


# ---------------------------------------------------------------------------------------------
# The fuzz
# ---------------------------------------------------------------------------------------------


def _filler(access, place):
    if access.allow == PUBLIC:
        return "anonymous"
    if access.allow == DJANGO_ADMIN:
        return None  # the admin site: read-only registrations, covered by the audit tests
    for requester in FILLERS:
        if reaches(access, world_users()[requester], place if access.obj else None):
            return requester
    return None


_WORLD = {}


def world_users():
    return _WORLD["world"].users


def _client(world, requester: str) -> Client:
    client = Client(HTTP_USER_AGENT="sasaeai-form-fuzz", REMOTE_ADDR="203.0.113.9")
    if world.users[requester] is not None:
        client.force_login(world.users[requester])
    return client


def _assert_no_planted_script(response, label: str) -> None:
    if response.status_code >= 300 or "html" not in response.get("Content-Type", ""):
        return
    text = response.content.decode("utf-8", errors="replace")
    found = UNESCAPED.search(text)
    assert not found, f"{label}: unescaped planted markup {found.group(0)!r} in the answer"


def _form_pages(world):
    """(key, requester, path, query) of every page with a role to fill its forms."""
    found = []
    for key, access, path, query in addressable_pages(world):
        requester = _filler(access, world.here)
        if requester is not None:
            found.append((key, requester, path, query))
    return found


@pytest.fixture(scope="module")
def form_pages(world):
    _WORLD["world"] = world
    pages = []
    for key, requester, path, query in _form_pages(world):
        client = _client(world, requester)
        response = client.get(path, query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        forms = own_post_forms(response.content.decode(), path)
        if forms:
            pages.append((key, requester, path, query, forms))
    yield pages
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(TALLY["statuses"].items()))
    print(
        f"\nform fuzz: {TALLY['posts']} posts into {len(TALLY['forms'])} forms "
        f"of {len(pages)} pages (status codes {statuses})"
    )


def test_form_pages_are_found(form_pages):
    """The enumeration works: the forms that surely exist are among those fuzzed."""
    keys = {key for key, *_ in form_pages}
    expected = {"accounts:login", "cases:create", "activities:visit_create", "cases:edit"}
    assert expected <= keys, sorted(keys)
    assert len(keys) >= 25, sorted(keys)


@st.composite
def filled(draw, form: Form):
    data: dict[str, object] = {}
    editable = [f for f in form.fields if f.kind not in ("hidden", "submit", "file")]
    # One to three fields attacked, the rest plausible: many posts pass validation and store.
    names = [f.name for f in editable]
    attacked = (
        set(draw(st.sets(st.sampled_from(names), min_size=1, max_size=3))) if names else set()
    )
    for f in form.fields:
        if f.kind == "file":
            continue
        if f.kind == "submit":
            data.setdefault(f.name, f.value)
            continue
        if f.name == "csrfmiddlewaretoken":
            continue
        if f.name in attacked:
            value = draw(hostile)
            data[f.name] = [value, draw(hostile)] if f.kind == "select-multiple" else value
        elif f.kind != "hidden" or f.name not in data:
            value = plausible(f)
            if value is None:
                continue
            if f.kind in ("checkbox", "select-multiple") and f.name in data:
                previous = data[f.name]
                data[f.name] = [*(previous if isinstance(previous, list) else [previous])]
                data[f.name] += value if isinstance(value, list) else [value]
            else:
                data[f.name] = value
    return data


def test_every_form_survives_hostile_input(form_pages):
    failures: list[str] = []
    for key, requester, path, query, forms in form_pages:
        for index, form in enumerate(forms):
            label = f"{key} form {index + 1} ({path}, as {requester})"
            TALLY["forms"].add(label)
            try:
                _fuzz_form(key, requester, path, query, form, label)
            except AssertionError as exc:
                failures.append(str(exc).split("\n")[0][:500])
    assert not failures, "\n".join(failures)


def _fuzz_form(key, requester, path, query, form: Form, label: str) -> None:
    world = _WORLD["world"]
    client = _client(world, requester)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the input
        suppress_health_check=list(HealthCheck),
    )
    @given(data=filled(form))
    def run(data):
        TALLY["posts"] += 1
        try:
            response = client.post(path + _query_string(query), data)
        except Exception as exc:  # the test client re-raises the view's exception (a 500)
            raise AssertionError(
                f"{label}: server error {type(exc).__name__}: {str(exc)[:200]} at "
                f"{_origin(exc)} for {_short(data)}"
            ) from exc
        TALLY["statuses"][response.status_code] = TALLY["statuses"].get(response.status_code, 0) + 1
        assert response.status_code < 500, (
            f"{label}: server error {response.status_code} for {_short(data)}"
        )
        _assert_no_planted_script(response, label)
        if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
            if "/login/" in response["Location"] and requester != "anonymous":
                client.force_login(world.users[requester])  # the form logged us out
                return
            followed = client.get(response["Location"])
            assert followed.status_code < 500, f"{label}: {response['Location']} → 500"
            _assert_no_planted_script(followed, f"{label} → {response['Location']}")

    run()


def _short(data: dict) -> str:
    return repr({k: (v[:60] if isinstance(v, str) else v) for k, v in data.items()})[:600]


def _origin(exc: BaseException) -> str:
    """The last frame of the project's own code in the traceback."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/sasaeai/" in f.filename]
    return f"{frames[-1].filename.split('/sasaeai/')[-1]}:{frames[-1].lineno}" if frames else "?"


def _query_string(query: dict) -> str:
    from urllib.parse import urlencode

    return ("?" + urlencode(query, doseq=True)) if query else ""


def test_no_page_shows_stored_script(form_pages):
    """After the fuzz: every page each filling role can open (lists, details, calendars,
    reports) shows the stored hostile text escaped."""
    world = _WORLD["world"]
    failures = []
    for requester in ("tier1", "admin", "tier2", "official", "council", "anonymous"):
        client = _client(world, requester)
        for _key, access, path, query in addressable_pages(world):
            if not reaches(access, world.users[requester], world.here if access.obj else None):
                continue
            response = client.get(path, query)
            if response.status_code >= 500:
                failures.append(f"{requester} GET {path}: {response.status_code}")
                continue
            try:
                _assert_no_planted_script(response, f"{requester} GET {path}")
            except AssertionError as exc:
                failures.append(str(exc))
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# Dates out of range, in every date field of every form and every date filter of every page
# ---------------------------------------------------------------------------------------------

OUT_OF_RANGE_DATES = ("9999-12-31", "0001-01-01")
DATE_INPUT = re.compile(r"<input\b[^>]*>")


def test_every_form_refuses_a_date_out_of_range(form_pages):
    """Each date field of each form, with every other field plausible, gets 9999-12-31 and
    0001-01-01: the form answers with its error (sasaeai.core.datebounds), never a 500 and
    never stores it (a stored 9999-12-31 made the calendar feed fail until deleted)."""
    world = _WORLD["world"]
    failures: list[str] = []
    tried = 0
    for key, requester, path, query, forms in form_pages:
        for index, form in enumerate(forms):
            for date_field in [f for f in form.fields if f.kind == "date"]:
                for value in OUT_OF_RANGE_DATES:
                    data = {}
                    for f in form.fields:
                        if f.kind == "file" or f.name == "csrfmiddlewaretoken":
                            continue
                        chosen = f.value if f.kind == "submit" else plausible(f)
                        if chosen is not None:
                            data.setdefault(f.name, chosen)
                    data[date_field.name] = value
                    client = _client(world, requester)
                    tried += 1
                    label = f"{key} form {index + 1} {date_field.name}={value} (as {requester})"
                    try:
                        response = client.post(path + _query_string(query), data)
                    except Exception as exc:
                        failures.append(f"{label}: server error {type(exc).__name__}")
                        continue
                    if response.status_code >= 500:
                        failures.append(f"{label}: server error {response.status_code}")
                    elif response.status_code in (301, 302, 303):
                        failures.append(f"{label}: accepted (redirect to {response['Location']})")
    assert tried, "no date field found: the enumeration is broken"
    assert not failures, "\n".join(failures)


def test_every_date_filter_survives_dates_out_of_range(world):
    """Every date input of every page (filters: the finder's 「この日に」, list periods, the
    calendar) asked with 9999-12-31 and 0001-01-01 in the query string, anonymously where the
    page is public: a clear answer, never a 500."""
    _WORLD["world"] = world
    failures: list[str] = []
    tried = 0
    for key, requester, path, query in _form_pages(world):
        client = _client(world, requester)
        response = client.get(path, query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        names = set()
        for tag in DATE_INPUT.findall(response.content.decode()):
            if 'type="date"' in tag and (name := re.search(r'name="([^"]+)"', tag)):
                names.add(name.group(1))
        if key == "activities:calendar":
            names.add("date")  # the calendar's own ?date=, with no input on the page
        for name in sorted(names):
            for value in OUT_OF_RANGE_DATES:
                tried += 1
                asked = client.get(path, {**(query or {}), name: value})
                if asked.status_code >= 500:
                    failures.append(f"{key} ?{name}={value} (as {requester}): {asked.status_code}")
    assert tried, "no date filter found: the enumeration is broken"
    assert not failures, "\n".join(failures)
