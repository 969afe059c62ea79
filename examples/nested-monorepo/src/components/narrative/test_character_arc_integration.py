"""A test that lives beside the code (a test, not code)."""

from .arc_component import next_beat


def test_an_arc_ends_in_resolution():
    assert next_beat(["setup", "conflict"]) == "resolution"
