"""The world the story takes place in, and the player's state in it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Room:
    """A place: its description, its exits (direction -> room id) and the items lying there."""

    name: str
    description: str
    exits: dict[str, str] = field(default_factory=dict)
    items: set[str] = field(default_factory=set)


@dataclass
class World:
    """Every room, by id."""

    rooms: dict[str, Room]
    start: str

    def __post_init__(self) -> None:
        """Check that the start room and every exit lead somewhere."""
        if self.start not in self.rooms:
            raise ValueError(f"start room {self.start!r} does not exist")
        for room_id, room in self.rooms.items():
            for direction, target in room.exits.items():
                if target not in self.rooms:
                    raise ValueError(
                        f"{room_id}: exit {direction} leads to unknown room {target!r}"
                    )


@dataclass
class GameState:
    """Where the player is, what they carry, and how many turns have passed."""

    location: str
    inventory: set[str] = field(default_factory=set)
    turn: int = 0
    visited: set[str] = field(default_factory=set)
    finished: bool = False

    def first_visit(self) -> bool:
        """Whether the current room is seen for the first time (and mark it seen)."""
        if self.location in self.visited:
            return False
        self.visited.add(self.location)
        return True
