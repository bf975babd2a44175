"""The payload codec: AES-GCM, the key id in the metadata, rotation without losing old histories."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload

from workers.codec import ENCODING, KEY_ID, EncryptionCodec, UnknownPayloadKey
from workers.payload_keys import parse_keys


def _key() -> bytes:
    return os.urandom(32)


def _plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def test_a_payload_round_trips_and_its_ciphertext_hides_the_text() -> None:
    codec = EncryptionCodec({"k1": _key()})
    [sealed] = await codec.encode([_plain("Borgeren er syg")])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == b"k1"
    assert b"syg" not in sealed.data
    assert await codec.decode([sealed]) == [_plain("Borgeren er syg")]


async def test_the_same_payload_seals_differently_each_time() -> None:
    codec = EncryptionCodec({"k1": _key()})
    first, second = await codec.encode([_plain("x"), _plain("x")])
    assert first.data != second.data


async def test_after_rotation_old_payloads_still_open_and_new_ones_use_the_new_key() -> None:
    old, new = _key(), _key()
    [sealed_before] = await EncryptionCodec({"k1": old}).encode([_plain("før")])
    rotated = EncryptionCodec({"k2": new, "k1": old})
    assert await rotated.decode([sealed_before]) == [_plain("før")]
    [sealed_after] = await rotated.encode([_plain("efter")])
    assert sealed_after.metadata[KEY_ID] == b"k2"


async def test_a_retired_key_that_is_dropped_makes_its_payloads_unreadable_with_a_clear_error() -> None:
    [sealed] = await EncryptionCodec({"k1": _key()}).encode([_plain("x")])
    with pytest.raises(UnknownPayloadKey, match="'k1'"):
        await EncryptionCodec({"k2": _key()}).decode([sealed])


async def test_a_tampered_payload_is_refused() -> None:
    codec = EncryptionCodec({"k1": _key()})
    [sealed] = await codec.encode([_plain("x")])
    tampered = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    with pytest.raises(InvalidTag):
        await codec.decode([tampered])


async def test_a_payload_written_before_encryption_passes_through() -> None:
    codec = EncryptionCodec({"k1": _key()})
    assert await codec.decode([_plain("gammel")]) == [_plain("gammel")]


def test_keys_are_parsed_in_order_with_the_first_active() -> None:
    a, b = base64.b64encode(_key()).decode(), base64.b64encode(_key()).decode()
    assert list(parse_keys(f"new:{a}, old:{b}")) == ["new", "old"]
    assert EncryptionCodec(parse_keys(f"new:{a},old:{b}")).active_key_id == "new"


@pytest.mark.parametrize("spec", ["", "k1", "k1:notbase64!", f"k1:{base64.b64encode(b'short').decode()}"])
def test_a_malformed_key_specification_is_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_keys(spec)
