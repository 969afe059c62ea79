from tta.narrative_coherence import ContinuityTracker


def test_contradiction_is_flagged():
    tracker = ContinuityTracker()
    tracker.establish("Dragon", "dead", turn=3)
    found = tracker.check("The dragon is alive and hungry.", turn=7)
    assert [(c.subject, c.established, c.claimed) for c in found] == [("dragon", "dead", "alive")]
