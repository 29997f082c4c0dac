"""The access registry: who may use every URL and API operation of Sasaeai.

tests/test_access_matrix.py walks Django's URL resolver and the OpenAPI schema of
`sasaeai.site.api.api`; every URL pattern and every API operation must have an entry here or in
an app's own `sasaeai/<app>/tests/access.py`. An unregistered URL fails the suite with the
entry to add. For every entry the test logs in as each requester below, asks for the URL
(GET and POST; API operations with their own method), and checks the answer against the policy.

HOW TO REGISTER YOUR URLS (feature engineers: do this in the same commit as the view)
--------------------------------------------------------------------------------------
Create `sasaeai/<app>/tests/access.py` (you own it; it is found automatically) with two dicts::

    from sasaeai.accounts.policy import Capability as C
    from tests.access_registry import Access, Target

    from .factories import CaseFactory

    PAGES = {  # key: the URL name, "app:name" (or the route, for a pattern without a name)
        "cases:list": Access(C.VIEW_CASES),
        "cases:detail": Access(
            C.VIEW_CASES,
            obj=lambda place: {"pk": CaseFactory(
                municipality=place.municipality, area=place.area,
                name=place.secret(),            # a value that must never leak
            ).pk},
            personal=True,
        ),
    }
    API = {  # key: "METHOD /api/v1/path/{param}" exactly as in /api/v1/openapi.json
        "GET /api/v1/cases/{case_id}": Access(
            C.VIEW_CASES, obj=lambda place: {"case_id": CaseFactory(...).pk}, personal=True),
        "POST /api/v1/cases": Access(
            C.EDIT_CASES, body=lambda place: {"area_id": place.area.pk, "age": 80}),
    }

`Access(allow, ...)`:

- `allow`: the `Capability` the view requires (`policy.require`), or `PUBLIC` (no login:
  login page, public finder), `LOGIN` (any logged-in user: home, own settings),
  `DJANGO_ADMIN` (Django's admin site; only superusers), or `NOBODY` (answers 403/404 to
  everyone, e.g. the API root in production). Roles holding the capability are
  read from `policy.ROLE_CAPABILITIES`; never list roles by hand.
- `obj(place) -> dict | Target`: for every URL that names an object (a path id, a query
  parameter or a posted id). Build one real object *at the given place* with your factories and
  return the URL kwargs (`{"pk": obj.pk}`), or `Target(kwargs=..., query=..., data=...)`
  when the object is addressed by query string or posted field. Use `place.municipality`,
  `place.area`, `place.town`, `place.center`, `place.user` (a tier-2 coordinator of that area),
  `place.world` (everything else). Put `place.secret()` (or `place.secret("kana")`,
  `place.secret("ascii")`) in every personal field: the test fails if that value appears in
  the answer to anyone who must not see the object, on any page of the matrix.
  `obj` is called twice: for a place in Musashino's 境南エリア and for a place in another
  municipality of another prefecture. Objects are built once per test module.
- `body(place) -> dict`: a *valid* request body for API writes (POST/PUT/PATCH), so that the
  request gets past schema validation to the permission check; also posted to pages.
  Required for every API write operation.
- `area_bound=True`: a tier-2 coordinator of another area must not reach the object (writes
  to area records, anything personal).
- `personal=True`: the object carries personal data (cases and anything about a person);
  implies `area_bound`. Its secrets must appear in no answer, on any URL, to a requester who
  may not reach it.
- `owner_only=True`: only the object's owner (`place.user`) reaches it (own tokens, feeds).
- `reach(user, place) -> bool`: overrides who reaches the object, for the rare rule that none
  of the above expresses; say why in `note`.
- `note`: one line on why the rule is what it is.
- `private_fields=True`: the object's secrets are staff-only values; they must appear in no
  answer of a PUBLIC URL (the finder, the brochure), whoever asks.
- `variants=(Variant("name", obj=..., reach=...), ...)`: every other kind of the object that
  changes who may see it (a meeting with and without a council, a case of each area, closed
  records, a referral in each state, public / non-public / home-salon resources). Each variant
  is built at both places and asked by every requester like `obj`; its `reach`, `personal`,
  `area_bound` and `private_fields` default to the entry's. A `reach` on a PUBLIC entry
  decides who gets the object (`user` is None for anonymous): a non-public resource answers
  404 to everyone on the finder. Plant every variant that changes visibility: the matrix
  only catches what it plants.

What the matrix then asserts, for the requesters anonymous, admin, tier1, tier2 (境南エリア),
official, council, regional (三鷹市, same prefecture), tier2_other_area (吉祥寺東・南エリア),
other_admin / other_tier1 / other_tier2 (a municipality in another prefecture):

- requesters who may not use the URL: pages answer 302 to the login page (anonymous) or
  403/404; API operations answer 401 (anonymous) or 403/404; POST is refused the same way
  (405 is accepted for a method the view does not take). A `Target` with `data` may also be
  refused as 400 (pages) or 422 with our Japanese message (API); a `Target` addressed only by
  query may answer 200 provided nothing of the object shows.
- requesters who may: GET answers below 400 (the object really exists: a factory that built
  a wrong id fails here).
- no answer to anyone contains a secret of an object they may not reach (cross-municipality
  always; within the municipality for `personal` objects).

Run it: `.venv/bin/python -m pytest tests/test_access_matrix.py -q`.
"""

from __future__ import annotations

import importlib
import secrets as _secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.apps import apps

from sasaeai.accounts.policy import Capability as C

if TYPE_CHECKING:
    from sasaeai.accounts.models import User
    from sasaeai.org.models import Area, Municipality, SupportCenter, Town


class Audience(str):
    """Who may use a URL when no capability decides it."""

    def __repr__(self) -> str:
        return str(self)


PUBLIC = Audience("PUBLIC")
LOGIN = Audience("LOGIN")
NOBODY = Audience("NOBODY")
DJANGO_ADMIN = Audience("DJANGO_ADMIN")


@dataclass(frozen=True)
class Target:
    """How an object at a place is addressed: path kwargs, query string, posted data."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class Variant:
    """Another kind of the entry's object, one that changes who may see it (a meeting of no
    council, a case of another area, a closed case, a referral in each state, a non-public
    resource, a home salon). Built at each place like `obj` and asked by every requester;
    what it leaves unset follows the entry."""

    name: str
    obj: Callable[[Place], dict | Target]
    reach: Callable[[User | None, Place], bool] | None = None
    personal: bool | None = None
    area_bound: bool | None = None
    private_fields: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class Access:
    allow: C | Audience
    obj: Callable[[Place], dict | Target] | None = None
    body: Callable[[Place], dict] | None = None
    area_bound: bool = False
    personal: bool = False
    owner_only: bool = False
    reach: Callable[[User, Place], bool] | None = None
    note: str = ""
    # The object's secrets are staff-only values (an internal note, a home salon's address):
    # no answer of a public URL may show them, whoever asks.
    private_fields: bool = False
    variants: tuple[Variant, ...] = ()

    def for_variant(self, variant: Variant) -> Access:
        """The entry as it applies to one variant of its object."""
        return replace(
            self,
            obj=variant.obj,
            reach=variant.reach if variant.reach is not None else self.reach,
            personal=self.personal if variant.personal is None else variant.personal,
            area_bound=self.area_bound if variant.area_bound is None else variant.area_bound,
            private_fields=(
                self.private_fields if variant.private_fields is None else variant.private_fields
            ),
            variants=(),
        )


@dataclass
class Place:
    """Where the matrix builds an object: a municipality, one of its areas, and its people."""

    name: str
    municipality: Municipality
    area: Area
    town: Town
    center: SupportCenter
    user: User  # a tier-2 coordinator of `area`
    admin: User
    world: Any = None
    minted: list[str] | None = None

    _KANA = (
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
    )

    def secret(self, style: str = "name") -> str:
        """A distinctive value for a personal field; the matrix watches every answer for it.
        style: "name" (漢字+カナ), "kana" (カタカナ only), "ascii" (letters and digits)."""
        if style == "ascii":
            value = "zq" + _secrets.token_hex(5)
        else:
            kana = "".join(_secrets.choice(self._KANA) for _ in range(7))
            value = ("ヒミツ" if style == "kana" else "秘匿") + kana
        if self.minted is not None:
            self.minted.append(value)
        return value


# ---------------------------------------------------------------------------------------------
# Rules the variants share (written from the policy's documented rules, not from the selectors
# under test, so that a selector that drifts from them is caught)
# ---------------------------------------------------------------------------------------------


def second_area(place: Place) -> Area:
    """Another area of the place's municipality: in Musashino the area of the tier-2
    coordinator of another area (吉祥寺東・南エリア), elsewhere one made for the purpose."""
    found = getattr(place, "_second_area", None)
    if found is None:
        other = place.world.users.get("tier2_other_area") if place.world else None
        if other is not None and other.municipality_id == place.municipality.pk:
            found = other.areas.exclude(pk=place.area.pk).first()
        if found is None:
            from sasaeai.org.tests.factories import AreaFactory

            found = AreaFactory(municipality=place.municipality, name="第二エリア（試験）")
        place._second_area = found
    return found


def _same_municipality(user: User | None, place: Place) -> bool:
    return user is not None and user.municipality_id == place.municipality.pk


def _in_area(user: User, area_id: int) -> bool:
    from sasaeai.accounts import policy
    from sasaeai.accounts.models import Role

    return user.role != Role.TIER2 or area_id in policy.area_ids(user)


def personal_in(area_of: Callable[[Place], Area]) -> Callable[[User | None, Place], bool]:
    """Personal records of the area `area_of(place)`: tier 1 of the municipality and tier 2 of
    that area (the page's capability is checked before)."""

    def reach(user: User | None, place: Place) -> bool:
        return _same_municipality(user, place) and _in_area(user, area_of(place).pk)

    return reach


def meeting_reach(*, of_council: bool) -> Callable[[User | None, Place], bool]:
    """Who reads a meeting held in the place's area: as an activity record, tier 1 and
    officials of the municipality and tier 2 of the area; a council's meeting also everyone
    with the councils capability in the municipality (council material). A meeting of no
    council is never council material."""

    def reach(user: User | None, place: Place) -> bool:
        from sasaeai.accounts import policy

        if not _same_municipality(user, place):
            return False
        if policy.has(user, C.VIEW_ACTIVITIES) and _in_area(user, place.area.pk):
            return True
        return of_council and policy.has(user, C.VIEW_COUNCILS)

    return reach


def nobody(user: User | None, place: Place) -> bool:
    """A public page shows the object to nobody (a resource that is not public)."""
    return False


# ---------------------------------------------------------------------------------------------
# Foundation entries (accounts, org, audit, API docs). Feature apps: use your own access.py.
# ---------------------------------------------------------------------------------------------


def _user_at(place: Place) -> dict:
    from sasaeai.accounts.tests.factories import UserFactory

    user = UserFactory(
        municipality=place.municipality,
        role="tier2",
        areas=[place.area],
        display_name=place.secret(),
        display_name_kana=place.secret("kana"),
        email=f"{place.secret('ascii')}@example.jp",
    )
    return {"pk": user.pk}


def _token_of(place: Place) -> dict:
    from sasaeai.accounts.services import token_create

    token, _plain = token_create(user=place.user, name=place.secret())
    return {"pk": token.pk}


def _center_at(place: Place) -> dict:
    from sasaeai.org.tests.factories import SupportCenterFactory

    center = SupportCenterFactory(
        municipality=place.municipality, area=place.area, phone="0422-00-0000"
    )
    return {"pk": center.pk}


PAGES: dict[str, Access] = {
    "home": Access(LOGIN, note="each panel checks the user's own capabilities"),
    "accounts:login": Access(PUBLIC),
    "accounts:logout": Access(PUBLIC, note="logging out when not logged in does nothing"),
    "accounts:password_change": Access(LOGIN),
    "accounts:profile": Access(LOGIN),
    "accounts:token_create": Access(LOGIN, note="creates a token for oneself only"),
    "accounts:token_revoke": Access(LOGIN, obj=_token_of, owner_only=True),
    "accounts:user_list": Access(C.MANAGE_USERS),
    "accounts:user_create": Access(C.MANAGE_USERS),
    "accounts:user_edit": Access(C.MANAGE_USERS, obj=_user_at),
    "accounts:user_reset_password": Access(C.MANAGE_USERS, obj=_user_at),
    "accounts:login_verify": Access(
        PUBLIC, note="the code step; without a pending login it sends to login"
    ),
    "accounts:two_factor_setup": Access(LOGIN, note="one's own authenticator only"),
    "accounts:two_factor_policy": Access(C.MANAGE_USERS),
    "accounts:two_factor_reset": Access(C.MANAGE_USERS, obj=_user_at),
    "org:overview": Access(C.VIEW_ORG),
    "org:area_edit": Access(C.MANAGE_ORG, obj=lambda p: {"pk": p.area.pk}),
    "org:town_edit": Access(C.MANAGE_ORG, obj=lambda p: {"pk": p.town.pk}),
    "org:center_create": Access(C.MANAGE_ORG),
    "org:center_edit": Access(C.MANAGE_ORG, obj=_center_at),
    "audit:list": Access(C.VIEW_AUDIT),
    "api:openapi-json": Access(PUBLIC, note="the API description holds no data"),
    "api:openapi-view": Access(PUBLIC, note="the API documentation page"),
    "api:api-root": Access(NOBODY, note="ninja's API root: 404 unless DEBUG (then a redirect)"),
    "admin:login": Access(PUBLIC, note="the admin site's own login form"),
    "admin:logout": Access(PUBLIC),
}

# Whole URL namespaces with one rule (their URLs are still requested one by one).
NAMESPACES: dict[str, Access] = {
    "admin": Access(DJANGO_ADMIN, note="Django's admin site: superusers only (is_staff)"),
}

API: dict[str, Access] = {
    "GET /api/v1/me": Access(LOGIN),
    "GET /api/v1/users": Access(C.MANAGE_USERS),
    "GET /api/v1/users/{user_id}": Access(
        C.MANAGE_USERS, obj=lambda p: {"user_id": _user_at(p)["pk"]}
    ),
    "GET /api/v1/municipalities": Access(C.VIEW_ORG),
    "GET /api/v1/areas": Access(C.VIEW_ORG),
    "GET /api/v1/areas/{area_id}": Access(C.VIEW_ORG, obj=lambda p: {"area_id": p.area.pk}),
    "GET /api/v1/towns": Access(C.VIEW_ORG),
    "GET /api/v1/support-centers": Access(C.VIEW_ORG),
    "GET /api/v1/support-centers/{center_id}": Access(
        C.VIEW_ORG, obj=lambda p: {"center_id": _center_at(p)["pk"]}
    ),
}


def feature_modules() -> list[str]:
    """The `sasaeai.<app>.tests.access` modules that exist."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("sasaeai."):
            continue
        module = f"{config.name}.tests.access"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module.startswith(exc.name):
                continue
            raise
        found.append(module)
    return found


def collect() -> tuple[dict[str, Access], dict[str, Access], dict[str, str]]:
    """Every page and API entry, with the module that declared it; a key declared twice is
    an error."""
    pages: dict[str, Access] = dict(PAGES)
    api: dict[str, Access] = dict(API)
    origin = dict.fromkeys([*PAGES, *API], __name__)
    for module_name in feature_modules():
        module = importlib.import_module(module_name)
        for table, target in (
            (getattr(module, "PAGES", {}), pages),
            (getattr(module, "API", {}), api),
        ):
            for key, access in table.items():
                if key in target:
                    raise ValueError(
                        f"{key!r} is registered twice: in {origin[key]} and {module_name}."
                    )
                if not isinstance(access, Access):
                    raise TypeError(f"{module_name}: {key!r} must map to an Access(...).")
                target[key] = access
                origin[key] = module_name
    return pages, api, origin
