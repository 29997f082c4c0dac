"""pgbouncer in front of a benchmark database (issue 26: one installation, many municipalities).

    with PgBouncer(database_url, pool_size=2) as pooled_url:
        ...  # give pooled_url to the application servers

It runs the Debian package's `/usr/sbin/pgbouncer` in `pool_mode = transaction` on a free port
of the loopback address, with `auth_type = any` (the benchmark's PostgreSQL trusts local
connections; a real installation sets `auth_type = scram-sha-256` and an auth file, see
docs/deployment.md). The workers connect to it as to PostgreSQL; pgbouncer hands each
transaction one of `pool_size` server connections.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

PGBOUNCER = "/usr/sbin/pgbouncer"
HOST = "127.0.0.1"


def available() -> bool:
    return Path(PGBOUNCER).exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class PgBouncer:
    def __init__(self, database_url: str, *, pool_size: int = 2, max_clients: int = 200):
        parts = urlsplit(database_url)
        self.server_host = parts.hostname or HOST
        self.server_port = parts.port or 5432
        self.user = parts.username or "postgres"
        self.database = parts.path.lstrip("/")
        self.pool_size = pool_size
        self.max_clients = max_clients
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.directory: Path | None = None

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@{HOST}:{self.port}/{self.database}"

    def __enter__(self) -> str:
        if not available():
            raise RuntimeError("pgbouncer がありません（Debian: apt-get install pgbouncer）。")
        self.directory = Path(tempfile.mkdtemp(prefix="bench-pgbouncer-"))
        ini = self.directory / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"{self.database} = host={self.server_host} port={self.server_port}"
            f" user={self.user} dbname={self.database}\n"
            "[pgbouncer]\n"
            f"listen_addr = {HOST}\n"
            f"listen_port = {self.port}\n"
            "auth_type = any\n"
            f"stats_users = {self.user}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\n"
            f"max_client_conn = {self.max_clients}\n"
            f"unix_socket_dir = {self.directory}\n"
            f"logfile = {self.directory / 'pgbouncer.log'}\n"
            "ignore_startup_parameters = extra_float_digits,options\n",
            encoding="utf-8",
        )
        command = [PGBOUNCER, str(ini)]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            shutil.chown(self.directory, "postgres")
            os.chmod(ini, 0o644)
            command = [PGBOUNCER, "-u", "postgres", str(ini)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer が起動しませんでした: {self.log_tail()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return self.url
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("pgbouncer が20秒以内に応答しませんでした。")

    def log_tail(self) -> str:
        log = self.directory / "pgbouncer.log" if self.directory else None
        if log and log.exists():
            return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-5:])
        return ""

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
