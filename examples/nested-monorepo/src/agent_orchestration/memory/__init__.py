"""What the agent remembers."""

from src.agent_orchestration.tools import TOOLS

HISTORY = []


def remember(command):
    HISTORY.append(command)
    return len(HISTORY)


def known(command):
    return command in TOOLS
