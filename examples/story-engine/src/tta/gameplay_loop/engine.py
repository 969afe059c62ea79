"""The engine: one call to :meth:`StoryEngine.turn` per line the player types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tta.carbon import CarbonLedger, ModelCall
from tta.gameplay_loop.commands import Command, ParseError, parse
from tta.gameplay_loop.state import GameState, World


class Narrator(Protocol):
    """Writes the prose for an event; usually backed by a language model."""

    def narrate(self, event: str, state: GameState) -> tuple[str, ModelCall | None]:
        """Return the text and the model call it took (``None`` for canned text)."""
        ...


class PlainNarrator:
    """A narrator that needs no model: it returns the event text as it is."""

    def narrate(self, event: str, state: GameState) -> tuple[str, ModelCall | None]:
        """Return ``event`` unchanged."""
        del state
        return event, None


@dataclass(frozen=True)
class TurnResult:
    """What one turn produced."""

    text: str
    command: Command | None
    ok: bool


class StoryEngine:
    """Runs a story in ``world``, narrated by ``narrator``, its model calls kept in ``ledger``."""

    def __init__(
        self,
        world: World,
        narrator: Narrator | None = None,
        ledger: CarbonLedger | None = None,
    ) -> None:
        """Place the player in the world's start room."""
        self.world = world
        self.narrator = narrator or PlainNarrator()
        self.ledger = ledger or CarbonLedger()
        self.state = GameState(location=world.start)

    def turn(self, text: str) -> TurnResult:
        """Play one turn: parse ``text``, apply it, narrate what happened."""
        if self.state.finished:
            return TurnResult("The story is over.", None, ok=False)
        try:
            command = parse(text)
        except ParseError as exc:
            return TurnResult(str(exc), None, ok=False)
        self.state.turn += 1
        event, ok = self._apply(command)
        prose, call = self.narrator.narrate(event, self.state)
        if call is not None:
            self.ledger.record(call)
        return TurnResult(prose, command, ok)

    def _apply(self, command: Command) -> tuple[str, bool]:
        room = self.world.rooms[self.state.location]
        if command.verb == "go":
            target = room.exits.get(command.target)
            if target is None:
                return f"You cannot go {command.target} from here.", False
            self.state.location = target
            return self.describe(), True
        if command.verb == "take":
            if command.target not in room.items:
                return f"There is no {command.target} here.", False
            room.items.remove(command.target)
            self.state.inventory.add(command.target)
            return f"You take the {command.target}.", True
        if command.verb == "drop":
            if command.target not in self.state.inventory:
                return f"You do not have the {command.target}.", False
            self.state.inventory.remove(command.target)
            room.items.add(command.target)
            return f"You drop the {command.target}.", True
        if command.verb == "inventory":
            carried = ", ".join(sorted(self.state.inventory)) or "nothing"
            return f"You carry {carried}.", True
        if command.verb == "quit":
            self.state.finished = True
            return (
                f"You leave the story after {self.state.turn} turns. {self.ledger.summary()}",
                True,
            )
        return self.describe(), True

    def describe(self) -> str:
        """The current room: its name, its description on a first visit, its items and exits."""
        room = self.world.rooms[self.state.location]
        parts = [room.name]
        if self.state.first_visit():
            parts.append(room.description)
        if room.items:
            parts.append("You see " + ", ".join(sorted(room.items)) + ".")
        if room.exits:
            parts.append("Exits: " + ", ".join(sorted(room.exits)) + ".")
        return " ".join(parts)
