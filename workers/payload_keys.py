"""Payload keys from settings: parsing `id:base64,…` and the development key, without the crypto or
Temporal libraries, so commands that need no server (`klagesag frist`) start fast."""

from __future__ import annotations

import base64
import hashlib


def parse_keys(spec: str) -> dict[str, bytes]:
    """`id1:base64key,id2:base64key` → ordered {id: key}; the first is the active key."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key_id, _, encoded = item.partition(":")
        key = base64.b64decode(encoded, validate=True)
        if not key_id or len(key) != 32:
            raise ValueError(f"payload key '{key_id or item}' must be 'id:base64' of 32 bytes (AES-256)")
        keys[key_id] = key
    if not keys:
        raise ValueError("no payload key given")
    return keys


def development_keys() -> str:
    """The key `klagesag up` uses when none is configured: fine on a laptop, never in production."""
    key = hashlib.sha256(b"klagesag development payload key").digest()
    return f"dev1:{base64.b64encode(key).decode()}"
