"""Whether the plugin is on, and which pyproject.toml it reads: shared by the entry point and the plugin.

Imported by :mod:`.entry` before coverage starts, so it imports nothing of the package; the
plugin imports it too, rather than the entry point (which imports the plugin).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

#: The values of ``--tta-maturity-gates`` and the ``tta_maturity_gates`` ini key.
GATES_MODES = ("all", "declared")


def enabled(config: pytest.Config, namespace: Any) -> bool:
    """Whether ``--tta-maturity`` or the ``tta_maturity`` ini key turned the plugin on."""
    return bool(getattr(namespace, "tta_maturity", False)) or bool(config.getini("tta_maturity"))


def pyproject_path(config: pytest.Config) -> Path:
    """The pyproject.toml holding ``[tool.tta-maturity]``: pytest's own if it is one, else the rootdir's.

    Failing both, the nearest one at or above the invocation folder: the walk of
    :func:`.config.find_pyproject`, written again here only because this module is imported
    before coverage starts and so imports nothing of the package (the plugin's own code
    would run unmeasured).
    """
    inipath = config.inipath
    if inipath is not None and inipath.name == "pyproject.toml":
        return inipath
    candidate = config.rootpath / "pyproject.toml"
    if candidate.is_file():
        return candidate
    for folder in (config.invocation_params.dir, *config.invocation_params.dir.parents):
        if (folder / "pyproject.toml").is_file():
            return folder / "pyproject.toml"
    return candidate
