"""The codec server: lets the Temporal Web UI show decrypted payloads to an authorised user.

The UI posts `{"payloads": [...]}` to `/decode` (and `/encode`) from the user's browser. Who may decode:
- the server listens on loopback only, and answers CORS only for the configured UI origin;
- when KLAGESAG_CODEC_TOKEN is set, every request must carry `Authorization: Bearer <token>` (the UI's
  "pass access token" setting, or a reverse proxy that authenticates the user and adds it).
Decoded payloads never hold personal data (that stays in PostgreSQL); they hold caseworkers' reasons.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from workers.codec import EncryptionCodec

MAX_BODY = 4 * 1024 * 1024  # Temporal refuses payloads over 2 MB; a batch of them stays below this


class CodecServer:
    def __init__(self, codec: EncryptionCodec, *, port: int, ui_origin: str, token: str = "", host: str = "127.0.0.1"):
        self._codec = codec
        self._ui_origin = ui_origin
        self._token = token
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="codec-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # request lines carry nothing worth keeping, and payloads must never be logged

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", server._ui_origin)
                self.send_header("Access-Control-Allow-Credentials", "true")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

            def _reply(self, status: HTTPStatus, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_OPTIONS(self) -> None:  # CORS preflight from the Web UI
                self.send_response(HTTPStatus.NO_CONTENT)
                self._cors()
                self.end_headers()

            def do_POST(self) -> None:
                if self.path not in ("/decode", "/encode"):
                    return self._reply(HTTPStatus.NOT_FOUND, {"error": "use /decode or /encode"})
                if server._token:
                    given = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                    if not hmac.compare_digest(given, server._token):
                        return self._reply(HTTPStatus.UNAUTHORIZED, {"error": "a valid bearer token is required"})
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    return self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "body too large"})
                try:
                    payloads = json_format.Parse(self.rfile.read(length), Payloads())
                    transform = server._codec.decode if self.path == "/decode" else server._codec.encode
                    result = asyncio.run(transform(list(payloads.payloads)))
                except Exception as error:  # a bad body or a payload this key set cannot open
                    return self._reply(HTTPStatus.BAD_REQUEST, {"error": type(error).__name__})
                self._reply(HTTPStatus.OK, json_format.MessageToDict(Payloads(payloads=result)))

        return Handler
