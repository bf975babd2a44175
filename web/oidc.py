"""Login through the kommune's identity provider (OpenID Connect, authorization code flow with PKCE).

Enabled when KLAGESAG_OIDC_ISSUER is set. `/log-ind/oidc` sends the browser to the provider, which sends
it back to `/log-ind/oidc/callback` with a code; authlib exchanges the code and checks the ID token
(signature against the provider's JWKS, issuer, audience, expiry, nonce). The token's claims are then
mapped onto a user row, and the SAME PostgreSQL session as a password login is created, so every
handler sees the same `current_user`.

Mapping policy (`OidcSettings.provisioning`):
- "existing" (default): the user must already exist in klagesag (an admin created them with their
  units, which the provider does not know). The match is by the provider's `sub` once bound, else by
  `preferred_username`; the first login binds `sub` to the row, and a later token with the same
  username but another `sub` is refused (a reused name at the provider cannot take over the account).
- "create": a first login creates the user with the roles of the claim and no units, so they can log
  in but act on no case until an admin assigns units.
In both, when the token carries the roles claim, the user's roles follow it (the provider's groups are
the source of truth for roles); a token whose claim maps to no klagesag role is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import warnings

import authlib.deprecate  # noqa: F401  (installs authlib's own warning filter before ours below)
import httpx
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError

with warnings.catch_warnings():
    # authlib 1.9 prefers the httpx2 fork and warns when it falls back to httpx, which klagesag uses.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated", category=DeprecationWarning)
    from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from store.accounts import Account, AccountError, AccountStore, Role, normalise_username
from web.auth import safe_next, set_session_cookie
from web.deps import get_accounts, get_settings
from web.problems import forbidden
from web.settings import OidcSettings, WebSettings

PROVIDER = "kommune"
STATE_COOKIE = "klagesag_oidc"
_NEXT_KEY = "klagesag_next"


class OidcRefused(Exception):
    """The provider's answer does not let this person in; `message_da` tells them why."""

    def __init__(self, message_da: str) -> None:
        super().__init__(message_da)
        self.message_da = message_da


def roles_from_claims(claims: Mapping[str, Any], settings: OidcSettings) -> frozenset[Role] | None:
    """The klagesag roles the token grants; None when it has no roles claim at all."""
    raw = claims.get(settings.roles_claim)
    if raw is None:
        return None
    values = raw.split() if isinstance(raw, str) else [str(v) for v in raw]
    known = {r.value for r in Role}
    roles = set()
    for value in values:
        name = settings.role_map.get(value, value)
        if name in known:
            roles.add(Role(name))
    return frozenset(roles)


async def account_for_claims(
    accounts: AccountStore, claims: Mapping[str, Any], settings: OidcSettings, *, kommune: str
) -> Account:
    subject = claims.get("sub")
    username = normalise_username(str(claims.get("preferred_username") or ""))
    if not subject or not username:
        raise OidcRefused("Login-tjenesten sendte ikke brugernavn og id. Kontakt en administrator.")
    roles = roles_from_claims(claims, settings)
    if roles is not None and not roles:
        raise OidcRefused("Din konto har ingen rolle i klagesag. Kontakt en administrator.")

    account = await accounts.user_by_oidc_subject(subject) or await accounts.user(username)
    if account is None:
        if settings.provisioning != "create" or roles is None:
            raise OidcRefused("Du er ikke oprettet som bruger i klagesag. Kontakt en administrator.")
        try:
            return await accounts.create_user(
                username=username,
                display_name=str(claims.get("name") or username),
                roles=roles,
                kommune=kommune,
                oidc_subject=subject,
            )
        except AccountError:
            raise OidcRefused("Brugeren kunne ikke oprettes. Kontakt en administrator.") from None
    if account.oidc_subject is not None and account.oidc_subject != subject:
        raise OidcRefused("Brugernavnet hører til en anden konto. Kontakt en administrator.")
    if not account.active:
        raise OidcRefused("Din adgang til klagesag er lukket. Kontakt en administrator.")
    if account.oidc_subject is None or (roles is not None and roles != account.roles):
        account = await accounts.update_user(account.username, oidc_subject=subject, roles=roles)
    return account


def build_oauth(settings: OidcSettings) -> OAuth:
    oauth = OAuth()
    oauth.register(
        name=PROVIDER,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={"scope": settings.scope, "code_challenge_method": "S256"},
    )
    return oauth


def build_router(settings: WebSettings) -> APIRouter:
    oauth = build_oauth(settings.oidc)
    router = APIRouter(include_in_schema=False)

    def callback_url(request: Request) -> str:
        if settings.public_url:
            return settings.public_url.rstrip("/") + "/log-ind/oidc/callback"
        return str(request.url_for("oidc_callback"))

    @router.get("/log-ind/oidc", name="oidc_login")
    async def oidc_login(request: Request, next: str = "/") -> Response:
        request.session[_NEXT_KEY] = safe_next(next)
        client = oauth.create_client(PROVIDER)
        return await client.authorize_redirect(request, callback_url(request))

    @router.get("/log-ind/oidc/callback", name="oidc_callback")
    async def oidc_callback(
        request: Request,
        accounts: Annotated[AccountStore, Depends(get_accounts)],
        web_settings: Annotated[WebSettings, Depends(get_settings)],
    ) -> Response:
        client = oauth.create_client(PROVIDER)
        next_path = safe_next(request.session.get(_NEXT_KEY))
        try:
            token = await client.authorize_access_token(request)
            claims = token.get("userinfo")
            if not claims:
                raise OidcRefused("Login-tjenesten sendte ikke et gyldigt id-token.")
            account = await account_for_claims(
                accounts, claims, web_settings.oidc, kommune=web_settings.core.kommune_code
            )
        except (AuthlibBaseError, JoseError, httpx.HTTPError):
            # A wrong state or nonce, a bad signature, an expired token, or the provider not answering.
            raise forbidden(
                detail="The identity provider's answer could not be verified.",
                detail_da="Login-tjenestens svar kunne ikke godkendes. Prøv at logge ind igen.",
            ) from None
        except OidcRefused as refused:
            raise forbidden(detail="The identity provider's user has no access.", detail_da=refused.message_da) from None
        finally:
            request.session.clear()
        session = await accounts.create_session(account.id, method="oidc")
        response = RedirectResponse(next_path, status_code=303)
        set_session_cookie(response, session.token, request)
        return response

    return router
