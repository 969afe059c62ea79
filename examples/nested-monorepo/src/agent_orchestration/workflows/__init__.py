"""Named workflows."""

from ..memory import HISTORY
from ..planner import run_plan


def explore():
    return run_plan(["look", "wait"]) + [str(len(HISTORY))]
