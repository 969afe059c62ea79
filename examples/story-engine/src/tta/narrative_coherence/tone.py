"""A crude tone profile: how much of a passage leans grim, whimsical or tense."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

LEXICON: dict[str, frozenset[str]] = {
    "grim": frozenset({"blood", "dead", "dark", "cold", "grave", "ash", "rot", "bones"}),
    "whimsical": frozenset({"giggle", "sparkle", "bubbly", "silly", "candy", "dance", "twinkle"}),
    "tense": frozenset({"suddenly", "scream", "run", "footsteps", "hurry", "trap", "alarm"}),
}
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class ToneProfile:
    """The share of tone-bearing words of each tone, from 0 to 1."""

    grim: float = 0.0
    whimsical: float = 0.0
    tense: float = 0.0

    @classmethod
    def of(cls, text: str) -> ToneProfile:
        """Profile ``text``."""
        counts: Counter[str] = Counter()
        for word in _WORD.findall(text.lower()):
            for tone, words in LEXICON.items():
                if word in words:
                    counts[tone] += 1
        total = sum(counts.values())
        if not total:
            return cls()
        return cls(**{tone: counts[tone] / total for tone in LEXICON})

    def dominant(self) -> str | None:
        """The strongest tone, or ``None`` for a neutral passage."""
        scores = {"grim": self.grim, "whimsical": self.whimsical, "tense": self.tense}
        best = max(scores, key=lambda tone: scores[tone])
        return best if scores[best] > 0 else None


def tone_drift(previous: ToneProfile, current: ToneProfile) -> float:
    """How far the tone moved between two passages (0 = same, 1 = opposite)."""
    pairs = [
        (previous.grim, current.grim),
        (previous.whimsical, current.whimsical),
        (previous.tense, current.tense),
    ]
    return sum(abs(a - b) for a, b in pairs) / 2


def is_jarring(previous: str, current: str, limit: float = 0.6) -> bool:
    """Whether ``current`` shifts tone too abruptly after ``previous``."""
    before, after = ToneProfile.of(previous), ToneProfile.of(current)
    if before.dominant() is None or after.dominant() is None:
        return False
    return tone_drift(before, after) > limit
