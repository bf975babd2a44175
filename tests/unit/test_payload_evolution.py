"""Payload models can evolve: a payload written by a newer worker (one that added a field) still loads,
while input from people is still checked strictly at the edge."""

from __future__ import annotations

import json

import pytest
from temporalio.api.common.v1 import Payload

from casework.operations import FilingRequest, parse_filing, parse_step
from domain.errors import InvalidInput
from tests.conftest import DATA_CONVERTER
from tests.unit.test_step_table import a_case
from domain.vocabulary import Phase
from workflows.complaint import ComplaintStart


def _newer(value: dict) -> dict:  # type: ignore[type-arg]
    """The same payload as a newer worker would write it: an extra field at the top and deep inside."""
    value = {**value, "added_in_a_later_release": {"anything": [1, 2]}}
    carried = value["carried"]
    carried["added_later"] = True
    carried["filing"]["decision"]["added_later"] = "x"
    return value


async def test_a_start_payload_with_unknown_fields_still_loads_through_the_data_converter() -> None:
    state = a_case(Phase.GENVURDERING)
    start = ComplaintStart(filing=state.filing, carried=state)
    [payload] = await DATA_CONVERTER.encode([start])  # encrypted, as Temporal stores it
    [plain] = await DATA_CONVERTER.payload_codec.decode([payload])  # type: ignore[union-attr]
    newer = _newer(json.loads(plain.data))
    rewritten = Payload(metadata=plain.metadata, data=json.dumps(newer).encode())
    [loaded] = DATA_CONVERTER.payload_converter.from_payloads([rewritten], [ComplaintStart])
    assert loaded == start




def test_a_step_with_an_unknown_field_is_refused_at_the_edge() -> None:
    with pytest.raises(InvalidInput, match="takes no field resultat"):
        parse_step("genvurdering", {"actor": "sb01", "reason": "Fordi", "resultat": "fastholdt"})


def test_a_filing_with_an_unknown_field_is_refused_at_the_edge() -> None:
    assert FilingRequest.model_config["extra"] == "forbid"
    with pytest.raises(InvalidInput, match="cprnummer"):
        parse_filing({"cprnummer": "0101901234"})
