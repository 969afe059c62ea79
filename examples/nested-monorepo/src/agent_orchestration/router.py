"""Route a command to a plan or a tool."""

from . import tools
from .memory import remember


def route(command):
    remember(command)
    if command in tools.TOOLS:
        return tools.call(command)
    return "unknown command"
