"""Caseworkers' free text in the read model and the escalation log, sealed with the case's own data key.

A reason ("begrundelse") is typed by a caseworker and can hold health or social details, so it is personal
data like the complaint text: it is sealed under the key in `party_keys` before it is written, and erasing
the case (deleting the key) makes it unreadable everywhere, backups included.

In the `cases.view` jsonb a sealed reason is an object `{"sealed": "<base64>"}` where the plain text was a
string. The object is the marker: a string is a reason written before sealing existed (read as it is,
replaced by the placeholder when the case is erased). A reason whose key is gone reads as `ERASED`.

Which texts are caseworkers' free text: the `reason` of every history entry (every step carries one,
`domain.models.Step`) and of every escalation. The other strings of a view are the system's own (phase
names, timeliness explanations, warnings) or references (decision reference, journal number, unit).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidTag

from domain.models import CaseView
from store.sealing import seal, unseal

ERASED = "[slettet]"  # what a reader sees where the text was erased (the case's key is deleted)

_MARK = "sealed"


def history_context(case_id: str, seq: int) -> str:
    """Bound to the ciphertext: a sealed reason cannot be moved to another entry or case unnoticed."""
    return f"reason:{case_id}:h{seq}"


def escalation_context(escalation_key: str) -> str:
    return f"reason:{escalation_key}"  # the key names the case: "KS-…:e1"


def seal_text(data_key: bytes | None, text: str, *, context: str) -> bytes | None:
    """The sealed bytes, or None without a key (the case is erased: the text is not kept at all)."""
    return seal(data_key, text.encode(), context=context) if data_key is not None else None


def open_text(data_key: bytes | None, sealed: bytes, *, context: str) -> str:
    if data_key is None:
        return ERASED
    try:
        return unseal(data_key, sealed, context=context).decode()
    except InvalidTag:
        # Sealed under a key deleted while this row was written (an erasure racing a write): erased too.
        return ERASED


def sealed_view_json(view: CaseView, data_key: bytes | None) -> str:
    """The view as stored in `cases.view`: every caseworker's reason sealed, or ERASED without a key."""
    raw = view.model_dump(mode="json")
    for entry, context in _reasons(raw):
        sealed = seal_text(data_key, entry["reason"], context=context)
        entry["reason"] = {_MARK: base64.b64encode(sealed).decode()} if sealed is not None else ERASED
    return json.dumps(raw, ensure_ascii=False)


def opened_view(raw_json: str, data_key: bytes | None) -> CaseView:
    """The stored view with its reasons unsealed (ERASED where the key is gone)."""
    raw = json.loads(raw_json)
    for entry, context in _reasons(raw):
        reason = entry["reason"]
        if isinstance(reason, dict):
            entry["reason"] = open_text(data_key, base64.b64decode(reason[_MARK]), context=context)
    return CaseView.model_validate(raw)


def erased_view_json(raw_json: str) -> str:
    """The stored view after erasure: every reason, sealed or written in plain text before sealing, is the
    placeholder; everything else (phases, dates, counts) stays for the statistics."""
    raw = json.loads(raw_json)
    for entry, _ in _reasons(raw):
        entry["reason"] = ERASED
    return json.dumps(raw, ensure_ascii=False)


def erased(view: CaseView) -> CaseView:
    """`view` as a reader sees it once the case is erased (for comparing a workflow's view with the row)."""
    return opened_view(erased_view_json(view.model_dump_json()), None)


def _reasons(raw: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every dict in a dumped view that carries a caseworker's `reason`, with its sealing context."""
    case_id = raw["case_id"]
    found = [(entry, history_context(case_id, entry["seq"])) for entry in raw.get("history", [])]
    found += [(entry, escalation_context(entry["key"])) for entry in raw.get("escalations", [])]
    return found
