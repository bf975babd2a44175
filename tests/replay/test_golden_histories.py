"""Replays every committed golden history against today's ComplaintWorkflow: a change that running
complaints could not replay fails here, before it reaches a worker (see docs/changing-workflows.md)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.conftest import DATA_CONVERTER
from workers.worker import workflow_runner
from workflows.complaint import (
    PATCH_EFFECTS_IN_ONE_ACTIVITY,
    PATCH_FINISH_STEPS_BEFORE_NEW_ROUND,
    PATCH_FORMAL_TRACK,
    ComplaintWorkflow,
)

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_there_are_golden_histories_to_replay() -> None:
    assert len(HISTORIES) >= 2, "record them with: python -m tests.replay.record_golden VERSION"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_golden_history_replays_without_nondeterminism(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=[ComplaintWorkflow], data_converter=DATA_CONVERTER, workflow_runner=workflow_runner())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


async def test_a_changed_workflow_is_caught_by_replay() -> None:
    """The replay test can fail: a history whose first activity is renamed does not replay."""
    path = HISTORIES[0]
    tampered = path.read_text(encoding="utf-8").replace('"intake_deadlines"', '"renamed_activity"')
    history = WorkflowHistory.from_json("tampered", tampered)
    replayer = Replayer(workflows=[ComplaintWorkflow], data_converter=DATA_CONVERTER, workflow_runner=workflow_runner())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None


def test_the_formal_track_and_klagepunkter_are_in_a_golden_history() -> None:
    """v3 records the steps of the formal track, the extension notice and the patch that started the formal
    track, so a change to them that running complaints could not replay fails here too."""
    texts = [path.read_text(encoding="utf-8") for path in HISTORIES]
    for update in ("klagepunkt_added", "klagepunkt_decided", "formal_answered", "formal_escalated", "genvurdering_extended",
                   "genoptagelse"):
        assert any(f'"name": "{update}"' in text for text in texts), update
    assert PATCH_FORMAL_TRACK in _patches(HISTORIES)


def _patches(histories: list[Path]) -> set[str]:
    return {
        json.loads(base64.b64decode(payload["data"]))["id"]
        for history in histories
        for event in json.loads(history.read_text(encoding="utf-8"))["events"]
        if event["eventType"] == "EVENT_TYPE_MARKER_RECORDED"
        for payload in event["markerRecordedEventAttributes"]["details"]["patch-data"]["payloads"]
    }


def test_the_paths_of_issue_8_are_in_a_golden_history() -> None:
    """v4 records the new steps (a misdirected complaint, a new representative and a revoked fuldmagt, the
    steps at Ankestyrelsen, a detriment date, a børne- og ungeudvalg decision, "klage følger") and a
    hjemvisning round, so the finish-steps patch is recorded beside them."""
    v4 = [path for path in HISTORIES if path.stem.startswith("v4-")]
    assert {path.stem.split("-")[1] for path in v4} == {"paths", "udvalg", "placeholder"}
    texts = [path.read_text(encoding="utf-8") for path in v4]
    for update in ("representative_changed", "new_information", "ankestyrelsen_partshoering", "hastebehandling_requested",
                   "substance_received", "ankestyrelsen_outcome"):
        assert any(f'"name": "{update}"' in text for text in texts), update
    assert PATCH_FINISH_STEPS_BEFORE_NEW_ROUND in _patches(v4)


def test_a_round_of_effects_in_one_activity_is_in_a_golden_history() -> None:
    """v5 runs perform a round of effects and the view in one activity, behind its patch; older runs have
    an activity per effect and replay down that path (the replays above)."""
    v5 = [path for path in HISTORIES if path.stem.startswith("v5-")]
    assert v5, "record them with: python -m tests.replay.record_golden v5"
    assert PATCH_EFFECTS_IN_ONE_ACTIVITY in _patches(v5)
    activities = {
        event["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        for path in v5
        for event in json.loads(path.read_text(encoding="utf-8"))["events"]
        if event["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"
    }
    assert "perform_effects" in activities
    assert not activities & {"send_letter", "save_case_view", "log_escalation", "record_warning", "forward_to_ankestyrelsen"}
    older = [path for path in HISTORIES if not path.stem.startswith("v5-")]
    assert PATCH_EFFECTS_IN_ONE_ACTIVITY not in _patches(older)
