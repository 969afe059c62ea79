"""Keep generated narration consistent with what the story has already established."""

from tta.narrative_coherence.continuity import ContinuityTracker, Contradiction
from tta.narrative_coherence.tone import ToneProfile, tone_drift

__all__ = ["ContinuityTracker", "Contradiction", "ToneProfile", "tone_drift"]
