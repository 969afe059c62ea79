"""The verdict project: five small components whose levels differ by one requirement each.

Every component's code is fully covered by its own test file except
``epsilon``'s (40 %), and ruff finds nothing in it except in ``beta`` (an
unused import). The ladder's tool gates
are ruff only (``format`` at staging, nothing added at production), so that a
run with every gate stays fast, and two custom gates run ``gate.py``: ``ok``
(development, exits 0) and ``failing`` (staging, exits 1). Each custom gate
leaves a file ``NAME-ran`` when it starts: evidence, at the level of processes,
of which gates ran.

| component | declared     | what stands out                    |
|-----------|--------------|------------------------------------|
| alpha     | staging      | clean: only ``failing`` blocks it  |
| beta      | development  | one lint finding                   |
| gamma     | development  | clean                              |
| delta     | experimental | clean: holds more than it declares |
| epsilon   | development  | 40 % covered (line and branch)     |
"""

from __future__ import annotations

import pytest

from tests.conftest import Project

MODULE = '''\
"""{title}."""
{imports}

def {name}(x):
    """Add one."""
    return x + 1
'''

EPSILON = '''\
"""Epsilon."""


def epsilon(x):
    """Add one to a positive number."""
    if x > 0:
        return x + 1
    if x < 0:
        raise ValueError(x)
    return 1
'''

TEST = """\
from app.{name} import {name}


def test_{name}():
    assert {name}(1) == 2
"""

GATE_SCRIPT = """\
import pathlib
import sys

name = sys.argv[1]
pathlib.Path(name + "-ran").write_text("")
sys.exit(1 if name == "failing" else 0)
"""

LEVELS = {
    "alpha": "staging",
    "beta": "development",
    "gamma": "development",
    "delta": "experimental",
    "epsilon": "development",
}

HEAD = """\
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.coverage.run]
branch = true

[tool.coverage.report]
precision = 2

[tool.tta-maturity.levels.staging]
gates = ["format"]

[tool.tta-maturity.levels.production]
gates = []
"""

#: The custom gates of the verdict project, one at development and one at staging.
CUSTOM_GATES = """
[tool.tta-maturity.gates.ok]
command = ["python", "gate.py", "ok"]
level = "development"

[tool.tta-maturity.gates.failing]
command = ["python", "gate.py", "failing"]
level = "staging"
"""


def component_toml(name: str, level: str, *, coverage: int | None = None, tests: bool = True) -> str:
    """Component ``name``: the module ``src/app/NAME.py``, tested by ``tests/test_NAME.py``."""
    lines = [f"[tool.tta-maturity.components.{name}]", f'level = "{level}"', f'paths = ["src/app/{name}.py"]']
    if tests:
        lines.append(f'tests = ["tests/test_{name}.py"]')
    if coverage is not None:
        lines.append(f"coverage = {coverage}")
    return "\n" + "\n".join(lines) + "\n"


def components_toml(levels: dict[str, str]) -> str:
    return "".join(component_toml(name, level) for name, level in levels.items())


class VerdictProject(Project):
    """The verdict project; ``configure`` rewrites its pyproject.toml."""

    def configure(self, gates: str = CUSTOM_GATES, levels: dict[str, str] | None = None, extra: str = "") -> None:
        self.write("pyproject.toml", HEAD + gates + extra + components_toml(levels or LEVELS))

    def ran(self) -> list[str]:
        """The custom gates that started (their marker files), sorted."""
        return sorted(p.name.removesuffix("-ran") for p in self.path.glob("*-ran"))

    def clear_markers(self) -> None:
        for marker in self.path.glob("*-ran"):
            marker.unlink()


@pytest.fixture
def verdict_project(pytester: pytest.Pytester) -> VerdictProject:
    proj = VerdictProject(pytester)
    proj.write("src/app/__init__.py", "")
    for name in LEVELS:
        imports = "\nimport os\n" if name == "beta" else ""
        module = EPSILON if name == "epsilon" else MODULE.format(title=name.title(), imports=imports, name=name)
        proj.write(f"src/app/{name}.py", module)
        proj.write(f"tests/test_{name}.py", TEST.format(name=name))
    proj.write("gate.py", GATE_SCRIPT)
    proj.configure()
    return proj
