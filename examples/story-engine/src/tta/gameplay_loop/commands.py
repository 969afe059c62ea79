"""Turn what the player types into a :class:`Command`."""

from __future__ import annotations

from dataclasses import dataclass

#: Words the parser understands, with their aliases.
VERBS: dict[str, tuple[str, ...]] = {
    "go": ("go", "walk", "move"),
    "take": ("take", "get", "grab", "pick"),
    "drop": ("drop", "leave"),
    "look": ("look", "l", "examine", "x"),
    "inventory": ("inventory", "inv", "i"),
    "quit": ("quit", "q", "exit"),
}
DIRECTIONS: dict[str, str] = {
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "u": "up",
    "d": "down",
}
FILLER = frozenset({"the", "a", "an", "up", "to", "at"})

_ALIASES = {alias: verb for verb, aliases in VERBS.items() for alias in aliases}


class ParseError(ValueError):
    """The input is not a command the engine understands."""


@dataclass(frozen=True)
class Command:
    """A verb and, for most verbs, the thing it applies to."""

    verb: str
    target: str = ""


def parse(text: str) -> Command:
    """Parse one line of player input.

    A bare direction (``north``, ``n``) means ``go`` in that direction.

    Raises:
        ParseError: for empty input or an unknown verb.
    """
    words = text.lower().split()
    if not words:
        raise ParseError("say something")
    head, rest = words[0], words[1:]
    if head in DIRECTIONS or head in DIRECTIONS.values():
        return Command("go", DIRECTIONS.get(head, head))
    verb = _ALIASES.get(head)
    if verb is None:
        raise ParseError(f"I don't know how to {head!r}")
    if verb == "take" and rest[:1] == ["up"]:
        rest = rest[1:]
    target = " ".join(w for w in rest if w not in FILLER)
    if verb == "go":
        target = DIRECTIONS.get(target, target)
    if verb in ("go", "take", "drop") and not target:
        raise ParseError(f"{verb} what?")
    return Command(verb, target)
