"""The built-in gates in one table: each gate's name, the tools that can run it, and how to build its spec.

:mod:`pytest_tta_maturity.ladder` and :mod:`pytest_tta_maturity.config` read the names and tools; the runner builds
the :class:`~pytest_tta_maturity.gates.spec.GateSpec` of the configured tool. A new built-in
gate, or a new tool for one, is one row here plus its spec function under ``gates/``. The
tool modules import only :mod:`.spec` and the standard library, so reading the table is cheap
(and the configuration never imports the gate runner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .bandit import bandit_spec
from .ruff import docs_spec, format_spec, lint_spec, security_spec
from .spec import GateSpec
from .typecheck import mypy_spec, pyright_spec


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
    BuiltinGate("lint", (("ruff", lint_spec),)),
    BuiltinGate("format", (("ruff", format_spec),)),
    BuiltinGate(
        "types",
        (
            ("pyright", partial(pyright_spec, "pyright")),
            ("basedpyright", partial(pyright_spec, "basedpyright")),
            ("mypy", mypy_spec),
        ),
    ),
    BuiltinGate("security", (("ruff", security_spec), ("bandit", bandit_spec))),
    BuiltinGate("docs", (("ruff", docs_spec),)),
)

BY_NAME: dict[str, BuiltinGate] = {gate.name: gate for gate in BUILTIN}

#: Every built-in gate's name.
BUILTIN_GATES: tuple[str, ...] = tuple(BY_NAME)
#: Gates run by an external tool (the ``tests`` gate is pytest itself).
TOOL_GATES: tuple[str, ...] = tuple(gate.name for gate in BUILTIN if gate.tools[0][1] is not None)


def builtin_spec(name: str, tool: str = "") -> GateSpec:
    """The spec of built-in gate ``name`` run by ``tool`` (its default tool when empty)."""
    return BY_NAME[name].spec(tool)
