"""Login through an OpenID provider: the app and a stand-in provider both served by uvicorn on 127.0.0.1,
driven by httpx following the redirects as a browser would. The login ends in the same PostgreSQL
session as a password login."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from store.accounts import AccountStore, Role, session_id
from tests.conftest import free_port
from tests.live_server import serving
from tests.web.oidc_provider import StandInProvider
from web.app import create_app
from web.auth import SESSION_COOKIE
from web.oidc import roles_from_claims
from web.settings import OidcSettings, WebSettings
from workers.settings import Settings


@pytest.fixture(scope="module")
def provider() -> Iterator[StandInProvider]:
    port = free_port()
    provider = StandInProvider(issuer=f"http://127.0.0.1:{port}")
    with serving(provider.app, port=port):
        yield provider


@pytest.fixture
def provider_reset(provider: StandInProvider) -> StandInProvider:
    provider.sign_with_unknown_key = False
    provider.wrong_nonce = False
    provider.identity = {}
    return provider


@pytest.fixture
def live_app(database_url: str, accounts: AccountStore, provider_reset: StandInProvider):
    """Serve klagesag with OIDC on; `accounts` has seeded the demo users into the same database."""

    @contextlib.contextmanager
    def run(provisioning: str = "existing") -> Iterator[str]:
        settings = WebSettings(
            core=Settings(database_url=database_url),
            environment="test",
            oidc=OidcSettings(
                issuer=provider_reset.issuer,
                client_id=provider_reset.client_id,
                client_secret=provider_reset.client_secret,
                role_map={"SOF-Ledere": "leder", "SOF-Sagsbehandlere": "sagsbehandler"},
                provisioning=provisioning,
            ),
        )
        with serving(create_app(settings)) as base_url:
            yield base_url

    return run


def browser() -> httpx.AsyncClient:
    """Follows redirects and keeps cookies, as a browser does."""
    return httpx.AsyncClient(follow_redirects=True, timeout=20)


async def oidc_login(client: httpx.AsyncClient, base_url: str, next: str = "/") -> httpx.Response:
    return await client.get(f"{base_url}/log-ind/oidc", params={"next": next})


async def test_an_existing_user_logs_in_and_gets_a_postgres_session(live_app, provider_reset, accounts: AccountStore):
    provider_reset.identity = {"sub": "idp-4711", "preferred_username": "leder", "groups": ["SOF-Ledere", "Alle"]}
    with live_app() as base_url:
        async with browser() as client:
            login_page = (await client.get(f"{base_url}/log-ind")).text
            assert 'href="/log-ind/oidc?next=/"' in login_page
            response = await oidc_login(client, base_url, next="/?side=2")
            assert response.status_code == 200
            assert str(response.url) == f"{base_url}/?side=2"
            assert "<h1>Min arbejdsliste</h1>" in response.text
            assert "Leder SOF (demo)" in response.text
            me = await client.get(f"{base_url}/api/v1/me")
            assert me.json()["username"] == "leder"
            token = client.cookies[SESSION_COOKIE]

    session = await accounts.session(token)
    assert session is not None and session.method == "oidc"
    assert session.id == session_id(token)
    leder = await accounts.user("leder")
    assert leder.oidc_subject == "idp-4711"  # bound at the first login
    assert leder.roles == {Role.LEDER}


async def test_the_roles_follow_the_providers_groups(live_app, provider_reset, accounts: AccountStore):
    provider_reset.identity = {"sub": "idp-1", "preferred_username": "sb-ydelse", "groups": ["SOF-Ledere", "SOF-Sagsbehandlere"]}
    with live_app() as base_url:
        async with browser() as client:
            response = await oidc_login(client, base_url)
    assert response.status_code == 200
    assert (await accounts.user("sb-ydelse")).roles == {Role.LEDER, Role.SAGSBEHANDLER}


async def test_an_unknown_user_is_refused_under_the_existing_policy(live_app, provider_reset, accounts: AccountStore):
    provider_reset.identity = {"sub": "idp-9", "preferred_username": "stranger", "groups": ["SOF-Ledere"]}
    with live_app() as base_url:
        async with browser() as client:
            response = await oidc_login(client, base_url)
    assert response.status_code == 403
    assert "<h1>Ingen adgang</h1>" in response.text
    assert "ikke oprettet som bruger" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert await accounts.user("stranger") is None


async def test_the_create_policy_creates_a_user_without_units(live_app, provider_reset, accounts: AccountStore):
    provider_reset.identity = {
        "sub": "idp-10",
        "preferred_username": "Ny.Medarbejder",
        "name": "Ny Medarbejder",
        "groups": ["SOF-Sagsbehandlere"],
    }
    with live_app(provisioning="create") as base_url:
        async with browser() as client:
            response = await oidc_login(client, base_url)
    assert response.status_code == 200
    created = await accounts.user("ny.medarbejder")
    assert created is not None
    assert created.roles == {Role.SAGSBEHANDLER} and created.units == () and not created.has_password
    assert created.oidc_subject == "idp-10"


async def test_a_username_bound_to_another_subject_is_refused(live_app, provider_reset, accounts: AccountStore):
    await accounts.update_user("admin", oidc_subject="idp-original")
    provider_reset.identity = {"sub": "idp-impostor", "preferred_username": "admin", "groups": ["admin"]}
    with live_app() as base_url:
        async with browser() as client:
            response = await oidc_login(client, base_url)
    assert response.status_code == 403
    assert "hører til en anden konto" in response.text


async def test_groups_that_map_to_no_role_are_refused(live_app, provider_reset):
    provider_reset.identity = {"sub": "idp-2", "preferred_username": "leder", "groups": ["Kantine"]}
    with live_app() as base_url:
        async with browser() as client:
            response = await oidc_login(client, base_url)
    assert response.status_code == 403
    assert "ingen rolle i klagesag" in response.text


@pytest.mark.parametrize("fault", ["sign_with_unknown_key", "wrong_nonce"])
async def test_an_id_token_that_fails_verification_logs_nobody_in(live_app, provider_reset, fault, accounts: AccountStore):
    setattr(provider_reset, fault, True)
    provider_reset.identity = {"sub": "idp-3", "preferred_username": "leder", "groups": ["SOF-Ledere"]}
    requests_before = provider_reset.token_requests
    with live_app() as base_url:
        async with browser() as client:
            response = await oidc_login(client, base_url)
    assert provider_reset.token_requests == requests_before + 1  # the code was exchanged, the token refused
    assert response.status_code == 403
    assert "kunne ikke godkendes" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert (await accounts.user("leder")).oidc_subject is None


async def test_a_callback_without_the_login_round_trip_is_refused(live_app, provider_reset):
    requests_before = provider_reset.token_requests
    with live_app() as base_url:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{base_url}/log-ind/oidc/callback", params={"code": "x", "state": "forged"})
    assert response.status_code == 403
    assert provider_reset.token_requests == requests_before  # an unknown state is refused before any exchange


def test_roles_from_claims():
    settings = OidcSettings(issuer="x", role_map={"G-Leder": "leder"}, roles_claim="roles")
    assert roles_from_claims({}, settings) is None
    assert roles_from_claims({"roles": []}, settings) == frozenset()
    assert roles_from_claims({"roles": ["G-Leder", "admin", "nonsense"]}, settings) == {Role.LEDER, Role.ADMIN}
    assert roles_from_claims({"roles": "G-Leder borgerraadgiver"}, settings) == {Role.LEDER, Role.BORGERRAADGIVER}
