"""One settings object for every process of klagesag, read from the environment.

The defaults match what `klagesag up` starts on this machine, so a caseworker's `klagesag show` finds the
embedded stack without any configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from domain.calendar import CalendarProfile
from workers.codec import development_keys

TASK_QUEUE = "klagesag"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(_env("KLAGESAG_DATA_DIR", ".klagesag")).resolve())
    temporal_address: str = field(default_factory=lambda: _env("KLAGESAG_TEMPORAL_ADDRESS", "127.0.0.1:7233"))
    temporal_namespace: str = field(default_factory=lambda: _env("KLAGESAG_TEMPORAL_NAMESPACE", "default"))
    temporal_ui_port: int = field(default_factory=lambda: int(_env("KLAGESAG_TEMPORAL_UI_PORT", "8233")))
    database_url: str = field(
        default_factory=lambda: _env("KLAGESAG_DATABASE_URL", "postgresql://klagesag@127.0.0.1:55432/klagesag")
    )
    task_queue: str = field(default_factory=lambda: _env("KLAGESAG_TASK_QUEUE", TASK_QUEUE))
    # Kommunekode (the four-digit code of Danmarks Statistik) and the name letters are signed with.
    kommune_code: str = field(default_factory=lambda: _env("KLAGESAG_KOMMUNE", "0101"))
    kommune_name: str = field(default_factory=lambda: _env("KLAGESAG_KOMMUNE_NAME", "Københavns Kommune"))
    # Keyed hash that turns (decision, party) into a case id without the CPR number being recoverable.
    case_id_key: str = field(default_factory=lambda: _env("KLAGESAG_CASE_ID_KEY", "klagesag-dev-key-change-me"))
    calendar_profile: CalendarProfile = field(
        default_factory=lambda: CalendarProfile(_env("KLAGESAG_CALENDAR_PROFILE", "strict"))
    )
    # How long a closed case keeps its personal data before it may be erased (policy; the kommune's
    # retention rules decide: 5 years is a common figure for social cases).
    retention_days: int = field(default_factory=lambda: int(_env("KLAGESAG_RETENTION_DAYS", "1826")))
    # AES-256 keys for Temporal payloads, "id:base64,…", the first one active (workers/codec.py).
    payload_keys: str = field(default_factory=lambda: _env("KLAGESAG_PAYLOAD_KEYS", development_keys()))
    # The codec server lets the Temporal Web UI show decrypted payloads to whoever holds this token.
    codec_port: int = field(default_factory=lambda: int(_env("KLAGESAG_CODEC_PORT", "8234")))
    codec_token: str = field(default_factory=lambda: _env("KLAGESAG_CODEC_TOKEN", ""))

    @property
    def outbox_dir(self) -> Path:
        """The letter channel a person can open: one folder per case, one file per letter."""
        return Path(_env("KLAGESAG_OUTBOX_DIR", str(self.data_dir / "outbox"))).resolve()

    @property
    def temporal_port(self) -> int:
        return int(self.temporal_address.rsplit(":", 1)[1])

    @property
    def database_port(self) -> int:
        from urllib.parse import urlparse

        return urlparse(self.database_url).port or 5432
