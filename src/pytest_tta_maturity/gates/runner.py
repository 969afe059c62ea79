"""Orchestration: start every gate when the session starts, collect them after the tests.

:func:`start_gates` resolves each gate's spec, asks :mod:`.cache` whether its inputs are
unchanged, and otherwise starts its tool through :mod:`.process`; it returns at once and
the tests run meanwhile. :meth:`RunningGates.collect` waits for each within its
time-out, kills one that overruns, and parses its output. Anything other than a normal
run is an error outcome with a one-line message (fail closed).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .._util import find_version
from ..config import MaturityConfig
from ..errors import GateError
from ..model import GateOutcome
from . import cache as gate_cache
from .config import DEFAULT_TIMEOUT
from .custom import custom_spec
from .process import Process, locate, one_line, spawn
from .registry import TOOL_GATES, builtin_spec
from .spec import Cache, GateContext, GateRun, GateSpec

VERSION_TIMEOUT = 60.0


def resolve_spec(name: str, config: MaturityConfig, extra: Sequence[GateSpec]) -> GateSpec:
    """The spec that runs gate ``name``: built-in, configured command, or added by a plugin.

    A configured ``command`` wins over a plugin's gate of the same name; plugins
    cannot replace the built-in gates.
    """
    if name in TOOL_GATES:
        return builtin_spec(name, config.gate(name).tool)
    gate = config.gates.get(name)
    if gate is not None and gate.command:
        return custom_spec(gate)
    added = [spec for spec in extra if spec.name == name]
    if len(added) > 1:
        raise GateError(f"{len(added)} plugins add a gate named '{name}'; uninstall or disable all but one")
    if added:
        return added[0]
    raise GateError(
        f"no tool runs this gate; define [tool.tta-maturity.gates.{name}] command = [...] "
        "or install the plugin that adds it"
    )


@dataclass
class _Gate:
    """One gate started by :func:`start_gates`, not yet collected."""

    spec: GateSpec
    context: GateContext
    timeout: float
    key_parts: list[str] | None
    fingerprint: str
    process: Process
    version: str = ""
    version_process: Process | None = None


@dataclass
class RunningGates:
    """The gates of one session: ``collect`` waits for them; ``cancel`` stops them."""

    outcomes: dict[str, GateOutcome]
    running: dict[str, _Gate] = field(default_factory=lambda: dict[str, _Gate]())
    cache: Cache | None = None
    versions: gate_cache.ToolVersions = field(default_factory=gate_cache.ToolVersions)
    order: list[str] = field(default_factory=lambda: list[str]())
    digests: gate_cache.Digests = field(default_factory=gate_cache.Digests)

    def collect(self) -> dict[str, GateOutcome]:
        """Wait for every gate (within its time-out) and return its outcome by gate name."""
        for name in list(self.running):
            gate = self.running.pop(name)
            self.outcomes[name] = self._finish(gate)
        self.versions.save(self.cache)
        return {name: self.outcomes[name] for name in self.order if name in self.outcomes}

    def cancel(self) -> None:
        """Stop every gate still running (e.g. when the session is interrupted); each becomes an error."""
        for name, gate in self.running.items():
            gate.process.cancel()
            if gate.version_process is not None:
                gate.version_process.cancel()
            self.outcomes[name] = GateOutcome(
                name, Path(gate.spec.program).name, error="stopped before it finished; run the session again"
            )
        self.running.clear()

    def _finish(self, gate: _Gate) -> GateOutcome:
        spec, name = gate.spec, gate.context.name
        finished = gate.process.wait(gate.timeout)
        version = gate.version or self._version(gate)
        tool = f"{Path(spec.program).name} {version}" if version else Path(spec.program).name
        if not finished:
            gate.process.output()
            return GateOutcome(
                name,
                tool,
                error=f"{tool} did not finish within {gate.timeout:g} s and was stopped; "
                f"raise [tool.tta-maturity.gates.{name}] timeout or find out why it hangs",
            )
        returncode = gate.process.returncode or 0
        stdout, stderr = gate.process.output()
        if returncode < 0:
            return GateOutcome(name, tool, error=f"{tool} was killed by signal {-returncode}; run it again")
        if spec.parse is None:
            return GateOutcome(name, tool, findings=None, passed=returncode == 0)
        if returncode not in spec.ok_returncodes:
            said = one_line(stderr) or one_line(stdout) or "no message"
            return GateOutcome(
                name,
                tool,
                error=f"{tool} failed with exit status {returncode} ({said}); "
                f"fix the problem it reports, or run {Path(spec.program).name} by hand to see it",
            )
        run = GateRun(gate.context, returncode, stdout, stderr)
        try:
            findings = spec.parse(run)
        except (GateError, ValueError, KeyError, TypeError, AttributeError) as exc:
            said = one_line(str(exc)) or type(exc).__name__
            extra = f"; it said: {one_line(stderr, 120)}" if stderr.strip() else ""
            return GateOutcome(
                name,
                tool,
                error=f"{tool} {said}{extra}; check that {Path(spec.program).name} runs by itself",
            )
        outcome = GateOutcome(name, tool, findings=findings, passed=not findings)
        if gate.key_parts is not None and version and self.cache is not None:
            gate_cache.store(self.cache, name, gate_cache.key([*gate.key_parts, version]), outcome)
        return outcome

    def _version(self, gate: _Gate) -> str:
        proc = gate.version_process
        if proc is None:
            return ""
        ok = proc.wait(VERSION_TIMEOUT)
        stdout, stderr = proc.output()
        if not ok or proc.returncode != 0:
            return ""
        version = find_version(stdout) or find_version(stderr)
        self.versions.remember(gate.fingerprint, version)
        return version


def _version_now(executable: str, spec: GateSpec, cwd: Path, env: Mapping[str, str]) -> str:
    if spec.version_arguments is None:
        return ""
    try:
        proc = spawn([executable, *spec.version_arguments], cwd=cwd, env=env, stdin=None)
    except OSError:
        return ""
    ok = proc.wait(VERSION_TIMEOUT)
    stdout, stderr = proc.output()
    return find_version(stdout) or find_version(stderr) if ok and proc.returncode == 0 else ""


def start_gates(
    config: MaturityConfig,
    files: Mapping[str, Sequence[Path]],
    *,
    python: str,
    cache: Cache | None = None,
    extra: Sequence[GateSpec] = (),
) -> RunningGates:
    """Start every gate in ``files`` (gate name -> the absolute files it checks) and return at once.

    Each gate's tool runs once, in ``config.root``, over all its files, beside
    the tests; ``python`` is the interpreter running pytest (tools are looked for
    beside it first, and type checkers resolve imports against it). With a
    ``cache`` (pytest's ``config.cache``), a gate whose inputs did not change is
    not run again. ``extra`` holds the gates other plugins add. The name
    ``tests`` is ignored (pytest itself is that gate). Nothing raises: a gate
    that cannot run becomes an outcome with ``error`` set.
    """
    session = RunningGates(outcomes={}, cache=cache, versions=gate_cache.ToolVersions.load(cache))
    session.order.extend(name for name in files if name != "tests")  # pytest itself is the tests gate
    # The type checker is the slowest tool by far: start it first.
    for name in sorted(session.order, key=lambda gate: gate != "types"):
        try:
            _start_one(session, config, name, files[name], python, extra)
        except GateError as exc:
            session.outcomes[name] = GateOutcome(name, error=str(exc))
    return session


def _start_one(
    session: RunningGates,
    config: MaturityConfig,
    name: str,
    gate_files: Sequence[Path],
    python: str,
    extra: Sequence[GateSpec],
) -> None:
    spec = resolve_spec(name, config, extra)
    root = config.root
    gate = config.gate(name)
    timeout = gate.timeout if name in config.gates else (spec.timeout or DEFAULT_TIMEOUT)
    selected = sorted({Path(f) for f in gate_files if not spec.suffixes or Path(f).suffix in spec.suffixes})
    program = Path(spec.program).name
    if spec.per_file and not selected:
        session.outcomes[name] = GateOutcome(name, program, findings=[], passed=True)
        return
    executable = locate(spec.program, python, root)
    if executable is None:
        hint = spec.install_hint or f"install {program}"
        raise GateError(f"{program} is not installed (looked beside {python} and on PATH); {hint}")
    env = {**os.environ, **spec.env}
    print_ = gate_cache.fingerprint(executable, spec.program)
    version = session.versions.get(print_)
    if spec.version_before_run and not version:
        version = _version_now(executable, spec, root, env)
        session.versions.remember(print_, version)
    context = GateContext(
        name=name,
        root=root,
        files=tuple(selected),
        python=python,
        gate=gate,
        executable=executable,
        version=version if spec.version_before_run else "",
    )
    if spec.preflight is not None:
        problem = spec.preflight(context)
        if problem:
            raise GateError(problem)
    try:
        argv = [executable, *spec.arguments(context)]
    except Exception as exc:  # noqa: BLE001 - a plugin's builder may fail in any way: fail closed
        raise GateError(f"could not build the command line ({one_line(str(exc)) or type(exc).__name__})") from None
    key_parts: list[str] | None = None
    if session.cache is not None and spec.cacheable and spec.per_file:
        key_parts = [
            name,
            print_,
            json.dumps([gate.tool, list(gate.args), list(gate.command)]),
            json.dumps(argv),
            *session.digests.config_files(spec, root, selected),
            session.digests.files(selected),
            *(spec.cache_inputs(context) if spec.cache_inputs is not None else ()),
        ]
        if version:
            hit = gate_cache.lookup(session.cache, name, gate_cache.key([*key_parts, version]))
            if hit is not None:
                session.outcomes[name] = hit
                return
    stdin: IO[bytes] | None = None
    if spec.files_on_stdin:
        stdin = tempfile.TemporaryFile()  # noqa: SIM115 - closed by spawn once the process has it
        stdin.write("".join(f"{f}\n" for f in selected).encode("utf-8", "surrogateescape"))
        stdin.seek(0)
    try:
        process = spawn(argv, cwd=root, env=env, stdin=stdin)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise GateError(f"{program} could not be started ({reason}); reinstall it or fix {executable}") from None
    version_process = None
    if not version and spec.version_arguments is not None:
        try:
            version_process = spawn([executable, *spec.version_arguments], cwd=root, env=env, stdin=None)
        except OSError:
            version_process = None
    session.running[name] = _Gate(
        spec=spec,
        context=context,
        timeout=timeout,
        key_parts=key_parts,
        fingerprint=print_,
        process=process,
        version=version,
        version_process=version_process,
    )
