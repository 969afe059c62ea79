"""The verdict core's branches, each pinned by an exact value (the fast tests mutation testing runs).

Every test here states a rule of scoring, configuration or bucketing with the
exact data the code must produce: whole ``GateResult``, ``Blocker`` and
``Undetermined`` values and whole error messages, so that a changed status, a
dropped field or a lenient branch fails a test.
"""

from __future__ import annotations

import dataclasses
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_tta_maturity.bucketing import Bucketer, component_files, python_files
from pytest_tta_maturity.config import ComponentConfig, MaturityConfig, load, parse, toml_quote
from pytest_tta_maturity.errors import ConfigError
from pytest_tta_maturity.gates import GateOutcome
from pytest_tta_maturity.gates.config import GateConfig
from pytest_tta_maturity.model import Blocker, CoverageFigures, Finding, GateResult, TestCounts, Undetermined
from pytest_tta_maturity.partial import PartialKind, covers
from pytest_tta_maturity.scoring import (
    DECLARED_MESSAGE,
    NO_GATES_MESSAGE,
    coverage_blocker,
    gate_blocker,
    gate_results,
    score,
    score_component,
)
from pytest_tta_maturity.scoring import tests_gate as the_tests_gate

COMPONENTS = """
[tool.tta-maturity.components.a]
level = "staging"
paths = ["a"]

[tool.tta-maturity.components.b]
level = "development"
paths = ["b"]
"""

PYPROJECT = (
    COMPONENTS
    + """
[tool.tta-maturity.gates.licence]
command = ["licence-check"]
level = "staging"
"""
)


def write(root: Path, text: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cfg(root: Path) -> MaturityConfig:
    return load(write(root, PYPROJECT))


def figures(percent: float, precision: int = 2) -> CoverageFigures:
    """Figures over 1,000 statements at ``percent`` (unrounded)."""
    covered = round(percent * 10)
    return CoverageFigures(round(percent, precision), covered, 1000, 0, 0, raw_percent=percent, precision=precision)


def passing(cfg: MaturityConfig) -> dict[str, GateResult]:
    return {gate: GateResult("pass") for gate in cfg.ladder.levels[-1].gates if gate != "tests"}


# ---------------------------------------------------------------- the tests gate


@pytest.mark.parametrize(
    ("counts", "partial", "expected"),
    [
        (TestCounts(passed=5, failed=2, errors=1), False, GateResult("fail", findings=3)),
        (TestCounts(passed=1, skipped=4), False, GateResult("pass")),
        (TestCounts(), True, GateResult("skipped", message="no attributed test ran in this partial run")),
        (TestCounts(skipped=2), True, GateResult("skipped", message="no attributed test ran in this partial run")),
        (TestCounts(skipped=2), False, GateResult("fail", message="every attributed test was skipped")),
        (TestCounts(), False, GateResult("fail", message="no test is attributed to this component")),
    ],
)
def test_tests_gate(counts: TestCounts, partial: bool, expected: GateResult) -> None:
    assert the_tests_gate(counts, partial=partial) == expected


# ---------------------------------------------------------------- gate states per component


def test_gate_results_give_every_gate_of_the_ladder_a_state(cfg: MaturityConfig, root: Path) -> None:
    outcomes = {
        "lint": GateOutcome(
            "lint",
            tool="ruff 1",
            findings=[
                Finding("a/z.py", 1, "F401", "unused"),
                Finding("a/x.py", 9, "E711", "none"),
                Finding("a/x.py", 2, "B006", "mutable"),
                Finding("a/x.py", 2, "A001", "shadow"),
                Finding("b/y.py", 4, "F841", "unused variable"),
                Finding("c/elsewhere.py", 1, "F401", "no component's"),
            ],
            cached=True,
        ),
        "types": GateOutcome("types", tool="pyright 1", error="pyright crashed; run it by hand"),
        "licence": GateOutcome("licence", tool="licence-check 2", findings=None, passed=False, cached=True),
        "docs": GateOutcome("docs", tool="docs-tool 3", findings=None, passed=True),
    }
    files = {name: [root / "a", root / "b"] for name in outcomes}
    results = gate_results(cfg, cfg.components, files, outcomes)  # every gate, over every component
    not_run = GateResult("skipped", message="not run")
    licence = GateResult("fail", message="command failed", tool="licence-check 2", cached=True)
    types = GateResult("error", message="pyright crashed; run it by hand", tool="pyright 1")
    docs = GateResult("pass", tool="docs-tool 3")
    in_a = [
        Finding("a/x.py", 2, "A001", "shadow"),
        Finding("a/x.py", 2, "B006", "mutable"),
        Finding("a/x.py", 9, "E711", "none"),
        Finding("a/z.py", 1, "F401", "unused"),
    ]
    assert results == {
        "a": {
            "lint": GateResult("fail", 4, in_a, tool="ruff 1", cached=True),
            "format": not_run,
            "types": types,
            "security": not_run,
            "licence": licence,
            "docs": docs,
        },
        "b": {
            "lint": GateResult(
                "fail", 1, [Finding("b/y.py", 4, "F841", "unused variable")], tool="ruff 1", cached=True
            ),
            "format": not_run,
            "types": types,
            "security": not_run,
            "licence": licence,
            "docs": docs,
        },
    }
    passed = gate_results(cfg, cfg.components, {"lint": []}, {"lint": GateOutcome("lint", "ruff 1")})
    assert passed["a"]["lint"] == GateResult("pass", tool="ruff 1")


def test_gate_results_under_no_gates(cfg: MaturityConfig) -> None:
    results = gate_results(cfg, cfg.components, {}, {"lint": GateOutcome("lint", "ruff 1")}, no_gates=True)
    skipped = GateResult("skipped", message=NO_GATES_MESSAGE)
    assert results["b"] == dict.fromkeys(("lint", "format", "types", "security", "licence", "docs"), skipped)


def test_declared_gates_follow_the_selected_components(cfg: MaturityConfig) -> None:
    """With only b (development) selected, no selected declared level needs staging's gates."""
    outcomes = {name: GateOutcome(name, "tool 1") for name in ("lint", "format")}
    only_b = gate_results(cfg, cfg.components[1:], {}, outcomes, mode="declared")
    assert only_b["b"]["lint"] == GateResult("pass", tool="tool 1")
    assert only_b["b"]["format"] == GateResult("skipped", message=DECLARED_MESSAGE)
    both = gate_results(cfg, cfg.components, {}, outcomes, mode="declared")
    assert both["b"]["format"] == GateResult("pass", tool="tool 1")  # a (staging) needs it, and b is one below


# ---------------------------------------------------------------- blockers


def test_blockers_as_data() -> None:
    assert coverage_blocker(CoverageFigures.unmeasured("pytest-cov is not active"), 60) == Blocker(
        "coverage", "not_run", "", needed=60, message="pytest-cov is not active"
    )
    short = coverage_blocker(figures(59.9), 60.0, "development")
    assert short == Blocker(
        "coverage", "coverage", "development", needed=60.0, measured=59.9, precision=2, gap=0.1, lines=1
    )
    assert short.text == "coverage 59.90% < 60% (+0.10 pts, ~1 statement)"
    assert gate_blocker("format", GateResult("skipped", message="not run (why)")) == Blocker(
        "format", "not_run", "", message="not run (why)"
    )
    assert gate_blocker("licence", GateResult("fail", message="command failed")) == Blocker(
        "licence", "failed", "", message="command failed"
    )


# ---------------------------------------------------------------- scoring one component


def component(cfg: MaturityConfig, name: str) -> ComponentConfig:
    return cfg.component(name)


def test_unmeasured_coverage_does_not_block_experimental(cfg: MaturityConfig, root: Path) -> None:
    comp = ComponentConfig("c", "experimental", (root / "c",))
    result = score_component(
        cfg, comp, CoverageFigures.unmeasured("pytest-cov is not active"), TestCounts(passed=1), passing(cfg)
    )
    assert (result.achieved, result.meets, result.blockers) == ("experimental", True, [])
    assert result.undetermined == [Undetermined("coverage", "development", "not measured (pytest-cov is not active)")]


def test_unmeasured_coverage_blocks_development(cfg: MaturityConfig) -> None:
    note = "pytest-cov is not active"
    result = score_component(
        cfg, component(cfg, "b"), CoverageFigures.unmeasured(note), TestCounts(passed=1), passing(cfg)
    )
    assert (result.achieved, result.meets) == ("experimental", False)
    assert result.blockers == [Blocker("coverage", "not_run", "development", needed=60.0, message=note)]


def test_a_skipped_gate_without_a_reason_is_not_run(cfg: MaturityConfig) -> None:
    gates = {**passing(cfg), "docs": GateResult("skipped")}
    result = score_component(cfg, component(cfg, "b"), figures(90), TestCounts(passed=1), gates)
    assert (result.achieved, result.meets) == ("staging", True)
    assert result.undetermined == [Undetermined("docs", "production", "not run")]


def test_a_threshold_of_one_percent_is_still_judged(cfg: MaturityConfig, root: Path) -> None:
    comp = ComponentConfig("c", "development", (root / "c",), coverage=1)
    result = score_component(cfg, comp, figures(0.5), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets) == ("experimental", False)
    assert [b.text for b in result.blockers] == ["coverage 0.50% < 1% (+0.50 pts, ~5 statements)"]


def test_coverage_is_judged_at_coverage_py_precision(cfg: MaturityConfig) -> None:
    """69.5 % shows as 69.50 % at precision 2: below 70 (rounding to a whole number would pass it)."""
    result = score_component(cfg, component(cfg, "a"), figures(69.5), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets) == ("development", False)
    assert [b.text for b in result.blockers] == ["coverage 69.50% < 70% (+0.50 pts, ~5 statements)"]


def test_a_gate_without_a_state_is_not_run_and_judged(cfg: MaturityConfig) -> None:
    """Fail closed: a gate the declared level needs and nothing measured blocks it, in full and partial runs."""
    gates = {name: result for name, result in passing(cfg).items() if name != "lint"}
    for partial in (None, "-k"):
        result = score_component(cfg, component(cfg, "b"), figures(90), TestCounts(passed=1), gates, partial=partial)
        assert (result.achieved, result.meets) == ("experimental", False)
        assert result.blockers == [Blocker("lint", "not_run", "development", message="not run")]


def test_an_error_is_undetermined_with_its_reason(cfg: MaturityConfig) -> None:
    gates = {
        **passing(cfg),
        "types": GateResult("error", message="pyright crashed"),
        "licence": GateResult("error"),
    }
    result = score_component(cfg, component(cfg, "b"), figures(90), TestCounts(passed=1), gates)
    assert (result.achieved, result.meets, result.blockers) == ("development", True, [])
    assert result.undetermined == [
        Undetermined("types", "staging", "error (pyright crashed)"),
        Undetermined("licence", "staging", "error"),
    ]
    below = score_component(cfg, component(cfg, "a"), figures(90), TestCounts(passed=1), gates)
    assert below.blockers == [
        Blocker("types", "error", "staging", message="pyright crashed"),
        Blocker("licence", "error", "staging"),
    ]


def test_the_floor_of_the_ladder(root: Path) -> None:
    """experimental is the floor: held even when a gate a project gives it fails."""
    text = PYPROJECT + '\n[tool.tta-maturity.levels.experimental]\ngates = ["lint"]\n'
    cfg = load(write(root, text))
    gates = {**passing(cfg), "lint": GateResult("fail", 1)}
    result = score_component(cfg, cfg.component("b"), figures(90), TestCounts(passed=1), gates)
    assert (result.achieved, result.meets) == ("experimental", False)
    assert result.next_level == "development"


def test_the_floor_s_unmeasured_gate_is_undetermined_for_the_level_above(root: Path) -> None:
    """The floor is held whatever it was given; what it did not measure is undetermined for development."""
    text = PYPROJECT + '\n[tool.tta-maturity.levels.experimental]\ngates = ["lint"]\n'
    cfg = load(write(root, text))
    gates = gate_results(cfg, cfg.components, {}, {}, no_gates=True)["b"]
    result = score_component(cfg, cfg.component("b"), figures(90), TestCounts(passed=1), gates, no_gates=True)
    assert (result.achieved, result.meets, result.blockers) == ("experimental", None, [])
    assert result.undetermined == [
        Undetermined("lint", "development", NO_GATES_MESSAGE),
        *(Undetermined(gate, "staging", NO_GATES_MESSAGE) for gate in ("format", "types", "security", "licence")),
        Undetermined("docs", "production", NO_GATES_MESSAGE),
    ]


# ---------------------------------------------------------------- coverage judged on own tests

SYSMON = "coverage.py's sysmon core does not record contexts (COVERAGE_CORE=ctrace measures them)"


def own(all_tests: float, own_tests: float | None, note: str = "") -> CoverageFigures:
    """All tests' figures at ``all_tests``, own tests' at ``own_tests`` (``None``: not told apart, ``note`` why)."""
    found = figures(all_tests)
    if own_tests is not None:
        found.sources = {"own_tests": figures(own_tests), "import_only": figures(1.0)}
    found.sources_note = note
    return found


def judged_on_own(cfg: MaturityConfig, name: str) -> ComponentConfig:
    return dataclasses.replace(cfg.component(name), coverage_from="own_tests")


def test_own_tests_coverage_held_is_judged_not_all_tests(cfg: MaturityConfig) -> None:
    result = score_component(cfg, judged_on_own(cfg, "b"), own(90, 65), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets, result.blockers) == ("development", True, [])
    assert result.coverage.judged_on == "own_tests"
    assert result.coverage.percent == 90.0  # the component's figures stay all tests'; judged() is own tests'
    assert result.next_blockers == [
        Blocker(
            "coverage",
            "coverage",
            "staging",
            needed=70.0,
            measured=65.0,
            precision=2,
            gap=5.0,
            lines=50,
            source="own_tests",
        )
    ]
    assert result.next_blockers[0].text == "own-tests coverage 65.00% < 70% (+5.00 pts, ~50 statements)"


def test_own_tests_coverage_not_held_blocks_though_all_tests_would_hold(cfg: MaturityConfig) -> None:
    result = score_component(cfg, judged_on_own(cfg, "b"), own(90, 19.4), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets) == ("experimental", False)
    assert [b.text for b in result.blockers] == ["own-tests coverage 19.40% < 60% (+40.60 pts, ~406 statements)"]
    assert result.blockers[0].source == "own_tests"


def test_all_tests_is_judged_by_default_whatever_own_tests_earn(cfg: MaturityConfig) -> None:
    result = score_component(cfg, cfg.component("b"), own(90, 19.4), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets, result.coverage.judged_on) == ("production", True, "all_tests")
    low = score_component(cfg, cfg.component("b"), own(59.9, 90), TestCounts(passed=1), passing(cfg))
    assert [b.text for b in low.blockers] == ["coverage 59.90% < 60% (+0.10 pts, ~1 statement)"]
    assert low.blockers[0].source == "all_tests"


def test_own_tests_not_told_apart_is_not_measured_never_all_tests(cfg: MaturityConfig) -> None:
    result = score_component(cfg, judged_on_own(cfg, "b"), own(90, None, SYSMON), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets) == ("experimental", False)
    assert result.blockers == [
        Blocker("coverage", "not_run", "development", needed=60.0, message=SYSMON, source="own_tests")
    ]
    assert result.blockers[0].text == f"coverage: own-tests coverage not measured ({SYSMON})"
    assert result.undetermined == [
        Undetermined("coverage", "development", f"own-tests coverage not measured ({SYSMON})")
    ]
    assert result.undetermined[0].text == f"coverage: own-tests coverage not measured ({SYSMON})"
    assert result.next_blockers == []


def test_own_tests_figure_unmeasured_keeps_its_own_reason(cfg: MaturityConfig) -> None:
    coverage = own(90, None, "not this one")
    coverage.sources = {"own_tests": CoverageFigures.unmeasured("no own test ran")}
    result = score_component(cfg, judged_on_own(cfg, "b"), coverage, TestCounts(passed=1), passing(cfg))
    assert [b.text for b in result.blockers] == ["coverage: own-tests coverage not measured (no own test ran)"]


def test_own_tests_not_told_apart_without_a_reason(cfg: MaturityConfig, root: Path) -> None:
    comp = ComponentConfig("c", "experimental", (root / "c",), coverage_from="own_tests")
    result = score_component(cfg, comp, own(90, None), TestCounts(passed=1), passing(cfg))
    assert (result.achieved, result.meets, result.blockers) == ("experimental", True, [])
    assert result.undetermined == [Undetermined("coverage", "development", "own-tests coverage not measured")]


def test_own_tests_when_nothing_was_measured_keeps_the_reason(cfg: MaturityConfig) -> None:
    note = "pytest-cov is not active"
    result = score_component(
        cfg, judged_on_own(cfg, "b"), CoverageFigures.unmeasured(note), TestCounts(passed=1), passing(cfg)
    )
    assert result.blockers == [
        Blocker("coverage", "not_run", "development", needed=60.0, message=note, source="own_tests")
    ]
    assert result.undetermined == [Undetermined("coverage", "development", f"own-tests coverage not measured ({note})")]


def test_own_tests_in_a_partial_run_stays_lenient(cfg: MaturityConfig) -> None:
    for coverage in (own(90, 19.4), own(90, None, SYSMON)):
        result = score_component(
            cfg, judged_on_own(cfg, "b"), coverage, TestCounts(passed=1), passing(cfg), partial="-k"
        )
        assert (result.achieved, result.meets, result.blockers) == ("experimental", None, [])
        assert result.undetermined == [Undetermined("coverage", "development", "partial run (-k)")]


def test_score_sets_judged_on_from_the_configuration(root: Path) -> None:
    cfg = load(write(root, PYPROJECT.replace('paths = ["b"]', 'paths = ["b"]\ncoverage_from = "own_tests"')))
    given = {"a": own(90, 10), "b": own(90, 65)}
    report = score(cfg, coverage=given, tests={"b": TestCounts(passed=1)}, gates={}, version="t")
    a, b = report.components
    assert (a.coverage.judged_on, b.coverage.judged_on) == ("all_tests", "own_tests")
    assert b.coverage.judged() == figures(65)
    assert given["b"].judged_on == "all_tests"  # the measured figures are not changed in place
    assert b.coverage.to_dict()["judged_on"] == "own_tests"


def test_coverage_blocker_on_own_tests_as_data() -> None:
    short = coverage_blocker(dataclasses.replace(own(90, 59.9), judged_on="own_tests"), 60.0, "development")
    assert short == Blocker(
        "coverage",
        "coverage",
        "development",
        needed=60.0,
        measured=59.9,
        precision=2,
        gap=0.1,
        lines=1,
        source="own_tests",
    )
    data = short.to_dict()
    assert (data["source"], data["text"]) == ("own_tests", "own-tests coverage 59.90% < 60% (+0.10 pts, ~1 statement)")
    assert Blocker.from_dict(data) == short
    plain = coverage_blocker(own(59.9, 90), 60.0, "development")
    assert "source" not in plain.to_dict()
    assert Blocker.from_dict(plain.to_dict()) == plain
    with pytest.raises(ValueError, match="unknown coverage source 'mine'"):
        Blocker.from_dict({**data, "source": "mine"})


# ---------------------------------------------------------------- scoring a run


def test_score_a_selection_with_no_gate_states(cfg: MaturityConfig) -> None:
    report = score(
        cfg,
        coverage={"b": figures(90)},
        tests={"b": TestCounts(passed=1)},
        gates={},
        partial=True,
        version="t",
        components=cfg.components[1:],
    )
    assert [c.name for c in report.components] == ["b"]
    (b,) = report.components
    assert (b.achieved, b.meets) == ("experimental", False)
    assert b.blockers == [Blocker("lint", "not_run", "development", message="not run")]
    assert b.undetermined == [
        Undetermined("coverage", "development", "partial run (partial)"),
        Undetermined("lint", "development", "not run"),
        *(Undetermined(gate, "staging", "not run") for gate in ("format", "types", "security", "licence")),
        Undetermined("docs", "production", "not run"),
    ]
    assert (report.partial, report.partial_reason, report.partial_kind) == (True, "", None)
    full = score(cfg, coverage={}, tests={}, gates={}, partial_kind=PartialKind.SELECTION, version="t")
    assert (full.partial, full.partial_kind) == (False, None)


# ---------------------------------------------------------------- configuration


def test_plugin_gates_wait_for_a_plugin(root: Path) -> None:
    text = PYPROJECT + '\n[tool.tta-maturity.levels.staging]\ngates = ["format", "audit"]\n'
    message = (
        'pyproject.toml: tool.tta-maturity.levels.staging.gates = ["format", "audit"]: '
        "'audit' is not a gate; use one of 'tests', 'lint', 'format', 'types', 'security', 'docs', 'licence'"
    )
    with pytest.raises(ConfigError) as info:
        load(write(root, text))
    assert str(info.value) == message
    document = {
        "tool": {
            "tta-maturity": {
                "components": {"a": {"level": "staging", "paths": ["a"]}},
                "levels": {"staging": {"gates": ["audit"]}},
            }
        }
    }
    with pytest.raises(ConfigError, match="'audit' is not a gate"):
        parse(document, root / "pyproject.toml")  # plugin gates are allowed only when asked for
    cfg = load(root / "pyproject.toml", plugin_gates=True)
    assert list(cfg.plugin_gates) == ["audit"]
    assert cfg.ladder.level("staging").adds == ("format", "audit", "licence")
    cfg.check_plugin_gates(["audit"])
    with pytest.raises(ConfigError) as later:
        cfg.check_plugin_gates(["other"])
    assert str(later.value) == message


def test_components_and_gates_by_name(cfg: MaturityConfig, root: Path) -> None:
    assert cfg.file == root / "pyproject.toml"
    with pytest.raises(KeyError) as info:
        cfg.component("zz")
    assert info.value.args == ("zz",)
    assert cfg.gate("types") == GateConfig(name="types", tool="pyright")
    assert cfg.gate("audit") == GateConfig(name="audit", tool="")
    assert cfg.gate("licence") == GateConfig(name="licence", command=("licence-check",), level="staging")


def test_gate_options(root: Path) -> None:
    cfg = load(
        write(
            root,
            PYPROJECT
            + """
            [tool.tta-maturity.gates.lint]
            args = ["--preview"]
            timeout = 12

            [tool.tta-maturity.gates.audit]
            command = ["audit", "--strict"]
            timeout = 7

            [tool.tta-maturity.levels.production]
            gates = ["docs", "audit"]
            """,
        )
    )
    assert cfg.gates["lint"] == GateConfig(name="lint", tool="ruff", timeout=12.0, args=("--preview",))
    assert cfg.gates["audit"] == GateConfig(name="audit", timeout=7.0, command=("audit", "--strict"))
    assert cfg.ladder.level("production").adds == ("docs", "audit")


def test_declared_mode_checks_up_to_the_level_above(root: Path) -> None:
    text = """
    [tool.tta-maturity.components.low]
    level = "experimental"
    paths = ["a"]

    [tool.tta-maturity.components.top]
    level = "production"
    paths = ["b"]
    """
    cfg = load(write(root, text))
    assert cfg.gates_checked(mode="declared") == {
        "low": ["lint"],
        "top": ["lint", "format", "types", "security", "docs"],
    }


def test_the_table_must_be_under_tool(root: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse({"tool": 3}, root / "pyproject.toml")
    assert str(info.value) == (
        "pyproject.toml: tool.tta-maturity: is missing; "
        "declare components under [tool.tta-maturity.components.NAME] or run 'tta-maturity init'"
    )


def test_timeouts_below_one_second(root: Path) -> None:
    cfg = load(write(root, PYPROJECT + "\n[tool.tta-maturity.gates.lint]\ntimeout = 0.5\n"))
    assert cfg.gate("lint").timeout == 0.5


@pytest.mark.parametrize("value", ["0", "0.5", "100"])
def test_thresholds_from_0_to_100(root: Path, value: str) -> None:
    cfg = load(write(root, PYPROJECT.replace('paths = ["b"]', f'paths = ["b"]\ncoverage = {value}')))
    assert cfg.component("b").coverage == float(value)


def test_equal_thresholds_on_the_ladder(root: Path) -> None:
    cfg = load(write(root, PYPROJECT + "\n[tool.tta-maturity.levels.staging]\ncoverage = 60\n"))
    assert [level.coverage for level in cfg.ladder.levels] == [0.0, 60.0, 60.0, 80.0]


B = "tool.tta-maturity"

BAD = [
    (
        f'[{B}]\nbaseline = "../elsewhere.json"',
        f'{B}.baseline = "../elsewhere.json": lies outside the project root; give a path inside the folder of pyproject.toml',
    ),
    (f"[{B}]\ngates = 3", f"{B}.gates = 3: must be a table; write it as [{B}.gates]"),
    (f"[{B}.gates]\nlint = 3", f"{B}.gates.lint = 3: must be a table; write it as [{B}.gates.lint]"),
    (
        f'[{B}.gates.lint]\ntool = ""',
        f'{B}.gates.lint.tool = "": must be a non-empty string; write it as a quoted string, e.g. "x"',
    ),
    (f"[{B}.gates.lint]\nargs = 3", f'{B}.gates.lint.args = 3: must be a list of strings; write it as ["--flag"]'),
    (
        f'[{B}.gates.audit]\ncommand = ["a"]\nlevl = "staging"',
        f"{B}.gates.audit.levl = \"staging\": unknown key; did you mean 'level'?",
    ),
    (
        f'[{B}.gates.audit]\ncommand = ["a"]\ntimeout = inf',
        f"{B}.gates.audit.timeout = Infinity: must be a positive number of seconds; write e.g. timeout = 300",
    ),
    (f"[{B}]\nlevels = 3", f"{B}.levels = 3: must be a table; write it as [{B}.levels]"),
    (
        f"[{B}.levels.staging]\ngates = 3",
        f'{B}.levels.staging.gates = 3: must be a list of strings; write it as ["lint", "types"]',
    ),
    (
        f'[{B}.levels.staging]\ngates = ["lint", ""]',
        f'{B}.levels.staging.gates = ["lint", ""]: must be a list of strings; write it as ["lint", "types"]',
    ),
    (
        f"[{B}.levels.experimental]\ncoverage = 65",
        f"{B}.levels.development.coverage = 60: is below experimental's 65; thresholds must not go down the ladder",
    ),
    (
        f"[{B}.levels.production]\ncoverage = 65.5",
        f"{B}.levels.production.coverage = 65.5: is below staging's 70; thresholds must not go down the ladder",
    ),
    (
        f'[{B}.components.c]\nlevel = "staging"\npaths = ["c"]\ntests = 3',
        f'{B}.components.c.tests = 3: must be a list of strings; write it as ["tests/c"]',
    ),
    (
        f'[{B}.components.c]\nlevel = "staging"\npaths = "c d"',
        f'{B}.components.c.paths = "c d": must be a list of strings; write it as ["c d"]',
    ),
    (
        f'[{B}.components.c]\nlevel = "staging"\npaths = ["c", ""]',
        f'{B}.components.c.paths = ["c", ""]: must be a list of strings; write it as ["src/c"]',
    ),
]


@pytest.mark.parametrize(("toml", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_configuration(root: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(write(root, COMPONENTS + "\n" + toml + "\n"))
    assert str(info.value) == f"pyproject.toml: {message}"


def test_toml_quote() -> None:
    assert toml_quote('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'


# ---------------------------------------------------------------- bucketing


def test_bucketing_sources_and_tests(root: Path) -> None:
    (root / "a/keep.py").write_text("")
    (root / "a/z.py").write_text("")
    (root / "a/notes.md").write_text("")
    (root / "b/one.py").write_text("")
    paths = [root / "a/notes.md", root / "a/keep.py", root / "b"]
    assert list(python_files(paths)) == [root / "a/keep.py", root / "b/one.py"]
    # a file given on its own and inside a folder of another component goes to the deeper one, once
    inner = ComponentConfig("inner", "development", (root / "a/keep.py",))
    outer = ComponentConfig("outer", "development", (root / "a",), tests=(root / "b",))
    assert component_files([inner, outer]) == {"inner": [root / "a/keep.py"], "outer": [root / "a/z.py"]}
    tests = Bucketer.for_tests([inner, outer])
    assert (tests.owner(root / "b/test_x.py"), tests.owner(root / "a/z.py")) == ("outer", None)


# ---------------------------------------------------------------- partial runs


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_the_filesystem_root_takes_in_every_path() -> None:
    assert covers(["/"], ["tests", "/elsewhere/tests"], "/project")
    assert not covers(["/project/src"], ["tests"], "/project")
