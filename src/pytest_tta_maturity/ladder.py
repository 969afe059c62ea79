"""The maturity ladder: levels, their coverage thresholds and the gates they need.

The gates themselves (names, tools) are listed in :mod:`.gates.registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LEVEL_NAMES: tuple[str, ...] = ("experimental", "development", "staging", "production")

#: The built-in ladder: (coverage threshold, gates this level adds to the ones below).
DEFAULT_LADDER: dict[str, tuple[float, tuple[str, ...]]] = {
    "experimental": (0.0, ()),
    "development": (60.0, ("tests", "lint")),
    "staging": (70.0, ("format", "types", "security")),
    "production": (80.0, ("docs",)),
}


@dataclass(frozen=True)
class Level:
    """One rung: its threshold and every gate it needs, its own and the lower levels'."""

    name: str
    coverage: float
    adds: tuple[str, ...]
    gates: tuple[str, ...]
    #: the coverage the statements a change adds need (``None``: no requirement), and how many
    #: findings on new lines are allowed (``None``: no requirement); both hold on the levels above too
    new_code_coverage: float | None = None
    new_code_findings: int | None = None


@dataclass(frozen=True)
class Ladder:
    """The ordered levels, lowest first."""

    levels: tuple[Level, ...]

    @classmethod
    def build(
        cls,
        coverage: Mapping[str, float] | None = None,
        adds: Mapping[str, Iterable[str]] | None = None,
        new_code_coverage: Mapping[str, float] | None = None,
        new_code_findings: Mapping[str, int] | None = None,
    ) -> Ladder:
        """The built-in ladder with per-level overrides of the threshold, added gates and new-code needs.

        A level's new-code requirement holds on the levels above it unless they set their own.
        """
        coverage = coverage or {}
        adds = adds or {}
        new_cov = new_code_coverage or {}
        new_found = new_code_findings or {}
        levels: list[Level] = []
        needed: list[str] = []
        held_cov: float | None = None
        held_found: int | None = None
        for name in LEVEL_NAMES:
            default_cov, default_adds = DEFAULT_LADDER[name]
            own = tuple(adds.get(name, default_adds))
            for gate in own:
                if gate not in needed:
                    needed.append(gate)
            if name in new_cov:
                held_cov = float(new_cov[name])
            if name in new_found:
                held_found = int(new_found[name])
            levels.append(Level(name, float(coverage.get(name, default_cov)), own, tuple(needed), held_cov, held_found))
        return cls(tuple(levels))

    @property
    def names(self) -> tuple[str, ...]:
        """The level names, lowest first."""
        return tuple(level.name for level in self.levels)

    def rank(self, name: str) -> int:
        """The position of level ``name`` on the ladder (0 is the lowest)."""
        return self.names.index(name)

    def level(self, name: str) -> Level:
        """The level called ``name``."""
        return self.levels[self.rank(name)]

    def gates_needed(self, declared: Iterable[str]) -> set[str]:
        """Every gate that some declared level needs."""
        needed: set[str] = set()
        for name in declared:
            needed.update(self.level(name).gates)
        return needed
