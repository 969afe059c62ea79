from tta_ai import pipeline


def test_pipeline_adapts_every_text():
    assert pipeline([" A ", "b"]) == ["a", "b"]
