"""Plans of several steps."""

from ..router import route


def run_plan(commands):
    return [route(c) for c in commands]
