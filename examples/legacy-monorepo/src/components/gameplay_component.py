"""The gameplay component's entry point, as the game loads it."""

from components.gameplay import Game

MAP = {"hall": {"north": "library"}, "library": {"south": "hall", "east": "exit"}}


def new_game():
    """A game in the standard map."""
    return Game(MAP, "hall", "exit")
