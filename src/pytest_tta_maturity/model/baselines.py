"""How a component below its level compares with its recorded baseline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .._util import number_text
from .results import COVERAGE_SOURCES, CoverageSource, coverage_label


@dataclass(frozen=True)
class NewFinding:
    """Findings of one key (path, code and message) beyond what the baseline knows.

    ``lines`` holds every finding of the key in this run; ``known`` how many of
    them the baseline allows. A failing gate without per-file findings (a custom
    command) is one finding with an empty path.
    """

    gate: str
    path: str
    code: str
    message: str
    lines: tuple[int, ...]
    known: int = 0

    @property
    def new(self) -> int:
        """How many more than the baseline knows."""
        return len(self.lines) - self.known

    @property
    def text(self) -> str:
        """``lint: src/x.py:12 F401 `os` imported but unused``, with the count when some were known."""
        place = f"{self.path}:{','.join(str(n) for n in self.lines)} " if self.path else ""
        text = f"{self.gate}: {place}{self.code} {self.message}"
        if self.known:
            text += f" ({self.new} more than the {self.known} known)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "gate": self.gate,
            "path": self.path,
            "lines": list(self.lines),
            "code": self.code,
            "message": self.message,
            "known": self.known,
            "new": self.new,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewFinding:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            str(data["gate"]),
            str(data["path"]),
            str(data["code"]),
            str(data["message"]),
            tuple(int(n) for n in data.get("lines", [])),
            int(data.get("known", 0)),
        )


@dataclass(frozen=True)
class CoverageDrop:
    """Coverage lower than the baseline's: more uncovered statements and branches, and a lower percentage.

    ``source`` is the figure compared (the one the component is judged on).
    """

    percent: float
    uncovered: int
    baseline_percent: float
    baseline_uncovered: int
    source: CoverageSource = "all_tests"

    @property
    def text(self) -> str:
        """``coverage dropped: 60% (40 uncovered) -> 50% (60 uncovered)`` (``own-tests coverage dropped: ...``)."""
        figure = coverage_label(self.source)
        return (
            f"{figure} dropped: {number_text(self.baseline_percent)}% ({self.baseline_uncovered} uncovered) "
            f"-> {number_text(self.percent)}% ({self.uncovered} uncovered)"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "percent": self.percent,
            "uncovered": self.uncovered,
            "baseline_percent": self.baseline_percent,
            "baseline_uncovered": self.baseline_uncovered,
            **({"source": self.source} if self.source != "all_tests" else {}),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoverageDrop:
        """Rebuild from what ``to_dict`` returned."""
        source = str(data.get("source", "all_tests"))
        if source not in COVERAGE_SOURCES:
            raise ValueError(f"unknown coverage source {source!r}")
        return cls(
            float(data["percent"]),
            int(data["uncovered"]),
            float(data["baseline_percent"]),
            int(data["baseline_uncovered"]),
            source,
        )


@dataclass
class BaselineResult:
    """How a component below its declared level compares with its recorded baseline.

    ``held`` when nothing is new: no finding beyond the known ones in the gates its
    declared level needs, no coverage drop, no failed test, and everything could be
    compared (``unverified`` says what could not, such as a gate in error).
    """

    known: dict[str, int] = field(default_factory=lambda: dict[str, int]())
    new: list[NewFinding] = field(default_factory=lambda: list[NewFinding]())
    coverage_drop: CoverageDrop | None = None
    failed_tests: int = 0
    unverified: list[str] = field(default_factory=lambda: list[str]())
    #: recorded findings still present in gates the declared level does not need: kept, never compared
    not_needed: dict[str, int] = field(default_factory=lambda: dict[str, int]())
    #: whether coverage was compared (below the threshold in a full run) and did not drop
    coverage_held: bool = False

    @property
    def held(self) -> bool:
        """Whether the component holds its baseline."""
        return not (self.new or self.coverage_drop or self.failed_tests or self.unverified)

    @property
    def known_count(self) -> int:
        """Known findings present in this run, every gate together."""
        return sum(self.known.values())

    @property
    def known_text(self) -> str:
        """``known 10: lint 2; not needed: docs 6, security 2``: counted as ``tta-maturity baseline`` counts them.

        Every gate's known findings make the total; those of gates the declared level does not
        need are named apart, since only the others are compared.
        """
        needed = [f"{gate} {count}" for gate, count in sorted(self.known.items()) if count]
        others = [f"{gate} {count}" for gate, count in sorted(self.not_needed.items()) if count]
        total = self.known_count + sum(self.not_needed.values())
        if not total:
            return "no finding known"
        detail = ", ".join(needed)
        if others:
            detail += f"{'; ' if detail else ''}not needed: {', '.join(others)}"
        return f"known {total}: {detail}"

    @property
    def new_counts(self) -> dict[str, int]:
        """New findings per gate."""
        counts: dict[str, int] = {}
        for item in self.new:
            counts[item.gate] = counts.get(item.gate, 0) + item.new
        return counts

    @property
    def problems(self) -> list[str]:
        """What breaks the baseline, one line each: new findings first, then coverage, tests, the rest."""
        lines = [item.text for item in self.new]
        if self.coverage_drop is not None:
            lines.append(self.coverage_drop.text)
        if self.failed_tests:
            plural = "test" if self.failed_tests == 1 else "tests"
            lines.append(f"tests: {self.failed_tests} failed or errored {plural} (never baselined)")
        lines.extend(self.unverified)
        return lines

    @property
    def text(self) -> str:
        """``baseline held (coverage not lower; known 12: lint 12)`` or ``baseline broken (lint 1, coverage drop; ...)``."""
        if self.held:
            held = "coverage not lower; " if self.coverage_held else ""
            return f"baseline held ({held}{self.known_text})"
        parts = [f"{gate} {count}" for gate, count in sorted(self.new_counts.items())]
        if self.coverage_drop is not None:
            parts.append("coverage drop")
        if self.failed_tests:
            parts.append(f"{self.failed_tests} failed test{'' if self.failed_tests == 1 else 's'}")
        parts.extend(["not comparable"] if self.unverified else [])
        return f"baseline broken ({', '.join(parts)}; {self.known_text})"

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data: ``held``, ``known`` per gate, ``new`` findings and drops."""
        return {
            "held": self.held,
            "known": dict(sorted(self.known.items())),
            "not_needed": dict(sorted(self.not_needed.items())),
            "coverage_held": self.coverage_held,
            "new": {
                "counts": dict(sorted(self.new_counts.items())),
                "findings": [item.to_dict() for item in self.new],
                "coverage": self.coverage_drop.to_dict() if self.coverage_drop is not None else None,
                "failed_tests": self.failed_tests,
                "unverified": list(self.unverified),
            },
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaselineResult:
        """Rebuild from what ``to_dict`` returned."""
        new: dict[str, Any] = data.get("new") or {}
        known: dict[str, Any] = data.get("known") or {}
        drop: dict[str, Any] | None = new.get("coverage")
        findings: list[dict[str, Any]] = new.get("findings", [])
        unverified: list[Any] = new.get("unverified", [])
        return cls(
            known={str(k): int(v) for k, v in known.items()},
            new=[NewFinding.from_dict(f) for f in findings],
            coverage_drop=CoverageDrop.from_dict(drop) if drop else None,
            failed_tests=int(new.get("failed_tests", 0)),
            unverified=[str(u) for u in unverified],
            not_needed={str(k): int(v) for k, v in cast("dict[str, Any]", data.get("not_needed") or {}).items()},
            coverage_held=bool(data.get("coverage_held", False)),
        )
