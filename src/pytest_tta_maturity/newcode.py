"""New code per component: which findings lie on the change's new lines, and how a level judges new code.

The change itself comes from :mod:`.vcs`; its new statements are measured with
the rest of coverage (:mod:`.measure`). What is left here is pure: the
findings of each gate on added or changed lines (those a baseline already
knows stay known), and the words for new code shared by the renderers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .baseline.store import Baseline
from .model import CoverageFigures, Finding, GateResult, NewCode, NewCodeRun
from .vcs import Change, lines_in

#: A finding's identity in a baseline: path, code, message.
Key = tuple[str, str, str]

#: How many uncovered lines or findings a blocker names before saying how many more.
SHOWN = 10


def new_findings(
    gates: Mapping[str, GateResult],
    root: Path,
    changed: Mapping[str, frozenset[int]],
    known: Mapping[str, Mapping[Key, int]] | None = None,
) -> dict[str, list[Finding]]:
    """Per gate, the findings on added or changed lines, less those the baseline records (``known``).

    A finding is on a new line when its path (relative to ``root``) is a changed file and its
    line one of the file's added or changed lines; findings without a line (``0``) never are.
    """
    found: dict[str, list[Finding]] = {}
    for gate, result in sorted(gates.items()):
        if gate == "tests":
            continue
        allowed = dict((known or {}).get(gate, {}))
        for finding in result.details:
            if finding.line <= 0:
                continue
            lines = lines_in(changed, os.path.join(os.fspath(root), *finding.path.split("/")))
            if lines is None or finding.line not in lines:
                continue
            key = (finding.path, finding.code, finding.message)
            if allowed.get(key, 0) > 0:
                allowed[key] -= 1  # recorded in the baseline: known, not new
                continue
            found.setdefault(gate, []).append(finding)
    return found


def shown(items: list[str]) -> str:
    """``a, b, c`` with at most :data:`SHOWN` items, then ``and N more``."""
    head = ", ".join(items[:SHOWN])
    return f"{head} and {len(items) - SHOWN} more" if len(items) > SHOWN else head


def finding_texts(new: NewCode) -> list[str]:
    """``path:line code (gate)`` of every finding on a new line."""
    return [
        f"{f.path}:{f.line} {f.code} ({gate})"
        for gate, items in sorted(new.findings.items())
        for f in sorted(items, key=lambda f: (f.path, f.line, f.code))
    ]


def attach(
    figures: dict[str, CoverageFigures],
    gates: Mapping[str, Mapping[str, GateResult]],
    names: list[str],
    root: Path,
    change: Change,
    baseline: Baseline | None = None,
) -> NewCodeRun:
    """Give each named component's figures their new code, findings on new lines included.

    A component whose coverage was not measured gets new code that is not measured either,
    with the same reason; the findings a ``baseline`` records for it stay known.
    """
    changed = change.lines_by_path()
    for name in names:
        found = figures.get(name)
        if found is None:
            found = figures[name] = CoverageFigures.unmeasured()
        if found.new_code is None:
            found.new_code = NewCode.unmeasured(found.note or "coverage was not measured")
        entry = baseline.components.get(name) if baseline is not None else None
        known = {gate: entry.counts(gate) for gate in entry.findings} if entry is not None else None
        found.new_code.findings = new_findings(gates.get(name, {}), root, changed, known)
    return NewCodeRun(change.ref, change.base, change.head, len(change.files))
