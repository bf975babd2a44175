"""The daily digest run: for each active sagsbehandler and leder, their overdue cases and those due within
a week, through the letter channel, once per recipient per day (the digest key is unique)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import structlog
from temporalio import activity

from domain import digest
from domain.calendar import is_working_day
from domain.models import Model
from store.register import CaseRegister

log = structlog.get_logger("klagesag.digest")


class DigestRun(Model):
    at: datetime  # when the schedule fired (workflow time)


class DigestReport(Model):
    day: date
    sent: int
    already_sent: int
    nothing_due: int
    holiday: bool = False


class DigestActivities:
    def __init__(self, register: CaseRegister, outbox: Path) -> None:
        self._register = register
        self._folder = outbox / "_digests"

    @activity.defn
    async def send_daily_digests(self, run: DigestRun) -> DigestReport:
        day = run.at.astimezone(digest.COPENHAGEN).date()
        if not is_working_day(day):
            # The schedule fires Monday to Friday; a helligdag has no digest either (domain/calendar.py).
            return DigestReport(day=day, sent=0, already_sent=0, nothing_due=0, holiday=True)
        sent = already = nothing = 0
        for recipient in await self._register.digest_recipients():
            lines = [digest.DigestLine(**row) for row in await self._register.digest_cases(recipient)]
            overdue, soon = digest.split_by_urgency(lines, run.at)
            if not overdue and not soon:
                nothing += 1
                continue
            subject, body = digest.compose(recipient.display_name, day, overdue, soon)
            key = f"digest:{recipient.username}:{day.isoformat()}"
            created = await self._register.insert_digest(
                key=key, username=recipient.username, day=day, subject=subject, body=body, cases=len(overdue) + len(soon)
            )
            where = self._deliver(recipient.username, day, subject, body)
            await self._register.mark_digest_delivered(key, where)
            if created:
                sent += 1
            else:
                already += 1
        log.info("digests sent", day=day.isoformat(), sent=sent, already_sent=already, nothing_due=nothing)
        return DigestReport(day=day, sent=sent, already_sent=already, nothing_due=nothing)

    def _deliver(self, username: str, day: date, subject: str, body: str) -> str:
        """One file per recipient per day, written atomically; an existing file is left as it is."""
        path = self._folder / day.isoformat() / f"{username}.txt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(f"Emne: {subject}\n\n{body}", encoding="utf-8")
            os.replace(tmp, path)
        return str(path)

    def all(self) -> list:
        return [self.send_daily_digests]
