"""workers.client.connect against a real Temporal dev server, configured only through TEMPORAL_* variables.

`temporal server start-dev` has no TLS options, so mutual TLS is tested through a TLS-terminating proxy
in front of it: the proxy demands a client certificate from our CA, exactly as a Temporal frontend with
`requireClientAuth` does, and the client must verify the proxy's certificate by name. What the client
does with TEMPORAL_TLS_* is what it would do against a cluster; the server-side TLS of a real cluster is
not exercised here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

from deploy.temporal import LocalTemporal
from tests.certificates import Pki, make_pki
from tests.conftest import free_port
from workers.client import connect
from workers.settings import Settings

pytestmark = pytest.mark.integration
NAMESPACE = "klagesag-connect"
SERVER_NAME = "temporal-frontend.test"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("KLAGESAG_", "TEMPORAL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "no-profile.toml"))


@pytest.fixture(scope="module")
async def temporal(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalTemporal]:
    server = LocalTemporal(
        tmp_path_factory.mktemp("temporal-connect"), free_port(), free_port(), namespace=NAMESPACE, headless=True
    )
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


@contextlib.asynccontextmanager
async def tls_proxy(pki: Pki, upstream: str) -> AsyncIterator[str]:
    """Terminates mutual TLS (HTTP/2 by ALPN, as gRPC needs) and forwards the bytes to `upstream`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki.ca))
    context.load_cert_chain(str(pki.server_cert), str(pki.server_key))
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    host, _, port = upstream.rpartition(":")

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, server_writer), _pipe(server_reader, client_writer))

    proxy_port = free_port()
    server = await asyncio.start_server(handle, "127.0.0.1", proxy_port, ssl=context)
    try:
        yield f"127.0.0.1:{proxy_port}"
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 5)


async def _namespace_seen_by(settings: Settings) -> str:
    client = await connect(settings)
    response = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=client.namespace))
    return response.namespace_info.name


async def test_temporal_address_and_namespace_alone_reach_the_server(
    temporal: LocalTemporal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal.address)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", NAMESPACE)
    # The klagesag fallback points nowhere: only the TEMPORAL_* variables can have found the server.
    assert await _namespace_seen_by(Settings(temporal_address=f"127.0.0.1:{free_port()}")) == NAMESPACE


async def test_mutual_tls_from_temporal_tls_variables_reaches_the_server(
    temporal: LocalTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki", SERVER_NAME)
    async with tls_proxy(pki, temporal.address) as address:
        monkeypatch.setenv("TEMPORAL_ADDRESS", address)
        monkeypatch.setenv("TEMPORAL_NAMESPACE", NAMESPACE)
        monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(pki.ca))
        monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", SERVER_NAME)
        monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", str(pki.client_cert))
        monkeypatch.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", str(pki.client_key))
        assert await _namespace_seen_by(Settings()) == NAMESPACE


async def test_without_a_client_certificate_the_mutual_tls_server_refuses(
    temporal: LocalTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki", SERVER_NAME)
    async with tls_proxy(pki, temporal.address) as address:
        monkeypatch.setenv("TEMPORAL_ADDRESS", address)
        monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(pki.ca))
        monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", SERVER_NAME)
        with pytest.raises(RuntimeError, match="Failed client connect"):
            await asyncio.wait_for(connect(Settings()), 30)


async def test_a_server_certificate_from_another_ca_is_refused(
    temporal: LocalTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki", SERVER_NAME)
    stranger = make_pki(tmp_path / "other", SERVER_NAME)
    async with tls_proxy(pki, temporal.address) as address:
        monkeypatch.setenv("TEMPORAL_ADDRESS", address)
        monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(stranger.ca))
        monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", SERVER_NAME)
        monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", str(pki.client_cert))
        monkeypatch.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", str(pki.client_key))
        with pytest.raises(RuntimeError, match="Failed client connect"):
            await asyncio.wait_for(connect(Settings()), 30)
