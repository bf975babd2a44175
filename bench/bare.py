"""A bare workflow of klagesag's shape, as the baseline the lifecycle benchmark compares against.

klagesag's shortest full lifecycle is a filing and three steps (genvurdering, Ankestyrelsen's receipt,
its outcome), each an update with a validator, and six activities on the way (intake, kvittering,
deadlines, hand-over, read model, ...). The bare workflow has the same count: two activities at the
start, then four validated updates that each run one activity, with no state, no rules, no database.
What klagesag costs beyond Temporal itself is the difference between the two.

    python -m bench.bare --address HOST:PORT --task-queue Q     # a worker process for BareWorkflow
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

UPDATES = 4
QUICK = timedelta(seconds=30)


@activity.defn
async def touch(what: str) -> str:
    return what


@workflow.defn
class BareWorkflow:
    def __init__(self) -> None:
        self.steps = 0

    @workflow.run
    async def run(self) -> int:
        for what in ("intake", "kvittering"):
            await workflow.execute_activity(touch, what, start_to_close_timeout=QUICK)
        await workflow.wait_condition(lambda: self.steps >= UPDATES and workflow.all_handlers_finished())
        return self.steps

    @workflow.update
    async def step(self, name: str) -> int:
        await workflow.execute_activity(touch, name, start_to_close_timeout=QUICK)
        self.steps += 1
        return self.steps

    @step.validator
    def check_step(self, name: str) -> None:
        if not name:
            raise ValueError("a step needs a name")


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=[BareWorkflow], activities=[touch]):
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.address, args.task_queue))


if __name__ == "__main__":
    main()
