"""The options of one gate, as ``[tool.tta-maturity.gates.NAME]`` gives them.

Below :mod:`pytest_tta_maturity.config` (which builds them) and the gates (which read them),
so that neither imports the other to reach the type.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Seconds a gate may run when neither its table nor its spec says otherwise.
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class GateConfig:
    """Options of one gate: built-in (``tool``, ``args``) or custom (``command``)."""

    name: str
    tool: str = ""
    timeout: float = DEFAULT_TIMEOUT
    args: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    level: str | None = None

    @property
    def custom(self) -> bool:
        """Whether this is a custom (command) gate rather than a built-in one."""
        return bool(self.command)
