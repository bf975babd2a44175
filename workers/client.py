"""The Temporal client every klagesag process uses: one address, one namespace, the pydantic converter
with encrypted payloads."""

from __future__ import annotations

from temporalio.client import Client

from workers.codec import data_converter, parse_keys
from workers.settings import Settings


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(parse_keys(settings.payload_keys)),
    )
