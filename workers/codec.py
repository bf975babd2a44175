"""Encrypted payloads: what klagesag puts in Temporal's history is AES-GCM ciphertext.

Personal data never enters Temporal (it stays in PostgreSQL), but caseworkers' free-text reasons and the
letters' facts do; encrypting every payload means a history export, a backup of the Temporal database or
an operator browsing the Web UI without the codec server sees nothing readable.

Keys rotate without losing old histories: every payload records the id of the key that sealed it, new
payloads are sealed with the first (active) key, and any listed key can open.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class UnknownPayloadKey(ValueError):
    """A payload sealed with a key this process was not given (a retired key still in old histories)."""


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: dict[str, bytes]) -> None:
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._active = next(iter(keys))

    @property
    def active_key_id(self) -> str:
        return self._active

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._open(p) for p in payloads]

    def _seal(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._active].encrypt(nonce, payload.SerializeToString(), self._active.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID: self._active.encode()}, data=nonce + sealed)

    def _open(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption was switched on: readable as it is
        key_id = payload.metadata[KEY_ID].decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownPayloadKey(
                f"payload sealed with key '{key_id}', which is not configured; keep retired keys in "
                "KLAGESAG_PAYLOAD_KEYS (after the active one) while histories sealed with them exist"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        return Payload.FromString(cipher.decrypt(nonce, sealed, key_id.encode()))


def data_converter(keys: dict[str, bytes]) -> DataConverter:
    """pydantic for the messages, then AES-GCM for the bytes."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec(keys))
