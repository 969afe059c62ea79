"""Agent orchestration: many modules that call each other (one component)."""

from .router import route


def run_turn(command):
    return route(command)
