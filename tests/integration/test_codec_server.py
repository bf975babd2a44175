"""The codec server decrypts payloads for the Temporal Web UI, for an authorised caller only."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import free_port
from workers.codec import EncryptionCodec
from workers.codec_server import CodecServer

pytestmark = pytest.mark.integration
UI = "http://127.0.0.1:8233"
TOKEN = "s3cret-token"


@pytest.fixture
def server() -> Iterator[CodecServer]:
    codec_server = CodecServer(EncryptionCodec({"k1": os.urandom(32)}), port=free_port(), ui_origin=UI, token=TOKEN)
    codec_server.start()
    try:
        yield codec_server
    finally:
        codec_server.stop()


def _post(server: CodecServer, path: str, body: dict, token: str | None = TOKEN) -> dict:
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _payloads(text: str) -> dict:
    encoding = base64.b64encode(b"json/plain").decode()
    return {"payloads": [{"metadata": {"encoding": encoding}, "data": base64.b64encode(text.encode()).decode()}]}


def test_encode_then_decode_gives_the_original_payload_back(server: CodecServer) -> None:
    sealed = _post(server, "/encode", _payloads('"begrundelse"'))
    assert base64.b64decode(sealed["payloads"][0]["metadata"]["encoding"]) == b"binary/encrypted"
    assert b"begrundelse" not in base64.b64decode(sealed["payloads"][0]["data"])
    assert _post(server, "/decode", sealed) == _payloads('"begrundelse"')


def test_a_caller_without_the_token_is_refused(server: CodecServer) -> None:
    sealed = _post(server, "/encode", _payloads('"x"'))
    for token in (None, "wrong"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            _post(server, "/decode", sealed, token=token)
        assert refused.value.code == 401


def test_the_web_ui_origin_may_call_it_across_origins(server: CodecServer) -> None:
    request = urllib.request.Request(server.url + "/decode", method="OPTIONS")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == UI
        assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_a_malformed_body_is_a_bad_request(server: CodecServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post(server, "/decode", {"payloads": "nonsense"})
    assert refused.value.code == 400
