"""Find the packages of a project for ``tta-maturity init``: pure file-system reading, no import."""

from __future__ import annotations

from pathlib import Path

#: Folders that ``init`` never takes for packages.
SKIP_PACKAGES = frozenset(
    {
        *("tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks"),
        *("build", "dist", "site-packages", "node_modules", "venv", "env", "__pycache__", "scripts", "tools"),
    }
)


def _has_python(folder: Path) -> bool:
    return any(folder.rglob("*.py"))


def _skippable(name: str) -> bool:
    return name.startswith((".", "_")) or name in SKIP_PACKAGES or name.endswith(".egg-info")


def find_packages(root: Path) -> list[tuple[str, str]]:
    """``(component name, path)`` for each package (or module) at the top level or under ``src/``."""
    found: list[tuple[str, str]] = []
    src = root / "src"
    if src.is_dir():
        for entry in sorted(src.iterdir()):
            if _skippable(entry.name) or (entry / "pyvenv.cfg").exists():
                continue
            if entry.is_dir() and ((entry / "__init__.py").exists() or _has_python(entry)):
                found.append((entry.name, f"src/{entry.name}"))
            elif entry.is_file() and entry.suffix == ".py":
                found.append((entry.stem, f"src/{entry.name}"))
    for entry in sorted(root.iterdir()):
        if not entry.is_dir() or _skippable(entry.name) or entry.name == "src" or (entry / "pyvenv.cfg").exists():
            continue
        if (entry / "__init__.py").is_file():
            found.append((entry.name, entry.name))
    names = [name for name, _ in found]
    return [(n, p) for n, p in found if names.count(n) == 1] + [
        (p.replace("/", "-"), p) for n, p in found if names.count(n) > 1
    ]
