"""Track facts the story has established and flag narration that contradicts them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "the <name> is <state>" / "<Name> is <state>"
_FACT = re.compile(r"\b(?:the\s+)?([A-Za-z][\w-]*)\s+(?:is|was)\s+(?:now\s+)?(\w+)", re.IGNORECASE)

#: States that cannot both hold for the same subject.
EXCLUSIVE: list[frozenset[str]] = [
    frozenset({"alive", "dead"}),
    frozenset({"open", "closed", "locked"}),
    frozenset({"lit", "dark"}),
]


@dataclass(frozen=True)
class Contradiction:
    """A sentence that contradicts an established fact."""

    subject: str
    established: str
    claimed: str
    turn: int


@dataclass
class ContinuityTracker:
    """Facts by subject, and the turn each subject was last mentioned."""

    facts: dict[str, str] = field(default_factory=dict)
    mentions: dict[str, int] = field(default_factory=dict)
    allow_changes: set[str] = field(default_factory=set)

    def establish(self, subject: str, state: str, turn: int = 0) -> None:
        """Record that ``subject`` is in ``state`` as of ``turn``."""
        self.facts[subject.lower()] = state.lower()
        self.mentions[subject.lower()] = turn

    def check(self, text: str, turn: int) -> list[Contradiction]:
        """Contradictions in ``text``; consistent new facts are recorded."""
        found: list[Contradiction] = []
        for subject, state in _FACT.findall(text):
            subject, state = subject.lower(), state.lower()
            known = self.facts.get(subject)
            if known is not None and known != state and _exclusive(known, state):
                if subject in self.allow_changes:
                    self.facts[subject] = state
                else:
                    found.append(Contradiction(subject, known, state, turn))
                    continue
            elif known is None and _tracked_state(state):
                self.facts[subject] = state
            self.mentions[subject] = turn
        return found

    def last_mention(self, subject: str) -> int:
        """The turn ``subject`` was last mentioned in."""
        return self.mentions.get(subject.lower())

    def forgotten(self, turn: int, horizon: int = 20) -> list[str]:
        """Subjects not mentioned for more than ``horizon`` turns: candidates for a reminder."""
        stale = []
        for subject, seen in sorted(self.mentions.items()):
            if turn - seen > horizon and subject in self.facts:
                stale.append(subject)
        return stale

    def summary(self) -> str:
        """The established facts, one per line, for the narrator's prompt."""
        if not self.facts:
            return "Nothing has been established yet."
        lines = []
        for subject, state in sorted(self.facts.items()):
            lines.append(f"- the {subject} is {state}")
        return "\n".join(lines)


def _tracked_state(state: str) -> bool:
    return any(state in group for group in EXCLUSIVE)


def _exclusive(a: str, b: str) -> bool:
    return any(a in group and b in group for group in EXCLUSIVE)
