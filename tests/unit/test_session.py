"""One run's state and its end without pytest (``session.Run``): attribution, outcomes, workers, judging."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_tta_maturity.config import load
from pytest_tta_maturity.errors import MarkerError
from pytest_tta_maturity.model import CoverageFigures, GatesMode, Outcome
from pytest_tta_maturity.session import Run

PYPROJECT = """\
[tool.tta-maturity.components.cart]
level = "experimental"
paths = ["src/shop/cart.py"]
tests = ["tests/test_cart.py"]

[tool.tta-maturity.components.pricing]
level = "development"
paths = ["src/shop/pricing.py"]
"""


@pytest.fixture
def run(tmp_path: Path) -> Run:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "src/shop").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    for name in ("src/shop/cart.py", "src/shop/pricing.py", "tests/test_cart.py"):
        (tmp_path / name).write_text("x = 1\n")
    cfg = load(tmp_path / "pyproject.toml")
    return Run(cfg, cfg.components, warn_only=False, no_gates=True, gates_mode=GatesMode.ALL, report_specs=[])


def test_tests_belong_to_components_by_path_then_by_marker(run: Run, tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    run.attribute(
        [
            ("tests/test_cart.py::test_a", tests / "test_cart.py", []),
            ("tests/test_cart.py::test_b", tests / "test_cart.py", ["pricing", "cart"]),
            ("tests/test_other.py::test_c", tests / "test_other.py", ["pricing"]),
            ("tests/test_other.py::test_d", tests / "test_other.py", []),
        ]
    )
    assert run.attribution == {
        "tests/test_cart.py::test_a": ["cart"],
        "tests/test_cart.py::test_b": ["cart", "pricing"],
        "tests/test_other.py::test_c": ["pricing"],
    }
    assert run.tested == {"cart", "pricing"}


def test_a_marker_naming_no_component_is_one_line(run: Run, tmp_path: Path) -> None:
    with pytest.raises(MarkerError) as caught:
        run.attribute([("tests/test_x.py::test_x", tmp_path / "tests/test_x.py", ["carts"])])
    assert str(caught.value) == (
        "tests/test_x.py::test_x: @pytest.mark.component('carts'): no such component in pyproject.toml; "
        "did you mean 'cart'?"
    )


def test_a_test_keeps_the_worst_outcome_of_its_phases(run: Run) -> None:
    for outcome in (Outcome.PASSED, Outcome.ERROR, Outcome.FAILED, Outcome.SKIPPED):
        run.add_outcome("t", outcome)
    run.add_outcome("s", Outcome.SKIPPED)
    assert run.outcomes == {"t": Outcome.ERROR, "s": Outcome.SKIPPED}


def test_what_a_worker_hands_over_is_merged_into_the_controllers_run(run: Run, tmp_path: Path) -> None:
    worker = Run(run.cfg, run.components, warn_only=False, no_gates=True, gates_mode=GatesMode.ALL, report_specs=[])
    worker.attribute([("tests/test_cart.py::test_a", tmp_path / "tests/test_cart.py", [])])
    worker.collected, worker.deselected, worker.failed_last_time = 3, 1, True
    worker.taken = {"tests/test_cart.py::test_old"}
    worker.contexts, worker.contexts_note = "", "coverage.py's sysmon core does not record contexts"
    run.contexts = "tta-maturity"
    run.merge_worker(worker.worker_output())
    assert (run.attribution, run.tested) == ({"tests/test_cart.py::test_a": ["cart"]}, {"cart"})
    assert (run.collected, run.deselected, run.failed_last_time) == (3, 1, True)
    assert run.taken == {"tests/test_cart.py::test_old"}
    # one worker that could not record contexts is enough for the run to say so
    assert (run.contexts, run.contexts_note) == ("", "coverage.py's sysmon core does not record contexts")
    run.merge_worker({"contexts": "tta-maturity", "contexts_note": ""})
    assert run.contexts_note == "coverage.py's sysmon core does not record contexts"


def test_without_coverage_data_every_component_is_unmeasured_and_the_run_fails_closed(run: Run) -> None:
    run.add_outcome("tests/test_cart.py::test_a", Outcome.PASSED)
    run.attribution = {"tests/test_cart.py::test_a": ["cart"]}
    report = run.finish(None, "pytest-cov is not active", None)
    assert run.report is report
    assert {c.name: c.coverage for c in report.components} == {
        "cart": CoverageFigures.unmeasured("pytest-cov is not active"),
        "pricing": CoverageFigures.unmeasured("pytest-cov is not active"),
    }
    assert [(c.name, c.tests.passed) for c in report.components] == [("cart", 1), ("pricing", 0)]
    assert [c.name for c in report.failing] == ["pricing"]  # development needs coverage it could not measure
    assert report.run_fails
    assert set(run.timings) >= {"measure", "gates_wait", "score"}
    assert "record" not in run.timings  # no coverage data: nothing to keep for affected runs
