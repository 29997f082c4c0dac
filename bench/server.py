"""The gunicorn server the benchmarks talk to: config.wsgi with two sync workers on a loopback
port, production settings (bench.settings) on the bench database."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8110, 8120)
HOST = "127.0.0.1"


def free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("ポート8110〜8119がすべて使用中です。")


class Server:
    def __init__(
        self,
        *,
        database_url: str,
        workers: int = 2,
        log: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ):
        self.database_url = database_url
        self.extra_env = env or {}
        self.workers = workers
        self.log = log
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 90) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_DATABASE_URL": self.database_url,
            **self.extra_env,
        }
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--timeout",
                "300",
                "--graceful-timeout",
                "10",
                "--access-logfile",
                "-",
                "--access-logformat",
                "%(s)s %(m)s %(U)s %(M)sms",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn が起動しませんでした。ログ: {self.log}")
            # Both workers must be up before anything is measured.
            if self._ready() and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn が{timeout:.0f}秒以内に応答しませんでした。ログ: {self.log}")

    def _ready(self) -> bool:
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
            conn.request("GET", "/bench/minimal/")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def workers_cpu_seconds(self) -> float:
        """User and system CPU time the workers have used so far (their own process, not
        the PostgreSQL server's); SQLite runs inside them, so there it includes the database."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / tick

    def peak_rss_kib(self) -> dict[int, int]:
        """VmHWM (peak resident set size) of each worker, in KiB."""
        out = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        out[pid] = int(line.split()[1])
            except OSError:
                continue
        return out

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()
        self.process = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
