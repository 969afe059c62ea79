"""Generate a synthetic project for the benchmarks: N components, M Python files, real findings.

    python benchmarks/generate.py --components 200 --files 2000 --out benchmarks/_work/gen-200x2000

The project has a ``src/gen/cNNN`` package per component (its ``__init__.py`` counts as one of the
M files), a ``tests/cNNN`` folder per component whose tests import a share of that component's
modules (the others are never imported: 0 % covered), a pyproject.toml declaring every component
under ``[tool.tta-maturity.components]`` at a level that cycles through the ladder, and branch
coverage on. Some modules carry a real pyright error (a ``str`` returned as ``int``) and some a
real ruff finding (an unused import), so the gates have something to find. The output is
deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import textwrap
from pathlib import Path

LEVELS = ("experimental", "development", "staging", "production")

MODULE = '''\
"""Module {comp}.{mod}: generated for the pytest-tta-maturity benchmark."""

from __future__ import annotations
{extra_import}
RATE = {rate}


def scale(values: list[int], factor: int = RATE) -> list[int]:
    """Scale every value, folding negatives to positive first."""
    out: list[int] = []
    for value in values:
        if value < 0:
            out.append(-value * factor)
        else:
            out.append(value * factor)
    return out


def classify(number: int) -> str:
    """Name the kind of ``number``."""
    if number == 0:
        return "zero"
    if number % {modulo} == 0:
        return "round"
    if number % 2:
        return "odd"
    return "even"


class Accumulator:
    """Keeps a running total with an optional ceiling."""

    def __init__(self, ceiling: int | None = None) -> None:
        """Start at zero."""
        self.total = 0
        self.ceiling = ceiling

    def add(self, number: int) -> int:
        """Add ``number``; stop at the ceiling if there is one."""
        self.total += number
        if self.ceiling is not None and self.total > self.ceiling:
            self.total = self.ceiling
        return self.total

    def reset(self) -> None:
        """Back to zero."""
        self.total = 0


def summarise(values: list[int]) -> dict[str, int]:
    """Count the kinds of the values."""
    counts: dict[str, int] = {{}}
    for value in values:
        kind = classify(value)
        counts[kind] = counts.get(kind, 0) + 1
    return counts
{extra_code}'''

TYPE_ERROR = '''

def checksum(values: list[int]) -> int:
    """A deliberate type error: returns text where an int is declared."""
    return ",".join(str(v) for v in values)
'''

TEST = '''\
"""Tests of component {comp} (they import {tested} of its {modules} modules)."""

{imports}


def test_scale_and_classify():
{scale_lines}


def test_accumulator():
{acc_lines}
'''


def component_name(index: int) -> str:
    return f"c{index:03d}"


def split(total: int, parts: int) -> list[int]:
    """``total`` files over ``parts`` components, as evenly as possible (each at least 1)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def generate(out: Path, components: int, files: int, *, seed: int = 1, tested_share: float = 0.6) -> dict[str, int]:
    """Write the project into ``out`` (replacing it) and return what was generated."""
    if components < 1 or files < components:
        raise ValueError("need at least one component and at least one file per component")
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    src = out / "src" / "gen"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text('"""Generated benchmark package."""\n', encoding="utf-8")
    stats = {"components": components, "files": 0, "modules": 0, "imported": 0, "type_errors": 0, "lint_findings": 0}
    config: list[str] = []
    for index, count in enumerate(split(files, components)):
        comp = component_name(index)
        package = src / comp
        package.mkdir()
        (package / "__init__.py").write_text(f'"""Component {comp}."""\n', encoding="utf-8")
        stats["files"] += 1
        modules = [f"m{j:02d}" for j in range(count - 1)]
        for mod in modules:
            lint = rng.random() < 0.05
            typed = rng.random() < 0.03
            text = MODULE.format(
                comp=comp,
                mod=mod,
                rate=rng.randint(2, 9),
                modulo=rng.randint(3, 11),
                extra_import="import os  # unused: a lint finding\n" if lint else "",
                extra_code=TYPE_ERROR if typed else "",
            )
            (package / f"{mod}.py").write_text(text, encoding="utf-8")
            stats["files"] += 1
            stats["modules"] += 1
            stats["lint_findings"] += int(lint)
            stats["type_errors"] += int(typed)
        tested = modules[: round(len(modules) * tested_share)]
        stats["imported"] += len(tested)
        write_test(out / "tests" / comp, comp, tested, len(modules))
        level = LEVELS[index % len(LEVELS)]
        config.append(
            textwrap.dedent(
                f"""\
                [tool.tta-maturity.components.{comp}]
                level = "{level}"
                paths = ["src/gen/{comp}"]
                tests = ["tests/{comp}"]
                """
            )
        )
    (out / "pyproject.toml").write_text(PYPROJECT + "\n" + "\n".join(config), encoding="utf-8")
    return stats


def write_test(folder: Path, comp: str, tested: list[str], modules: int) -> None:
    folder.mkdir(parents=True)
    if tested:
        imports = "\n".join(f"from gen.{comp} import {mod}" for mod in tested)
        scale = "\n".join(
            f"    assert {mod}.scale([1, -2], 3) == [3, 6]\n    assert {mod}.classify(0) == 'zero'" for mod in tested
        )
        acc = "\n".join(f"    assert {mod}.Accumulator(5).add(9) == 5" for mod in tested)
    else:
        imports = f"import gen.{comp}"
        scale = f"    assert gen.{comp}.__doc__"
        acc = "    assert True"
    text = TEST.format(
        comp=comp, tested=len(tested), modules=modules, imports=imports, scale_lines=scale, acc_lines=acc
    )
    (folder / f"test_{comp}.py").write_text(text, encoding="utf-8")


PYPROJECT = """\
[project]
name = "gen-benchmark"
version = "0"
requires-python = ">=3.10"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]

[tool.coverage.run]
branch = true

[tool.ruff]
line-length = 120

[tool.pyright]
include = ["src"]
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic project for the benchmarks")
    parser.add_argument("--components", type=int, default=200)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tested-share", type=float, default=0.6, help="share of each component's modules imported")
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/_work/gen-NxM")
    args = parser.parse_args(argv)
    out: Path = args.out or Path(__file__).resolve().parent / "_work" / f"gen-{args.components}x{args.files}"
    stats = generate(out, args.components, args.files, seed=args.seed, tested_share=args.tested_share)
    summary = ", ".join(f"{key} {value}" for key, value in stats.items())
    print(f"generated {out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
