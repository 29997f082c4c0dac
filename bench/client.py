"""HTTP clients for the benchmarks: logged-in sessions (the real login form) or API tokens,
concurrent timed runs bounded in count and time, loopback only."""

from __future__ import annotations

import http.client
import json
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    expect: tuple[int, ...] = (200,)
    label: str = ""


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    elapsed: float

    def json(self):
        return json.loads(self.body)


class Client:
    """One user agent: its cookies or its token. Each request opens its own connection (the
    gunicorn sync worker closes it after every response)."""

    def __init__(self, base: str, *, token: str | None = None) -> None:
        parts = urlsplit(base)
        if parts.hostname not in ALLOWED_HOSTS:
            raise ValueError("ベンチマークはループバックのサーバーにだけ接続します。")
        self.host = parts.hostname
        self.port = parts.port
        self.origin = base.rstrip("/")
        self.token = token
        self.cookies: dict[str, str] = {}

    def copy(self) -> Client:
        other = Client(self.origin, token=self.token)
        other.cookies = dict(self.cookies)
        return other

    def send(self, request: Request, timeout: float = 300) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if request.method != "GET":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + request.path
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if request.content_type:
            headers["Content-Type"] = request.content_type
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            path = quote(request.path, safe="/?=&%:+,;@!$'()*[]#")  # Japanese queries
            conn.request(request.method, path, body=request.body, headers=headers)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val and "max-age=0" not in value.lower():
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
        return Response(response.status, body, dict(response.getheaders()), elapsed)

    def get(self, path: str) -> Response:
        return self.send(Request("GET", path))

    def post_form(self, path: str, data: dict | list, *, expect=(200, 302)) -> Response:
        body = urlencode(data, doseq=True).encode()
        return self.send(
            Request("POST", path, body, "application/x-www-form-urlencoded", expect=expect)
        )

    def form_token(self, path: str) -> str:
        """GETs a form page and returns its CSRF token (the cookie is kept)."""
        page = self.get(path)
        match = _CSRF_INPUT.search(page.body.decode("utf-8", "replace"))
        if not match:
            raise RuntimeError(f"{path} にCSRFトークンがありません（{page.status}）。")
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        """Logs in through the real login form."""
        token = self.form_token("/accounts/login/")
        response = self.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{username} でログインできませんでした（{response.status}）。")


@dataclass
class Timing:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def p(self, q: float) -> float | None:
        return percentile(self.latencies, q)

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_concurrent(
    work: Callable[[int, int], tuple[float, str | None]],
    *,
    clients: int,
    requests: int | None = None,
    seconds: float,
    min_requests: int = 0,
    on_exit: Callable[[int], None] | None = None,
) -> Timing:
    """Runs `work(client_index, n)` from `clients` threads until `requests` have been made or
    `seconds` have passed (but at least `min_requests`). `work` returns (latency, error);
    `on_exit(client_index)` runs in each thread when it stops."""
    timing = Timing()
    lock = threading.Lock()
    counter = iter(range(10**9))
    started = time.perf_counter()
    deadline = started + seconds

    def loop(index: int) -> None:
        try:
            while True:
                with lock:
                    n = next(counter)
                    done = len(timing.latencies) + len(timing.errors)
                if requests is not None and n >= requests:
                    return
                if time.perf_counter() > deadline and done >= min_requests:
                    return
                try:
                    latency, error = work(index, n)
                except Exception as exc:  # a failed request is counted, never fatal
                    latency, error = 0.0, f"{type(exc).__name__}: {exc}"
                with lock:
                    if error:
                        timing.errors.append(error)
                    else:
                        timing.latencies.append(latency)
        finally:
            if on_exit is not None:
                on_exit(index)

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timing.elapsed = time.perf_counter() - started
    return timing
