"""The built-in gates in one table: each gate's name, the tools that can run it, and how to build its spec.

:mod:`.ladder` and :mod:`.config` read the names and tools; the :mod:`.gates` package builds
the :class:`~pytest_tta_maturity.gates.spec.GateSpec` of the configured tool. A new built-in
gate, or a new tool for one, is one row here plus its spec function under ``gates/``. The
spec functions import their module when called, so reading the table imports nothing heavy
(and the configuration never imports the gate runner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gates.spec import GateSpec


def _lint() -> GateSpec:
    from .gates.ruff import lint_spec

    return lint_spec()


def _format() -> GateSpec:
    from .gates.ruff import format_spec

    return format_spec()


def _security() -> GateSpec:
    from .gates.ruff import security_spec

    return security_spec()


def _docs() -> GateSpec:
    from .gates.ruff import docs_spec

    return docs_spec()


def _bandit() -> GateSpec:
    from .gates.bandit import bandit_spec

    return bandit_spec()


def _pyright() -> GateSpec:
    from .gates.typecheck import pyright_spec

    return pyright_spec("pyright")


def _basedpyright() -> GateSpec:
    from .gates.typecheck import pyright_spec

    return pyright_spec("basedpyright")


def _mypy() -> GateSpec:
    from .gates.typecheck import mypy_spec

    return mypy_spec()


@dataclass(frozen=True)
class BuiltinGate:
    """One built-in gate: its name and its tools, each with the function that builds its spec.

    The first tool is the default. The ``tests`` gate is pytest itself: its tool has no spec.
    """

    name: str
    tools: tuple[tuple[str, Callable[[], GateSpec] | None], ...]

    @property
    def tool_names(self) -> tuple[str, ...]:
        """The tools ``[tool.tta-maturity.gates.NAME] tool`` may name, the default first."""
        return tuple(tool for tool, _ in self.tools)

    @property
    def default_tool(self) -> str:
        """The tool used when none is configured."""
        return self.tools[0][0]

    def spec(self, tool: str = "") -> GateSpec:
        """The spec that runs this gate with ``tool`` (the default when empty)."""
        wanted = tool or self.default_tool
        for name, build in self.tools:
            if name == wanted and build is not None:
                return build()
        raise KeyError(f"{self.name} gate with tool {wanted!r}")


#: Every built-in gate, in the order the ladder adds them.
BUILTIN: tuple[BuiltinGate, ...] = (
    BuiltinGate("tests", (("pytest", None),)),
    BuiltinGate("lint", (("ruff", _lint),)),
    BuiltinGate("format", (("ruff", _format),)),
    BuiltinGate("types", (("pyright", _pyright), ("basedpyright", _basedpyright), ("mypy", _mypy))),
    BuiltinGate("security", (("ruff", _security), ("bandit", _bandit))),
    BuiltinGate("docs", (("ruff", _docs),)),
)

BY_NAME: dict[str, BuiltinGate] = {gate.name: gate for gate in BUILTIN}

#: Every built-in gate's name.
BUILTIN_GATES: tuple[str, ...] = tuple(BY_NAME)
#: Gates run by an external tool (the ``tests`` gate is pytest itself).
TOOL_GATES: tuple[str, ...] = tuple(gate.name for gate in BUILTIN if gate.tools[0][1] is not None)


def builtin_spec(name: str, tool: str = "") -> GateSpec:
    """The spec of built-in gate ``name`` run by ``tool`` (its default tool when empty)."""
    return BY_NAME[name].spec(tool)
