"""Custom gates: ``[tool.tta-maturity.gates.NAME] command = [...]``.

The command runs once, in the project root; exit status 0 passes, any other
fails. It reports no findings per file and is never cached (what it reads is
unknown).
"""

from __future__ import annotations

from collections.abc import Sequence

from .config import GateConfig
from .spec import GateContext, GateSpec


def custom_spec(gate: GateConfig) -> GateSpec:
    """A pass/fail gate running ``gate.command``."""
    command = gate.command

    def arguments(context: GateContext) -> Sequence[str]:
        del context
        return list(command[1:])

    return GateSpec(
        name=gate.name,
        program=command[0],
        arguments=arguments,
        parse=None,
        version_arguments=None,
        install_hint=f"install {command[0]} or fix [tool.tta-maturity.gates.{gate.name}] command",
        cacheable=False,
        suffixes=(),
    )
