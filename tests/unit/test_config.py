"""Configuration: valid tables load; every mistake is one line naming file, key, value and fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tta_maturity.config import init_settings, load, own_tests_without_tests
from pytest_tta_maturity.errors import ConfigError

BASE = """
[tool.tta-maturity.components.carbon]
level = "staging"
paths = ["src/tta/carbon"]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for folder in ("src/tta/carbon", "src/tta/model_management", "tests/carbon", "outside"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "src/tta/model_registry.py").write_text("X = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, text: str) -> Path:
    path = project / "pyproject.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_valid_configuration_loads(project: Path) -> None:
    cfg = load(
        write(
            project,
            """
            [tool.tta-maturity.components.carbon]
            level = "staging"
            paths = ["src/tta/carbon"]
            tests = ["tests/carbon"]

            [tool.tta-maturity.components.model_management]
            level = "development"
            paths = ["src/tta/model_management", "src/tta/model_registry.py"]
            coverage = 65

            [tool.tta-maturity.levels.staging]
            coverage = 75

            [tool.tta-maturity.gates.types]
            tool = "mypy"
            timeout = 30
            """,
        )
    )
    carbon, mm = cfg.components
    assert (carbon.name, carbon.level, carbon.tests) == ("carbon", "staging", (project.resolve() / "tests/carbon",))
    assert mm.paths == (project.resolve() / "src/tta/model_management", project.resolve() / "src/tta/model_registry.py")
    assert mm.coverage == 65.0
    assert cfg.ladder.level("staging").coverage == 75.0
    assert cfg.ladder.level("production").gates == ("tests", "lint", "format", "types", "security", "docs")
    assert cfg.gate("types").tool == "mypy" and cfg.gate("types").timeout == 30.0
    assert cfg.gate("lint").tool == "ruff"
    assert cfg.gates_needed() == ["tests", "lint", "format", "types", "security"]


def test_custom_gate_joins_its_level(project: Path) -> None:
    cfg = load(
        write(
            project,
            BASE
            + """
            [tool.tta-maturity.gates.licence]
            command = ["python", "-c", "pass"]
            level = "staging"
            """,
        )
    )
    assert cfg.ladder.level("staging").adds == ("format", "types", "security", "licence")
    assert cfg.gates["licence"].custom


P = "pyproject.toml"
C = "tool.tta-maturity.components.carbon"

BAD = [
    (
        "[tool.tta-maturity",
        f"{P}: is not valid TOML (Expected ']' at the end of a table declaration (at end of document)); fix the TOML syntax",
    ),
    (
        "[tool.other]\nx = 1",
        f"{P}: tool.tta-maturity: is missing; declare components under [tool.tta-maturity.components.NAME] or run 'tta-maturity init'",
    ),
    ("[tool]\ntta-maturity = 3", f"{P}: tool.tta-maturity = 3: must be a table; write it as [tool.tta-maturity]"),
    (
        "[tool.tta-maturity]\ncomponent = {}",
        f"{P}: tool.tta-maturity.component = {{...}}: unknown key; did you mean 'components'?",
    ),
    (
        "[tool.tta-maturity]\nlevels = {}",
        f'{P}: tool.tta-maturity.components: is missing; add [tool.tta-maturity.components.NAME] with level = "development" and paths = ["src/pkg"]',
    ),
    (
        "[tool.tta-maturity.components]",
        f'{P}: tool.tta-maturity.components = {{...}}: declares no component; add [tool.tta-maturity.components.NAME] with level = "development" and paths = ["src/pkg"]',
    ),
    (
        "[tool.tta-maturity]\ncomponents = 1",
        f"{P}: tool.tta-maturity.components = 1: must be a table; write it as [tool.tta-maturity.components]",
    ),
    ('[tool.tta-maturity.components]\ncarbon = "staging"', f'{P}: {C} = "staging": must be a table; write it as [{C}]'),
    (
        f'[{C}]\nlevel = "stagin"\npaths = ["src/tta/carbon"]',
        f"{P}: {C}.level = \"stagin\": is not a level of the ladder; did you mean 'staging'?",
    ),
    (
        f'[{C}]\nlevel = "gold"\npaths = ["src/tta/carbon"]',
        f"{P}: {C}.level = \"gold\": is not a level of the ladder; use one of 'experimental', 'development', 'staging', 'production'",
    ),
    (
        f'[{C}]\nlevel = 2\npaths = ["src/tta/carbon"]',
        f'{P}: {C}.level = 2: must be a non-empty string; write it as a quoted string, e.g. "x"',
    ),
    (f'[{C}]\npaths = ["src/tta/carbon"]', f'{P}: {C}.level: is missing; add level = "development" (or another level)'),
    (f'[{C}]\nlevel = "staging"', f'{P}: {C}.paths: is missing; add paths = ["src/carbon"]'),
    (
        f'[{C}]\nlevel = "staging"\npaths = "src/tta/carbon"',
        f'{P}: {C}.paths = "src/tta/carbon": must be a list of strings; write it as ["src/tta/carbon"]',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = []',
        f'{P}: {C}.paths = []: is empty; list the component\'s files or folders, e.g. ["src/carbon"]',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = [1]',
        f'{P}: {C}.paths = [1]: must be a list of strings; write it as ["src/carbon"]',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbn"]',
        f'{P}: {C}.paths = "src/tta/carbn": does not exist; fix the path (it is relative to pyproject.toml) or remove it',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["../elsewhere"]',
        f'{P}: {C}.paths = "../elsewhere": lies outside the project root; give a path inside the folder of pyproject.toml',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["/etc"]',
        f'{P}: {C}.paths = "/etc": lies outside the project root; give a path inside the folder of pyproject.toml',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon", "src/tta/carbon/"]',
        f'{P}: {C}.paths = "src/tta/carbon/": is listed twice; give each file or folder to one component',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity.components.other]\nlevel = "staging"\npaths = ["src/tta/./carbon"]',
        f"{P}: tool.tta-maturity.components.other.paths = \"src/tta/./carbon\": is also claimed by component 'carbon'; give each file or folder to one component",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\npath = ["x"]',
        f"{P}: {C}.path = [\"x\"]: unknown key; did you mean 'paths'?",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ntest = ["tests/carbon"]',
        f"{P}: {C}.test = [\"tests/carbon\"]: unknown key; did you mean 'tests'?",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ntests = ["tests/carbn"]',
        f'{P}: {C}.tests = "tests/carbn": does not exist; fix the path (it is relative to pyproject.toml) or remove it',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ntests = "tests/carbon"',
        f'{P}: {C}.tests = "tests/carbon": must be a list of strings; write it as ["tests/carbon"]',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = 101',
        f"{P}: {C}.coverage = 101: is outside 0 to 100; write a percentage such as 70",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = -1',
        f"{P}: {C}.coverage = -1: is outside 0 to 100; write a percentage such as 70",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = "80%"',
        f'{P}: {C}.coverage = "80%": must be a number from 0 to 100; write a percentage such as 70',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = true',
        f"{P}: {C}.coverage = true: must be a number from 0 to 100; write a percentage such as 70",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = nan',
        f"{P}: {C}.coverage = NaN: is outside 0 to 100; write a percentage such as 70",
    ),
    (
        BASE + "[tool.tta-maturity.levels.stagng]\ncoverage = 75",
        f"{P}: tool.tta-maturity.levels.stagng = {{...}}: is not a level of the ladder; did you mean 'staging'?",
    ),
    (
        BASE + "[tool.tta-maturity.levels.staging]\ncoverage = 175",
        f"{P}: tool.tta-maturity.levels.staging.coverage = 175: is outside 0 to 100; write a percentage such as 70",
    ),
    (
        BASE + "[tool.tta-maturity.levels.staging]\ncoverag = 75",
        f"{P}: tool.tta-maturity.levels.staging.coverag = 75: unknown key; did you mean 'coverage'?",
    ),
    (
        BASE + "[tool.tta-maturity.levels.production]\ncoverage = 65",
        f"{P}: tool.tta-maturity.levels.production.coverage = 65: is below staging's 70; thresholds must not go down the ladder",
    ),
    (
        BASE + "[tool.tta-maturity.levels]\nstaging = 75",
        f"{P}: tool.tta-maturity.levels.staging = 75: must be a table; write it as [tool.tta-maturity.levels.staging]",
    ),
    (
        BASE + '[tool.tta-maturity.levels.staging]\ngates = ["types", "lnt"]',
        f"{P}: tool.tta-maturity.levels.staging.gates = [\"types\", \"lnt\"]: 'lnt' is not a gate; did you mean 'lint'?",
    ),
    (
        BASE + '[tool.tta-maturity.levels.staging]\ngates = ["types", "types"]',
        f'{P}: tool.tta-maturity.levels.staging.gates = ["types", "types"]: lists a gate twice; list each gate once',
    ),
    (
        BASE + '[tool.tta-maturity.levels.staging]\ngates = "types"',
        f'{P}: tool.tta-maturity.levels.staging.gates = "types": must be a list of strings; write it as ["types"]',
    ),
    (
        BASE + '[tool.tta-maturity.gates.types]\ntool = "pyrite"',
        f"{P}: tool.tta-maturity.gates.types.tool = \"pyrite\": is not a tool for the types gate; did you mean 'pyright'?",
    ),
    (
        BASE + '[tool.tta-maturity.gates.security]\ntool = "semgrep"',
        f"{P}: tool.tta-maturity.gates.security.tool = \"semgrep\": is not a tool for the security gate; use one of 'ruff', 'bandit'",
    ),
    (
        BASE + "[tool.tta-maturity.gates.lint]\ntimeout = 0",
        f"{P}: tool.tta-maturity.gates.lint.timeout = 0: must be a positive number of seconds; write e.g. timeout = 300",
    ),
    (
        BASE + '[tool.tta-maturity.gates.lint]\ntimeout = "1m"',
        f'{P}: tool.tta-maturity.gates.lint.timeout = "1m": must be a positive number of seconds; write e.g. timeout = 300',
    ),
    (
        BASE + '[tool.tta-maturity.gates.lint]\nargs = "--preview"',
        f'{P}: tool.tta-maturity.gates.lint.args = "--preview": must be a list of strings; write it as ["--preview"]',
    ),
    (
        BASE + '[tool.tta-maturity.gates.lint]\ncommand = ["x"]',
        f"{P}: tool.tta-maturity.gates.lint.command = [\"x\"]: unknown key; use one of 'tool', 'timeout', 'args'",
    ),
    (
        BASE + "[tool.tta-maturity.gates.tests]\ntimeout = 5",
        f"{P}: tool.tta-maturity.gates.tests = {{...}}: the tests gate is pytest itself and takes no options; remove this table",
    ),
    (
        BASE + "[tool.tta-maturity.gates.lnt]\ntimeout = 5",
        f"{P}: tool.tta-maturity.gates.lnt = {{...}}: is not a built-in gate and has no command; did you mean 'lint'?",
    ),
    (
        BASE + "[tool.tta-maturity.gates.licence]\ntimeout = 5",
        f'{P}: tool.tta-maturity.gates.licence = {{...}}: is not a built-in gate and has no command; a custom gate needs command = ["tool", "arg"]',
    ),
    (
        BASE + "[tool.tta-maturity.gates.licence]\ncommand = []",
        f'{P}: tool.tta-maturity.gates.licence.command = []: is empty; give the program and its arguments, e.g. ["tool", "arg"]',
    ),
    (
        BASE + '[tool.tta-maturity.gates.licence]\ncommand = ["x"]\nlevel = "prod"',
        f"{P}: tool.tta-maturity.gates.licence.level = \"prod\": is not a level of the ladder; did you mean 'production'?",
    ),
    (
        BASE + '[tool.tta-maturity.gates.licence]\ncommand = "python x.py"',
        f'{P}: tool.tta-maturity.gates.licence.command = "python x.py": must be a list of strings; write it as ["python", "x.py"]',
    ),
    (
        BASE + "[tool.tta-maturity.gates.licence]\ncommand = \"pytest -k 'a and b'\"",
        f'{P}: tool.tta-maturity.gates.licence.command = "pytest -k \'a and b\'": must be a list of strings; write it as ["pytest", "-k", "a and b"]',
    ),
    (
        BASE + '[tool.tta-maturity.gates.licence]\ncommand = "echo \'open"',
        f'{P}: tool.tta-maturity.gates.licence.command = "echo \'open": must be a list of strings; write it as ["echo \'open"]',
    ),
    (
        BASE + '[tool.tta-maturity.gates.licence]\ncommand = ""',
        f'{P}: tool.tta-maturity.gates.licence.command = "": must be a list of strings; write it as ["tool", "arg"]',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage_from = "own_test"',
        f"{P}: {C}.coverage_from = \"own_test\": is not a coverage figure the ladder can judge; did you mean 'own_tests'?",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage_from = "import_only"',
        f"{P}: {C}.coverage_from = \"import_only\": is not a coverage figure the ladder can judge; use one of 'all_tests', 'own_tests'",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage_from = true',
        f"{P}: {C}.coverage_from = true: is not a coverage figure the ladder can judge; use one of 'all_tests', 'own_tests'",
    ),
    (
        '[tool.tta-maturity]\ncoverage_from = "own-tests"\n' + BASE,
        f"{P}: tool.tta-maturity.coverage_from = \"own-tests\": is not a coverage figure the ladder can judge; did you mean 'own_tests'?",
    ),
    (
        '[tool.tta-maturity]\ncoverage_from = ["own_tests"]\n' + BASE,
        f"{P}: tool.tta-maturity.coverage_from = [\"own_tests\"]: is not a coverage figure the ladder can judge; use one of 'all_tests', 'own_tests'",
    ),
    (
        BASE + '[tool.tta-maturity.levels.staging]\ncoverage_from = "own_tests"',
        f'{P}: tool.tta-maturity.levels.staging.coverage_from = "own_tests": does not belong in this table; set coverage_from in [tool.tta-maturity] or in a component\'s table',
    ),
    (
        BASE + '[tool.tta-maturity.gates.lint]\ncoverage_from = "own_tests"',
        f'{P}: tool.tta-maturity.gates.lint.coverage_from = "own_tests": does not belong in this table; set coverage_from in [tool.tta-maturity] or in a component\'s table',
    ),
    (
        BASE + "[tool.tta-maturity.levels.staging]\nnew_code_coverage = 180",
        f"{P}: tool.tta-maturity.levels.staging.new_code_coverage = 180: is outside 0 to 100; write a percentage such as 70",
    ),
    (
        BASE + '[tool.tta-maturity.levels.staging]\nnew_code_coverage = "80%"',
        f'{P}: tool.tta-maturity.levels.staging.new_code_coverage = "80%": must be a number from 0 to 100; write a percentage such as 70',
    ),
    (
        BASE + "[tool.tta-maturity.levels.staging]\nnew_code_findings = -1",
        f"{P}: tool.tta-maturity.levels.staging.new_code_findings = -1: must be a whole number of 0 or more; write e.g. new_code_findings = 0",
    ),
    (
        BASE + "[tool.tta-maturity.levels.staging]\nnew_code_findings = 0.5",
        f"{P}: tool.tta-maturity.levels.staging.new_code_findings = 0.5: must be a whole number of 0 or more; write e.g. new_code_findings = 0",
    ),
    (
        BASE + "[tool.tta-maturity.levels.staging]\nnew_code_coverag = 80",
        f"{P}: tool.tta-maturity.levels.staging.new_code_coverag = 80: unknown key; did you mean 'new_code_coverage'?",
    ),
    (
        BASE + '[tool.tta-maturity.gates.licence]\ncommand = ["x"]\ncoverage_from = "all_tests"',
        f'{P}: tool.tta-maturity.gates.licence.coverage_from = "all_tests": does not belong in this table; set coverage_from in [tool.tta-maturity] or in a component\'s table',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity.init]\ndepth = -1',
        f"{P}: tool.tta-maturity.init.depth = -1: must be a whole number from 0 to 9; write e.g. depth = 1",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity.init]\ndepth = 10',
        f"{P}: tool.tta-maturity.init.depth = 10: must be a whole number from 0 to 9; write e.g. depth = 1",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity.init]\ndepth = "1"',
        f'{P}: tool.tta-maturity.init.depth = "1": must be a whole number from 0 to 9; write e.g. depth = 1',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity.init]\nproposed = "src/tta"',
        f'{P}: tool.tta-maturity.init.proposed = "src/tta": must be a list of strings; write it as ["src/tta"]',
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity.init]\ndeep = 2',
        f"{P}: tool.tta-maturity.init.deep = 2: unknown key; did you mean 'depth'?",
    ),
    (
        f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\n[tool.tta-maturity]\ninit = 1',
        f"{P}: tool.tta-maturity.init = 1: must be a table; write it as [tool.tta-maturity.init]",
    ),
]


def _bad_ids() -> list[str]:
    """A readable id per case: the key the message names and its problem (``components.carbon.level-is-not-a-level``)."""
    seen: dict[str, int] = {}
    ids: list[str] = []
    for _, message in BAD:
        where, _, rest = message.removeprefix(f"{P}: ").partition(": ")
        if where.startswith("tool."):
            key = where.split(" = ", 1)[0].removeprefix("tool.tta-maturity").lstrip(".") or "table"
            problem = rest
        else:  # a message about the whole file
            key, problem = "file", where
        words = "-".join(problem.split(";", 1)[0].replace("'", "").split()[:4])
        name = f"{key}-{words}"
        seen[name] = seen.get(name, 0) + 1
        ids.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return ids


BAD_IDS = _bad_ids()


@pytest.mark.parametrize(("text", "message"), BAD, ids=BAD_IDS)
def test_bad_configuration_is_one_line_naming_key_value_and_fix(project: Path, text: str, message: str) -> None:
    path = project / "pyproject.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_new_code_requirements_hold_on_the_levels_above(project: Path) -> None:
    text = BASE + "[tool.tta-maturity.levels.staging]\nnew_code_coverage = 80\nnew_code_findings = 0\n"
    text += "[tool.tta-maturity.levels.production]\nnew_code_coverage = 90\n"
    ladder = load(write(project, text)).ladder
    assert [(lv.new_code_coverage, lv.new_code_findings) for lv in ladder.levels] == [
        (None, None),
        (None, None),
        (80.0, 0),
        (90.0, 0),
    ]


@pytest.mark.parametrize(
    ("text", "coverage", "ladder"),
    [
        (f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = 100', 100.0, None),
        (f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = 0', 0.0, None),
        (
            BASE
            + "[tool.tta-maturity.levels.staging]\ncoverage = 60\n[tool.tta-maturity.levels.production]\ncoverage = 60",
            None,
            [0.0, 60.0, 60.0, 60.0],
        ),
        (BASE + "[tool.tta-maturity.levels.production]\ncoverage = 100", None, [0.0, 60.0, 70.0, 100.0]),
    ],
    ids=["coverage 100", "coverage 0", "equal thresholds on the ladder", "production at 100"],
)
def test_the_bounds_themselves_are_accepted(
    project: Path, text: str, coverage: float | None, ladder: list[float] | None
) -> None:
    """Both sides of each bound: the rejected values are in BAD, the edge values here load."""
    cfg = load(write(project, text))
    if coverage is not None:
        assert [c.coverage for c in cfg.components if c.name == "carbon"] == [coverage]
    if ladder is not None:
        assert [lv.coverage for lv in cfg.ladder.levels] == ladder


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f'[{C}]\nlevel = "staging"\npaths = ["src/tta/carbon"]\ncoverage = 100.01',
            f"{P}: {C}.coverage = 100.01: is outside 0 to 100; write a percentage such as 70",
        ),
        (
            BASE + "[tool.tta-maturity.levels.production]\ncoverage = 69.99",
            f"{P}: tool.tta-maturity.levels.production.coverage = 69.99: is below staging's 70; thresholds must not go down the ladder",
        ),
    ],
    ids=["just above 100", "just below the level under it"],
)
def test_just_past_each_bound_is_refused(project: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(write(project, text))
    assert str(info.value) == message


def test_missing_file(project: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(project / "nope" / "pyproject.toml")
    assert str(info.value) == "nope/pyproject.toml: not found; create it, or run 'tta-maturity init'"


def test_file_that_is_not_utf8(project: Path) -> None:
    path = project / "pyproject.toml"
    path.write_bytes(b'[tool.tta-maturity]\nx = "\xff"\n')
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(info.value) == "pyproject.toml: is not UTF-8 text; save it as UTF-8"


OWN = """
[tool.tta-maturity]
coverage_from = "own_tests"

[tool.tta-maturity.components.carbon]
level = "staging"
paths = ["src/tta/carbon"]
tests = ["tests/carbon"]

[tool.tta-maturity.components.model_management]
level = "development"
paths = ["src/tta/model_management"]
coverage_from = "all_tests"

[tool.tta-maturity.components.registry]
level = "development"
paths = ["src/tta/model_registry.py"]
"""


def test_coverage_from_defaults_to_all_tests(project: Path) -> None:
    cfg = load(write(project, BASE))
    assert cfg.coverage_from == "all_tests"
    assert (cfg.component("carbon").coverage_from, cfg.component("carbon").coverage_from_own) == ("all_tests", False)


def test_coverage_from_top_level_is_every_components_default(project: Path) -> None:
    cfg = load(write(project, OWN))
    assert cfg.coverage_from == "own_tests"
    judged = {c.name: (c.coverage_from, c.coverage_from_own) for c in cfg.components}
    assert judged == {
        "carbon": ("own_tests", False),
        "model_management": ("all_tests", True),
        "registry": ("own_tests", False),
    }


def test_coverage_from_per_component(project: Path) -> None:
    cfg = load(write(project, BASE + 'coverage_from = "own_tests"\n'))
    assert cfg.coverage_from == "all_tests"
    assert (cfg.component("carbon").coverage_from, cfg.component("carbon").coverage_from_own) == ("own_tests", True)


def test_own_tests_without_tests_needs_a_tests_key_or_a_marked_test(project: Path) -> None:
    cfg = load(write(project, OWN))
    # carbon has a tests key; model_management is judged on all tests; registry has neither.
    error = own_tests_without_tests(cfg, cfg.components, set())
    assert error is not None
    assert str(error) == (
        f"{P}: tool.tta-maturity.coverage_from = \"own_tests\": component 'registry' has no tests "
        '(no tests key and no test marked @pytest.mark.component("registry")); '
        'add tests = ["tests/registry"] to [tool.tta-maturity.components.registry], '
        'mark its tests @pytest.mark.component("registry"), or set coverage_from = "all_tests" in that table'
    )
    assert (error.key, error.value) == ("tool.tta-maturity.coverage_from", "own_tests")
    # A marked test is enough; so is leaving the component out of the run.
    assert own_tests_without_tests(cfg, cfg.components, {"registry"}) is None
    assert own_tests_without_tests(cfg, [cfg.component("carbon")], set()) is None


def test_own_tests_without_tests_names_the_components_own_key(project: Path) -> None:
    cfg = load(write(project, BASE + 'coverage_from = "own_tests"\n'))
    error = own_tests_without_tests(cfg, cfg.components, {"other"})
    assert str(error) == (
        f"{P}: {C}.coverage_from = \"own_tests\": component 'carbon' has no tests "
        '(no tests key and no test marked @pytest.mark.component("carbon")); '
        'add tests = ["tests/carbon"] or mark its tests @pytest.mark.component("carbon")'
    )
    assert own_tests_without_tests(cfg, cfg.components, {"carbon"}) is None


def test_own_tests_without_tests_reports_the_first_in_order(project: Path) -> None:
    text = OWN.replace('tests = ["tests/carbon"]\n', "")
    cfg = load(write(project, text))
    first = own_tests_without_tests(cfg, cfg.components, set())
    assert first is not None and "component 'carbon'" in str(first)
    second = own_tests_without_tests(cfg, cfg.components, {"carbon"})
    assert second is not None and "component 'registry'" in str(second)


@pytest.mark.parametrize("depth", [0, 9])
def test_init_depth_takes_every_whole_number_from_0_to_9(tmp_path: Path, depth: int) -> None:
    document = {"tool": {"tta-maturity": {"init": {"depth": depth}}}}
    assert init_settings(document, tmp_path / "pyproject.toml").depth == depth
