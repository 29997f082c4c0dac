"""The access matrix: every URL pattern and API operation, for every kind of requester, with
objects they must not see. See tests/access_registry.py for how to register a URL."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from sasaeai.accounts.policy import Capability as C

from .access_registry import DJANGO_ADMIN, NOBODY, PUBLIC, Access, Target
from .access_world import (
    API_PREFIX,
    REQUESTERS,
    Route,
    api_operations,
    body_text,
    module_world,
    namespace_access,
    page_routes,
    reaches,
    suggestion_for_operation,
    suggestion_for_page,
)

pytestmark = pytest.mark.django_db

world = module_world()

ROUTES = {r.key: r for r in page_routes()}
OPERATIONS = {op.key: op for op in api_operations()}
REFUSED = {403, 404}
# Django's admin site gates every URL with the same is_staff check: each of its URLs is asked
# by these requesters (the admin index by all of them).
ADMIN_SITE_REQUESTERS = ["anonymous", "admin", "other_tier1"]


def _login_url() -> str:
    return reverse(settings.LOGIN_URL)


def _forbidden_secrets(world, requester: str, public_url: bool) -> dict[str, str]:
    """secret → what it belongs to, for every object this requester must not see."""
    cache = world.__dict__.setdefault("_forbidden_cache", {})
    if (requester, public_url) not in cache:
        cache[requester, public_url] = _compute_forbidden(world, requester, public_url)
    return cache[requester, public_url]


def _compute_forbidden(world, requester: str, public_url: bool) -> dict[str, str]:
    user = world.users[requester]
    found: dict[str, str] = {}
    for (key, place_name), built in world.built.items():
        if not built.secrets:
            continue
        access = world.access_for(key)
        name = key.partition(":")[2]
        place = world.here if place_name == "here" else world.there
        if public_url and access.private_fields:
            # staff-only values: no public answer shows them, whoever asks
            for secret in built.secrets:
                found[secret] = f"{name} @ {place.municipality.name} (staff only)"
            continue
        if reaches(access, user, place):
            continue
        cross = user is not None and place.municipality.pk not in _readable(user)
        if access.personal or (cross and not public_url):
            for secret in built.secrets:
                found[secret] = f"{name} @ {place.municipality.name}"
    return found


def _readable(user) -> list[int]:
    from sasaeai.accounts import policy

    return policy.municipality_ids(user)


def _check_leaks(failures, world, requester, public_url, label, response, own_secrets=()):
    text = body_text(response)
    for secret, owner in _forbidden_secrets(world, requester, public_url).items():
        if secret in text:
            failures.append(f"{label}: LEAK of {owner} (value {secret!r}) to {requester}")
    for secret in own_secrets:
        if secret in text:
            failures.append(f"{label}: refused answer shows the object's value {secret!r}")


def _entry_or_fail(world, key, table, suggestion):
    if key in world.errors:
        pytest.fail(f"Building the object for {key!r} failed: {world.errors[key]}")
    access = table.get(key)
    if access is None:
        pytest.fail(suggestion)
    return access


# ---------------------------------------------------------------------------------------------
# Completeness
# ---------------------------------------------------------------------------------------------


def test_every_url_is_registered(world):
    missing = [
        suggestion_for_page(route)
        for key, route in ROUTES.items()
        if key not in world.pages and namespace_access(route) is None
    ]
    assert not missing, "\n\n".join(missing)


def test_every_api_operation_is_registered(world):
    missing = [
        suggestion_for_operation(op) for key, op in OPERATIONS.items() if key not in world.api
    ]
    assert not missing, "\n\n".join(missing)


def test_registry_names_only_urls_that_exist(world):
    stale = [f"PAGES[{k!r}] ({world.origin[k]})" for k in world.pages if k not in ROUTES]
    stale += [f"API[{k!r}] ({world.origin[k]})" for k in world.api if k not in OPERATIONS]
    assert not stale, (
        "These registry entries match no URL or API operation (renamed or removed?): "
        + ", ".join(stale)
    )


def test_api_public_operations_match_the_registry(world):
    wrong = []
    for key, op in OPERATIONS.items():
        access = world.api.get(key)
        if access is None:
            continue
        if op.public != (access.allow == PUBLIC):
            wrong.append(
                f"{key}: the schema says {'no login' if op.public else 'login required'}, "
                f"the registry says {access.allow}"
            )
    assert not wrong, "\n".join(wrong)


def test_api_writes_declare_a_valid_body(world):
    missing = [
        key
        for key, op in OPERATIONS.items()
        if op.has_body
        and key in world.api
        and world.api[key].body is None
        and world.api[key].obj is None
    ]
    assert not missing, (
        "API write operations need body=lambda place: {...} (a valid request body) so that the "
        "matrix reaches the permission check instead of a schema error: " + ", ".join(missing)
    )


def test_url_parameters_are_addressed(world):
    """A URL with parameters needs obj= so that the matrix asks for real objects."""
    missing = [
        key
        for key, route in ROUTES.items()
        if route.params and key in world.pages and world.pages[key].obj is None
    ]
    missing += [
        key
        for key, op in OPERATIONS.items()
        if op.params and key in world.api and world.api[key].obj is None
    ]
    assert not missing, "These entries need obj=lambda place: {...}: " + ", ".join(missing)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def _page_refusal_ok(access: Access, requester: str, response, *, posted_data: bool) -> bool:
    status = response.status_code
    if status == 405 or (access.allow in (NOBODY, PUBLIC) and status in REFUSED):
        return True
    if access.allow == DJANGO_ADMIN:
        return status == 302 and "/login/" in response["Location"]
    if requester == "anonymous":
        return status == 302 and response["Location"].startswith(_login_url())
    if status == 302 and _is_public_page(response["Location"]):
        # A reader who may see only what the public sees (広域閲覧) is sent to the resident's
        # page of the same object: the staff page is refused; what the public page shows is
        # checked for leaks where it is asked itself.
        return True
    return status in REFUSED or (posted_data and status == 400)


def _is_public_page(location: str) -> bool:
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(location).path).namespace == "finder"
    except Resolver404:
        return False


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_page(world, key):
    route: Route = ROUTES[key]
    access = world.pages.get(key) or namespace_access(route)
    if access is None:
        pytest.fail(suggestion_for_page(route))
    if f"page:{key}" in world.errors:
        pytest.fail(f"Building the object for {key!r} failed: {world.errors[f'page:{key}']}")
    built = {p.name: world.built.get((f"page:{key}", p.name)) for p in world.places()}
    failures = check_page(world, key, route, access, built)
    for variant_key, variant_access in world.variants_of("page", key):
        variant = variant_key.partition("#")[2]
        if variant_key in world.errors:
            failures.append(f"[{variant}] building the object failed: {world.errors[variant_key]}")
            continue
        built = {p.name: world.built.get((variant_key, p.name)) for p in world.places()}
        failures += [
            f"[{variant}] {failure}"
            for failure in check_page(world, key, route, variant_access, built)
        ]
    assert not failures, f"{key} ({world.origin.get(key, 'namespace rule')}):\n" + "\n".join(
        failures
    )


def check_page(world, key: str, route: Route, access: Access, built_at: dict) -> list[str]:
    """Asks the page as every requester; returns what went wrong."""
    public_url = access.allow == PUBLIC
    failures: list[str] = []
    places = world.places() if access.obj is not None else [world.here]  # here: for labels
    clients = {r: world.client_for(r) for r in REQUESTERS}
    for place in places:
        built = built_at.get(place.name)
        target = built.target if built else Target()
        data = target.data if target.data is not None else (built.data if built else None)
        path = _page_path(route, target)
        requesters = REQUESTERS
        if access.allow == DJANGO_ADMIN and key != "admin:index":
            requesters = ADMIN_SITE_REQUESTERS
        for requester in requesters:
            user = world.users[requester]
            ok = reaches(access, user, place if access.obj else None)
            client = clients[requester]
            label = f"{requester} GET {path} (object in {place.municipality.name}{place.area.name})"
            response = client.get(path, target.query)
            if response.status_code >= 500:
                failures.append(f"{label}: server error {response.status_code}")
            elif ok and response.status_code >= 400 and response.status_code != 405:
                failures.append(f"{label}: expected access, got {response.status_code}")
            elif not ok and not (
                _page_refusal_ok(access, requester, response, posted_data=False)
                or (target.query and not target.kwargs and response.status_code == 200)
            ):
                failures.append(f"{label}: expected refusal, got {response.status_code}")
            _check_leaks(
                failures,
                world,
                requester,
                public_url,
                label,
                response,
                own_secrets=() if ok else (built.secrets if built else ()),
            )
            if ok:
                continue  # never write as a requester who may
            response = client.post(path, data or {})
            label = label.replace(" GET ", " POST ")
            if not _page_refusal_ok(access, requester, response, posted_data=bool(target.data)):
                failures.append(f"{label}: expected refusal, got {response.status_code}")
            _check_leaks(
                failures,
                world,
                requester,
                public_url,
                label,
                response,
                own_secrets=built.secrets if built else (),
            )
    return failures


def _page_path(route: Route, target: Target) -> str:
    from .access_world import sample_path

    return sample_path(route, target.kwargs)


# ---------------------------------------------------------------------------------------------
# API operations
# ---------------------------------------------------------------------------------------------


def _ours_422(response) -> bool:
    """A 422 of the operation's own checks (after the permission check), not a request the
    schema refused before the operation ran (code "invalid_request", see sasaeai/site/api.py)."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body.get("detail"), str) and body.get("code") != "invalid_request"


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_api_operation(world, key):
    op = OPERATIONS[key]
    access = world.api.get(key)
    if access is None:
        pytest.fail(suggestion_for_operation(op))
    if f"api:{key}" in world.errors:
        pytest.fail(f"Building the object for {key!r} failed: {world.errors[f'api:{key}']}")
    failures = check_operation(world, op, access, f"api:{key}")
    for variant_key, variant_access in world.variants_of("api", key):
        variant = variant_key.partition("#")[2]
        if variant_key in world.errors:
            failures.append(f"[{variant}] building the object failed: {world.errors[variant_key]}")
            continue
        failures += [
            f"[{variant}] {failure}"
            for failure in check_operation(world, op, variant_access, variant_key)
        ]
    assert not failures, f"{key} ({world.origin.get(key)}):\n" + "\n".join(failures)


def check_operation(world, op, access: Access, built_key: str) -> list[str]:
    """Asks the operation as every requester, for the objects built under `built_key`."""
    public_url = access.allow == PUBLIC
    failures: list[str] = []
    places = world.places() if access.obj is not None else [world.here]  # here: for labels
    clients = {r: world.client_for(r) for r in REQUESTERS}
    for place in places:
        built = world.built.get((built_key, place.name))
        target = built.target if built else Target()
        body = target.data if target.data is not None else (built.data if built else None)
        path = op.path
        for name in op.params:
            path = path.replace("{" + name + "}", str(target.kwargs.get(name, "")))
        for requester in REQUESTERS:
            user = world.users[requester]
            ok = reaches(access, user, place if access.obj else None)
            if ok and op.method != "GET":
                continue  # never write as a requester who may
            client = clients[requester]
            label = f"{requester} {op.method} {path} (object in {place.municipality.name}{place.area.name})"
            kwargs = {}
            if op.method != "GET":
                kwargs = {"data": json.dumps(body or {}), "content_type": "application/json"}
            response = (
                client.generic(op.method, path + _query(target), **kwargs)
                if op.method != "GET"
                else client.get(path, target.query)
            )
            status = response.status_code
            if status >= 500:
                failures.append(f"{label}: server error {status}")
            elif ok and status >= 400:
                failures.append(f"{label}: expected access, got {status}")
            elif not ok:
                refused = (
                    status == 401
                    if requester == "anonymous" and not public_url
                    else status in REFUSED
                    or (status == 422 and target.data is not None and _ours_422(response))
                    or (op.method == "GET" and target.query and not target.kwargs and status == 200)
                )
                if not refused:
                    failures.append(f"{label}: expected refusal, got {status}")
            _check_leaks(
                failures,
                world,
                requester,
                public_url,
                label,
                response,
                own_secrets=() if ok else (built.secrets if built else ()),
            )
    return failures


def _query(target: Target) -> str:
    from urllib.parse import urlencode

    return ("?" + urlencode(target.query, doseq=True)) if target.query else ""


assert API_PREFIX == "/api/v1"


# ---------------------------------------------------------------------------------------------
# The matrix catches what it is for (a view that forgets the policy)
# ---------------------------------------------------------------------------------------------


@pytest.mark.urls("tests.access_selftest_urls")
def test_matrix_flags_a_view_that_forgets_the_policy(world):
    from .access_registry import _user_at
    from .access_world import Built, url_routes

    route = next(r for r in url_routes() if r.key == "leaky_user")
    access = Access(C.MANAGE_USERS, obj=_user_at)
    built = {}
    for place in world.places():
        minted: list[str] = []
        place.minted = minted
        try:
            kwargs = access.obj(place)
        finally:
            place.minted = None
        built[place.name] = Built(target=Target(kwargs=kwargs), secrets=minted)
    failures = check_page(world, "leaky_user", route, access, built)
    text = "\n".join(failures)
    assert "tier1 GET" in text and "expected refusal, got 200" in text
    assert "other_admin GET" in text and "refused answer shows the object's value" in text
    assert "anonymous GET" not in text  # login_required still holds


# ---------------------------------------------------------------------------------------------
# Variants: every kind of object that changes who may see it
# ---------------------------------------------------------------------------------------------

# The kinds of object that change visibility, and the URLs and operations that show them. The
# matrix plants each kind at both places and asks every requester (see test_page and
# test_api_operation); a kind missing here is a kind the matrix cannot catch a leak of.
REQUIRED_VARIANTS = {
    ("page", "councils:meeting_detail"): {"協議体の会議", "協議体のない会議（地域ケア会議）"},
    ("page", "councils:briefing_pack"): {"協議体の会議", "協議体のない会議（地域ケア会議）"},
    ("page", "activities:meeting_detail"): {"協議体の会議", "協議体のない会議（地域ケア会議）"},
    ("api", "GET /api/v1/meetings/{meeting_id}"): {
        "協議体の会議",
        "協議体のない会議（地域ケア会議）",
    },
    ("page", "cases:detail"): {"他の圏域のケース", "終結したケース"},
    ("page", "cases:edit"): {"他の圏域のケース", "終結したケース"},
    ("api", "GET /api/v1/cases/{case_id}"): {"他の圏域のケース", "終結したケース"},
    ("page", "resources:detail"): {"非公開の資源", "個人宅のサロン（公開）"},
    ("page", "finder:detail"): {"非公開の資源", "個人宅のサロン（公開）"},
    ("api", "GET /api/v1/resources/{service_id}"): {"非公開の資源", "個人宅のサロン（公開）"},
}


def test_every_variant_that_changes_visibility_is_planted(world):
    from sasaeai.cases.models import ReferralStatus

    referral_kinds = {f"つなぎ先が「{label}」のケース" for _, label in ReferralStatus.choices}
    required = dict(REQUIRED_VARIANTS)
    for key in (("page", "cases:detail"), ("api", "GET /api/v1/cases/{case_id}")):
        required[key] = required[key] | referral_kinds
    missing = []
    for (kind, key), names in required.items():
        planted = {k.partition("#")[2] for k, _ in world.variants_of(kind, key)}
        missing += [f"{key}: {name}" for name in sorted(names - planted)]
    assert not missing, "variants not planted: " + ", ".join(missing)
    unbuilt = [
        f"{key} @ {place.name}"
        for key in world.variant_access
        for place in world.places()
        if (key, place.name) not in world.built
    ]
    assert not unbuilt, "variants not built: " + ", ".join(unbuilt)
    urls = {k.partition("#")[0] for k in world.variant_access}
    triples = len(world.variant_access) * len(REQUESTERS)
    print(
        f"\naccess variants: {len(world.variant_access)} (variant, URL) pairs on {len(urls)} URLs "
        f"and operations, x {len(REQUESTERS)} requesters = {triples} (variant, role, URL) "
        f"triples, each at {len(world.places())} places"
    )
