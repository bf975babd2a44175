"""Letter channels: how a rendered letter reaches the person. The outbox folder is the channel a person can
open today; Digital Post will be another implementation of the same protocol."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from store.register import StoredLetter


class LetterChannel(Protocol):
    def deliver(self, case_id: str, letter: StoredLetter, recipient_name: str) -> str:
        """Deliver the letter and return where it went. Must be idempotent per letter key."""
        ...


class OutboxFolder:
    """One folder per case, one UTF-8 text file per letter, named by the letter's unique key.

    The file is written to a temporary name and renamed into place, so a worker killed mid-write leaves
    no half letter; delivering the same key again finds the file and writes nothing.
    """

    def __init__(self, root: Path) -> None:
        self._root = root

    def path_for(self, case_id: str, key: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", key)
        return self._root / case_id / f"{safe}.txt"

    def deliver(self, case_id: str, letter: StoredLetter, recipient_name: str) -> str:
        path = self.path_for(case_id, letter.key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            text = f"Til: {recipient_name}\nEmne: {letter.subject}\n\n{letter.body}\n"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        return str(path)
