"""Whether a run was partial: decided from what pytest parsed and did, never from argv text.

A full run is what the project's own configuration runs by default: its
``testpaths``, its ``addopts`` (markers and deselections included). A run is
partial when the command line (or ``PYTEST_ADDOPTS``) selected or deselected
tests, when ``-x``/``--maxfail``/``--sw`` stopped it before every collected test
ran, when it was interrupted, or when collection failed. Display options
(``-v``, ``-q``, ``-r``, ``--tb``, ``-s``, ``-n``) never make a run partial: they
select nothing.

The plugin gathers plain values from pytest (``config.option``, the project's
``addopts`` parsed by pytest's own parser, ``pytest_deselected``, the session's
stop reason) into :class:`RunFacts`; :func:`partial_run` decides. This module
does not import pytest.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class PartialKind(str, Enum):
    """What made a run partial; its value is what reports keep in ``partial_kind``."""

    SELECTION = "selection"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    COLLECTION = "collection"
    INCOMPLETE = "incomplete"


#: Partial kinds that only mean "this run was a slice of the suite", as a CI shard is.
SLICE_KINDS = frozenset({PartialKind.SELECTION, PartialKind.INCOMPLETE})


@dataclass(frozen=True)
class Partial:
    """A partial run: its kind, and why in words (``tests selected on the command line (-k)``)."""

    kind: PartialKind
    reason: str


@dataclass(frozen=True)
class Selection:
    """The test-selecting options as pytest parsed them (from one set of arguments)."""

    keyword: str = ""
    markexpr: str = ""
    deselect: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_glob: tuple[str, ...] = ()
    #: positional arguments (paths and node ids), as written
    paths: tuple[str, ...] = ()
    last_failed: bool = False
    stepwise: bool = False


@dataclass(frozen=True)
class RunFacts:
    """Everything :func:`partial_run` needs, as plain values."""

    #: the selection of the whole run (project ``addopts``, ``PYTEST_ADDOPTS`` and command line)
    options: Selection = Selection()
    #: what the project's own ``addopts`` alone select
    project: Selection = Selection()
    #: the folder pytest was started in: positional paths are relative to it
    invocation_dir: str = ""
    #: what pytest collects when no path is given (``testpaths``, or the folder it was started in)
    default_paths: tuple[str, ...] = ()
    #: whether some test of this run failed last time: ``--lf`` then runs only those (with none of
    #: them collected, pytest runs the whole selection: ``N known failures not in selected tests``)
    failed_last_time: bool = False
    #: tests removed by ``pytest_deselected`` (by any plugin, the project's own options included)
    deselected: int = 0
    #: tests left to run after collection and deselection
    collected: int = 0
    #: tests that reported an outcome
    ran: int = 0
    collect_errors: int = 0
    #: why the session stopped early (``session.shouldfail`` or ``shouldstop``), "" when it did not
    stopped: str = ""
    interrupted: bool = False


def partial_run(facts: RunFacts) -> Partial | None:
    """What made the run partial, or ``None`` for a full run."""
    if facts.stopped and facts.ran < facts.collected:
        return Partial(PartialKind.STOPPED, f"stopped early: {facts.stopped}")
    if facts.collect_errors:
        plural = "s" if facts.collect_errors != 1 else ""
        return Partial(PartialKind.COLLECTION, f"{facts.collect_errors} collection error{plural}")
    if facts.interrupted:
        return Partial(PartialKind.INTERRUPTED, "interrupted")
    options = selecting_options(facts)
    if options:
        return Partial(PartialKind.SELECTION, f"tests selected on the command line ({', '.join(options)})")
    if facts.ran < facts.collected:
        return Partial(PartialKind.INCOMPLETE, f"{facts.ran} of {facts.collected} tests ran")
    return None


def selecting_options(facts: RunFacts) -> list[str]:
    """The options beyond the project's own ``addopts`` that left tests out of this run.

    ``-k``, ``-m``, ``--deselect`` and ``--sw`` only count when some test was
    deselected (a ``-k`` matching every test, or ``--sw`` with no failure to
    resume from, runs the whole suite); ``--lf`` only when some collected test
    failed last time (pytest's own rule: else it runs the whole selection); paths and node ids only when they do not take in every default path.
    ``--lf`` and ``--sw`` count wherever they are set: they select by what the
    last run did, never a fixed suite.
    """
    given, own = facts.options, facts.project
    deselecting: list[str] = []
    if given.keyword != own.keyword:
        deselecting.append("-k")
    if given.markexpr != own.markexpr:
        deselecting.append("-m")
    if _added(given.deselect, own.deselect):
        deselecting.append("--deselect")
    if given.stepwise:
        deselecting.append("--sw")
    found = deselecting if facts.deselected else []
    if _added(given.ignore, own.ignore):
        found.append("--ignore")
    if _added(given.ignore_glob, own.ignore_glob):
        found.append("--ignore-glob")
    if given.last_failed and facts.failed_last_time:
        found.append("--lf")
    if given.paths and not covers(given.paths, facts.default_paths, facts.invocation_dir):
        found.append("paths or node ids")
    return found


def _added(given: Sequence[str], own: Sequence[str]) -> bool:
    """Whether ``given`` holds a value the project's own options do not."""
    return bool(set(given) - set(own))


def covers(paths: Sequence[str], default_paths: Sequence[str], invocation_dir: str) -> bool:
    """Whether collecting ``paths`` takes in every one of ``default_paths``.

    A folder takes in everything below it; a file or a node id (``file.py::test``)
    takes in no default path but itself. Relative paths are relative to ``invocation_dir``.
    """
    asked = [_absolute(p, invocation_dir) for p in paths]
    return all(any(_within(_absolute(d, invocation_dir), a) for a in asked) for d in default_paths)


def _absolute(path: str, base: str) -> str:
    return os.path.normpath(os.path.join(base, path))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
