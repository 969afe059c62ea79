"""``tta-maturity init`` and the TOML text editing under it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_tta_maturity.cli import init, pyproject_edit
from pytest_tta_maturity.config import load
from pytest_tta_maturity.errors import EditError

from .conftest import Result

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

Run = Callable[..., Result]

HEADER = (
    "# Per-component maturity levels (pytest-tta-maturity): run `pytest --tta-maturity`,\n"
    "# then `tta-maturity promote NAME --to LEVEL` once a component holds a higher level.\n"
)


def make(root: Path, *files: str) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not rel.endswith("/"):
            path.write_text("")


def tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def code(lines: int, name: str = "f") -> str:
    """A module of about ``lines`` code lines."""
    return "".join(f"def {name}{i}():\n    return {i}\n\n\n" for i in range(lines // 2))


def component_table(name: str, paths: list[str], tests: list[str] | None = None, level: str = "experimental") -> str:
    def array(values: list[str]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    text = f'[tool.tta-maturity.components.{name}]\nlevel = "{level}"\npaths = {array(paths)}\n'
    return text + (f"tests = {array(tests)}\n" if tests else "")


def record(*paths: str) -> str:
    """The ``[tool.tta-maturity.init]`` table ``init`` writes: the paths it proposed."""
    line = "proposed = [" + ", ".join(f'"{p}"' for p in paths) + "]"
    if len(line) > 100:
        line = "proposed = [\n" + "".join(f'    "{p}",\n' for p in paths) + "]"
    return f"[tool.tta-maturity.init]\n{line}\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- layouts


def test_init_src_layout_appends_and_keeps_the_file(run_cli: Run, here: Path) -> None:
    original = '[project]\nname = "x"  # keep\n\n[tool.ruff]\nline-length = 99\n'
    (here / "pyproject.toml").write_text(original)
    make(here, "src/alpha/__init__.py", "src/beta/__init__.py", "src/beta/sub/__init__.py")
    make(here, "src/alpha.egg-info/PKG-INFO", "src/.hidden/__init__.py", "docs/conf.py", "tests/__init__.py")
    tree(here, {"tests/alpha/test_a.py": "import alpha\n", "tests/test_beta.py": "from beta.sub import x\n"})
    result = run_cli("init")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "wrote [tool.tta-maturity] to pyproject.toml: 2 components at experimental\n"
        "  component  level         tests  paths\n"
        "  alpha      experimental      1  src/alpha\n"
        "  beta       experimental      1  src/beta\n"
        "next: pytest --tta-maturity\n"
    )
    assert (here / "pyproject.toml").read_text() == original + "\n" + HEADER + (
        "[tool.tta-maturity.components.alpha]\n"
        'level = "experimental"\n'
        'paths = ["src/alpha"]\n'
        'tests = ["tests/alpha"]\n'
        "\n"
        "[tool.tta-maturity.components.beta]\n"
        'level = "experimental"\n'
        'paths = ["src/beta"]\n'
        'tests = ["tests/test_beta.py"]\n'
        "\n" + record("src/alpha", "src/beta")
    )
    assert [c.name for c in load(here / "pyproject.toml").components] == ["alpha", "beta"]


def test_init_flat_layout_single_package_creates_pyproject(
    run_cli: Run, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_tta_maturity import project

    monkeypatch.setattr(project, "find_pyproject", lambda start: None)
    make(here, "mypkg/__init__.py", "mypkg/core.py", "venv/pyvenv.cfg", "venv/lib/x/__init__.py")
    make(here, "examples/demo/__init__.py", "scripts/")
    tree(here, {"tests/test_core.py": "from mypkg.core import run\n", "tests/unit/test_more.py": "import mypkg\n"})
    (here / ".venv").mkdir()
    result = run_cli("init")
    assert result.status == 0
    assert (here / "pyproject.toml").read_text() == HEADER + (
        '[tool.tta-maturity.components.mypkg]\nlevel = "experimental"\npaths = ["mypkg"]\ntests = ["tests"]\n'
        "\n" + record("mypkg")
    )


def test_init_single_modules_and_odd_names(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("")
    make(here, "src/tool.py", "src/ns pkg/mod.py")
    assert run_cli("init").status == 0
    text = (here / "pyproject.toml").read_text()
    assert '[tool.tta-maturity.components."ns pkg"]\nlevel = "experimental"\npaths = ["src/ns pkg"]\n' in text
    assert '[tool.tta-maturity.components.tool]\nlevel = "experimental"\npaths = ["src/tool.py"]\n' in text
    assert not text.startswith("\n")


CONTAINER = {
    "src/acme/__init__.py": "from acme import billing_component, carbon, narrative  # noqa\n",
    "src/acme/carbon/__init__.py": "from .ledger import total\n",
    "src/acme/carbon/ledger.py": code(40),
    "src/acme/carbon_component.py": code(10),
    "src/acme/carbon_api.py": code(6),
    "src/acme/narrative/__init__.py": code(30),
    "src/acme/narrative/tone/__init__.py": code(10),
    "src/acme/narrative_component.py": code(8),
    "src/acme/billing_component.py": code(20),
    "src/acme/helpers.py": code(4),
    "src/acme/tests/test_inside.py": "from ..carbon import ledger\n",
    "tests/unit/test_carbon.py": "from acme.carbon.ledger import f0\nfrom acme import carbon_api\n",
    "tests/unit/test_flow.py": "import acme\n\n\ndef test():\n    acme.narrative.tone.f0()\n    acme.billing_component.f1()\n",
    "tests/integration/test_everything.py": "from acme import carbon_component, narrative_component\n",
    "tests/integration/test_smoke.py": "import json\n",
    "tests/unit/test_broken.py": "def broken(:\n",
    "tests/conftest.py": "import acme.helpers\n",
}


def test_init_splits_a_container_and_finds_tests_by_their_imports(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("")
    tree(here, CONTAINER)
    result = run_cli("init")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "wrote [tool.tta-maturity] to pyproject.toml: 4 components at experimental\n"
        "  component  level         tests  paths\n"
        "  billing    experimental      1  src/acme/billing_component.py\n"
        "  carbon     experimental      3  src/acme/carbon, src/acme/carbon_api.py, src/acme/carbon_component.py\n"
        "  helpers    experimental      0  src/acme/helpers.py\n"
        "  narrative  experimental      2  src/acme/narrative, src/acme/narrative_component.py\n"
        "to review (init could not decide these):\n"
        "  - helpers: no test file imports it (src/acme/helpers.py); it stays without tests\n"
        "  - tests/integration/test_smoke.py: imports none of the components; add it to a component's tests "
        "or mark its tests @pytest.mark.component(NAME)\n"
        "  - tests/unit/test_broken.py: cannot be read (line 1); its imports are unknown\n"
        "next: pytest --tta-maturity\n"
    )
    assert (here / "pyproject.toml").read_text() == HEADER + "\n".join(
        [
            component_table("billing", ["src/acme/billing_component.py"], ["tests/unit/test_flow.py"]),
            component_table(
                "carbon",
                ["src/acme/carbon", "src/acme/carbon_api.py", "src/acme/carbon_component.py"],
                ["src/acme/tests", "tests/integration/test_everything.py", "tests/unit/test_carbon.py"],
            ),
            component_table("helpers", ["src/acme/helpers.py"]),
            component_table(
                "narrative",
                ["src/acme/narrative", "src/acme/narrative_component.py"],
                ["tests/integration/test_everything.py", "tests/unit/test_flow.py"],
            ),
            record(
                "src/acme/billing_component.py",
                "src/acme/carbon",
                "src/acme/carbon_api.py",
                "src/acme/carbon_component.py",
                "src/acme/helpers.py",
                "src/acme/narrative",
                "src/acme/narrative_component.py",
            ),
        ]
    )
    assert [c.name for c in load(here / "pyproject.toml").components] == ["billing", "carbon", "helpers", "narrative"]


def test_a_package_whose_own_code_outweighs_its_parts_stays_one_component(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("")
    tree(
        here,
        {
            "src/lib/__init__.py": "",
            "src/lib/core.py": code(60),
            "src/lib/cli.py": code(40),
            "src/lib/gates/__init__.py": code(30),
            "src/lib/report/__init__.py": code(30),
            "src/lib/report_html.py": code(10),
            "tests/test_lib.py": "from lib import core\n",
        },
    )
    assert run_cli("init").status == 0
    assert (here / "pyproject.toml").read_text() == HEADER + component_table("lib", ["src/lib"], ["tests"]) + (
        "\n" + record("src/lib")
    )


def test_init_finds_uv_workspace_members(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text(
        '[project]\nname = "mono"\n\n[tool.uv.workspace]\nmembers = ["packages/*", "tools/cli"]\n'
        'exclude = ["packages/legacy"]\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests", "packages/*/tests"]\n'
        'python_files = ["test_*.py", "check_*.py"]\n'
    )
    tree(
        here,
        {
            "src/mono/__init__.py": code(4),
            "packages/ai/pyproject.toml": '[project]\nname = "ai"\n',
            "packages/ai/src/tta_ai/__init__.py": code(4),
            "packages/ai/tests/check_ai.py": "from tta_ai import f1\n",
            "packages/web/pyproject.toml": '[project]\nname = "web"\n',
            "packages/web/web/__init__.py": code(4),
            "packages/web/tests/test_web.py": "import web\nimport tta_ai\n",
            "packages/legacy/pyproject.toml": '[project]\nname = "legacy"\n',
            "packages/legacy/src/legacy/__init__.py": "",
            "packages/notamember/src/x/__init__.py": "",
            "tools/cli/pyproject.toml": '[project]\nname = "cli"\n',
            "tools/cli/src/mono_cli.py": code(4),
            "tests/test_mono.py": "import mono\nimport mono_cli\n",
            "examples/demo/pyproject.toml": "",
            "examples/demo/tests/test_demo.py": "import demo\n",
        },
    )
    result = run_cli("init")
    assert result.status == 0, result.err
    assert result.out.splitlines()[:6] == [
        "wrote [tool.tta-maturity] to pyproject.toml: 4 components at experimental",
        "  component  level         tests  paths",
        "  mono       experimental      1  src/mono",
        "  tta_ai     experimental      2  packages/ai/src/tta_ai",
        "  web        experimental      1  packages/web/web",
        "  mono_cli   experimental      1  tools/cli/src/mono_cli.py",
    ]
    text = (here / "pyproject.toml").read_text()
    assert text.endswith(
        "\n".join(
            [
                component_table("mono", ["src/mono"], ["tests"]),
                component_table("tta_ai", ["packages/ai/src/tta_ai"], ["packages/ai/tests", "packages/web/tests"]),
                component_table("web", ["packages/web/web"], ["packages/web/tests"]),
                component_table("mono_cli", ["tools/cli/src/mono_cli.py"], ["tests"]),
                record("packages/ai/src/tta_ai", "packages/web/web", "src/mono", "tools/cli/src/mono_cli.py"),
            ]
        )
    )


def test_a_name_found_twice_is_told_apart_by_its_module(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/a"]\n')
    tree(
        here,
        {
            "src/app/__init__.py": "",
            "src/app/core/__init__.py": code(10),
            "src/app/ui/__init__.py": code(10),
            "packages/a/pyproject.toml": "",
            "packages/a/src/core/__init__.py": code(4),
        },
    )
    assert run_cli("init").status == 0
    assert [c.name for c in load(here / "pyproject.toml").components] == ["app-core", "ui", "core"]


def test_the_review_list_is_short_unless_all_is_asked(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("")
    tree(here, {"pkg/__init__.py": ""} | {f"tests/test_{i:02}.py": "import os\n" for i in range(14)})
    result = run_cli("init", "--dry-run")
    lines = result.out[result.out.index("would write") :].splitlines()
    orphan = (
        "imports none of the components; add it to a component's tests or mark its tests @pytest.mark.component(NAME)"
    )
    assert lines == [
        "would write [tool.tta-maturity] to pyproject.toml: 1 component at experimental",
        "  component  level         tests  paths",
        "  pkg        experimental      0  pkg",
        "to review (init could not decide these):",
        "  - pkg: no test file imports it (pkg); it stays without tests",
        *(f"  - tests/test_{i:02}.py: {orphan}" for i in range(10)),
        "  - ... and 4 more like these (init --all lists every one)",
    ]
    every = run_cli("init", "--all").out.splitlines()
    assert every[4:] == [
        "  - pkg: no test file imports it (pkg); it stays without tests",
        *(f"  - tests/test_{i:02}.py: {orphan}" for i in range(14)),
        "next: pytest --tta-maturity",
    ]


# ---------------------------------------------------------------- an existing table


def test_init_refuses_an_existing_table(run_cli: Run, here: Path) -> None:
    text = '[tool.tta-maturity.components.a]\nlevel = "staging"\npaths = ["a"]\n'
    (here / "pyproject.toml").write_text(text)
    make(here, "a/__init__.py")
    result = run_cli("init")
    assert (result.status, result.out) == (1, "")
    assert result.err == (
        "tta-maturity init: pyproject.toml already has [tool.tta-maturity]; pass --force to bring it up to date\n"
    )
    assert (here / "pyproject.toml").read_text() == text


FORCE_BEFORE = """\
[project]
name = "x"

# our components
[tool.tta-maturity.components.kept]  # the core
level = "staging"
paths = ["src/kept"]   # was one folder
coverage = 65
coverage_from = "own_tests"

# renamed by hand: same paths as what init finds as 'billing'
[tool.tta-maturity.components.payments]
level = "development"
paths = ["src/billing"]
tests = ["tests/old_billing"]

[tool.tta-maturity.components.gone]
level = "production"
paths = ["src/gone"]

# about the levels
[tool.tta-maturity.levels.staging]
coverage = 75

# ruff settings
[tool.ruff]
line-length = 99
"""


def test_init_force_keeps_levels_and_hand_written_keys(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text(FORCE_BEFORE.replace("coverage_from", "# coverage_from"))
    tree(
        here,
        {
            "src/kept/__init__.py": code(4),
            "src/kept_extra.py": code(4),
            "src/billing/__init__.py": code(4),
            "src/fresh/__init__.py": code(4),
            "tests/test_kept.py": "import kept\n",
        },
    )
    before = (here / "pyproject.toml").read_text()
    result = run_cli("init", "--force")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "updated [tool.tta-maturity] in pyproject.toml: 4 components\n"
        "  kept with their declared levels: kept (staging), payments (development)\n"
        "  new at experimental: fresh, kept_extra\n"
        "  removed (their paths are gone): gone\n"
        "  component   level         tests  paths\n"
        "  kept        staging           1  src/kept\n"
        "  payments    development       0  src/billing\n"
        "  fresh       experimental      0  src/fresh\n"
        "  kept_extra  experimental      0  src/kept_extra.py\n"
        "to review (init could not decide these):\n"
        "  - payments: no test file imports it (src/billing); it stays without tests\n"
        "  - fresh: no test file imports it (src/fresh); it stays without tests\n"
        "  - kept_extra: no test file imports it (src/kept_extra.py); it stays without tests\n"
        "next: pytest --tta-maturity\n"
    )
    assert (here / "pyproject.toml").read_text() == before.replace(
        "coverage = 65\n", 'coverage = 65\ntests = ["tests"]\n'
    ).replace('tests = ["tests/old_billing"]\n', "").replace(
        '[tool.tta-maturity.components.gone]\nlevel = "production"\npaths = ["src/gone"]\n\n',
        component_table("fresh", ["src/fresh"]) + "\n" + component_table("kept_extra", ["src/kept_extra.py"]) + "\n",
    ).replace(
        "coverage = 75\n\n",
        "coverage = 75\n\n" + record("src/billing", "src/fresh", "src/kept", "src/kept_extra.py") + "\n",
    )


def test_init_force_never_splits_a_declared_component(run_cli: Run, here: Path) -> None:
    text = (
        "[tool.tta-maturity.components.acme]\n"
        'level = "development"\n'
        'paths = ["src/acme"]\n'
        'tests = ["tests/unit/test_flow.py"]  # by hand\n'
        "coverage = 50\n"
    )
    (here / "pyproject.toml").write_text(text)
    tree(here, CONTAINER)
    result = run_cli("init", "--force")
    assert result.status == 0, result.err
    assert result.out.splitlines()[:4] == [
        "updated [tool.tta-maturity] in pyproject.toml: 1 component",
        "  kept with their declared levels: acme (development)",
        "  component  level        tests  paths",
        "  acme       development      1  src/acme",
    ]
    assert (here / "pyproject.toml").read_text() == text + "\n" + record(
        "src/acme/billing_component.py",
        "src/acme/carbon",
        "src/acme/carbon_api.py",
        "src/acme/carbon_component.py",
        "src/acme/helpers.py",
        "src/acme/narrative",
        "src/acme/narrative_component.py",
    )


def test_init_force_keeps_hand_edits_and_never_re_adds_a_removed_component(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("")
    tree(here, CONTAINER)
    assert run_cli("init").status == 0
    text = (here / "pyproject.toml").read_text()
    helpers = component_table("helpers", ["src/acme/helpers.py"]) + "\n"
    assert helpers in text
    carbon_tests = '["src/acme/tests", "tests/integration/test_everything.py", "tests/unit/test_carbon.py"]'
    curated = text.replace(helpers, "").replace(  # helpers removed, carbon's level and tests edited by hand
        f'level = "experimental"\npaths = ["src/acme/carbon", "src/acme/carbon_api.py", '
        f'"src/acme/carbon_component.py"]\ntests = {carbon_tests}\n',
        'level = "development"\npaths = ["src/acme/carbon", "src/acme/carbon_api.py", '
        '"src/acme/carbon_component.py"]\ntests = ["tests/unit/test_carbon.py"]  # the unit tests only\n',
    )
    assert curated != text
    (here / "pyproject.toml").write_text(curated)
    result = run_cli("init", "--force")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "updated [tool.tta-maturity] in pyproject.toml: 3 components\n"
        "  kept with their declared levels: billing (experimental), carbon (development), narrative (experimental)\n"
        "  component  level         tests  paths\n"
        "  billing    experimental      1  src/acme/billing_component.py\n"
        "  carbon     development       1  src/acme/carbon, src/acme/carbon_api.py, src/acme/carbon_component.py\n"
        "  narrative  experimental      2  src/acme/narrative, src/acme/narrative_component.py\n"
        "to review (init could not decide these):\n"
        "  - helpers: removed by hand, not proposed again (src/acme/helpers.py); delete its paths from "
        "[tool.tta-maturity.init] proposed to have init propose it\n"
        "  - tests/integration/test_smoke.py: imports none of the components; add it to a component's tests "
        "or mark its tests @pytest.mark.component(NAME)\n"
        "  - tests/unit/test_broken.py: cannot be read (line 1); its imports are unknown\n"
        "next: pytest --tta-maturity\n"
    )
    assert (here / "pyproject.toml").read_text() == curated  # nothing to change: the table is the user's word
    # new code is proposed; what was removed stays removed
    tree(here, {"src/acme/search_component.py": code(10)})
    again = run_cli("init", "--force")
    assert again.out.splitlines()[1:3] == [
        "  kept with their declared levels: billing (experimental), carbon (development), narrative (experimental)",
        "  new at experimental: search",
    ]
    assert [c.name for c in load(here / "pyproject.toml").components] == ["billing", "carbon", "narrative", "search"]
    assert '    "src/acme/search_component.py",\n' in (here / "pyproject.toml").read_text()


def test_init_force_keeps_a_hand_made_component(run_cli: Run, here: Path) -> None:
    text = '[tool.tta-maturity.components.core]\nlevel = "production"\npaths = ["src/lib/a.py", "src/lib/b.py"]\n'
    (here / "pyproject.toml").write_text(text)
    tree(here, {"src/lib/a.py": code(4), "src/lib/b.py": code(4), "src/other.py": code(4)})
    result = run_cli("init", "--force")
    assert result.status == 0, result.err
    assert result.out.splitlines()[:3] == [
        "updated [tool.tta-maturity] in pyproject.toml: 2 components",
        "  kept with their declared levels: core (production)",
        "  new at experimental: other",
    ]
    assert (here / "pyproject.toml").read_text() == text + "\n" + component_table("other", ["src/other.py"]) + (
        "\n" + record("src/lib", "src/other.py")
    )


def test_init_force_never_takes_away_what_was_declared(run_cli: Run, here: Path) -> None:
    text = (
        "[tool.tta-maturity.components.model]\n"
        'level = "development"\n'
        'paths = ["src/tta/model", "src/tta/registry.py"]  # one component, by hand\n'
        'tests = ["tests/model"]\n'
        "coverage = 65\n"
        "\n"
        "[tool.tta-maturity.gates.types]\n"
        "timeout = 300\n"
    )
    (here / "pyproject.toml").write_text(text)
    tree(
        here,
        {
            "src/tta/__init__.py": "",
            "src/tta/model/__init__.py": code(10),
            "src/tta/model_api.py": code(4),
            "src/tta/registry.py": code(6),
            "src/tta/carbon/__init__.py": code(10),
            "tests/model/test_registry.py": "from tta import registry\n",
            "tests/test_api.py": "from tta.model_api import f0\n",
            "tests/test_carbon.py": "from tta.carbon import f0\n",
        },
    )
    result = run_cli("init", "--force")
    assert result.status == 0, result.err
    assert (
        (here / "pyproject.toml").read_text()
        == (
            "[tool.tta-maturity.components.model]\n"
            'level = "development"\n'
            'paths = ["src/tta/model", "src/tta/registry.py", "src/tta/model_api.py"]  # one component, by hand\n'
            'tests = ["tests/model"]\n'  # written by hand: kept as written
            "coverage = 65\n"
            "\n" + component_table("carbon", ["src/tta/carbon"], ["tests/test_carbon.py"]) + "\n"
            "[tool.tta-maturity.gates.types]\n"
            "timeout = 300\n"
            "\n" + record("src/tta/carbon", "src/tta/model", "src/tta/model_api.py", "src/tta/registry.py")
        )
    )


def test_init_force_dry_run_prints_the_diff(run_cli: Run, here: Path) -> None:
    text = '[tool.tta-maturity.components.a]\nlevel = "staging"\npaths = ["a"]\n'
    (here / "pyproject.toml").write_text(text)
    tree(here, {"a/__init__.py": "", "tests/test_a.py": "import a\n"})
    result = run_cli("init", "--force", "--dry-run")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "--- a/pyproject.toml\n"
        "+++ b/pyproject.toml\n"
        "@@ -1,3 +1,7 @@\n"
        " [tool.tta-maturity.components.a]\n"
        ' level = "staging"\n'
        ' paths = ["a"]\n'
        '+tests = ["tests"]\n'
        "+\n"
        "+[tool.tta-maturity.init]\n"
        '+proposed = ["a"]\n'
        "would update [tool.tta-maturity] in pyproject.toml: 1 component\n"
        "  kept with their declared levels: a (staging)\n"
        "  component  level    tests  paths\n"
        "  a          staging      1  a\n"
    )
    assert (here / "pyproject.toml").read_text() == text


def test_init_force_cannot_edit_dotted_keys(run_cli: Run, here: Path) -> None:
    text = '[tool]\ntta-maturity.components.a.level = "staging"\ntta-maturity.components.a.paths = ["a"]\n'
    (here / "pyproject.toml").write_text(text)
    make(here, "a/__init__.py")
    result = run_cli("init", "--force")
    assert result.status == 2
    assert result.err == (
        "tta-maturity init: pyproject.toml: [tool.tta-maturity] is written as dotted keys or an inline table; "
        "edit it by hand and run init --force again\n"
    )
    assert (here / "pyproject.toml").read_text() == text


def test_init_keeps_crlf_and_a_missing_final_newline(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_bytes(b'[project]\r\nname = "x"')
    make(here, "pkg/__init__.py")
    assert run_cli("init").status == 0
    data = (here / "pyproject.toml").read_bytes()
    assert data.startswith(b'[project]\r\nname = "x"\r\n\r\n# Per-component')
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_init_dry_run(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("[project]\n")
    make(here, "pkg/__init__.py")
    result = run_cli("init", "--dry-run")
    assert result.status == 0
    assert result.out.startswith("--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1 +1,10 @@\n [project]\n+\n+# Per")
    assert result.out.endswith(
        "would write [tool.tta-maturity] to pyproject.toml: 1 component at experimental\n"
        "  component  level         tests  paths\n"
        "  pkg        experimental      0  pkg\n"
        "to review (init could not decide these):\n"
        "  - pkg: no test file imports it (pkg); it stays without tests\n"
    )
    assert (here / "pyproject.toml").read_text() == "[project]\n"


def test_init_nothing_found_and_bad_toml(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("[project]\n")
    result = run_cli("init")
    assert result.status == 1
    assert result.err == (
        "tta-maturity init: no package found in . (folders with __init__.py at the top or under src/, "
        "also in uv workspace members); add [tool.tta-maturity.components.NAME] by hand\n"
    )
    (here / "pyproject.toml").write_text("[project\n")
    bad = run_cli("init")
    assert bad.status == 2
    assert bad.err.startswith("tta-maturity init: pyproject.toml: is not valid TOML (")
    assert bad.err.count("\n") == 1


def test_init_with_project_option(run_cli: Run, tmp_path: Path) -> None:
    make(tmp_path, "proj/pkg/__init__.py")
    assert run_cli("init", "--project", str(tmp_path / "proj")).status == 0
    assert (tmp_path / "proj/pyproject.toml").is_file()
    missing = run_cli("init", "--project", str(tmp_path / "nope"))
    assert (missing.status, missing.err) == (2, f"tta-maturity init: --project {tmp_path / 'nope'}: no such folder\n")


# ---------------------------------------------------------------- the pyproject editor


TRICKY = '''\
# a comment [not.a.table]
title = "a [b] = c"  # ]
"quoted key" = 'it\\s'
multi = """
[tool.tta-maturity.components.fake]
level = "x" \\"""
"""
lit = \'\'\'
[also.fake]\'\'\'
arr = [
  1, # one
  [2, 3], "]",
  { a = 1 },
]
date = 1979-05-27 07:32:00Z
[tool.tta-maturity.components."a.b"]
level = 'staging'  # kept
inline = { x = { level = "deep" }, y = [1, 2] }
[[products]]
name = "n"
'''


def test_set_level_keeps_quotes_comments_and_everything_else(tmp_path: Path) -> None:
    tomllib.loads(TRICKY)  # the fixture itself is valid TOML
    after = pyproject_edit.set_level(TRICKY, tmp_path / "pyproject.toml", "a.b", "production")
    assert after == TRICKY.replace("level = 'staging'", "level = 'production'")


def test_set_level_refuses_what_it_cannot_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "pyproject.toml"
    multi = '[tool.tta-maturity.components.a]\nlevel = """staging"""\n'
    with pytest.raises(EditError) as info:
        pyproject_edit.set_level(multi, file, "a", "production")
    assert str(info.value) == (
        "pyproject.toml: cannot edit the level of 'a' (not a one-line string); "
        'edit level = "production" under [tool.tta-maturity.components.a] by hand'
    )


def test_checked_refuses_an_edit_that_changes_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "pyproject.toml"
    with pytest.raises(EditError) as info:
        pyproject_edit.checked("a = 2\n", {"a": 1}, file, "edit it by hand")
    assert str(info.value) == "pyproject.toml: the edit would change more than intended; edit it by hand"
    assert pyproject_edit.checked("a = 1\n", {"a": 1}, file, "x") == "a = 1\n"


def test_key_text() -> None:
    assert pyproject_edit.key_text("a-b_1") == "a-b_1"
    assert pyproject_edit.key_text('a "b"') == '"a \\"b\\""'


# ---------------------------------------------------------------- the example


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy-monorepo"


def test_init_gets_every_component_of_the_legacy_example_right(run_cli: Run, tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "legacy-monorepo"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__", "*.json"))
    before = (project / "pyproject.toml").read_text()
    assert "[tool.tta-maturity" not in before  # the example is the state before adoption
    result = run_cli("init", "--project", str(project))
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        f"wrote [tool.tta-maturity] to {project / 'pyproject.toml'}: 5 components at experimental\n"
        "  component   level         tests  paths\n"
        "  billing     experimental      1  src/components/billing_component.py\n"
        "  carbon      experimental      2  src/components/carbon, src/components/carbon_component.py\n"
        "  gameplay    experimental      2  src/components/gameplay, src/components/gameplay_component.py\n"
        "  moderation  experimental      0  src/components/moderation\n"
        "  narrator    experimental      2  packages/narrator/src/narrator\n"
        "to review (init could not decide these):\n"
        "  - moderation: no test file imports it (src/components/moderation); it stays without tests\n"
        "  - tests/test_smoke.py: imports none of the components; add it to a component's tests "
        "or mark its tests @pytest.mark.component(NAME)\n"
        "next: pytest --tta-maturity\n"
    )
    assert (project / "pyproject.toml").read_text() == before + "\n" + HEADER + "\n".join(
        [
            component_table("billing", ["src/components/billing_component.py"], ["tests/integration"]),
            component_table(
                "carbon",
                ["src/components/carbon", "src/components/carbon_component.py"],
                ["tests/integration", "tests/unit/test_carbon.py"],
            ),
            component_table(
                "gameplay",
                ["src/components/gameplay", "src/components/gameplay_component.py"],
                ["tests/integration", "tests/unit/test_gameplay.py"],
            ),
            component_table("moderation", ["src/components/moderation"]),
            component_table(
                "narrator", ["packages/narrator/src/narrator"], ["packages/narrator/tests", "tests/integration"]
            ),
            record(
                "packages/narrator/src/narrator",
                "src/components/billing_component.py",
                "src/components/carbon",
                "src/components/carbon_component.py",
                "src/components/gameplay",
                "src/components/gameplay_component.py",
                "src/components/moderation",
            ),
        ]
    )


# ---------------------------------------------------------------- import roots, splits, what is not a component


def test_one_file_reached_as_src_x_components_x_and_x_is_one_component(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text(
        '[tool.hatch.build.targets.wheel]\npackages = ["src"]\n\n'
        '[tool.pytest.ini_options]\npythonpath = [".", "src/components"]\n'
    )
    tree(
        here,
        {
            "src/__init__.py": "",
            "src/components/__init__.py": "",
            "src/components/carbon/__init__.py": code(10),
            "src/components/billing_component.py": code(10),
            "src/components/search_component.py": code(10),
            "tests/test_a.py": "from src.components.carbon import f0\n",
            "tests/test_b.py": "import components.billing_component\n",
            "tests/test_c.py": "from search_component import f1\n",
            "tests/test_d.py": "import src.components\n\n\ndef test():\n    src.components.carbon.f0()\n",
        },
    )
    result = run_cli("init")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "wrote [tool.tta-maturity] to pyproject.toml: 3 components at experimental\n"
        "  component  level         tests  paths\n"
        "  billing    experimental      1  src/components/billing_component.py\n"
        "  carbon     experimental      2  src/components/carbon\n"
        "  search     experimental      1  src/components/search_component.py\n"
        "next: pytest --tta-maturity\n"
    )


COUPLED = {
    "src/app/__init__.py": "",
    "src/app/tools.py": code(10) + "from .memory import f0 as g\n",
    "src/app/router.py": code(10) + "from src.app import tools\n",
    "src/app/memory/__init__.py": code(10) + "from ..router import f0 as h\n",
    "src/app/planner/__init__.py": code(10),
    "src/app/workflows/__init__.py": code(10) + "from app.planner import f0 as k\n",
    "src/__init__.py": "",
    "src/lib/__init__.py": "",
    "src/lib/alpha/__init__.py": code(10),
    "src/lib/alpha/deep/__init__.py": code(20),
    "src/lib/alpha/wide/__init__.py": code(20),
    "src/lib/beta/__init__.py": "",
    "src/lib/beta/core/__init__.py": code(10),
    "src/lib/beta/one_component.py": code(10),
    "src/lib/beta/two_component.py": code(10),
}


def test_a_package_whose_parts_import_each_other_stays_whole_and_depth_chooses_the_split(
    run_cli: Run, here: Path
) -> None:
    (here / "pyproject.toml").write_text("")
    tree(here, COUPLED)

    def table(*argv: str) -> list[tuple[str, list[str]]]:
        depth = int(argv[1]) if argv else None
        plan = init.plan(here / "pyproject.toml", force=False, depth=depth)
        (here / "planned.toml").write_text(plan.after)
        root = here.resolve()
        return [
            (c.name, [p.relative_to(root).as_posix() for p in c.paths]) for c in load(here / "planned.toml").components
        ]

    # app: 4 of its 5 parts and modules import another of them, so it is one component; lib is split
    # one level; beta holds *_component.py modules: a container of components, split below the depth too
    split_beta = [("core", ["src/lib/beta/core"]), ("one", ["src/lib/beta/one_component.py"])]
    split_beta.append(("two", ["src/lib/beta/two_component.py"]))
    assert table() == [("app", ["src/app"]), ("alpha", ["src/lib/alpha"]), *split_beta]
    assert table("--depth", "0") == [("app", ["src/app"]), ("lib", ["src/lib"])]
    assert table("--depth", "2") == [
        ("app", ["src/app"]),
        ("deep", ["src/lib/alpha/deep"]),
        ("wide", ["src/lib/alpha/wide"]),
        *split_beta,
    ]


def test_entry_scripts_test_helpers_and_omitted_folders_are_not_components(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text('[tool.coverage.run]\nomit = ["*/test_*.py", "*/fixtures/*"]\n')
    tree(
        here,
        {
            "src/__init__.py": "",
            "src/main.py": "from src.core import f0\n",
            "src/core/__init__.py": code(10),
            "src/core/test_inside.py": "from src.core import f0\n",
            "src/test_components/__init__.py": code(4),
            "src/fixtures/__init__.py": code(4),
            "src/fixtures/data.py": code(4),
            "tests/test_core.py": "from src.core import f0\nfrom src.test_components import f1\n",
        },
    )
    result = run_cli("init")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "wrote [tool.tta-maturity] to pyproject.toml: 1 component at experimental\n"
        "  component  level         tests  paths\n"
        "  core       experimental      2  src/core\n"
        "to review (init could not decide these):\n"
        "  - src/fixtures: left out by [tool.coverage.run] omit, not a component; declare it by hand if it is one\n"
        "  - src/main.py: an entry script, not a component; declare it by hand if it is one\n"
        "  - src/test_components: test helpers (named like a test file), not a component; "
        "declare it by hand if it is one\n"
        "next: pytest --tta-maturity\n"
    )
    assert 'tests = ["src/core/test_inside.py", "tests"]\n' in (here / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("argv", "pyproject", "message"),
    [
        pytest.param(
            ["--depth", "-1"],
            "",
            "tta-maturity init: init --depth -1: must be a whole number from 0 to 9 "
            "(0: no container is split, 1: the first level, the default)",
            id="depth-option",
        ),
        pytest.param(
            ["--depth", "two"],
            "",
            "tta-maturity init: argument --depth: invalid int value: 'two' (see 'tta-maturity init --help')",
            id="depth-not-a-number",
        ),
        pytest.param(
            ["--force"],
            '[tool.tta-maturity.components.pkg]\nlevel = "staging"\npaths = ["pkg"]\n\n'
            "[tool.tta-maturity.init]\ndepth = 12\n",
            "tta-maturity init: pyproject.toml: tool.tta-maturity.init.depth = 12: must be a whole number "
            "from 0 to 9; write e.g. depth = 1",
            id="depth-key",
        ),
        pytest.param(
            ["--force"],
            '[tool.tta-maturity.components.pkg]\nlevel = "staging"\npaths = ["pkg"]\n\n'
            "[tool.tta-maturity.init]\nproposed = [1]\n",
            "tta-maturity init: pyproject.toml: tool.tta-maturity.init.proposed = [1]: must be a list of strings; "
            'write it as ["src/components/carbon"]',
            id="proposed-key",
        ),
    ],
)
def test_bad_depth_and_init_keys_are_one_line(
    run_cli: Run, here: Path, argv: list[str], pyproject: str, message: str
) -> None:
    (here / "pyproject.toml").write_text(pyproject)
    make(here, "pkg/__init__.py")
    result = run_cli("init", *argv)
    assert (result.status, result.out, result.err) == (2, "", message + "\n")
    assert (here / "pyproject.toml").read_text() == pyproject


def test_the_depth_key_is_used_when_the_option_is_not_given(run_cli: Run, here: Path) -> None:
    text = '[tool.tta-maturity.components.app]\nlevel = "staging"\npaths = ["src/app"]\n\n[tool.tta-maturity.init]\ndepth = 0\n'
    (here / "pyproject.toml").write_text(text)
    tree(here, COUPLED)
    result = run_cli("init", "--force")
    assert result.status == 0, result.err
    assert [c.name for c in load(here / "pyproject.toml").components] == ["app", "lib"]


# ---------------------------------------------------------------- the nested example


NESTED = Path(__file__).resolve().parents[2] / "examples" / "nested-monorepo"


def test_init_on_the_nested_example_gives_the_table_a_team_keeps(run_cli: Run, tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "nested-monorepo"
    shutil.copytree(NESTED, project, ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__", "*.json"))
    before = (project / "pyproject.toml").read_text()
    assert "[tool.tta-maturity" not in before
    result = run_cli("init", "--project", str(project))
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        f"wrote [tool.tta-maturity] to {project / 'pyproject.toml'}: 10 components at experimental\n"
        "  component            level         tests  paths\n"
        "  agent_orchestration  experimental      3  src/agent_orchestration\n"
        "  analytics            experimental      1  src/analytics\n"
        "  billing              experimental      1  src/components/billing_component.py\n"
        "  carbon               experimental      1  src/components/carbon, src/components/carbon_component.py\n"
        "  model_management     experimental      2  src/components/model_management, "
        "src/components/model_management_component.py\n"
        "  moderation           experimental      0  src/components/moderation\n"
        "  arc                  experimental      1  src/components/narrative/arc_component.py\n"
        "  voice                experimental      1  src/components/narrative/voice_component.py\n"
        "  tta_ai               experimental      1  packages/tta_ai/src/tta_ai\n"
        "  tta_web              experimental      1  packages/tta_web/src/tta_web\n"
        "to review (init could not decide these):\n"
        "  - src/main.py: an entry script, not a component; declare it by hand if it is one\n"
        "  - src/test_components: test helpers (named like a test file), not a component; "
        "declare it by hand if it is one\n"
        "  - moderation: no test file imports it (src/components/moderation); it stays without tests\n"
        "  - tests/test_smoke.py: imports none of the components; add it to a component's tests "
        "or mark its tests @pytest.mark.component(NAME)\n"
        "next: pytest --tta-maturity\n"
    )
    root = project.resolve()
    components = load(project / "pyproject.toml").components
    tests = {c.name: sorted(t.relative_to(root).as_posix() for t in c.tests) for c in components}
    assert tests == {
        "agent_orchestration": ["src/agent_orchestration/test_e2e.py", "tests/integration", "tests/unit/test_tools.py"],
        "analytics": ["tests/unit/test_analytics.py"],
        "billing": ["tests/unit/test_billing.py"],  # imported as components.billing_component
        "carbon": ["tests/unit/test_carbon.py"],  # imported as src.components.carbon_component
        "model_management": ["tests/integration", "tests/unit/test_model_management.py"],
        "moderation": [],
        "arc": ["src/components/narrative/test_character_arc_integration.py"],  # a test inside src/
        "voice": ["tests/integration"],
        "tta_ai": ["packages/tta_ai/tests"],
        "tta_web": ["packages/tta_web/tests"],
    }
