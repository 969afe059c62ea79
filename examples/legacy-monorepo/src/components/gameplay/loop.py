"""One game: rooms, moves and the end."""


class Game:
    """A player moving through rooms until they reach the exit."""

    def __init__(self, rooms, start, exit_room):
        self.rooms = rooms
        self.here = start
        self.exit_room = exit_room
        self.moves = 0

    def move(self, direction):
        """Go ``direction`` from here, when there is a door."""
        doors = self.rooms.get(self.here, {})
        if direction not in doors:
            return False
        self.here = doors[direction]
        self.moves += 1
        return True

    @property
    def over(self):
        """Whether the player reached the exit."""
        return self.here == self.exit_room
