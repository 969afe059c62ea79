from tta.narrative_coherence.tone import ToneProfile, tone_drift


def test_drift_between_opposite_tones():
    assert tone_drift(ToneProfile(grim=1.0), ToneProfile(whimsical=1.0)) == 1.0
    assert ToneProfile(tense=0.5).dominant() == "tense"
