"""What stands between a component and a level, as data: blockers and undetermined requirements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .._util import number_text
from .results import COVERAGE_SOURCES, CoverageSource, coverage_label

#: What a blocker says about its requirement: coverage below its threshold, a gate with
#: findings, a gate that failed without findings (tests, custom commands), a tool that
#: could not measure, or a requirement that was not measured at all.
BlockerKind = Literal["coverage", "findings", "failed", "error", "not_run", "new_code"]
BLOCKER_KINDS: tuple[BlockerKind, ...] = ("coverage", "findings", "failed", "error", "not_run", "new_code")
#: The requirements a level may hold on a change's new lines.
NEW_CODE_COVERAGE = "new_code_coverage"
NEW_CODE_FINDINGS = "new_code_findings"

_NOUNS = {"types": ("error", "errors"), "format": ("file to reformat", "files to reformat")}


@dataclass(frozen=True)
class Blocker:
    """One requirement of a level that the component does not hold, as data.

    ``requirement`` is ``coverage`` or a gate name. Coverage blockers carry the
    threshold (``needed``), the figure as coverage.py displays it (``measured`` at
    ``precision``), the points still missing (``gap``) and about how many lines
    and branches must be covered (``lines``). Gate blockers carry the number of
    ``findings``; ``message`` says what went wrong when nothing was counted.
    ``source`` names the coverage figure a coverage requirement was judged on
    (``own_tests`` with ``coverage_from = "own_tests"``).
    """

    requirement: str
    kind: BlockerKind
    level: str
    needed: float | None = None
    measured: float | None = None
    precision: int = 0
    gap: float | None = None
    lines: int | None = None
    findings: int = 0
    message: str = ""
    source: CoverageSource = "all_tests"
    #: whether ``lines`` counts branches too (branch coverage on): what coverage.py's percentage is over
    branches: bool = False

    @property
    def figure(self) -> str:
        """``coverage``, or ``own-tests coverage`` when judged on another figure than all tests'."""
        return coverage_label(self.source)

    @property
    def text(self) -> str:
        """The blocker in words: ``coverage 65.2% < 70% (+4.8 pts, ~12 statements)``, ``types: 3 errors``.

        Coverage judged on another figure says which: ``own-tests coverage 19.4% < 60% (...)``.
        """
        name = self.requirement
        if self.kind == "new_code":
            digits = self.precision
            text = f"new code {self.measured or 0.0:.{digits}f}% < {number_text(self.needed or 0.0)}%"
            return f"{text} (uncovered: {self.message})" if self.message else text
        if name == NEW_CODE_FINDINGS and self.kind == "findings":
            noun = "finding" if self.findings == 1 else "findings"
            text = f"new code: {self.findings} {noun} > {number_text(self.needed or 0.0)}"
            return f"{text} ({self.message})" if self.message else text
        if name == NEW_CODE_COVERAGE and self.kind == "not_run":
            return f"new code: coverage not measured ({self.message})" if self.message else "new code: not measured"
        if self.kind == "coverage":
            digits = self.precision
            return (
                f"{self.figure} {self.measured or 0.0:.{digits}f}% < {number_text(self.needed or 0.0)}% "
                f"(+{self.gap or 0.0:.{digits}f} pts, ~{self.lines} {self.units})"
            )
        if self.kind == "error":
            return f"{name}: error ({self.message})" if self.message else f"{name}: error"
        if self.kind == "not_run":
            if name == "coverage":
                not_measured = f"coverage: {'' if self.source == 'all_tests' else self.figure + ' '}not measured"
                return f"{not_measured} ({self.message})" if self.message else not_measured
            return f"{name}: {self.message or 'not run'}"
        if self.kind == "findings":
            if name == "tests":
                return f"tests: {self.findings} failed or errored"
            singular, plural = _NOUNS.get(name, ("finding", "findings"))
            return f"{name}: {self.findings} {singular if self.findings == 1 else plural}"
        return f"{name}: {self.message or 'failed'}"

    @property
    def units(self) -> str:
        """What ``lines`` counts: ``statements``, or ``statements or branches`` with branch coverage on."""
        if self.branches:
            return "statement or branch" if self.lines == 1 else "statements or branches"
        return "statement" if self.lines == 1 else "statements"

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data (``text`` included for readers of the JSON)."""
        data: dict[str, Any] = {"requirement": self.requirement, "kind": self.kind, "level": self.level}
        if self.kind == "coverage":
            data.update(
                needed=self.needed,
                measured=self.measured,
                precision=self.precision,
                gap=self.gap,
                lines=self.lines,
                branches=self.branches,
            )
        elif self.kind == "new_code":
            data.update(needed=self.needed, measured=self.measured, precision=self.precision)
        else:
            data["findings"] = self.findings
            if self.requirement == NEW_CODE_FINDINGS:
                data["needed"] = self.needed
        if self.message:
            data["message"] = self.message
        if self.source != "all_tests":
            data["source"] = self.source
        data["text"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Blocker:
        """Rebuild from what ``to_dict`` returned."""
        kind = str(data["kind"])
        if kind not in BLOCKER_KINDS:
            raise ValueError(f"unknown blocker kind {kind!r}")

        def num(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        lines = data.get("lines")
        source = str(data.get("source", "all_tests"))
        if source not in COVERAGE_SOURCES:
            raise ValueError(f"unknown coverage source {source!r}")
        return cls(
            requirement=str(data["requirement"]),
            kind=kind,
            level=str(data.get("level", "")),
            needed=num("needed"),
            measured=num("measured"),
            precision=int(data.get("precision", 0)),
            gap=num("gap"),
            lines=None if lines is None else int(lines),
            findings=int(data.get("findings", 0)),
            message=str(data.get("message", "")),
            source=source,
            branches=bool(data.get("branches", False)),
        )


@dataclass(frozen=True)
class Undetermined:
    """A requirement above the achieved level that this run did not measure, and why."""

    requirement: str
    level: str
    reason: str

    @property
    def text(self) -> str:
        """``coverage: partial run (-k)``, ``types: not run (--tta-maturity-no-gates)``."""
        return f"{self.requirement}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        """Return this as JSON-safe data."""
        return {"requirement": self.requirement, "level": self.level, "reason": self.reason, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Undetermined:
        """Rebuild from what ``to_dict`` returned."""
        return cls(str(data["requirement"]), str(data.get("level", "")), str(data["reason"]))
