"""One worker process of a simulation (`klagesag simulate --workers N`): the same worker as
workers/worker.py, on the simulation's own time-skipping server and PostgreSQL, until SIGTERM.

    python -m simulation.worker_process --address HOST:PORT --database-url URL --workdir DIR --cache N

A worker process of its own lets the workflow code and the activities use a core the driver does not."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from temporalio.client import Client

from activities.channel import OutboxFolder
from store.register import CaseRegister
from workers.bytecode import compile_workflow_modules
from workers.logging import configure_logging
from workers.worker import build_worker


async def serve(address: str, database_url: str, workdir: Path, cache: int) -> None:
    from simulation.driver import CONVERTER, simulation_settings

    settings = simulation_settings(workdir, database_url, address)
    client = await Client.connect(address, data_converter=CONVERTER)
    register = await CaseRegister.connect(database_url, max_size=8)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    try:
        compile_workflow_modules()
        worker = build_worker(
            client, register, settings, channel=OutboxFolder(workdir / "outbox"), max_cached_workflows=cache
        )
        async with worker:
            await stop.wait()
    finally:
        await register.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m simulation.worker_process")
    parser.add_argument("--address", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--cache", type=int, required=True)
    args = parser.parse_args()
    configure_logging(logging.WARNING, json=False)
    asyncio.run(serve(args.address, args.database_url, args.workdir, args.cache))


if __name__ == "__main__":
    main()
