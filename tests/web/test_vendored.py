"""The vendored JavaScript is exactly the released file recorded in VENDORED.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDS = [ROOT / "web" / "static" / "VENDORED.json", ROOT / "tests" / "browser" / "vendor" / "VENDORED.json"]


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.parent.name)
def test_vendored_files_match_their_recorded_sha256(record: Path):
    entries = json.loads(record.read_text())
    assert entries
    for name, entry in entries.items():
        data = (record.parent / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert entry["version"] in data[:400].decode("latin-1") or name == "htmx.min.js"


def test_htmx_is_version_2_0_11():
    entry = json.loads(RECORDS[0].read_text())["htmx.min.js"]
    assert entry["version"] == "2.0.11"
    assert b'version:"2.0.11"' in (RECORDS[0].parent / "htmx.min.js").read_bytes()
