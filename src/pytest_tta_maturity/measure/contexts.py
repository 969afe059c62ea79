"""Which component's tests ran a line: coverage.py contexts, recorded and read back.

While the tests run, the plugin switches coverage.py's dynamic context (the public
``Coverage.switch_context``) before each test to a label naming the components
whose test it is, then the test: ``tta-maturity:carbon|tests/test_c.py::test_x``
for a test of ``carbon``, ``tta-maturity:carbon;docker|...`` for a test of both
(not a comma, which ``coverage report --contexts`` takes between regexes),
``tta-maturity:|...`` for a test of no component. The test id after the first
``|`` is what the record of affected runs reads (which files each test ran). Whatever runs outside every test (imports, collection)
stays in the empty context, or in the project's static context (``[run] context``).
A label names its components, so data combined from shards or xdist workers needs
nothing else to be read.

When the user asks pytest-cov for per-test contexts (``--cov-context=test``), the
plugin does not switch (that would overwrite theirs): their labels,
``NODEID|setup``, ``NODEID|run``, ``NODEID|teardown``, are read back through the
run's attribution of test ids to components.

Here the labels are made and read; nothing imports pytest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote, unquote

PREFIX = "tta-maturity:"
SEPARATOR = ";"
#: Between a label's components and its test id (components are quoted, so theirs never holds one).
TEST_SEPARATOR = "|"
#: The phases pytest-cov appends to a test id with ``--cov-context=test``.
_PYTEST_COV_PHASES = ("|setup", "|run", "|teardown")


def label(components: Iterable[str]) -> str:
    """The context label for a test of ``components`` (names quoted, so that a ``;`` in one stays in it)."""
    return PREFIX + SEPARATOR.join(quote(name, safe="") for name in sorted(set(components)))


def per_test_label(components: Iterable[str], nodeid: str) -> str:
    """The context label for the test ``nodeid`` of ``components``."""
    return label(components) + TEST_SEPARATOR + nodeid


def nodeid_of(context: str, static: str = "") -> str | None:
    """The test id a context was recorded for (this plugin's labels or pytest-cov's), ``None`` outside tests."""
    if static:
        if not context.startswith(static + "|"):
            return None
        context = context[len(static) + 1 :]
    if context.startswith(PREFIX):
        _, sep, nodeid = context.partition(TEST_SEPARATOR)
        return nodeid if sep else None
    for phase in _PYTEST_COV_PHASES:
        if context.endswith(phase):
            return context[: -len(phase)]
    return None


def _names(text: str) -> tuple[str, ...]:
    return tuple(unquote(part) for part in text.split(SEPARATOR)) if text else ()


@dataclass(frozen=True)
class Attribution:
    """How to read a run's contexts: whose tests each context is, and which components' tests ran.

    ``static`` is the project's static context (``[run] context``), which coverage.py
    puts before every dynamic label. ``nodeids`` maps test ids to their components
    when the contexts are pytest-cov's per-test ones (``None`` when they are this
    plugin's labels). ``ran`` holds the components at least one of whose own tests
    ran (passed, failed or errored): only they earn import-time lines as own.
    """

    static: str = ""
    nodeids: Mapping[str, tuple[str, ...]] | None = None
    ran: frozenset[str] = field(default_factory=lambda: frozenset[str]())

    def owners(self, context: str) -> tuple[str, ...] | None:
        """The components whose tests ran under ``context``; ``None`` outside every test."""
        if self.static:
            if context == self.static:
                return None
            head = self.static + "|"
            if not context.startswith(head):
                return ()  # not this run's data: tests of no component
            context = context[len(head) :]
        if not context:
            return None
        if context.startswith(PREFIX):
            return _names(context[len(PREFIX) :].partition(TEST_SEPARATOR)[0])
        if self.nodeids is not None:
            for phase in _PYTEST_COV_PHASES:
                if context.endswith(phase):
                    return tuple(self.nodeids.get(context[: -len(phase)], ()))
        return ()

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data (for the analysis worker)."""
        return {
            "static": self.static,
            "nodeids": None if self.nodeids is None else {k: list(v) for k, v in self.nodeids.items()},
            "ran": sorted(self.ran),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attribution:
        """Rebuild from what ``to_dict`` returned."""
        raw = cast("dict[str, list[str]] | None", data.get("nodeids"))
        nodeids = None if raw is None else {str(k): tuple(str(n) for n in v) for k, v in raw.items()}
        return cls(str(data.get("static", "")), nodeids, frozenset(str(n) for n in data.get("ran", ())))


def unavailable(*, core: str, records: bool, dynamic_context: str | None, patch: Iterable[str] = ()) -> str:
    """Why this run cannot record whose tests ran each line, or ``""`` when it can.

    ``core`` is coverage.py's measurement core and ``records`` whether it records
    dynamic contexts; ``dynamic_context`` is the project's ``[run] dynamic_context``
    setting, which switches contexts itself; ``patch`` its ``[run] patch`` setting:
    child processes measured through ``subprocess`` record no test's context, so their
    lines would pass for import time.
    """
    if not records:
        return f"coverage.py's {core or 'measurement'} core does not record contexts (COVERAGE_CORE=ctrace does)"
    if dynamic_context:
        return (
            f"the coverage configuration's dynamic_context = {dynamic_context!r} records its own contexts "
            "(remove it to measure own-tests coverage)"
        )
    if "subprocess" in patch:
        return (
            "the coverage configuration's patch = ['subprocess'] measures child processes, "
            "which record no test's context"
        )
    return ""
