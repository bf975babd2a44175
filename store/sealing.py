"""AES-GCM sealing of one case's personal data under that case's own data key (crypto-shredding)."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(data_key: bytes, plaintext: bytes, *, context: str) -> bytes:
    """`context` (e.g. "party:KS-…") is bound to the ciphertext, so sealed bytes cannot be moved between
    rows or cases unnoticed."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, context.encode())


def unseal(data_key: bytes, sealed: bytes, *, context: str) -> bytes:
    return AESGCM(data_key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
