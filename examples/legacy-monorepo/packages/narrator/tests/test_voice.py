import pytest

from narrator import narrate


def test_plain_and_epic():
    assert narrate("the door opens") == "the door opens."
    assert narrate("the door opens", "epic") == "Behold: the door opens!"


def test_unknown_voice():
    with pytest.raises(KeyError):
        narrate("x", "whisper")
