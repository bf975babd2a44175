"""Users, units, sessions, logins and the access log in PostgreSQL, behind one class.

Passwords are hashed with Argon2 (pwdlib). A session is a random token the client holds; only its SHA-256
is stored, so the table cannot be used to log in. Every time is taken from an injected clock, so tests
can move it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Role(StrEnum):
    SAGSBEHANDLER = "sagsbehandler"
    LEDER = "leder"
    BORGERRAADGIVER = "borgerraadgiver"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The Danish name a person reads."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.SAGSBEHANDLER: "Sagsbehandler",
    Role.LEDER: "Leder",
    Role.BORGERRAADGIVER: "Borgerrådgiver",
    Role.ADMIN: "Administrator",
}

ACCESS_PURPOSES = frozenset({"page", "api", "search", "letter"})
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")


class AccountError(ValueError):
    """A user or unit could not be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class AccountPolicy:
    max_failed_logins: int = 5
    lockout: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=10)
    # last_seen_at is written at most this often, so a busy page does not write on every request; the
    # idle expiry is exact to within this.
    touch_every: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kommune: str
    forvaltning: str
    areas: tuple[str, ...] = ()  # lovområder handled, e.g. "serviceloven" (domain/owners.py)


@dataclass(frozen=True)
class Account:
    """A user as stored, without the password hash."""

    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    kommune: str
    units: tuple[str, ...]
    forvaltninger: tuple[str, ...]  # of the user's units
    active: bool
    has_password: bool
    oidc_subject: str | None


@dataclass(frozen=True)
class LoginResult:
    """`account` is set when the login succeeded; `locked` when the username is locked out. A failure
    never says whether the username exists."""

    account: Account | None = None
    locked: bool = False

    @property
    def ok(self) -> bool:
        return self.account is not None


@dataclass(frozen=True)
class NewSession:
    token: str  # give it to the client; it is not stored
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LiveSession:
    id: str
    account: Account
    csrf_token: str
    method: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: datetime
    user_id: int | None
    username: str
    case_id: str | None
    purpose: str
    what: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    display_name: str
    roles: tuple[str, ...]
    units: tuple[str, ...]


@dataclass(frozen=True)
class SeedReport:
    units: int  # units written (new or changed)
    users_created: list[str] = field(default_factory=list)


class Actor(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


DEMO_SEED = "demo-users.toml"


def demo_seed_path() -> Path:
    return Path(str(resources.files("deploy") / "seed" / DEMO_SEED))


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_username(username: str) -> str:
    return username.strip().lower()


_USER_COLUMNS = """
    u.id, u.username, u.display_name, u.roles, u.kommune, u.units, u.active, u.oidc_subject,
    u.password_hash IS NOT NULL AS has_password,
    coalesce((SELECT array_agg(DISTINCT n.forvaltning ORDER BY n.forvaltning) FROM units n
              WHERE n.code = ANY (u.units)), '{}') AS forvaltninger
"""


def _account(row: asyncpg.Record) -> Account:
    return Account(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        roles=frozenset(Role(r) for r in row["roles"]),
        kommune=row["kommune"],
        units=tuple(row["units"]),
        forvaltninger=tuple(row["forvaltninger"]),
        active=row["active"],
        has_password=row["has_password"],
        oidc_subject=row["oidc_subject"],
    )


class AccountStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        policy: AccountPolicy | None = None,
        clock: Clock = utc_now,
        hasher: PasswordHash | None = None,
    ) -> None:
        self._pool = pool
        self.policy = policy or AccountPolicy()
        self._clock = clock
        # Argon2id with pwdlib's defaults (64 MiB, 3 passes); tests pass a cheaper Argon2 to stay fast.
        self._hasher = hasher or PasswordHash((Argon2Hasher(),))
        self._dummy_hash: str | None = None

    @classmethod
    async def connect(
        cls,
        dsn: str,
        *,
        policy: AccountPolicy | None = None,
        clock: Clock = utc_now,
        hasher: PasswordHash | None = None,
        max_size: int = 10,
    ) -> "AccountStore":
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=max_size)
        return cls(pool, policy=policy, clock=clock, hasher=hasher)

    async def close(self) -> None:
        await self._pool.close()

    # --- passwords ------------------------------------------------------------------------------------

    async def hash_password(self, password: str) -> str:
        # Argon2 takes tens of milliseconds of CPU; argon2-cffi releases the GIL, so a thread keeps the
        # event loop serving other requests meanwhile.
        return await asyncio.to_thread(self._hasher.hash, password)

    async def _verify(self, password: str, password_hash: str | None) -> tuple[bool, str | None]:
        if password_hash is None:
            # Same work as for a real user, so the answer's timing does not tell whether the user exists.
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash_password(secrets.token_urlsafe(16))
            await asyncio.to_thread(self._hasher.verify, password, self._dummy_hash)
            return False, None
        return await asyncio.to_thread(self._hasher.verify_and_update, password, password_hash)

    # --- units ------------------------------------------------------------------------------------------

    async def upsert_unit(self, unit: Unit) -> bool:
        """Create or change a unit. True if something was written."""
        status = await self._pool.execute(
            """
            INSERT INTO units (code, name, kommune, forvaltning, areas) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kommune = EXCLUDED.kommune,
                forvaltning = EXCLUDED.forvaltning, areas = EXCLUDED.areas
            WHERE (units.name, units.kommune, units.forvaltning, units.areas)
                  IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kommune, EXCLUDED.forvaltning, EXCLUDED.areas)
            """,
            unit.code,
            unit.name,
            unit.kommune,
            unit.forvaltning,
            list(unit.areas),
        )
        return status.endswith(" 1")

    async def units(self, *, kommune: str | None = None) -> list[Unit]:
        rows = await self._pool.fetch(
            "SELECT code, name, kommune, forvaltning, areas FROM units WHERE $1::text IS NULL OR kommune = $1 "
            "ORDER BY forvaltning, name",
            kommune,
        )
        return [Unit(**{**dict(r), "areas": tuple(r["areas"])}) for r in rows]

    # --- users ------------------------------------------------------------------------------------------

    async def create_user(
        self,
        *,
        username: str,
        display_name: str,
        roles: Iterable[Role | str],
        kommune: str,
        units: Iterable[str] = (),
        password: str | None = None,
        oidc_subject: str | None = None,
    ) -> Account:
        username = _checked_username(username)
        password_hash = await self.hash_password(password) if password else None
        unit_codes = sorted(set(units))
        await self._check_units(unit_codes)
        try:
            await self._pool.execute(
                """
                INSERT INTO users (username, display_name, password_hash, oidc_subject, roles, kommune, units,
                                   created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                """,
                username,
                display_name,
                password_hash,
                oidc_subject,
                sorted(Role(r).value for r in roles),
                kommune,
                unit_codes,
                self._clock(),
            )
        except asyncpg.UniqueViolationError:
            raise AccountError(f"the username {username!r} is taken") from None
        account = await self.user(username)
        assert account is not None
        return account

    async def update_user(
        self,
        username: str,
        *,
        display_name: str | None = None,
        roles: Iterable[Role | str] | None = None,
        units: Iterable[str] | None = None,
        active: bool | None = None,
        password: str | None = None,
        oidc_subject: str | None = None,
    ) -> Account:
        """Change what is given. Deactivating a user or changing the password ends their sessions."""
        username = normalise_username(username)
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = display_name
        if roles is not None:
            changes["roles"] = sorted(Role(r).value for r in roles)
        if units is not None:
            changes["units"] = sorted(set(units))
            await self._check_units(changes["units"])
        if active is not None:
            changes["active"] = active
        if password is not None:
            changes["password_hash"] = await self.hash_password(password)
            changes["failed_logins"] = 0
            changes["locked_until"] = None
        if oidc_subject is not None:
            changes["oidc_subject"] = oidc_subject
        changes["updated_at"] = self._clock()
        assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
        async with self._pool.acquire() as conn, conn.transaction():
            user_id = await conn.fetchval(
                f"UPDATE users SET {assignments} WHERE username = $1 RETURNING id", username, *changes.values()
            )
            if user_id is None:
                raise AccountError(f"no user {username!r}")
            if active is False or password is not None:
                await self._revoke_all(conn, user_id)
        account = await self.user(username)
        assert account is not None
        return account

    async def user(self, username: str) -> Account | None:
        row = await self._pool.fetchrow(
            f"SELECT {_USER_COLUMNS} FROM users u WHERE u.username = $1", normalise_username(username)
        )
        return _account(row) if row else None

    async def user_by_id(self, user_id: int) -> Account | None:
        row = await self._pool.fetchrow(f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = $1", user_id)
        return _account(row) if row else None

    async def user_by_oidc_subject(self, subject: str) -> Account | None:
        row = await self._pool.fetchrow(f"SELECT {_USER_COLUMNS} FROM users u WHERE u.oidc_subject = $1", subject)
        return _account(row) if row else None

    async def users(self, *, kommune: str | None = None, unit: str | None = None) -> list[Account]:
        rows = await self._pool.fetch(
            f"""
            SELECT {_USER_COLUMNS} FROM users u
            WHERE ($1::text IS NULL OR u.kommune = $1) AND ($2::text IS NULL OR u.units @> ARRAY[$2::text])
            ORDER BY u.username
            """,
            kommune,
            unit,
        )
        return [_account(r) for r in rows]

    async def _check_units(self, codes: list[str]) -> None:
        if not codes:
            return
        known = {r["code"] for r in await self._pool.fetch("SELECT code FROM units WHERE code = ANY ($1)", codes)}
        missing = sorted(set(codes) - known)
        if missing:
            raise AccountError(f"unknown unit(s): {', '.join(missing)}")

    # --- logging in -------------------------------------------------------------------------------------

    async def authenticate(self, username: str, password: str) -> LoginResult:
        """Check a password. After `max_failed_logins` failures in a row the username is locked for
        `lockout`; while locked, even the right password is refused. Names that are no user are locked
        the same way, so a lock-out does not reveal whether a user exists."""
        name = normalise_username(username)[:100]
        now = self._clock()
        policy = self.policy
        async with self._pool.acquire() as conn, conn.transaction():
            # The row lock serialises concurrent attempts on one user, so parallel guesses cannot slip
            # past the counter.
            row = await conn.fetchrow(
                "SELECT id, password_hash, active, failed_logins, locked_until FROM users WHERE username = $1 "
                "FOR UPDATE",
                name,
            )
            if row is None or not row["active"]:
                await self._verify(password, None)
                failures = await conn.fetchval(
                    "SELECT count(*) FROM login_attempts WHERE username = $1 AND NOT succeeded AND at > $2",
                    name,
                    now - policy.lockout,
                )
                locked = failures + 1 >= policy.max_failed_logins
                await self._record_attempt(conn, name, now, False, "unknown" if row is None else "inactive")
                return LoginResult(locked=locked)
            if row["locked_until"] is not None and row["locked_until"] > now:
                await self._verify(password, None)  # same timing as any other answer
                await self._record_attempt(conn, name, now, False, "locked")
                return LoginResult(locked=True)
            failed = 0 if row["locked_until"] is not None else row["failed_logins"]  # a lock that ran out
            ok, new_hash = await self._verify(password, row["password_hash"])
            if not ok:
                failed += 1
                locked_until = now + policy.lockout if failed >= policy.max_failed_logins else None
                await conn.execute(
                    "UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1",
                    row["id"],
                    0 if locked_until else failed,
                    locked_until,
                )
                await self._record_attempt(conn, name, now, False, "locked-now" if locked_until else "bad-password")
                return LoginResult(locked=locked_until is not None)
            await conn.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL, "
                "password_hash = coalesce($2, password_hash) WHERE id = $1",
                row["id"],
                new_hash,  # set when the hash's parameters are outdated
            )
            await self._record_attempt(conn, name, now, True, "ok")
        return LoginResult(account=await self.user_by_id(row["id"]))

    @staticmethod
    async def _record_attempt(conn: asyncpg.Connection, username: str, at: datetime, ok: bool, outcome: str) -> None:
        await conn.execute(
            "INSERT INTO login_attempts (at, username, succeeded, outcome) VALUES ($1, $2, $3, $4)",
            at,
            username,
            ok,
            outcome,
        )

    # --- sessions ---------------------------------------------------------------------------------------

    async def create_session(self, user_id: int, *, method: str = "password") -> NewSession:
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = self._clock()
        expires_at = now + self.policy.session_absolute
        await self._pool.execute(
            """
            INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at, csrf_token, method)
            VALUES ($1, $2, $3, $4, $3, $5, $6)
            """,
            session_id(token),
            user_id,
            now,
            expires_at,
            csrf_token,
            method,
        )
        return NewSession(token=token, csrf_token=csrf_token, expires_at=expires_at)

    async def session(self, token: str) -> LiveSession | None:
        """The live session of this token (not revoked, not idle too long, not past its end, its user
        active), marking it as seen; None otherwise."""
        now = self._clock()
        row = await self._pool.fetchrow(
            f"""
            SELECT s.id AS session_id, s.csrf_token, s.method, s.created_at, s.expires_at, s.last_seen_at,
                   {_USER_COLUMNS}
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active
            """,
            session_id(token),
            now,
            now - self.policy.session_idle,
        )
        if row is None:
            return None
        if now - row["last_seen_at"] >= self.policy.touch_every:
            await self._pool.execute("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", row["session_id"], now)
        return LiveSession(
            id=row["session_id"],
            account=_account(row),
            csrf_token=row["csrf_token"],
            method=row["method"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )

    async def revoke_session(self, token: str) -> bool:
        status = await self._pool.execute(
            "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", session_id(token), self._clock()
        )
        return status.endswith(" 1")

    async def revoke_sessions_of(self, user_id: int) -> int:
        """End every session of a user (e.g. a lost laptop); the number ended."""
        async with self._pool.acquire() as conn:
            return await self._revoke_all(conn, user_id)

    async def _revoke_all(self, conn: asyncpg.Connection, user_id: int) -> int:
        status = await conn.execute(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", user_id, self._clock()
        )
        return int(status.rsplit(" ", 1)[1])

    async def purge_sessions(self, *, older_than: timedelta = timedelta(days=30)) -> int:
        """Delete sessions that ended more than `older_than` ago; the number deleted."""
        status = await self._pool.execute(
            "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1", self._clock() - older_than
        )
        return int(status.rsplit(" ", 1)[1])

    # --- access log -------------------------------------------------------------------------------------

    async def log_access(self, user: Actor, case_id: str | None, purpose: str, what: str) -> None:
        """Record that `user` opened or acted on a case. `what` names the page or action (e.g. "sag",
        "brev 3"), never the citizen."""
        if purpose not in ACCESS_PURPOSES:
            raise ValueError(f"purpose must be one of {sorted(ACCESS_PURPOSES)}")
        await self._pool.execute(
            "INSERT INTO access_log (at, user_id, username, case_id, purpose, what) VALUES ($1, $2, $3, $4, $5, $6)",
            self._clock(),
            user.id,
            user.username,
            case_id,
            purpose,
            what,
        )

    async def access_log_for(self, case_id: str) -> list[AccessEntry]:
        rows = await self._pool.fetch(
            "SELECT id, at, user_id, username, case_id, purpose, what FROM access_log WHERE case_id = $1 "
            "ORDER BY at, id",
            case_id,
        )
        return [AccessEntry(**dict(r)) for r in rows]

    # --- seeding ----------------------------------------------------------------------------------------

    async def seed_from_file(self, path: Path | str) -> SeedReport:
        """Load units and users from a TOML or JSON file (layout: deploy/seed/demo-users.toml). Units are
        created or updated; users are created when missing and otherwise left alone, so a password or
        role changed since is kept. Safe to run at every start."""
        data = _load_seed(Path(path))
        kommune = data["kommune"]
        units_written = 0
        for unit in data.get("units", []):
            units_written += await self.upsert_unit(
                Unit(unit["code"], unit["name"], unit.get("kommune", kommune), unit["forvaltning"], tuple(unit.get("areas", ())))
            )
        created = []
        for user in data.get("users", []):
            if await self.user(user["username"]) is not None:
                continue
            try:
                await self.create_user(
                    username=user["username"],
                    display_name=user["display_name"],
                    roles=user["roles"],
                    kommune=user.get("kommune", kommune),
                    units=user.get("units", []),
                    password=user.get("password"),
                )
            except AccountError:  # created meanwhile by a second process seeding at the same time
                continue
            created.append(normalise_username(user["username"]))
        return SeedReport(units=units_written, users_created=created)


def demo_users(path: Path | str | None = None) -> list[DemoUser]:
    """The demo users and their passwords, for `klagesag up` to print."""
    data = _load_seed(Path(path) if path else demo_seed_path())
    return [
        DemoUser(
            username=u["username"],
            password=u.get("password", ""),
            display_name=u["display_name"],
            roles=tuple(u["roles"]),
            units=tuple(u.get("units", [])),
        )
        for u in data.get("users", [])
    ]


def _load_seed(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    with path.open("rb") as f:
        return tomllib.load(f)


def _checked_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise AccountError("a username is 1-100 of a-z, 0-9 and . _ @ -, starting with a letter or digit")
    return name
