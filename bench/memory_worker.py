"""The worker process that bench/worker_memory.py measures: `python bench/memory_worker.py CODE_DIR CACHE [RUNNER]`.

It runs a checkout's own `workers.worker.run_worker` (CODE_DIR first on sys.path, so an older checkout can
be measured for a before/after) with the workflow cache set to CACHE, until SIGTERM. Only
`max_cached_workflows` differs from what `klagesag worker` runs; settings come from the environment.
RUNNER `unsandboxed` runs the workflows without the sandbox, to tell the sandbox's share of the memory from
the workflows' own (a measurement only: klagesag always runs sandboxed).
Run as a script, not with -m: nothing of klagesag may be imported before CODE_DIR is on the path.
"""

from __future__ import annotations

import asyncio
import functools
import signal
import sys


def main() -> None:
    code_dir, cache = sys.argv[1], int(sys.argv[2])
    runner = sys.argv[3] if len(sys.argv) > 3 else "sandboxed"
    sys.path.insert(0, code_dir)

    import workers.worker as worker_module
    import workflows.complaint
    from workers.settings import Settings

    # build_worker names `Worker` from its module: the partial adds the cache size and nothing else.
    worker_module.Worker = functools.partial(worker_module.Worker, max_cached_workflows=cache)  # type: ignore[misc]
    if runner == "unsandboxed":
        from temporalio.worker import UnsandboxedWorkflowRunner

        worker_module.workflow_runner = UnsandboxedWorkflowRunner  # type: ignore[attr-defined]
    print(f"workflow module {workflows.complaint.__file__}, max_cached_workflows={cache}, {runner}", flush=True)

    async def run() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await worker_module.run_worker(Settings(), stop)

    asyncio.run(run())


if __name__ == "__main__":
    main()
