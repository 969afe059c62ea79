"""The types every gate shares: what a gate is (:class:`GateSpec`) and what it produced.

A gate is a program run once over a set of files. A :class:`GateSpec` says how to
find the program, how to build its arguments from a :class:`GateContext`, and how
to turn its finished run (:class:`GateRun`) into findings. The built-in gates are
specs like any other; another plugin adds one through the
``pytest_tta_maturity_gates`` hook (see :mod:`pytest_tta_maturity.hookspecs`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .._util import PYTHON_SUFFIXES
from ..errors import GateError, relative_path
from ..model import Finding
from .config import GateConfig


class Cache(Protocol):
    """What gates need of a cache: pytest's ``config.cache`` satisfies it."""

    def get(self, key: str, default: Any) -> Any:
        """Return the JSON value stored at ``key``, or ``default``."""
        ...

    def set(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value at ``key``."""
        ...


@dataclass(frozen=True)
class GateContext:
    """Everything an argument builder may use to build the tool's command line.

    ``files`` are absolute, sorted, de-duplicated and already filtered to the
    spec's ``suffixes``; ``version`` is the tool's version when the spec asked for
    it before the run (``version_before_run``), else ``""``.
    """

    name: str
    root: Path
    files: tuple[Path, ...]
    python: str
    gate: GateConfig
    executable: str
    version: str = ""


@dataclass(frozen=True)
class GateRun:
    """A finished run of a gate's program, handed to the spec's ``parse``."""

    context: GateContext
    returncode: int
    stdout: str
    stderr: str

    def relative(self, filename: str) -> str:
        """``filename`` (absolute, or relative to the root) as a POSIX path relative to the root."""
        return relative_path(self.context.root, filename)


Arguments = Callable[[GateContext], Sequence[str]]
Parser = Callable[[GateRun], list[Finding]]
CacheInputs = Callable[[GateContext], Sequence[str]]


@dataclass(frozen=True)
class GateSpec:
    """How to run one gate: the program, its arguments and how to read its output.

    - ``program``: the executable's name (``"ruff"``), looked for next to the
      Python that runs pytest (its ``bin``/``Scripts`` folder) and then on
      ``PATH``; a path with a separator is taken relative to the project root.
    - ``arguments(context)``: the arguments after the program. Unless
      ``files_on_stdin`` is set, the builder places ``context.files`` itself.
    - ``parse(run)``: the findings, for a per-file gate; raise :class:`ValueError`
      (or :class:`~pytest_tta_maturity.errors.GateError`) when the output cannot be
      read: the gate then fails closed with an error. ``None`` makes a pass/fail
      gate (``findings`` is ``None``; exit status 0 passes, any other fails).
    - ``ok_returncodes``: the exit statuses of a normal run of a per-file gate
      (e.g. ``(0, 1)``: 1 meaning "found something"); any other is a crash.
    - ``version_arguments``: how to ask the program for its version (``None``:
      do not ask); ``version_before_run`` asks before building the arguments.
    - ``install_hint``: how to install the program, shown when it is missing.
    - ``config_files``: names of configuration files whose contents key the cache
      (looked for in the root and in every folder between a checked file and the
      root); ``cache_inputs(context)`` adds more strings to the key; ``cacheable``
      turns caching off (pass/fail gates are never cached). ``pyproject_tables``
      names what the tool reads of a ``pyproject.toml`` among them (dotted keys such as
      ``tool.ruff``): only those key the cache, so editing another table re-runs
      nothing; ``None`` keys on the whole file.
    - ``suffixes``: only files with these suffixes are given to the program
      (``()``: every file); with no file left, the gate passes without a run.
    - ``files_on_stdin``: write the files one per line to the program's standard
      input instead (for ``pyright -``).
    - ``env``: variables added to the environment; ``timeout``: seconds, used when
      ``[tool.tta-maturity.gates.NAME] timeout`` is not set.
    - ``preflight(context)``: a last check before the start; a non-empty string
      is the error (what is wrong and how to fix it) and nothing is run.
    """

    name: str
    program: str
    arguments: Arguments
    parse: Parser | None = None
    ok_returncodes: tuple[int, ...] = (0, 1)
    version_arguments: tuple[str, ...] | None = ("--version",)
    version_before_run: bool = False
    install_hint: str = ""
    config_files: tuple[str, ...] = ()
    pyproject_tables: tuple[str, ...] | None = None
    cache_inputs: CacheInputs | None = None
    cacheable: bool = True
    suffixes: tuple[str, ...] = PYTHON_SUFFIXES
    files_on_stdin: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: dict[str, str]())
    timeout: float | None = None
    preflight: Callable[[GateContext], str] | None = None

    @property
    def per_file(self) -> bool:
        """True when the gate reports findings per file (it has a parser)."""
        return self.parse is not None


def load_json(run: GateRun, what: str) -> Any:
    """The run's standard output as JSON, or :class:`GateError` naming ``what`` was expected."""
    text = run.stdout.strip()
    if not text:
        raise GateError(f"printed no {what}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GateError(f"printed output that is not {what} ({exc.msg} at line {exc.lineno})") from None
