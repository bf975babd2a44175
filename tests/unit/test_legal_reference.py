"""Every legal citation in the repository resolves in docs/legal-reference.md.

The code cites its rules by source key ("R5", "[V: R9]", "R27-R29"), by seed document ("SEED 000",
"SEED 002/003"), by section ("domain.md §2.3", "docs/legal-reference.md §2.4", or a bare "§2.2"), by
state ("S2b") and by notification ("N7").  This test reads the tracked *.py, *.md and *.sql files and
checks that each cited id has an entry, or each cited section a heading, in docs/legal-reference.md.  It
also checks that the reference is complete in itself: the R entries are numbered without gaps and each
one names its source.  The test reads only files inside the repository, so it passes in a plain clone.

What counts as a citation, and what deliberately does not:

* R keys: an upper-case ``R``, then 1-3 digits without a leading zero, then an optional lower-case
  suffix letter (``R7b``), as a whole word.  So a Danish case number such as ``R-10-03``, a token with a
  leading zero or more digits (``R0915``, ``R1234``), a mixed token (``R2D2``) and lower-case ``r`` are
  not read as citations.  A range ``R27-R29`` also cites R28.
* Seeds: ``SEED`` with a space, then three digits, and further three-digit numbers after ``,``, ``/``,
  ``and`` or ``og`` (``SEED 002, 003``).  ``SEED = 20261123``, a random seed in the fault tests, is not a
  citation.
* Sections: ``§`` directly followed by a number (``§2.3``, ``§2.3–2.4``), or any ``domain.md §`` /
  ``legal-reference.md §``.  A statute is always cited with a space (``rsl § 67``), so it is never read
  as a section.  A § directly after ``issue N`` points into an issue, not into this file
  (workflows/complaint.py: "issue 2 §4"), and is skipped.
* States ``S0``…``S12`` with a suffix letter (``S2b``), and notifications ``N1``…``N15``, as whole words.
  The formalitetsklage states F0-F4 are listed in the reference but not checked, because ``F<digit>``
  is too common outside the law (keys, versions) to read as a citation.

Files left out: .venv, .git and tests/replay/histories (recorded workflow histories), the reference
itself, and this file.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "docs" / "legal-reference.md"
REFERENCE_NAME = "docs/legal-reference.md"

SCANNED_SUFFIXES = (".py", ".md", ".sql")
EXCLUDED_DIRS = (".venv", ".git", "tests/replay/histories")
EXCLUDED_FILES = {REFERENCE_NAME, "tests/unit/test_legal_reference.py"}

# The section numbers of the domain notes the reference mirrors (§0 sources … §8); the lead rewrites
# "domain.md §X" citations to "docs/legal-reference.md §X", so every one of them must stay.
EXPECTED_SECTIONS = [
    "0", "1", "2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9",
    "3", "4", "4.1", "4.2", "4.3", "4.4", "5", "6", "7", "8",
]  # fmt: skip
EXPECTED_SEEDS = {"000", "001", "002", "003", "004"}

# A status must say how far the rule is verified; these are the markers the reference defines.
STATUS_MARKERS = (
    "[VERIFIED]",
    "[UNVERIFIED]",
    "[DERIVED]",
    "[SEED",
    "**partly retrieved**",
    "**analogy only**",
    "**superseded**",
    "**weak source**",
)

# --- what a citation looks like ---------------------------------------------------------------------------

R_KEY = re.compile(r"\bR([1-9]\d{0,2})([a-z]?)\b")
R_RANGE = re.compile(r"\bR([1-9]\d{0,2})\s*[-–]\s*R([1-9]\d{0,2})\b")
SEED = re.compile(r"\bSEED\s+(\d{3})\b((?:\s*(?:,|/|\band\b|\bog\b)\s*\d{3}\b)*)")
SECTION_NUMBER = r"\d+(?:\.\d+)?"
SECTION_AFTER_FILE = re.compile(
    rf"(?:domain|legal-reference)\.md\s*§\s*({SECTION_NUMBER})(?:\s*[–-]\s*({SECTION_NUMBER}))?"
)
SECTION_BARE = re.compile(rf"(?<![\w§])§({SECTION_NUMBER})(?:[–-]({SECTION_NUMBER}))?")
ISSUE_BEFORE = re.compile(r"issue\s+\d+\s*$")
STATE = re.compile(r"\bS(\d{1,2}[a-z]?)\b")
NOTIFICATION = re.compile(r"\bN(\d{1,2})\b")


@dataclass(frozen=True)
class Citation:
    kind: str  # "R", "SEED", "section", "state", "notification"
    ident: str  # "R28", "SEED 003", "§2.3", "S2b", "N7"
    where: str  # "path:line"


def _section_range(first: str, last: str | None) -> list[str]:
    """§2.3–2.4 cites 2.3 and 2.4 (and any subsection between); §2–3 cites 2 and 3."""
    if last is None:
        return [first]
    a, b = first.split("."), last.split(".")
    if len(a) == 2 and len(b) == 2 and a[0] == b[0]:
        return [f"{a[0]}.{n}" for n in range(int(a[1]), int(b[1]) + 1)]
    return [first, last]


def citations_in_line(line: str, where: str) -> list[Citation]:
    found: list[Citation] = []
    for m in R_KEY.finditer(line):
        found.append(Citation("R", f"R{m.group(1)}{m.group(2)}", where))
    for m in R_RANGE.finditer(line):
        for n in range(int(m.group(1)) + 1, int(m.group(2))):
            found.append(Citation("R", f"R{n}", where))
    for m in SEED.finditer(line):
        for number in [m.group(1), *re.findall(r"\d{3}", m.group(2))]:
            found.append(Citation("SEED", f"SEED {number}", where))
    sections: set[tuple[int, str]] = set()
    for pattern in (SECTION_AFTER_FILE, SECTION_BARE):
        for m in pattern.finditer(line):
            if ISSUE_BEFORE.search(line[: m.start()]):
                continue
            for number in _section_range(m.group(1), m.group(2)):
                sections.add((m.start(1), number))
    found.extend(Citation("section", f"§{number}", where) for _, number in sorted(sections))
    for m in STATE.finditer(line):
        found.append(Citation("state", f"S{m.group(1)}", where))
    for m in NOTIFICATION.finditer(line):
        found.append(Citation("notification", f"N{m.group(1)}", where))
    return found


# --- which files ------------------------------------------------------------------------------------------


def _excluded(relative: str) -> bool:
    if relative in EXCLUDED_FILES:
        return True
    return any(relative == d or relative.startswith(d + "/") for d in EXCLUDED_DIRS)


def scanned_files() -> list[str]:
    """Tracked files (git ls-files); without git, a walk of the tree with the same exclusions."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        names = [n for n in out.split("\0") if n]
    except (OSError, subprocess.SubprocessError):
        names = []
        for root, dirs, files in os.walk(REPO):
            rel_root = Path(root).relative_to(REPO).as_posix()
            dirs[:] = [
                d
                for d in dirs
                # what .gitignore keeps out of git: hidden dirs (.venv, .pytest_cache …) and build output
                if not d.startswith(".")
                and d not in ("__pycache__", "build")
                and not d.endswith(".egg-info")
                and not _excluded(d if rel_root == "." else f"{rel_root}/{d}")
            ]
            names += [f if rel_root == "." else f"{rel_root}/{f}" for f in files]
    return sorted(
        n
        for n in names
        if n.endswith(SCANNED_SUFFIXES) and not _excluded(n) and (REPO / n).is_file()
    )


def all_citations() -> list[Citation]:
    found: list[Citation] = []
    for name in scanned_files():
        text = (REPO / name).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            found.extend(citations_in_line(line, f"{name}:{number}"))
    return found


# --- what the reference defines ---------------------------------------------------------------------------

ENTRY_START = re.compile(r"^- \*\*((?:R|S|N|F)\d+[a-z]?|SEED \d{3})\*\*")
HEADING = re.compile(rf"^#{{2,4}} §({SECTION_NUMBER})\s")


def reference_text() -> str:
    assert REFERENCE.is_file(), f"{REFERENCE_NAME} is missing"
    return REFERENCE.read_text(encoding="utf-8")


def reference_entries() -> dict[str, str]:
    """Entry id → its whole text (the bullet line and its indented continuation lines)."""
    entries: dict[str, str] = {}
    duplicates: list[str] = []
    current: str | None = None
    for line in reference_text().splitlines():
        m = ENTRY_START.match(line)
        if m:
            current = m.group(1)
            if current in entries:
                duplicates.append(current)
            entries[current] = line
        elif current is not None and line.startswith("  ") and line.strip():
            entries[current] += " " + line.strip()
        else:
            current = None
    assert not duplicates, f"entries defined twice in {REFERENCE_NAME}: {duplicates}"
    return entries


def reference_sections() -> set[str]:
    return {m.group(1) for line in reference_text().splitlines() if (m := HEADING.match(line))}


def is_unassigned(entry: str) -> bool:
    return "**Unassigned.**" in entry


def resolves(citation: Citation, entries: dict[str, str], sections: set[str]) -> str | None:
    """None when the citation resolves, else why not."""
    if citation.kind == "section":
        return None if citation.ident[1:] in sections else "no such section heading"
    entry = entries.get(citation.ident)
    if entry is None:
        return "no entry"
    if is_unassigned(entry):
        return "the number is unassigned (no source)"
    return None


# --- the tests --------------------------------------------------------------------------------------------


def test_the_reference_keeps_every_section_number():
    missing = [s for s in EXPECTED_SECTIONS if s not in reference_sections()]
    assert not missing, f"{REFERENCE_NAME} lacks the section headings §{', §'.join(missing)}"


def test_r_entries_are_numbered_without_gaps_and_each_names_its_source():
    entries = reference_entries()
    keys = [k for k in entries if re.fullmatch(r"R\d+[a-z]?", k)]
    numbers = {int(re.sub(r"\D", "", k)) for k in keys}
    assert numbers, f"no R entries in {REFERENCE_NAME}"
    gaps = sorted(set(range(1, max(numbers) + 1)) - numbers)
    assert not gaps, f"R entries missing (mark an unused number **Unassigned.**): {gaps}"
    orphans = [k for k in keys if k[-1].isalpha() and k[:-1] not in entries]
    assert not orphans, f"suffix entries without their base entry: {orphans}"
    problems = []
    for key in keys:
        entry = entries[key]
        if is_unassigned(entry):
            continue
        source = re.search(r"\*Source:\*(.*?)(\*Status:\*|$)", entry)
        if not source or not re.search(r"https?://|§", source.group(1)):
            problems.append(f"{key}: no *Source:* naming an address or a paragraph")
        status = entry.split("*Status:*", 1)[1] if "*Status:*" in entry else ""
        if not any(marker in status for marker in STATUS_MARKERS):
            problems.append(f"{key}: no *Status:* with a verification marker")
    assert not problems, "\n".join(problems)


def test_seeds_states_and_notifications_have_entries():
    entries = reference_entries()
    seeds = {k.split()[1] for k in entries if k.startswith("SEED ")}
    assert seeds == EXPECTED_SEEDS, f"seed entries: {sorted(seeds)}"
    for prefix in ("N", "F"):
        numbers = {int(k[1:]) for k in entries if re.fullmatch(rf"{prefix}\d+", k)}
        start = 1 if prefix == "N" else 0
        assert numbers and numbers == set(range(start, max(numbers) + 1)), f"{prefix} entries: {numbers}"
    # S4 exists only as S4a and S4b; every number 0-12 has at least one state.
    states = {int(re.sub(r"\D", "", k)) for k in entries if re.fullmatch(r"S\d+[a-z]?", k)}
    assert states == set(range(13)), f"state numbers: {sorted(states)}"


def test_the_scanner_reads_what_it_should():
    def idents(line: str) -> list[str]:
        return [c.ident for c in citations_in_line(line, "x:1")]

    assert idents("(rsl § 66; R3, R4, SEED 000)") == ["R3", "R4", "SEED 000"]
    assert sorted(idents("clock yet (R27-R29).")) == ["R27", "R28", "R29"]
    assert idents("an older variant [R7b]") == ["R7b"]
    assert idents("(SEED 002/003, R51)") == ["R51", "SEED 002", "SEED 003"]
    assert idents("[SEED 002, 003; R51]") == ["R51", "SEED 002", "SEED 003"]
    assert idents("(domain.md §2.3–2.4)") == ["§2.3", "§2.4"]
    assert idents("(domain.md §1, §7 standing)") == ["§1", "§7"]
    assert idents("(docs/legal-reference.md §2.2 S2b, R27)") == ["R27", "§2.2", "S2b"]
    assert idents("(domain.md §5 N15)") == ["§5", "N15"]
    # Deliberately not citations: statutes, case numbers, other numbering, other uses of the letters.
    assert idents("rsl § 67 stk. 1, FVL § 7 stk. 2, OFL §§ 36-37") == []
    assert idents("Ankestyrelsen R-10-03, F-1-08; R0915, R1234, R2D2, r3") == []
    assert idents("SEED = 20261123") == []
    assert idents("warned a week ahead (issue 2 §4)") == []


def test_the_repository_cites_something():
    # Guards against a scan that silently reads nothing (a wrong root, a changed git layout).
    kinds = {c.kind for c in all_citations()}
    assert {"R", "SEED", "section"} <= kinds, f"citation kinds found: {kinds}"


@pytest.mark.parametrize("kind", ["R", "SEED", "section", "state", "notification"])
def test_every_citation_resolves_in_the_reference(kind: str):
    entries, sections = reference_entries(), reference_sections()
    unresolved = [
        f"{c.where}: {c.ident} ({why})"
        for c in all_citations()
        if c.kind == kind and (why := resolves(c, entries, sections)) is not None
    ]
    assert not unresolved, (
        f"{len(unresolved)} citation(s) do not resolve in {REFERENCE_NAME}:\n" + "\n".join(unresolved)
    )
