"""Hooks by which other plugins extend pytest-tta-maturity.

The plugin registers these specs in ``pytest_addhooks``. A plugin (or a
``conftest.py`` at the root) adds quality gates by implementing
:func:`pytest_tta_maturity_gates`; a level requires such a gate when it is listed
in ``[tool.tta-maturity.levels.LEVEL] gates``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy
import pytest

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .gates import GateSpec

hookspec = pluggy.HookspecMarker("pytest")


@hookspec(historic=False)
def pytest_tta_maturity_gates(config: pytest.Config) -> Sequence[GateSpec] | None:
    """Return the gates this plugin adds (:class:`~pytest_tta_maturity.gates.GateSpec` objects), or None.

    Called once per session, on the controller, before the gates start. Each
    gate runs only when a declared level needs it, once over the files of the
    components at such levels; its findings are bucketed per component like the
    built-in gates'.
    """


def extra_gates(results: Iterable[object]) -> list[GateSpec]:
    """Flatten the hook's results (one list per implementation) into gate specs.

    Use as ``extra_gates(config.hook.pytest_tta_maturity_gates(config=config))``;
    anything that is not a :class:`GateSpec` raises :class:`TypeError` naming it.
    """
    from .gates import GateSpec  # here: a run with the plugin off registers these specs and imports nothing more

    specs: list[GateSpec] = []
    for result in results:
        if result is None:
            continue
        items = [result] if isinstance(result, GateSpec) else result
        if not isinstance(items, Iterable):
            raise TypeError(f"pytest_tta_maturity_gates returned {result!r}; return a list of GateSpec")
        for item in items:  # pyright: ignore[reportUnknownVariableType]
            if not isinstance(item, GateSpec):
                raise TypeError(f"pytest_tta_maturity_gates returned {item!r}; return a list of GateSpec")
            specs.append(item)
    return specs
