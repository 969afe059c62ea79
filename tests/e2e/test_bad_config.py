"""Every broken configuration ends pytest with exit status 4 and its one-line message, never a traceback."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_tta_maturity.config import parse
from pytest_tta_maturity.errors import ConfigError
from tests.conftest import run_pytest
from tests.unit.test_config import BAD, BAD_IDS


@pytest.fixture
def layout(pytester: pytest.Pytester) -> pytest.Pytester:
    for folder in ("src/tta/carbon", "src/tta/model_management", "tests/carbon", "outside"):
        (pytester.path / folder).mkdir(parents=True)
    (pytester.path / "src/tta/model_registry.py").write_text("X = 1\n")
    pytester.makepyfile(test_ok="def test_ok():\n    pass\n")
    return pytester


@pytest.mark.parametrize(("text", "message"), BAD, ids=BAD_IDS)
def test_exit_status_4_and_the_message(layout: pytest.Pytester, text: str, message: str) -> None:
    (layout.path / "pyproject.toml").write_text(text)
    result = layout.runpytest_inprocess("--tta-maturity", "--no-cov")
    assert result.ret == 4
    errors = [line for line in result.errlines if line.strip()]
    if "is not valid TOML" in message:  # pytest reads pyproject.toml first and says so itself, in one line
        assert len(errors) == 1
        assert errors[0].startswith("ERROR: ") and "Expected ']'" in errors[0]
    else:
        assert errors == [f"ERROR: {message}"]


def test_in_a_subprocess_too(layout: pytest.Pytester) -> None:
    text, message = BAD[8]
    (layout.path / "pyproject.toml").write_text(text)
    result = run_pytest(layout, "--tta-maturity")
    assert result.ret == 4
    assert [line for line in result.errlines if line.strip()] == [f"ERROR: {message}"]


KEYS = st.sampled_from(
    [
        *("level", "paths", "tests", "coverage", "coverage_from", "gates", "tool", "timeout", "command", "args", "x"),
        *("new_code_coverage", "new_code_findings"),
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["staging", "production", "stagin", "src/tta/carbon", "../out", "/etc", "ruff", "mypy", "own_tests", ""]
    ),
    st.text(string.ascii_letters + "/._-", max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
TABLES = st.dictionaries(
    st.sampled_from(["components", "levels", "gates", "coverage_from", "extra"]),
    st.dictionaries(
        st.sampled_from(["carbon", "staging", "lint", "types", "licence", "production"]),
        st.one_of(VALUES, st.dictionaries(KEYS, VALUES, max_size=4)),
        max_size=3,
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=TABLES)
def test_any_toml_value_is_a_config_or_a_config_error(tmp_path: Path, table: dict[str, Any]) -> None:
    (tmp_path / "src/tta/carbon").mkdir(parents=True, exist_ok=True)
    document = {"tool": {"tta-maturity": table}}
    try:
        cfg = parse(document, tmp_path / "pyproject.toml")
    except ConfigError as exc:
        text = str(exc)
        assert "\n" not in text
        assert text.startswith((str(tmp_path / "pyproject.toml"), "pyproject.toml"))
        assert "; " in text  # a fix follows the problem
    else:
        assert cfg.components
        assert all(c.level in cfg.ladder.names for c in cfg.components)
        assert all(c.coverage_from in ("all_tests", "own_tests") for c in cfg.components)
