"""The operations the benchmark measures, each with the bare data access it needs (its floor).

An operation names the user it runs as, how it authenticates (the real login form or an API
token), the HTTP requests it cycles through (several variants, so that caches do not flatter
it), and `data(env, i)`: the selectors and queries of variant i, run in the benchmark process.
The SQL that `data` executes is captured once and replayed with a bare cursor; that replay is the
floor the operation is compared with. The floor thus holds what the page needs from the database
(the session, the user, the records) and leaves out what the application adds (middleware,
policy, serialisation, templates, HTTP).

An operation is measured only when what it needs exists in the code (`available`), so the
harness grows as the feature apps land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from bench.client import Request

# Targets from the issues (p95 in milliseconds unless stated).
PAGE_P95_MS = 200  # issue 10: every page, prefecture size on PostgreSQL, one city on SQLite
SEARCH_P95_MS = 50  # issue 3: keyword search with two filters, 100,000 services, both backends
SEARCH_RATIO = 3.0  # issue 10: overhead ratio to the bare SQL, search


@dataclass
class Target:
    p95_ms: float | None = None
    ratio: float | None = None
    # Which (backend, size) pairs the target binds; others are shown for reference.
    binds: Callable[[str, str], bool] = lambda backend, size: True
    source: str = ""


def page_binds(backend: str, size: str) -> bool:
    return (backend, size) in {("postgresql", "prefecture"), ("sqlite", "city")}


PAGE_TARGET = Target(p95_ms=PAGE_P95_MS, binds=page_binds, source="#10")


@dataclass
class Operation:
    key: str
    label: str
    user: str | None
    auth: str  # "session", "token" or "none"
    requests: Callable[[Env], list[Request]]
    data: Callable[[Env, int], None] | None = None
    scope: str = "municipality"  # whose data it reads: one municipality, or the prefecture
    target: Target | None = None
    available: Callable[[], bool] = lambda: True
    throughput: bool = False
    notes: str = ""
    writes: bool = False


@dataclass
class Env:
    """What operations know about the running benchmark."""

    users: dict = field(default_factory=dict)  # username → User (in this process)
    sessions: dict = field(default_factory=dict)  # username → session key of its client
    tokens: dict = field(default_factory=dict)  # username → plain API token
    cache: dict = field(default_factory=dict)

    def user(self, username: str):
        if username not in self.users:
            from sasaeai.accounts.models import User

            self.users[username] = User.objects.get(username=username)
        return self.users[username]


def url_exists(name: str, *args) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


def api_path_exists(path: str, method: str = "GET") -> bool:
    """Whether the API has an operation at this path (as in the OpenAPI schema)."""
    from sasaeai.site.api import api

    schema = api.get_openapi_schema()
    full = "/api/v1" + path
    return method.lower() in schema["paths"].get(full, {})


# --- the floors' building blocks ---------------------------------------------------------------


def session_and_user(env: Env, username: str) -> None:
    """What authenticating a browser request needs: the session row and the user."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from sasaeai.accounts.models import User

    Session.objects.filter(
        session_key=env.sessions[username], expire_date__gt=timezone.now()
    ).values_list("session_data", flat=True).first()
    User.objects.filter(pk=env.user(username).pk).first()


def token_and_user(env: Env, username: str) -> None:
    """What authenticating an API request needs: the token row joined to its user."""
    import hashlib

    from sasaeai.accounts.models import ApiToken

    digest = hashlib.sha256(env.tokens[username].encode()).hexdigest()
    ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()


def page(queryset, size: int = 20) -> None:
    """A first page as the API answers it: the count and the rows."""
    queryset.count()
    list(queryset[:size])


# --- the operations ----------------------------------------------------------------------------

OPERATIONS: list[Operation] = []


def operation(**kwargs) -> Callable:
    def register(func: Callable[[Env, int], None] | None) -> Callable:
        OPERATIONS.append(Operation(data=func, **kwargs))
        return func

    return register


OPERATIONS.append(
    Operation(
        key="minimal",
        label="Djangoの最小ビュー（比較用）",
        user=None,
        auth="none",
        requests=lambda env: [Request("GET", "/bench/minimal/")],
        data=None,
        throughput=True,
        notes="全ミドルウェアを通る最小のビュー。スループットの基準",
    )
)


@operation(
    key="home",
    label="ホーム画面",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", "/")],
    target=PAGE_TARGET,
    throughput=True,
)
def _home(env: Env, i: int) -> None:
    from sasaeai.site.home import home_context

    session_and_user(env, "tier1")
    home_context(user=env.user("tier1"))


@operation(
    key="api_me",
    label="API: /me",
    user="tier1",
    auth="token",
    requests=lambda env: [Request("GET", "/api/v1/me")],
    target=PAGE_TARGET,
)
def _api_me(env: Env, i: int) -> None:
    token_and_user(env, "tier1")
    list(env.user("tier1").areas.all())


@operation(
    key="org_overview",
    label="組織の画面",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", "/org/")],
    target=PAGE_TARGET,
    available=lambda: url_exists("org:overview"),
)
def _org_overview(env: Env, i: int) -> None:
    from sasaeai.org import selectors

    user = env.user("tier1")
    session_and_user(env, "tier1")
    list(selectors.municipalities_visible_to(user=user))
    list(selectors.area_list_visible_to(user=user))
    list(selectors.town_list_visible_to(user=user).filter(area__isnull=True))
    list(selectors.support_center_list_visible_to(user=user).filter(area__isnull=True))


@operation(
    key="user_list",
    label="利用者の一覧（管理者）",
    user="admin",
    auth="session",
    requests=lambda env: [Request("GET", "/accounts/users/")],
    target=PAGE_TARGET,
    available=lambda: url_exists("accounts:user_list"),
)
def _user_list(env: Env, i: int) -> None:
    from sasaeai.accounts.selectors import user_list_manageable_by

    session_and_user(env, "admin")
    list(user_list_manageable_by(user=env.user("admin")))


@operation(
    key="api_users",
    label="API: 利用者の一覧",
    user="admin",
    auth="token",
    requests=lambda env: [
        Request("GET", "/api/v1/users?page=1"),
        Request("GET", "/api/v1/users?page=2"),
    ],
    target=PAGE_TARGET,
    available=lambda: api_path_exists("/users"),
)
def _api_users(env: Env, i: int) -> None:
    from sasaeai.accounts.selectors import user_list_manageable_by

    token_and_user(env, "admin")
    qs = user_list_manageable_by(user=env.user("admin"))
    qs.count()
    list(qs[i * 20 : (i + 1) * 20])


@operation(
    key="api_areas",
    label="API: 圏域と町の一覧",
    user="tier1",
    auth="token",
    requests=lambda env: [Request("GET", "/api/v1/areas")],
    target=PAGE_TARGET,
    available=lambda: api_path_exists("/areas"),
)
def _api_areas(env: Env, i: int) -> None:
    from sasaeai.org.selectors import area_list_visible_to

    token_and_user(env, "tier1")
    page(area_list_visible_to(user=env.user("tier1")))


@operation(
    key="api_towns_regional",
    label="API: 町の一覧（都道府県全体）",
    user="regional",
    auth="token",
    scope="prefecture",
    requests=lambda env: [
        Request("GET", f"/api/v1/towns?page={p}&page_size=200") for p in (1, 2, 3)
    ],
    target=PAGE_TARGET,
    available=lambda: api_path_exists("/towns"),
)
def _api_towns_regional(env: Env, i: int) -> None:
    from sasaeai.org.selectors import town_list_visible_to

    token_and_user(env, "regional")
    qs = town_list_visible_to(user=env.user("regional"))
    qs.count()
    list(qs[i * 200 : (i + 1) * 200])


# --- resources (issue 3) -----------------------------------------------------------------------

SEARCH_TARGET = Target(p95_ms=SEARCH_P95_MS, ratio=SEARCH_RATIO, source="#3 #10")
# Keywords coordinators type (kanji, kana, one and two characters, a reading, a synonym).
SEARCH_WORDS = [
    "体操",
    "サロン",
    "からおけ",
    "食堂",
    "歌",
    "カフェ",
    "囲碁",
    "さくら",
    "ｻﾛﾝ",
    "麻雀",
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def home_area_ids(env: Env) -> list[int]:
    if "areas" not in env.cache:
        from sasaeai.org.models import Area

        env.cache["areas"] = list(
            Area.objects.filter(municipality_id=env.user("tier1").municipality_id)
            .order_by("order", "id")
            .values_list("id", flat=True)
        )
    return env.cache["areas"]


def home_service_ids(env: Env, count: int = 10) -> list[int]:
    if "services" not in env.cache:
        from sasaeai.resources.models import Service

        municipality_id = env.user("tier1").municipality_id
        ids = list(
            Service.objects.filter(municipality_id=municipality_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
        step = max(1, len(ids) // count)
        env.cache["services"] = ids[::step][:count]
    return env.cache["services"]


def _search_variants(env: Env) -> list[tuple[str, int, int]]:
    areas = home_area_ids(env)
    return [(word, areas[i % len(areas)], i % len(WEEKDAYS)) for i, word in enumerate(SEARCH_WORDS)]


def _search_filters(env: Env, i: int, *, regional: bool):
    from sasaeai.resources.selectors import ServiceFilters

    word, area, weekday = _search_variants(env)[i]
    if regional:
        return ServiceFilters(text=word, weekdays=[weekday], is_free=True)
    return ServiceFilters(text=word, area_ids=[area], weekdays=[weekday])


def _search_requests(env: Env, *, regional: bool) -> list[Request]:
    from urllib.parse import urlencode

    out = []
    for word, area, weekday in _search_variants(env):
        query = {"q": word, "weekday": WEEKDAYS[weekday]}
        if regional:
            query["free"] = "true"
        else:
            query["area"] = area
        out.append(Request("GET", "/api/v1/resources?" + urlencode(query)))
    return out


def _search_data(env: Env, i: int, *, username: str, regional: bool) -> None:
    from sasaeai.resources import selectors

    token_and_user(env, username)
    user = env.user(username)
    result = selectors.service_search(user=user, filters=_search_filters(env, i, regional=regional))
    if hasattr(selectors, "search_result_page"):  # the API's page, as the API reads it
        selectors.search_result_page(result, offset=0, limit=20, public=regional)
    elif hasattr(selectors, "search_page"):  # the page: ids with the count, then the items
        selectors.search_page(getattr(result, "for_page", result.queryset), offset=0, limit=20)
    else:
        page(selectors.with_display_relations(result.queryset))


OPERATIONS.append(
    Operation(
        key="search",
        label="API: 社会資源の検索（語＋圏域＋曜日）",
        user="tier1",
        auth="token",
        requests=lambda env: _search_requests(env, regional=False),
        data=lambda env, i: _search_data(env, i, username="tier1", regional=False),
        target=SEARCH_TARGET,
        available=lambda: api_path_exists("/resources"),
        throughput=True,
    )
)
OPERATIONS.append(
    Operation(
        key="search_regional",
        label="API: 社会資源の検索（都道府県全体、語＋曜日＋無料）",
        user="regional",
        auth="token",
        scope="prefecture",
        requests=lambda env: _search_requests(env, regional=True),
        data=lambda env, i: _search_data(env, i, username="regional", regional=True),
        target=SEARCH_TARGET,
        available=lambda: api_path_exists("/resources"),
    )
)


@operation(
    key="resource_detail_api",
    label="API: 社会資源の詳細",
    user="tier1",
    auth="token",
    requests=lambda env: [
        Request("GET", f"/api/v1/resources/{pk}") for pk in home_service_ids(env)
    ],
    target=PAGE_TARGET,
    available=lambda: api_path_exists("/resources/{service_id}"),
)
def _resource_detail_api(env: Env, i: int) -> None:
    from sasaeai.resources.selectors import service_get_visible

    token_and_user(env, "tier1")
    service = service_get_visible(user=env.user("tier1"), pk=home_service_ids(env)[i])
    list(service.schedules.all())
    list(service.categories.all())
    list(service.target_groups.all())


LIST_WORDS = ("体操", "サロン", "食堂", "カフェ")


@operation(
    key="resource_list",
    label="社会資源の一覧と地図（語で検索）",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", f"/resources/?q={word}") for word in LIST_WORDS],
    target=PAGE_TARGET,
    available=lambda: url_exists("resources:list"),
)
def _resource_list(env: Env, i: int) -> None:
    from sasaeai.resources.forms import SearchForm
    from sasaeai.resources.map import legend, page_and_map
    from sasaeai.resources.selectors import service_search, with_list_relations
    from sasaeai.resources.views import PAGE_SIZE

    session_and_user(env, "tier1")
    user = env.user("tier1")
    form = SearchForm({"q": LIST_WORDS[i]}, municipality=user.municipality)
    form.is_valid()
    result = service_search(user=user, filters=form.to_filters())
    # The page and the map beside it (every result), as the view reads them.
    page, _ = page_and_map(
        result.queryset,
        page_number=None,
        per_page=PAGE_SIZE,
        page_rows=with_list_relations,
        public=False,
        detail_url="resources:detail",
    )
    list(page)
    legend(user.municipality_id)


@operation(
    key="finder",
    label="住民向け検索（ログインなし、語で検索）",
    user=None,
    auth="none",
    requests=lambda env: [
        Request("GET", f"/finder/{env.user('tier1').municipality.code}/?q={word}")
        for word in LIST_WORDS
    ],
    target=PAGE_TARGET,
    available=lambda: url_exists("finder:search", "132039"),
)
def _finder(env: Env, i: int) -> None:
    from sasaeai.org.models import Area
    from sasaeai.resources.forms import SearchForm
    from sasaeai.resources.map import legend, page_and_map
    from sasaeai.resources.public_views import PAGE_SIZE
    from sasaeai.resources.selectors import (
        area_centroids,
        service_search_public,
        with_display_relations,
    )

    municipality = env.user("tier1").municipality
    form = SearchForm({"q": LIST_WORDS[i]}, municipality=municipality, public=True)
    form.is_valid()
    result = service_search_public(municipality=municipality, filters=form.to_filters())
    page, _ = page_and_map(
        result.queryset,
        page_number=None,
        per_page=PAGE_SIZE,
        page_rows=with_display_relations,
        public=True,
        detail_url="finder:detail",
        municipality_code=municipality.code,
    )
    list(page)
    area_centroids(municipality.pk)
    legend(municipality.pk)
    list(Area.objects.filter(municipality=municipality).order_by("order", "id"))


@operation(
    key="resource_detail",
    label="社会資源の詳細画面",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", f"/resources/{pk}/") for pk in home_service_ids(env)],
    target=PAGE_TARGET,
    available=lambda: url_exists("resources:detail", 1),
)
def _resource_detail(env: Env, i: int) -> None:
    from sasaeai.resources.selectors import service_get_visible

    session_and_user(env, "tier1")
    service = service_get_visible(user=env.user("tier1"), pk=home_service_ids(env)[i])
    list(service.schedules.all())
    list(service.categories.all())
    list(service.target_groups.all())


# --- activity records (issue 5) ---------------------------------------------------------------

RECORDS_TARGET = Target(p95_ms=100, binds=lambda backend, size: size != "city", source="#5")


def _timeline_page(env: Env, username: str, page_number: int | None) -> None:
    from django.core.paginator import Paginator

    from sasaeai.activities import selectors
    from sasaeai.activities.forms import FilterForm
    from sasaeai.activities.views import PAGE_SIZE

    user = env.user(username)
    session_and_user(env, username)
    filters = FilterForm(None, user=user).filters()
    page_ = Paginator(selectors.timeline(user=user, filters=filters), PAGE_SIZE).get_page(
        page_number
    )
    selectors.timeline_rows(page_.object_list, user=user)


@operation(
    key="records_mine",
    label="自分の活動記録の一覧（1ページ目）",
    user="tier2-1",
    auth="session",
    requests=lambda env: [Request("GET", "/activities/")],
    target=RECORDS_TARGET,
    available=lambda: url_exists("activities:list"),
)
def _records_mine(env: Env, i: int) -> None:
    _timeline_page(env, "tier2-1", None)


@operation(
    key="records_city",
    label="市全体の活動記録の一覧（第1層）",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", "/activities/"), Request("GET", "/activities/?page=2")],
    target=PAGE_TARGET,
    available=lambda: url_exists("activities:list"),
)
def _records_city(env: Env, i: int) -> None:
    _timeline_page(env, "tier1", i + 1)


@operation(
    key="api_visits",
    label="API: 訪問の一覧（今期）",
    user="tier1",
    auth="token",
    requests=lambda env: [
        Request("GET", "/api/v1/visits?period=half"),
        Request("GET", "/api/v1/visits?period=fy&page=2"),
    ],
    target=PAGE_TARGET,
    available=lambda: api_path_exists("/visits"),
)
def _api_visits(env: Env, i: int) -> None:
    from sasaeai.activities import selectors
    from sasaeai.activities.models import Visit

    token_and_user(env, "tier1")
    user = env.user("tier1")
    filters = selectors.ActivityFilters(period=selectors.period_for(("half", "fy")[i]))
    qs = selectors.record_list(user=user, model=Visit, filters=filters)
    qs.count()
    list(qs[i * 20 : (i + 1) * 20])


def _visit_payload(env: Env, i: int) -> dict:
    import datetime as dt

    user = env.user("tier2-1")
    if "visit_services" not in env.cache:
        from sasaeai.resources.models import Service

        areas = list(user.areas.values_list("id", flat=True))
        env.cache["visit_services"] = (
            areas[0],
            list(
                Service.objects.filter(area_id=areas[0], status="active")
                .order_by("id")
                .values_list("id", flat=True)[:10]
            ),
        )
    area, services = env.cache["visit_services"]
    return {
        "date": dt.date.today().isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "area_id": area,
        "service_id": services[i % len(services)],
        "attendees": 12,
        "observations": "参加者12名。体操のあと茶話会。",
    }


def _visit_requests(env: Env) -> list[Request]:
    import json

    return [
        Request(
            "POST",
            "/api/v1/visits",
            json.dumps(_visit_payload(env, i), ensure_ascii=False).encode(),
            "application/json",
            expect=(201,),
        )
        for i in range(5)
    ]


@operation(
    key="visit_create",
    label="API: 訪問を記録する",
    user="tier2-1",
    auth="token",
    requests=_visit_requests,
    target=PAGE_TARGET,
    available=lambda: api_path_exists("/visits", "POST"),
    writes=True,
)
def _visit_create(env: Env, i: int) -> None:
    import datetime as dt

    from sasaeai.activities import services
    from sasaeai.org.models import Area
    from sasaeai.resources.models import Service

    token_and_user(env, "tier2-1")
    payload = _visit_payload(env, i)
    fields = {
        **{k: v for k, v in payload.items() if not k.endswith("_id")},
        "date": dt.date.fromisoformat(payload["date"]),
        "start_time": dt.time(10),
        "end_time": dt.time(11, 30),
        "area": Area.objects.get(pk=payload["area_id"]),
        "service": Service.objects.get(pk=payload["service_id"]),
    }
    services.visit_record(user=env.user("tier2-1"), fields=fields)


@operation(
    key="calendar",
    label="予定表（週）",
    user="tier2-1",
    auth="session",
    requests=lambda env: [Request("GET", "/activities/calendar/")],
    target=PAGE_TARGET,
    available=lambda: url_exists("activities:calendar"),
)
def _calendar(env: Env, i: int) -> None:
    import datetime as dt

    from sasaeai.activities import selectors

    session_and_user(env, "tier2-1")
    user = env.user("tier2-1")
    today = dt.date.today()
    start = today - dt.timedelta(days=today.weekday())
    selectors.calendar_days(
        user=user, coordinators=[user.pk], start=start, end=start + dt.timedelta(days=6)
    )


# --- cases and matching (issue 6) --------------------------------------------------------------

MATCH_TARGET = Target(p95_ms=100, source="#6")
# Profiles in the style of the seed's two stories, spread over Musashino's towns.
MATCH_PROFILES = [
    {
        "town": "境南町",
        "age": 73,
        "sex": "male",
        "care_level": "support1",
        "max_walk_m": 2000,
        "days": ["tue", "thu"],
        "interests": "カラオケ",
        "role": "helper",
    },
    {
        "town": "西久保",
        "age": 61,
        "sex": "female",
        "care_level": "support1",
        "max_walk_m": 800,
        "days": ["tue"],
        "interests": "人と話すこと",
        "role": "either",
        "notes": "家の近くで人と関わりたい。元ヘルパー。",
    },
    {
        "town": "桜堤",
        "age": 80,
        "sex": "female",
        "care_level": "support2",
        "max_walk_m": 500,
        "days": ["mon", "wed", "fri"],
        "interests": "体操、お茶",
        "role": "participant",
    },
    {
        "town": "吉祥寺東町",
        "age": 68,
        "sex": "male",
        "care_level": "independent",
        "max_walk_m": 1500,
        "days": ["sat"],
        "interests": "囲碁、将棋",
        "role": "either",
    },
    {
        "town": "中町",
        "age": 77,
        "sex": "female",
        "care_level": "program",
        "max_walk_m": 1000,
        "days": ["thu"],
        "interests": "手芸",
        "role": "helper",
    },
]


def _match_requests(env: Env) -> list[Request]:
    import json

    return [
        Request(
            "POST",
            "/api/v1/match",
            json.dumps(profile, ensure_ascii=False).encode(),
            "application/json",
        )
        for profile in MATCH_PROFILES
    ]


@operation(
    key="match",
    label="API: マッチング（プロフィールから）",
    user="tier1",
    auth="token",
    requests=_match_requests,
    target=MATCH_TARGET,
    available=lambda: api_path_exists("/match", "POST"),
)
def _match(env: Env, i: int) -> None:
    from sasaeai.cases import matching, profiles

    token_and_user(env, "tier1")
    user = env.user("tier1")
    profile = profiles.profile_from_input(
        municipality=user.municipality,
        **{k: v for k, v in MATCH_PROFILES[i].items()},
    )
    result = matching.match(profile, limit=10)
    for suggestion in result.suggestions:
        list(suggestion.service.schedules.all())


def home_case_ids(env: Env, username: str, count: int = 5) -> list[int]:
    key = f"cases:{username}"
    if key not in env.cache:
        from sasaeai.cases.selectors import case_list_visible_to

        ids = list(
            case_list_visible_to(user=env.user(username))
            .order_by("id")
            .values_list("id", flat=True)
        )
        step = max(1, len(ids) // count)
        env.cache[key] = ids[::step][:count]
    return env.cache[key]


@operation(
    key="case_list",
    label="個別ケースの一覧（第2層）",
    user="tier2-1",
    auth="session",
    requests=lambda env: [Request("GET", "/cases/"), Request("GET", "/cases/?page=2")],
    target=PAGE_TARGET,
    available=lambda: url_exists("cases:list"),
)
def _case_list(env: Env, i: int) -> None:
    from sasaeai.cases.selectors import case_list

    session_and_user(env, "tier2-1")
    page_ = case_list(user=env.user("tier2-1"))
    page_.count()
    list(page_[i * 30 : (i + 1) * 30])


@operation(
    key="case_detail",
    label="個別ケースの画面（経過・つなぎ）",
    user="tier2-1",
    auth="session",
    requests=lambda env: [Request("GET", f"/cases/{pk}/") for pk in home_case_ids(env, "tier2-1")],
    target=PAGE_TARGET,
    available=lambda: url_exists("cases:detail", 1),
)
def _case_detail(env: Env, i: int) -> None:
    from sasaeai.cases import selectors

    session_and_user(env, "tier2-1")
    case = selectors.case_get_visible(user=env.user("tier2-1"), pk=home_case_ids(env, "tier2-1")[i])
    selectors.case_detail_relations(case)


# --- reports (issue 7) --------------------------------------------------------------------------

REPORT_QUERY = "fiscal_year=2025&half=first&scope=municipality"
REPORT_WEB_TARGET = Target(p95_ms=2000, binds=lambda backend, size: size != "city", source="#7")
REPORT_PDF_TARGET = Target(p95_ms=5000, binds=lambda backend, size: size != "city", source="#7")


def _report_data(env: Env, username: str) -> None:
    from sasaeai.reports import selectors
    from sasaeai.reports.selection import municipality_for, period_parse, scope_parse

    user = env.user(username)
    session_and_user(env, username)
    period = period_parse(fiscal_year="2025", half="first")
    scope = scope_parse("municipality", municipality=municipality_for(user, None))
    selectors.report_figures(user=user, period=period, scope=scope)


@operation(
    key="report_web",
    label="半期の活動報告（市全体、ウェブ）",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", f"/reports/view/?{REPORT_QUERY}")],
    target=REPORT_WEB_TARGET,
    available=lambda: url_exists("reports:show"),
)
def _report_web(env: Env, i: int) -> None:
    _report_data(env, "tier1")


@operation(
    key="report_pdf",
    label="半期の活動報告（市全体、PDF）",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", f"/reports/download/pdf/?{REPORT_QUERY}")],
    target=REPORT_PDF_TARGET,
    available=lambda: url_exists("reports:download", "pdf"),
)
def _report_pdf(env: Env, i: int) -> None:
    _report_data(env, "tier1")


# --- reports at volume (issue 22) ---------------------------------------------------------------

REPORT_FY_QUERY = "fiscal_year=2025&scope=municipality"
REPORT_FY_PDF_TARGET = Target(
    p95_ms=2000, binds=lambda backend, size: size == "prefecture", source="#22"
)


def _report_fy_data(env: Env, username: str) -> None:
    from sasaeai.reports import selectors
    from sasaeai.reports.selection import municipality_for, period_parse, scope_parse

    user = env.user(username)
    session_and_user(env, username)
    period = period_parse(fiscal_year="2025")
    scope = scope_parse("municipality", municipality=municipality_for(user, None))
    selectors.report_figures(user=user, period=period, scope=scope)


@operation(
    key="report_fy_pdf",
    label="年度の活動報告（市全体、PDF、8ページ以内）",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", f"/reports/download/pdf/?{REPORT_FY_QUERY}")],
    target=REPORT_FY_PDF_TARGET,
    available=lambda: url_exists("reports:download", "pdf"),
)
def _report_fy_pdf(env: Env, i: int) -> None:
    _report_fy_data(env, "tier1")


@operation(
    key="report_fy_xlsx",
    label="年度の活動報告（市全体、Excel、国への報告指標のシートを含む）",
    user="tier1",
    auth="session",
    requests=lambda env: [Request("GET", f"/reports/download/xlsx/?{REPORT_FY_QUERY}")],
    target=REPORT_FY_PDF_TARGET,
    available=lambda: url_exists("reports:download", "xlsx"),
)
def _report_fy_xlsx(env: Env, i: int) -> None:
    _report_fy_data(env, "tier1")


# --- participation and the gap map (issue 23) ----------------------------------------------------

GAP_TARGET = Target(p95_ms=300, binds=lambda backend, size: size == "city", source="#23")
GAP_LAYER_TARGET = Target(p95_ms=200, source="#23")


def _ensure_population(env: Env, username: str) -> None:
    """The generated datasets have towns but no population: the demo's invented population is
    written once for the user's municipality (labelled demo), before anything is measured."""
    if env.cache.get(("population", username)):
        return
    from sasaeai.participation import demo as participation_demo
    from sasaeai.participation import services as participation_services
    from sasaeai.participation.models import PopulationDataset

    municipality = env.user(username).municipality
    if not PopulationDataset.objects.filter(municipality=municipality).exists():
        participation_services.population_import(
            municipality=municipality,
            as_of=participation_demo.AS_OF,
            reading=participation_demo._reading(municipality),
            source_name=participation_demo.SOURCE,
            user=None,
            is_demo=True,
        )
    env.cache[("population", username)] = True


def _gap_requests(env: Env, path: str) -> list[Request]:
    _ensure_population(env, "tier1")
    return [Request("GET", f"{path}?walk_m={walk}") for walk in (500, 400, 800)]


def _gap_data(env: Env, i: int) -> None:
    from sasaeai.participation.gaps import gap_analysis

    session_and_user(env, "tier1")
    gap_analysis(municipality=env.user("tier1").municipality, walk_m=(500, 400, 800)[i % 3])


@operation(
    key="gap_page",
    label="通いの場の空白地域（順位の表と地図、市全体）",
    user="tier1",
    auth="session",
    requests=lambda env: _gap_requests(env, "/participation/gaps/"),
    target=GAP_TARGET,
    available=lambda: url_exists("participation:gaps"),
)
def _gap_page(env: Env, i: int) -> None:
    _gap_data(env, i)


@operation(
    key="gap_api",
    label="空白地域のAPI（GET /api/v1/gaps、地図の層のデータ）",
    user="tier1",
    auth="session",
    requests=lambda env: _gap_requests(env, "/api/v1/gaps"),
    target=GAP_LAYER_TARGET,
    available=lambda: api_path_exists("/gaps"),
)
def _gap_api(env: Env, i: int) -> None:
    _gap_data(env, i)


# --- the living directory (issue 24) ----------------------------------------------------------

DIRECTORY_USER = "tier2-1"
# The open proposals of one area's queue (a busy month), and decided ones behind them.
DIRECTORY_OPEN = 40
DIRECTORY_DECIDED = 160
DIRECTORY_LINKS = 10


def _directory_services(env: Env) -> list:
    """Active services of the coordinator's first area, organisers' consent recorded (the
    generated datasets may lack it: it is set on the ones used, in the working copy)."""
    if "directory_services" not in env.cache:
        from sasaeai.resources.models import Service

        area_id = (
            env.user(DIRECTORY_USER).areas.order_by("order", "id").values_list("id", flat=True)[0]
        )
        services = list(
            Service.objects.filter(area_id=area_id, status="active")
            .select_related("municipality")
            .order_by("id")[:DIRECTORY_LINKS]
        )
        Service.objects.filter(pk__in=[s.pk for s in services]).update(publication_consent=True)
        for service in services:
            service.publication_consent = True
        env.cache["directory_services"] = (area_id, services)
    return env.cache["directory_services"][1]


def _ensure_proposals(env: Env) -> None:
    """Open and decided proposals in the coordinator's area, written once into the working
    copy (organisers' changes, residents' error reports and suggested places)."""
    if env.cache.get("directory_proposals"):
        return
    from django.utils import timezone

    from sasaeai.directory.models import Proposal

    services = _directory_services(env)
    area_id = env.cache["directory_services"][0]
    municipality_id = env.user(DIRECTORY_USER).municipality_id
    if not Proposal.objects.filter(municipality_id=municipality_id, area_id=area_id).exists():
        kinds = [
            (Proposal.Kind.CHANGE, Proposal.Proposer.ORGANISER),
            (Proposal.Kind.ERROR, Proposal.Proposer.RESIDENT),
            (Proposal.Kind.NEW_PLACE, Proposal.Proposer.RESIDENT),
        ]
        rows = []
        for n in range(DIRECTORY_OPEN + DIRECTORY_DECIDED):
            kind, proposer = kinds[n % 3]
            service = services[n % len(services)] if kind != Proposal.Kind.NEW_PLACE else None
            decided = n >= DIRECTORY_OPEN
            rows.append(
                Proposal(
                    municipality_id=municipality_id,
                    area_id=area_id,
                    service=service,
                    kind=kind,
                    proposer=proposer,
                    changes=(
                        {"fees_description": "1回200円", "schedule": "毎週木曜 10:00〜12:00"}
                        if kind == Proposal.Kind.CHANGE
                        else {"name": f"新しいサロン{n}", "where": "集会所"}
                        if kind == Proposal.Kind.NEW_PLACE
                        else {}
                    ),
                    message="曜日が変わりました。" if kind == Proposal.Kind.ERROR else "",
                    status=Proposal.Status.ACCEPTED if decided else Proposal.Status.OPEN,
                    decided_at=timezone.now() if decided else None,
                )
            )
        Proposal.objects.bulk_create(rows)
    env.cache["directory_proposals"] = True


def _directory_queue_data(env: Env, i: int) -> None:
    from django.core.paginator import Paginator

    from sasaeai.directory import selectors

    session_and_user(env, DIRECTORY_USER)
    page = Paginator(
        selectors.proposal_queue(user=env.user(DIRECTORY_USER), status="open"), 30
    ).get_page(1)
    list(page.object_list)


def _directory_queue_requests(env: Env) -> list[Request]:
    _ensure_proposals(env)
    return [Request("GET", "/directory/"), Request("GET", "/directory/?status=open")]


@operation(
    key="directory_queue",
    label="情報提供の確認（担当圏域の未対応の一覧）",
    user=DIRECTORY_USER,
    auth="session",
    requests=_directory_queue_requests,
    target=PAGE_TARGET,
    available=lambda: url_exists("directory:queue"),
)
def _directory_queue(env: Env, i: int) -> None:
    _directory_queue_data(env, i)


def _organiser_secrets(env: Env) -> list[str]:
    """Fresh organiser links for the area's services, issued by this benchmark process (a
    secret is kept only as a digest, so it is known only when issued; new links also start
    their rate-limit count afresh)."""
    if "organiser_secrets" not in env.cache:
        from sasaeai.directory.services import link_create

        env.cache["organiser_secrets"] = [
            link_create(service=service, user=None, days=30)[1]
            for service in _directory_services(env)
        ]
    return env.cache["organiser_secrets"]


@operation(
    key="organiser_page",
    label="主催者の更新ページ（リンクで開く、ログインなし）",
    user=None,
    auth="none",
    requests=lambda env: [Request("GET", f"/u/{secret}/") for secret in _organiser_secrets(env)],
    target=PAGE_TARGET,
    available=lambda: url_exists("directory_public:organiser", "x"),
    notes="開くたびに利用記録を1行書き、回数制限を数える（読むだけのページではない）",
)
def _organiser_page(env: Env, i: int) -> None:
    from sasaeai.directory import limits, selectors, services
    from sasaeai.resources import selectors as resource_selectors
    from sasaeai.resources.public import public_service

    secrets = _organiser_secrets(env)
    link = services.link_resolve(secrets[i % len(secrets)])
    limits.exceeded(limits.LINK_USES, link_id=link.pk)
    service = resource_selectors.with_display_relations(
        resource_selectors.Service.objects.filter(pk=link.service_id)
    ).get()
    public_service(service, area_points=resource_selectors.area_centroids(service.municipality_id))
    resource_selectors.service_verification(service)
    list(selectors.organiser_history(link))
