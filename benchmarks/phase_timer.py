"""A pytest plugin for ``bench_files.py --phases``: where a run's seconds go, without a profiler.

Loaded with ``-p phase_timer`` (this folder on ``PYTHONPATH``), it notes the time since the process
started at each phase's edges (pytest's own hooks, called first) and the seconds coverage.py spends
saving what it measured (``Collector.flush_data``: at every context switch, and once at the end),
and prints them as one JSON line at exit. Timing only: it changes nothing the run does.
"""

from __future__ import annotations

import atexit
import json
import time
from collections.abc import Generator
from typing import Any

import pytest
from coverage.collector import Collector

_START = time.perf_counter()
_MARKS: dict[str, float] = {}
_FLUSH = {"seconds": 0.0, "calls": 0}
_flush = Collector.flush_data


def _timed_flush(self: Collector) -> bool:
    started = time.perf_counter()
    try:
        return _flush(self)
    finally:
        _FLUSH["seconds"] += time.perf_counter() - started
        _FLUSH["calls"] += 1


Collector.flush_data = _timed_flush  # type: ignore[method-assign]


def _mark(name: str) -> None:
    _MARKS[name] = round(time.perf_counter() - _START, 4)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    del config
    _mark("configure")


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    del session
    _mark("collection")


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    del nodeid, location
    if "tests" not in _MARKS:
        _mark("tests")


def pytest_runtest_logfinish(nodeid: str, location: object) -> None:
    del nodeid, location
    _mark("after_tests")  # the last test's end, once they have all run


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> Generator[None, object, object]:
    del session
    _mark("sessionfinish")
    try:
        return (yield)
    finally:
        _mark("after_sessionfinish")


def _report() -> None:
    _mark("exit")
    data: dict[str, Any] = {"marks": _MARKS, "flush": _FLUSH}
    print("\nPHASES " + json.dumps(data))


atexit.register(_report)
