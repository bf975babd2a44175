"""Waiting briefly for the read model after a change: the workflow answers a step before its activity
writes the case to PostgreSQL, and the page a user is sent back to should show what they just did."""

from __future__ import annotations

import asyncio

from store.register import CaseRegister

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05


async def caught_up(register: CaseRegister, case_id: str, newer_than: int | None) -> bool:
    """True once the stored case exists with a version above `newer_than` (None: exists at all); False
    after WAIT_SECONDS, and the page then shows what is stored (it catches up on the next load)."""
    for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
        view = await register.case_view(case_id)
        if view is not None and (newer_than is None or view.version > newer_than):
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False
