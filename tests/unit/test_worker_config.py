"""How the worker's settings become its Temporal configuration: the Worker Deployment version of a
blue-green rollout, and the context bound to an activity's log lines."""

from __future__ import annotations

import dataclasses

from temporalio.common import VersioningBehavior
from temporalio.testing import ActivityEnvironment

from workers.log_context import activity_context
from workers.settings import Settings
from workers.worker import deployment_config


def test_an_unversioned_worker_has_no_deployment_config() -> None:
    assert deployment_config(Settings(deployment_name="", build_id="")) is None


def test_a_versioned_worker_polls_as_its_version_and_auto_upgrades_its_workflows() -> None:
    config = deployment_config(Settings(deployment_name="klagesag", build_id="0.2.0"))
    assert config is not None
    assert (config.version.deployment_name, config.version.build_id) == ("klagesag", "0.2.0")
    assert config.use_worker_versioning is True
    # Never PINNED: a complaint lives for a year and must move to the current version (deploy/README.md).
    assert config.default_versioning_behavior is VersioningBehavior.AUTO_UPGRADE


def test_a_complaints_activity_lines_carry_the_case_id_and_its_workflow_id() -> None:
    info = dataclasses.replace(
        ActivityEnvironment().info,
        workflow_type="ComplaintWorkflow",
        workflow_id="KS-0101-AAAAAAAAAAAAA",
        activity_type="send_letter",
        attempt=2,
    )
    assert activity_context(info) == {
        "workflow_id": "KS-0101-AAAAAAAAAAAAA",
        "case_id": "KS-0101-AAAAAAAAAAAAA",
        "activity": "send_letter",
        "attempt": 2,
    }


def test_other_workflows_activities_carry_no_case_id() -> None:
    info = dataclasses.replace(ActivityEnvironment().info, workflow_type="DailyDigestWorkflow", workflow_id="digest-1")
    context = activity_context(info)
    assert context["workflow_id"] == "digest-1" and "case_id" not in context
