"""The world the access matrix runs in, the requesters, and the enumeration of every URL and
API operation (shared by the access matrix, the form fuzz and the log test)."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User

from .access_registry import (
    DJANGO_ADMIN,
    LOGIN,
    NAMESPACES,
    NOBODY,
    PUBLIC,
    Access,
    Place,
    Target,
    collect,
)

# Requesters, in the order the matrix asks them.
REQUESTERS = [
    "anonymous",
    "admin",
    "tier1",
    "tier2",
    "official",
    "council",
    "regional",
    "tier2_other_area",
    "other_admin",
    "other_tier1",
    "other_tier2",
]

API_PREFIX = "/api/v1"


# ---------------------------------------------------------------------------------------------
# Enumeration
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the resolver."""

    key: str  # "app:name", or the route for an unnamed pattern
    route: str  # the full route as written ("accounts/users/<int:pk>/")
    name: str | None
    namespace: str | None
    view: str
    params: tuple[str, ...]
    is_regex: bool


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _pattern_text(pattern) -> tuple[str, bool]:
    text = str(pattern.pattern)
    is_regex = type(pattern.pattern).__name__ == "RegexPattern"
    return text, is_regex


def url_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None, regex: bool) -> None:
        for entry in resolver.url_patterns:
            text, is_regex = _pattern_text(entry)
            if isinstance(entry, URLResolver):
                ns = ":".join(x for x in (namespace, entry.namespace) if x) or None
                walk(entry, prefix + text, ns, regex or is_regex)
                continue
            assert isinstance(entry, URLPattern)
            full = prefix + text
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            params = tuple(m.group("name") for m in _PARAM.finditer(full)) + tuple(
                m.group("name") for m in _REGEX_GROUP.finditer(full)
            )
            routes.append(
                Route(
                    key=name or full,
                    route=full,
                    name=name,
                    namespace=namespace,
                    view=entry.lookup_str,
                    params=params,
                    is_regex=regex or is_regex,
                )
            )

    walk(get_resolver(), "", None, False)
    return routes


@dataclass(frozen=True)
class Operation:
    key: str  # "GET /api/v1/users/{user_id}"
    method: str
    path: str
    params: tuple[str, ...]
    public: bool
    summary: str
    has_body: bool


def api_operations() -> list[Operation]:
    from sasaeai.site.api import api

    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            if method.lower() not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations.append(
                Operation(
                    key=f"{method.upper()} {path}",
                    method=method.upper(),
                    path=path,
                    params=tuple(re.findall(r"{(\w+)}", path)),
                    public=not spec.get("security"),
                    summary=spec.get("summary", ""),
                    has_body="requestBody" in spec,
                )
            )
    return operations


def api_route_paths() -> set[str]:
    """Resolver routes that serve an operation of the OpenAPI schema (covered by API)."""
    return {_PARAM.sub(r"{\g<name>}", "/" + r.route) for r in url_routes()} & {
        op.path for op in api_operations()
    }


def page_routes() -> list[Route]:
    """Every URL pattern except those serving an API operation (those are in the schema)."""
    operation_paths = {op.path for op in api_operations()}
    return [
        r for r in url_routes() if _PARAM.sub(r"{\g<name>}", "/" + r.route) not in operation_paths
    ]


def sample_path(route: Route, kwargs: dict[str, Any]) -> str:
    """The path of a route with the given kwargs (sample values for regex patterns)."""
    if route.name and not route.is_regex:
        return reverse(route.name, kwargs={k: kwargs.get(k, 1) for k in route.params})
    path = route.route

    def regex_value(match: re.Match) -> str:
        name, body = match.group("name"), match.group("body")
        if name in kwargs:
            return str(kwargs[name])
        if "|" in body or body.isalnum():
            return body.split("|")[0]
        return "sample"

    path = _REGEX_GROUP.sub(regex_value, path)
    path = _PARAM.sub(lambda m: str(kwargs.get(m.group("name"), 1)), path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def addressable_pages(world: World):
    """(key, access, path, query) of every page of the registry (the admin site aside) with
    the path of its object built at the world's first place (境南エリア)."""
    routes = {r.key: r for r in page_routes()}
    for key in sorted(routes):
        access = world.pages.get(key)
        if access is None or key.startswith("admin:"):
            continue
        built = world.built.get((f"page:{key}", "here"))
        if access.obj is not None and built is None:
            continue
        target = built.target if built else Target()
        try:
            path = sample_path(routes[key], target.kwargs)
        except Exception:
            continue
        yield key, access, path, target.query


def suggestion_for_page(route: Route) -> str:
    app = (route.namespace or route.view.split(".")[1]).split(":")[0]
    obj = ""
    if route.params:
        kw = ", ".join(f'"{p}": <object built at place>.pk' for p in route.params)
        obj = f", obj=lambda place: {{{kw}}}"
    return (
        f"URL {route.key!r} (/{route.route}, view {route.view}) has no entry in the access "
        f"registry. Add to sasaeai/{app}/tests/access.py:\n\n"
        f"    PAGES = {{\n        {route.key!r}: Access(C.<CAPABILITY the view requires>{obj}),\n    }}\n\n"
        "(PUBLIC or LOGIN instead of a capability for pages without one; personal=True / "
        "area_bound=True as the data requires.) The docstring of tests/access_registry.py "
        "explains each field."
    )


def suggestion_for_operation(op: Operation) -> str:
    tag_app = op.path.removeprefix(API_PREFIX + "/").split("/")[0]
    extra = ""
    if op.params:
        kw = ", ".join(f'"{p}": <object built at place>.pk' for p in op.params)
        extra += f", obj=lambda place: {{{kw}}}"
    if op.has_body:
        extra += ", body=lambda place: {<a valid request body>}"
    return (
        f"API operation {op.key!r} ({op.summary}) has no entry in the access registry. Add to "
        f"your app's tests/access.py (the app serving /{tag_app}):\n\n"
        f"    API = {{\n        {op.key!r}: Access(C.<CAPABILITY>{extra}),\n    }}\n\n"
        "The docstring of tests/access_registry.py explains each field."
    )


# ---------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------


@dataclass
class Built:
    """An entry's object at one place: how to address it and the secrets it holds."""

    target: Target
    secrets: list[str]
    data: dict | None = None


@dataclass
class World:
    here: Place
    there: Place
    users: dict[str, User | None]
    pages: dict[str, Access]
    api: dict[str, Access]
    origin: dict[str, str]
    built: dict[tuple[str, str], Built] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    # "page:<key>#<variant>" / "api:<key>#<variant>" → the entry as it applies to the variant
    variant_access: dict[str, Access] = field(default_factory=dict)

    def places(self) -> list[Place]:
        return [self.here, self.there]

    def access_for(self, built_key: str) -> Access:
        """The rule of a built object: its entry's, or its variant's."""
        if built_key in self.variant_access:
            return self.variant_access[built_key]
        kind, _, name = built_key.partition(":")
        return (self.pages if kind == "page" else self.api)[name]

    def variants_of(self, kind: str, key: str) -> list[tuple[str, Access]]:
        """(built key, rule) of every variant planted for an entry ("page" or "api")."""
        prefix = f"{kind}:{key}#"
        return [(k, a) for k, a in self.variant_access.items() if k.startswith(prefix)]

    def client_for(self, requester: str) -> Client:
        """A client logged in as the requester, on a session opened when the world was built
        (so that tests do not pay for a login each)."""
        client = Client(HTTP_USER_AGENT="sasaeai-access-matrix")
        user = self.users[requester]
        if user is None:
            return client
        if requester not in self.sessions:
            client.force_login(user)
            self.sessions[requester] = client.cookies[settings.SESSION_COOKIE_NAME].value
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[requester]
        return client


def _make_place(name, municipality, area, town, center, user, admin, world=None) -> Place:
    return Place(
        name=name,
        municipality=municipality,
        area=area,
        town=town,
        center=center,
        user=user,
        admin=admin,
        world=world,
    )


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def build_world() -> World:
    """Musashino (demo organisation and users), 三鷹市 with a regional reader, and 大阪市
    with its own administrator and coordinators; then every entry's objects at both places."""
    from sasaeai.accounts import demo as accounts_demo
    from sasaeai.accounts.tests.factories import UserFactory
    from sasaeai.councils import demo as councils_demo
    from sasaeai.org import demo as org_demo
    from sasaeai.org.models import Area, SupportCenter, Town
    from sasaeai.org.services import municipality_create
    from sasaeai.org.tests.factories import AreaFactory, SupportCenterFactory, TownFactory

    musashino = org_demo.load()
    councils_demo.load(musashino)
    accounts_demo.load(musashino)
    mitaka = municipality_create(code="132047", name="三鷹市")
    osaka = municipality_create(code="271004", name="大阪市")
    osaka_area = AreaFactory(municipality=osaka, name="北エリア")
    osaka_town = TownFactory(municipality=osaka, area=osaka_area, name="梅田")
    osaka_center = SupportCenterFactory(municipality=osaka, area=osaka_area, name="北支援センター")

    here_area = Area.objects.get(municipality=musashino, name="境南エリア")
    named = {u.username: u for u in User.objects.filter(municipality=musashino)}
    tier2_here = next(u for u in named.values() if here_area in u.areas.all())
    tier2_elsewhere = named["tier2-1"]
    assert tier2_here != tier2_elsewhere
    users: dict[str, User | None] = {
        "anonymous": None,
        "admin": named["admin"],
        "tier1": named["tier1"],
        "tier2": tier2_here,
        "official": named["official"],
        "council": named["council"],
        "regional": UserFactory(municipality=mitaka, role=Role.REGIONAL),
        "tier2_other_area": tier2_elsewhere,
        "other_admin": UserFactory(municipality=osaka, role=Role.ADMIN),
        "other_tier1": UserFactory(municipality=osaka, role=Role.TIER1),
        "other_tier2": UserFactory(municipality=osaka, role=Role.TIER2, areas=[osaka_area]),
    }
    here = _make_place(
        "here",
        musashino,
        here_area,
        Town.objects.filter(area=here_area).first(),
        SupportCenter.objects.filter(area=here_area).first(),
        tier2_here,
        named["admin"],
    )
    there = _make_place(
        "there",
        osaka,
        osaka_area,
        osaka_town,
        osaka_center,
        users["other_tier2"],
        users["other_admin"],
    )
    pages, api, origin = collect()
    world = World(here=here, there=there, users=users, pages=pages, api=api, origin=origin)
    here.world = there.world = world
    for requester in REQUESTERS:
        world.client_for(requester)  # opens the sessions once, outside the tests' savepoints
    for table, prefix in ((pages, "page"), (api, "api")):
        for key, access in table.items():
            for place in world.places():
                _build(world, f"{prefix}:{key}", access, place)
            for variant in access.variants:
                built_key = f"{prefix}:{key}#{variant.name}"
                world.variant_access[built_key] = access.for_variant(variant)
                for place in world.places():
                    _build(world, built_key, world.variant_access[built_key], place)
    return world


def _build(world: World, key: str, access: Access, place: Place) -> None:
    target, minted, data = Target(), [], None
    try:
        if access.obj is not None:
            place.minted = minted
            try:
                made = access.obj(place)
            finally:
                place.minted = None
            target = made if isinstance(made, Target) else Target(kwargs=dict(made))
        if access.body is not None:
            data = access.body(place)
    except Exception as exc:  # reported by the entry's own test, not at collection
        world.errors[key] = f"{type(exc).__name__}: {exc}"
        return
    world.built[(key, place.name)] = Built(target=target, secrets=minted, data=data)


# ---------------------------------------------------------------------------------------------
# The rule: who reaches what
# ---------------------------------------------------------------------------------------------


def allowed(access: Access, user: User | None) -> bool:
    """May this user use the URL at all (ignoring objects)?"""
    if access.allow == PUBLIC:
        return True
    if access.allow == NOBODY:
        return False
    if user is None or (access.allow == DJANGO_ADMIN and not user.is_staff):
        return False
    if access.allow in (LOGIN, DJANGO_ADMIN):
        return True
    return policy.has(user, access.allow)


def reaches(access: Access, user: User | None, place: Place | None) -> bool:
    """May this user reach the entry's object built at this place (None: no object)?"""
    if not allowed(access, user):
        return False
    if place is None:
        return True
    if access.allow == PUBLIC:
        # Who gets a public page's object (a non-public resource: nobody).
        return access.reach(user, place) if access.reach is not None else True
    assert user is not None
    if access.reach is not None:
        return access.reach(user, place)
    if access.owner_only:
        return user.pk == place.user.pk
    if place.municipality.pk not in policy.municipality_ids(user):
        return False
    return not (
        (access.area_bound or access.personal)
        and user.role == Role.TIER2
        and place.area.pk not in policy.area_ids(user)
    )


def namespace_access(route: Route) -> Access | None:
    if route.namespace is None:
        return None
    return NAMESPACES.get(route.namespace.split(":")[0])


def body_text(response) -> str:
    """The answer as text, with JSON decoded so that escaped Japanese is searchable."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    text = raw.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def module_world():
    """A module-scoped fixture holding one World, rolled back when the module ends:
    `world = module_world()` in a test module."""
    import pytest
    from django.db import transaction

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build_world()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return world
