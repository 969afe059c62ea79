"""Recording a baseline over an old one: only tighter unless a reason is given, and the command's work.

The rules of the file and of comparing a run with it are in :mod:`.store`.
Nothing here imports pytest.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BaselineError, Refused, display_path
from ..model import ComponentResult, Report
from .store import (
    TOOL_NAME,
    Baseline,
    ComponentBaseline,
    CoverageRecord,
    KnownFinding,
    Lowering,
    coverage_blocks,
    drops,
    snapshot,
    tools_of,
    unrecordable,
)


@dataclass
class Recorded:
    """What ``tta-maturity baseline`` prints, the new file text (``None``: write nothing), and whether
    some component could not be recorded (the command then exits 1)."""

    lines: list[str]
    text: str | None
    blocked: bool = False


@dataclass
class Update:
    """The outcome of recording a report over an old baseline."""

    baseline: Baseline
    changes: list[str] = field(default_factory=list[str])  # what got tighter, or left
    worse: list[str] = field(default_factory=list[str])  # what got looser (written only with allow_lower)


def update_baseline(
    old: Baseline | None,
    report: Report,
    required: Mapping[str, Sequence[str]],
    *,
    version: str,
    allow_lower: bool = False,
    reason: str = "",
    today: str = "",
    blocked: Sequence[str] = (),
) -> Update:
    """The new baseline: ``report``'s components below their level, never looser than ``old``.

    The components named in ``blocked`` (what they would record is not known) keep
    their old entry, or stay out of the file.

    ``required`` maps each component to the gates its declared level needs: only
    those (and coverage) can make an update looser; other gates only tighten.
    Components that meet their level leave. Components of ``old`` that are not in
    ``report`` are kept as they were. With ``allow_lower``, what is looser is
    recorded too, with ``today`` and ``reason``.
    """
    fresh = Baseline(version, tools_of(report))
    result = Update(fresh)
    if old is not None:
        fresh.lowered = list(old.lowered)
        in_report = {c.name for c in report.components}
        for name, entry in old.components.items():
            if name not in in_report:
                fresh.components[name] = entry
    for comp in report.components:
        previous = old.components.get(comp.name) if old is not None else None
        if comp.meets is None or comp.name in blocked:  # not judged, or not recordable: what was recorded stays
            if previous is not None:
                fresh.components[comp.name] = previous
            continue
        if comp.meets:
            if previous is not None:
                result.changes.append(f"{comp.name}: meets {comp.declared} now, left the baseline")
            continue
        now = snapshot(comp)
        if previous is None:
            if old is not None:
                worse = [f"{comp.name}: not in the baseline yet ({_summary(now)})"]
                result.worse.extend(worse)
                if allow_lower:
                    fresh.lowered.append(Lowering(today, comp.name, tuple(worse), reason))
            fresh.components[comp.name] = now
            continue
        entry, changes, worse = _tighten(previous, now, comp, required.get(comp.name, ()))
        result.changes.extend(f"{comp.name}: {c}" for c in changes)
        result.worse.extend(f"{comp.name}: {w}" for w in worse)
        if worse and allow_lower:
            entry = now
            fresh.lowered.append(Lowering(today, comp.name, tuple(worse), reason))
        fresh.components[comp.name] = entry
    return result


def _tighten(
    base: ComponentBaseline, now: ComponentBaseline, comp: ComponentResult, required: Sequence[str]
) -> tuple[ComponentBaseline, list[str], list[str]]:
    """The tighter of ``base`` and ``now`` key by key; what improved and what got worse (required gates only)."""
    changes: list[str] = []
    worse: list[str] = []
    findings: dict[str, list[KnownFinding]] = {}
    for gate in sorted(set(base.findings) | set(now.findings)):
        old_counts = base.counts(gate)
        if gate not in now.findings:  # not measured in this run: keep what was recorded
            findings[gate] = list(base.findings[gate])
            continue
        new_counts = now.counts(gate)
        kept: list[KnownFinding] = []
        for key in sorted(set(old_counts) | set(new_counts)):
            was, count = old_counts.get(key, 0), new_counts.get(key, 0)
            if count > was and gate in required:
                path, code, message = key
                worse.append(f"{gate}: {path + ' ' if path else ''}{code} {message}: {was} -> {count}")
            if min(was, count):
                kept.append(KnownFinding(*key, min(was, count)))
        findings[gate] = kept
        before, after = sum(old_counts.values()), sum(k.count for k in kept)
        if after < before:
            changes.append(f"{gate}: {before} -> {after} known")
    coverage = base.coverage
    if now.coverage is not None and base.coverage is not None and now.coverage.source != base.coverage.source:
        # coverage_from changed: the figures cannot be compared; the one now judged is recorded.
        changes.append(
            f"coverage: recorded on {now.coverage.figure} now (coverage_from = {now.coverage.source}): "
            f"{now.coverage}, was {base.coverage.figure} {base.coverage}"
        )
        coverage = now.coverage
    elif now.coverage is not None:
        if base.coverage is not None and drops(now.coverage, base.coverage):
            if coverage_blocks(comp):
                worse.append(f"coverage: {base.coverage} -> {now.coverage}")
        else:
            if base.coverage is not None and now.coverage != base.coverage:
                changes.append(f"coverage: {base.coverage} -> {now.coverage}")
            coverage = now.coverage
    if now.declared != base.declared:
        changes.append(f"declared level: {base.declared} -> {now.declared}")
    return ComponentBaseline(now.declared, coverage, findings), changes, worse


def _summary(entry: ComponentBaseline) -> str:
    parts = [f"below {entry.declared}", f"{entry.known()} finding{'' if entry.known() == 1 else 's'}"]
    if entry.coverage is not None:
        parts.append(f"{_coverage_name(entry.coverage)} {entry.coverage}")
    return ", ".join(parts)


def describe(name: str, entry: ComponentBaseline) -> str:
    """``carbon: below staging, 12 findings known (lint 3, types 9), coverage 65.22% (32 uncovered)``."""
    per_gate = ", ".join(
        f"{gate} {sum(f.count for f in items)}" for gate, items in sorted(entry.findings.items()) if items
    )
    known = entry.known()
    text = f"{name}: below {entry.declared}, {known} finding{'' if known == 1 else 's'} known"
    if per_gate:
        text += f" ({per_gate})"
    if entry.coverage is not None:
        text += f", {_coverage_name(entry.coverage)} {entry.coverage}"
    return text


def _coverage_name(record: CoverageRecord) -> str:
    """``coverage``, or ``own-tests coverage`` for a component judged on its own tests."""
    return "coverage" if record.source == "all_tests" else record.figure


# ---------------------------------------------------------------- the command's work


def record(
    report: Report,
    required: Mapping[str, Sequence[str]],
    path: Path,
    old: Baseline | None,
    *,
    version: str,
    update: bool = False,
    allow_lower: bool = False,
    reason: str = "",
    today: str = "",
) -> Recorded:
    """Record ``report`` (a full report) into the baseline at ``path`` (``old``: its current content).

    ``required`` maps every declared component to the gates its declared level needs. Returns what
    to print and the new file text. A component below its level whose record would be unknown (a
    failed test, coverage not measured, a gate that could not run) is left as it was and named, with
    the ways forward; the others are recorded. Raises :class:`Refused` (nothing is written) when the
    whole report cannot be used or, without ``allow_lower``, something is worse.
    """
    shown = display_path(path)
    if old is not None:
        for name in sorted(old.components):
            if name not in required:
                raise BaselineError(
                    f"{shown}: names component '{name}', which the configuration no longer declares; "
                    "delete its entry from the file (or rename it to the component's new name) and run again"
                )
    if old is not None and not (update or allow_lower):
        raise Refused(
            f"{shown} exists; pass --update to record improvements "
            "(or --allow-lower --reason TEXT to record worse figures)"
        )
    if report.partial:
        why = f" ({report.partial_reason})" if report.partial_reason else ""
        raise Refused(f"not recording: the report is from a partial run{why}; run the full suite first")
    if not report.gates_run:
        raise Refused(
            "not recording: the report was made with --tta-maturity-no-gates, so its findings are "
            "unknown; run pytest --tta-maturity first"
        )
    for comp in report.components:
        if comp.name not in required:
            raise Refused(
                f"not recording: the report names component '{comp.name}', which the configuration "
                "no longer declares; run pytest --tta-maturity again"
            )
    problems = {comp.name: unrecordable(comp, required[comp.name]) for comp in report.below}
    problems = {name: lines for name, lines in problems.items() if lines}
    with_failed_tests = {c.name for c in report.below if c.tests.failed + c.tests.errors}
    blocked = _blocked_lines(problems, old, with_failed_tests)
    result = update_baseline(
        old,
        report,
        required,
        version=version,
        allow_lower=allow_lower,
        reason=reason,
        today=today,
        blocked=list(problems),
    )
    if result.worse and not allow_lower:
        count = len(result.worse)
        raise Refused(
            f"not updating {shown}: {count} thing{'' if count == 1 else 's'} worse than recorded; fix "
            f"{'it' if count == 1 else 'them'}, or pass --allow-lower --reason TEXT to record "
            f"{'it' if count == 1 else 'them'}",
            [f"  - {w}" for w in result.worse],
        )
    lines, text = _outcome(result, old, shown, version)
    if problems and text is None and old is None:
        lines = [f"not recording {shown}: nothing below its level can be recorded"]
    return Recorded(lines + blocked, text, bool(problems))


def _blocked_lines(
    problems: Mapping[str, Sequence[str]], old: Baseline | None, with_failed_tests: Collection[str]
) -> list[str]:
    """The components that block, why, and the ways forward (``with_failed_tests``: those with a failed test)."""
    if not problems:
        return []
    names = sorted(problems)
    lines = [f"not recorded (what it would record is not known): {', '.join(names)}"]
    lines.extend(f"  - {line}" for name in names for line in problems[name])
    kept = [name for name in names if old is not None and name in old.components]
    if kept:
        lines.append(f"  their earlier entry is kept: {', '.join(kept)}")
    if any(name in with_failed_tests for name in names):
        lines.append(
            "  a failed test is never baselined: fix it, deselect it (--deselect in addopts), or mark it "
            "@pytest.mark.xfail(reason=...)"
        )
    lines.append(
        "  then run pytest --tta-maturity and tta-maturity baseline --update "
        "(a component new to the file needs --allow-lower --reason TEXT)"
    )
    return lines


def _outcome(result: Update, old: Baseline | None, shown: str, version: str) -> tuple[list[str], str | None]:
    new = result.baseline
    if old is None:
        if not new.components:
            return ["every component meets its declared level: nothing to record"], None
        count = len(new.components)
        lines = [
            f"wrote {shown}: {count} component{'' if count == 1 else 's'} below {'its' if count == 1 else 'their'} level"
        ]
        lines.extend(f"  {describe(name, entry)}" for name, entry in sorted(new.components.items()))
        lines.append(
            "commit it: pytest --tta-maturity then fails on these components only for new findings, "
            "coverage drops and failed tests"
        )
        return lines, new.dumps()
    text = new.dumps()
    if not result.changes and not result.worse:
        if text == old.dumps():
            return [f"{shown} is up to date"], None
        return (
            [f"updated {shown}: nothing got tighter; it now names {TOOL_NAME} {version} and the tools of this run"],
            text,
        )
    if result.worse:
        lines = [f"updated {shown}, lower than before (kept in the file with the date and your reason):"]
        lines.extend(f"  - {w}" for w in result.worse)
        if result.changes:
            lines.append("and tighter:")
    else:
        lines = [f"updated {shown}:"]
    lines.extend(f"  - {c}" for c in result.changes)
    return lines, text
