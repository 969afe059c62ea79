import pytest

from tta.gameplay_loop import Command, ParseError, parse


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("go north", Command("go", "north")),
        ("walk to the s", Command("go", "south")),
        ("N", Command("go", "north")),
        ("west", Command("go", "west")),
        ("take the lamp", Command("take", "lamp")),
        ("pick up brass key", Command("take", "brass key")),
        ("drop lamp", Command("drop", "lamp")),
        ("look", Command("look")),
        ("x", Command("look")),
        ("i", Command("inventory")),
        ("quit", Command("quit")),
    ],
)
def test_parse(text, command):
    assert parse(text) == command


@pytest.mark.parametrize(
    ("text", "message"), [("", "say something"), ("dance", "don't know"), ("take", "take what")]
)
def test_parse_errors(text, message):
    with pytest.raises(ParseError, match=message):
        parse(text)
