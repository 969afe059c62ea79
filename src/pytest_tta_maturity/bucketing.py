"""Map files to components by their longest matching path prefix.

Each lookup walks up the file's parent folders once and probes a dict, so
bucketing ``n`` files costs ``O(n * depth)``: linear in the number of files,
whatever the number of components.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ._util import is_python_file, walk_files
from .config import ComponentConfig


class Bucketer:
    """Answers "which component owns this path?" for a set of owned roots."""

    def __init__(self, owners: Iterable[tuple[Path, str]]) -> None:
        """Build from ``(path, owner name)`` pairs; paths are absolute and resolved.

        Several owners may share a path (tests folders can be shared); ``owner``
        gives the first, ``owners`` all of them.
        """
        self._owner: dict[str, list[str]] = {}
        for path, name in owners:
            names = self._owner.setdefault(os.fspath(path), [])
            if name not in names:
                names.append(name)

    @classmethod
    def for_sources(cls, components: Sequence[ComponentConfig]) -> Bucketer:
        """Bucket by the components' ``paths``."""
        return cls((path, comp.name) for comp in components for path in comp.paths)

    @classmethod
    def for_tests(cls, components: Sequence[ComponentConfig]) -> Bucketer:
        """Bucket by the components' ``tests``."""
        return cls((path, comp.name) for comp in components for path in comp.tests)

    def __bool__(self) -> bool:
        """Whether any path is owned at all."""
        return bool(self._owner)

    def owner(self, path: str | os.PathLike[str]) -> str | None:
        """The component owning ``path`` (absolute), or ``None``."""
        found = self.owners(path)
        return found[0] if found else None

    def owners(self, path: str | os.PathLike[str]) -> list[str]:
        """Every component owning ``path`` (absolute) at its longest matching prefix."""
        current = os.fspath(path)
        owner = self._owner
        while True:
            found = owner.get(current)
            if found is not None:
                return found
            parent = os.path.dirname(current)
            if parent == current:
                return []
            current = parent


def python_files(roots: Iterable[Path]) -> Iterator[Path]:
    """Every Python source file at or below ``roots`` (a root may be a file), stubs included."""
    return (Path(found) for found in walk_files(roots, is_python_file))


def component_files(components: Sequence[ComponentConfig]) -> dict[str, list[Path]]:
    """Each component's Python files; a file goes to the component deepest in the tree."""
    bucketer = Bucketer.for_sources(components)
    result: dict[str, list[Path]] = {comp.name: [] for comp in components}
    seen: set[Path] = set()
    for path in python_files(p for comp in components for p in comp.paths):
        if path in seen:
            continue
        seen.add(path)
        name = bucketer.owner(path)
        if name is not None:
            result[name].append(path)
    return result
