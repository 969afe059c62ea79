"""Deciding whether a run was partial, from plain values (the plugin gathers them from pytest)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from pytest_tta_maturity.partial import SLICE_KINDS, Partial, PartialKind, RunFacts, Selection, covers, partial_run

HERE = os.path.join(os.sep, "project")
TESTS = os.path.join(HERE, "tests")

#: A full run of a project whose testpaths is ``tests``: 10 tests collected, 10 ran.
FULL = RunFacts(invocation_dir=HERE, default_paths=(TESTS,), collected=10, ran=10)


def selected(*options: str) -> Partial:
    return Partial(PartialKind.SELECTION, f"tests selected on the command line ({', '.join(options)})")


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(FULL, None, id="nothing-selected"),
        pytest.param(replace(FULL, options=Selection(keyword="total"), deselected=3), selected("-k"), id="k"),
        pytest.param(replace(FULL, options=Selection(keyword="total")), None, id="k-deselecting-nothing"),
        pytest.param(replace(FULL, options=Selection(markexpr="slow"), deselected=1), selected("-m"), id="m"),
        pytest.param(
            replace(FULL, options=Selection(markexpr="not slow"), project=Selection(markexpr="not slow"), deselected=2),
            None,
            id="m-of-the-project",
        ),
        pytest.param(
            replace(FULL, options=Selection(markexpr="slow"), project=Selection(markexpr="not slow"), deselected=2),
            selected("-m"),
            id="m-replacing-the-project's",
        ),
        pytest.param(
            replace(FULL, options=Selection(deselect=("a", "b")), project=Selection(deselect=("a",)), deselected=2),
            selected("--deselect"),
            id="deselect-beyond-the-project's",
        ),
        pytest.param(
            replace(FULL, options=Selection(deselect=("a",)), project=Selection(deselect=("a",)), deselected=1),
            None,
            id="deselect-of-the-project",
        ),
        pytest.param(replace(FULL, options=Selection(stepwise=True), deselected=4), selected("--sw"), id="sw-resuming"),
        pytest.param(replace(FULL, options=Selection(stepwise=True)), None, id="sw-with-nothing-to-resume"),
        pytest.param(
            replace(FULL, options=Selection(stepwise=True), project=Selection(stepwise=True), deselected=4),
            selected("--sw"),
            id="sw-of-the-project-resuming",
        ),
        pytest.param(
            replace(FULL, options=Selection(keyword="fast"), project=Selection(keyword="fast"), deselected=2),
            None,
            id="k-of-the-project",
        ),
        pytest.param(
            replace(FULL, options=Selection(ignore_glob=("*x*",)), project=Selection(ignore_glob=("*x*",))),
            None,
            id="ignore-glob-of-the-project",
        ),
        pytest.param(
            replace(
                FULL, options=Selection(last_failed=True), project=Selection(last_failed=True), failed_last_time=True
            ),
            selected("--lf"),
            id="lf-of-the-project-after-a-failure",
        ),
        pytest.param(replace(FULL, options=Selection(ignore=("tests/x.py",))), selected("--ignore"), id="ignore"),
        pytest.param(
            replace(FULL, options=Selection(ignore=("build",)), project=Selection(ignore=("build",))),
            None,
            id="ignore-of-the-project",
        ),
        pytest.param(
            replace(FULL, options=Selection(ignore_glob=("*x*",))), selected("--ignore-glob"), id="ignore-glob"
        ),
        pytest.param(
            replace(FULL, options=Selection(last_failed=True), failed_last_time=True), selected("--lf"), id="lf"
        ),
        pytest.param(replace(FULL, options=Selection(last_failed=True)), None, id="lf-nothing-failed"),
        pytest.param(
            replace(FULL, options=Selection(paths=("tests/test_x.py",))), selected("paths or node ids"), id="a-file"
        ),
        pytest.param(
            replace(FULL, options=Selection(paths=("tests/test_x.py::test_y",))),
            selected("paths or node ids"),
            id="a-node-id",
        ),
        pytest.param(replace(FULL, options=Selection(paths=("tests",))), None, id="the-testpaths"),
        pytest.param(replace(FULL, options=Selection(paths=(".",))), None, id="the-root"),
        pytest.param(replace(FULL, options=Selection(paths=("tests/",))), None, id="the-testpaths-with-a-slash"),
        pytest.param(
            replace(FULL, options=Selection(keyword="x", markexpr="y", paths=("tests/a.py",)), deselected=1),
            selected("-k", "-m", "paths or node ids"),
            id="several",
        ),
        pytest.param(
            replace(FULL, stopped="stopping after 1 failures", ran=4),
            Partial(PartialKind.STOPPED, "stopped early: stopping after 1 failures"),
            id="stopped",
        ),
        pytest.param(replace(FULL, stopped="stopping after 1 failures"), None, id="stopped-after-the-last-test"),
        pytest.param(
            replace(FULL, collect_errors=1), Partial(PartialKind.COLLECTION, "1 collection error"), id="collection"
        ),
        pytest.param(
            replace(FULL, collect_errors=2), Partial(PartialKind.COLLECTION, "2 collection errors"), id="collections"
        ),
        pytest.param(
            replace(FULL, interrupted=True, ran=3), Partial(PartialKind.INTERRUPTED, "interrupted"), id="interrupted"
        ),
        pytest.param(replace(FULL, ran=9), Partial(PartialKind.INCOMPLETE, "9 of 10 tests ran"), id="incomplete"),
        pytest.param(replace(FULL, ran=11), None, id="more-ran-than-collected"),
    ],
)
def test_partial_run(facts: RunFacts, expected: Partial | None) -> None:
    assert partial_run(facts) == expected


def test_the_first_reason_wins() -> None:
    everything = replace(
        FULL,
        stopped="stopping after 1 failures",
        ran=2,
        collect_errors=1,
        interrupted=True,
        options=Selection(keyword="k"),
        deselected=1,
    )
    assert partial_run(everything) == Partial(PartialKind.STOPPED, "stopped early: stopping after 1 failures")
    assert partial_run(replace(everything, stopped="")) == Partial(PartialKind.COLLECTION, "1 collection error")
    assert partial_run(replace(everything, stopped="", collect_errors=0)) == Partial(
        PartialKind.INTERRUPTED, "interrupted"
    )
    assert partial_run(replace(everything, stopped="", collect_errors=0, interrupted=False)) == selected("-k")


@pytest.mark.parametrize(
    ("paths", "defaults", "expected"),
    [
        (["tests"], [TESTS], True),
        ([TESTS], [TESTS], True),
        (["."], [TESTS], True),
        (["tests/unit"], [TESTS], False),
        (["tests_more"], [TESTS], False),  # a sibling whose name starts alike is not the folder
        (["tests"], [os.path.join(HERE, "tests_more")], False),
        (["tests/a.py::t", "tests"], [TESTS], True),
        (["tests/a.py::t"], [TESTS], False),
        (["tests", "docs"], [TESTS, os.path.join(HERE, "docs")], True),
        (["tests"], [TESTS, os.path.join(HERE, "docs")], False),
        (["tests"], [], True),
    ],
)
def test_covers(paths: list[str], defaults: list[str], expected: bool) -> None:
    assert covers(paths, defaults, HERE) is expected


def test_kinds_are_the_report_strings() -> None:
    assert [k.value for k in PartialKind] == ["selection", "stopped", "interrupted", "collection", "incomplete"]
    assert {k.value for k in SLICE_KINDS} == {"selection", "incomplete"}
