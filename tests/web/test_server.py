"""The uvicorn configuration `klagesag web` will use."""

from __future__ import annotations

from web.server import config
from web.settings import WebSettings


def test_the_server_listens_on_loopback_and_logs_no_request_paths():
    cfg = config(WebSettings(environment="test"), port=8123)
    assert (cfg.host, cfg.port) == ("127.0.0.1", 8123)
    assert cfg.access_log is False  # paths may hold case ids; case access is logged in PostgreSQL
    assert cfg.server_header is False
    assert cfg.proxy_headers and cfg.forwarded_allow_ips == "127.0.0.1"
