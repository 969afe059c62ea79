"""The turn loop: parse what the player types, update the world, narrate the result."""

from tta.gameplay_loop.commands import Command, ParseError, parse
from tta.gameplay_loop.engine import Narrator, StoryEngine, TurnResult
from tta.gameplay_loop.state import GameState, Room, World

__all__ = [
    "Command",
    "GameState",
    "Narrator",
    "ParseError",
    "Room",
    "StoryEngine",
    "TurnResult",
    "World",
    "parse",
]
