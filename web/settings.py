"""Settings of the web front end, read from the environment.

Kept apart from `workers/settings.py` on purpose (that file belongs to the workers); the database and
Temporal settings are taken from there through `core`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

from workers.settings import Settings

_DEV_SECRET = "klagesag-dev-session-secret-change-me"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=int(_env(name, str(default))))


@dataclass(frozen=True)
class OidcSettings:
    """The kommune's identity provider. Enabled when an issuer is set."""

    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    # The ID token claim holding the user's groups or roles, and how its values map onto klagesag roles
    # ("group=role,group=role"); a value that is itself a role name maps onto that role.
    roles_claim: str = "groups"
    role_map: dict[str, str] = field(default_factory=dict)
    # "existing": only users an admin created may log in (their units are set in klagesag);
    # "create": a first login creates the user, with roles from the claim and no units.
    provisioning: str = "existing"
    scope: str = "openid profile"

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @classmethod
    def from_env(cls) -> "OidcSettings":
        pairs = [p.split("=", 1) for p in _env("KLAGESAG_OIDC_ROLE_MAP", "").split(",") if "=" in p]
        provisioning = _env("KLAGESAG_OIDC_PROVISIONING", "existing")
        if provisioning not in ("existing", "create"):
            raise ValueError("KLAGESAG_OIDC_PROVISIONING must be 'existing' or 'create'")
        return cls(
            issuer=_env("KLAGESAG_OIDC_ISSUER", ""),
            client_id=_env("KLAGESAG_OIDC_CLIENT_ID", ""),
            client_secret=_env("KLAGESAG_OIDC_CLIENT_SECRET", ""),
            roles_claim=_env("KLAGESAG_OIDC_ROLES_CLAIM", "groups"),
            role_map={k.strip(): v.strip() for k, v in pairs},
            provisioning=provisioning,
            scope=_env("KLAGESAG_OIDC_SCOPE", "openid profile"),
        )


@dataclass(frozen=True)
class WebSettings:
    core: Settings = field(default_factory=Settings)
    # "production" makes the session cookie Secure (HTTPS only) and refuses the development secret.
    environment: str = field(default_factory=lambda: _env("KLAGESAG_ENV", "development"))
    # Signs the short-lived cookie that carries OIDC state and nonce during a login round trip.
    session_secret: str = field(default_factory=lambda: _env("KLAGESAG_SESSION_SECRET", _DEV_SECRET))
    # A session ends after this long without a request, and in any case this long after login.
    session_idle: timedelta = field(default_factory=lambda: _minutes("KLAGESAG_SESSION_IDLE_MINUTES", 30))
    session_absolute: timedelta = field(default_factory=lambda: _minutes("KLAGESAG_SESSION_MAX_MINUTES", 10 * 60))
    # Lock-out: after this many failed logins in a row, the username is locked for this long.
    max_failed_logins: int = field(default_factory=lambda: int(_env("KLAGESAG_MAX_FAILED_LOGINS", "5")))
    lockout: timedelta = field(default_factory=lambda: _minutes("KLAGESAG_LOCKOUT_MINUTES", 15))
    oidc: OidcSettings = field(default_factory=OidcSettings.from_env)
    # The address people reach klagesag at (e.g. https://klagesag.kommune.dk), when a proxy in front
    # hides it; used for the OIDC callback URL. Empty: taken from the request.
    public_url: str = field(default_factory=lambda: _env("KLAGESAG_PUBLIC_URL", ""))
    # The longest a simulation started from the web may run (web/simulations.py): its child process is
    # stopped then, and a run recorded as queued or running for longer is marked failed (its web process
    # died). 3 hours: a 36-month run is about three of the 17-minute years of bench/README.md, with room
    # for a busy machine.
    simulation_limit: timedelta = field(default_factory=lambda: _minutes("KLAGESAG_SIMULATION_MAX_MINUTES", 180))

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def checked(self) -> "WebSettings":
        """Refuse to serve production with the development secret."""
        if self.production and self.session_secret == _DEV_SECRET:
            raise ValueError("set KLAGESAG_SESSION_SECRET to a random value of your own in production")
        if self.oidc.enabled and not (self.oidc.client_id and self.oidc.client_secret):
            raise ValueError("KLAGESAG_OIDC_ISSUER needs KLAGESAG_OIDC_CLIENT_ID and KLAGESAG_OIDC_CLIENT_SECRET")
        return self
