"""Shared fixtures: small real projects driven through pytester in subprocess mode."""

from __future__ import annotations

import importlib.util
import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

# The sessions and tools this suite starts cache their bytecode, as on a developer's machine, even where
# the environment says not to (PYTHONDONTWRITEBYTECODE, set in many CI containers): each of the hundreds
# of pytest sessions would otherwise compile the plugin again (pytest rewrites a plugin's modules, about
# 0.2 s for its 60) and its analysis worker too. tests/e2e/test_core.py and test_partial_runs.py with
# -n 2 from a fresh checkout: 22.8 s -> 18.5 s.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

needs_xdist = pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="pytest-xdist is not installed")

CART = '''\
"""A shopping cart."""


def total(prices, discount=0):
    """Sum the prices and apply a discount."""
    amount = sum(prices)
    if discount:
        amount -= amount * discount / 100
    return round(amount, 2)


def describe(prices):
    """Describe the cart."""
    if not prices:
        return "empty"
    if len(prices) == 1:
        return "one item"
    return f"{len(prices)} items"
'''

PRICING = '''\
"""Price rules."""

RATE = 20


def with_tax(price):
    """Add VAT."""
    return price * (100 + RATE) / 100


def clamp(price, low, high):
    """Keep a price in range."""
    if price < low:
        return low
    if price > high:
        return high
    return price
'''

UNUSED = '''\
"""Nothing imports this module."""


def orphan(x):
    """Never called."""
    if x:
        return 1
    return 2
'''

TEST_CART = """\
from shop.cart import describe, total


def test_total():
    assert total([1, 2, 3]) == 6


def test_describe():
    assert describe([]) == "empty"
    assert describe([1, 2]) == "2 items"
"""

TEST_PRICING = """\
import pytest

from shop.pricing import with_tax


@pytest.mark.component("pricing")
def test_with_tax():
    assert with_tax(100) == 120
"""

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.coverage.run]
branch = true

[tool.coverage.report]
precision = 2

[tool.tta-maturity.components.cart]
level = "development"
paths = ["src/shop/cart.py"]
tests = ["tests/test_cart.py"]

[tool.tta-maturity.components.pricing]
level = "experimental"
paths = ["src/shop/pricing.py", "src/shop/unused.py"]
"""


#: ``-p no:NAME`` for the plugins installed for this suite's own tests that the projects under test never use:
#: hypothesis's imports all of hypothesis at the end of every session (half a second, more than a small
#: project's whole run). pytester clears ``PYTEST_ADDOPTS``, so each run passes these itself.
LEAN = ("-p", "no:hypothesispytest")


def run_pytest(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """``pytest ARGS`` in a subprocess in ``pytester``'s folder, without the plugins the project does not use."""
    return pytester.runpytest_subprocess(*LEAN, *args)


class ProjectFolder:
    """A project folder that tests write files into (the base of every test project here)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, rel: str, text: str) -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path


class Project(ProjectFolder):
    """A small real project in a pytester directory, run through pytest in a subprocess."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        super().__init__(pytester.path)
        self.pytester = pytester

    def run(self, *args: str) -> pytest.RunResult:
        return run_pytest(self.pytester, *args)

    def report(self, name: str = "report.json") -> dict[str, Any]:
        return json.loads((self.path / name).read_text())

    def component(self, name: str, report: str = "report.json") -> dict[str, Any]:
        return next(c for c in self.report(report)["components"] if c["name"] == name)


@pytest.fixture
def project(pytester: pytest.Pytester) -> Project:
    proj = Project(pytester)
    proj.write("src/shop/__init__.py", "")
    proj.write("src/shop/cart.py", CART)
    proj.write("src/shop/pricing.py", PRICING)
    proj.write("src/shop/unused.py", UNUSED)
    proj.write("tests/test_cart.py", TEST_CART)
    proj.write("tests/test_pricing.py", TEST_PRICING)
    proj.write("pyproject.toml", PYPROJECT)
    return proj


#: Test folders whose every test starts real pytest sessions or real tools.
SLOW_FOLDERS = ("e2e",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that starts a pytest session in a subprocess or a real tool.

    Those are the tests under ``tests/e2e/``, every test that uses ``pytester`` (directly or
    through a fixture such as ``project``), and the tests marked ``slow`` by hand (real tools).
    ``pytest -m "not slow"`` (``python3 tasks.py test --fast``) runs the rest in seconds.
    """
    tests = Path(__file__).parent
    for item in items:
        folder = item.path.relative_to(tests).parts[0] if item.path.is_relative_to(tests) else ""
        if folder in SLOW_FOLDERS or "pytester" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
