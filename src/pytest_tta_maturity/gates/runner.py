"""Start gate processes at once, collect them later, and cache what they found.

:func:`start` launches one process per gate (``subprocess.Popen``, output to
temporary files, each in its own process group) and returns; the tests run
meanwhile. :meth:`RunningGates.collect` waits for each within its time-out, kills
the process group of one that overruns, and parses. Anything other than a normal
run is an error outcome with a one-line message (fail closed).

Cache: a gate's outcome is stored under ``tta-maturity/gates/<name>`` with a key
over the gate, the tool's path and version, the command line, the contents of the
tool's configuration files and of every checked file (plus what
``GateSpec.cache_inputs`` adds). Tool versions are cached by the executable's
real path, size and modification time, so a warm run starts no process at all.
Errors are never cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from ..config import DEFAULT_TIMEOUT, GateConfig, MaturityConfig
from ..errors import GateError
from ..ladder import TOOL_GATES
from ..model import Finding
from .bandit import bandit_spec
from .custom import custom_spec
from .ruff import docs_spec, format_spec, lint_spec, security_spec
from .spec import Cache, GateContext, GateOutcome, GateRun, GateSpec
from .typecheck import mypy_spec, pyright_spec

CACHE_PREFIX = "tta-maturity/gates/"
VERSIONS_KEY = "tta-maturity/tool-versions"
CACHE_FORMAT = 1
VERSION_TIMEOUT = 60.0
_WINDOWS = sys.platform == "win32"
_VERSION = re.compile(r"\d+(?:\.\d+)+\S*")


def builtin_spec(name: str, tool: str) -> GateSpec:
    """The spec of a built-in gate with the configured ``tool``."""
    if name == "types":
        if tool == "mypy":
            return mypy_spec()
        return pyright_spec(tool or "pyright")
    if name == "security" and tool == "bandit":
        return bandit_spec()
    return {"lint": lint_spec, "format": format_spec, "security": security_spec, "docs": docs_spec}[name]()


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


def locate(program: str, python: str, root: Path) -> str | None:
    """The executable for ``program``: beside ``python`` first (its venv), then on ``PATH``.

    A ``program`` with a path separator is a path, relative to ``root`` unless absolute.
    """
    if "/" in program or os.sep in program or (os.altsep and os.altsep in program):
        path = Path(program)
        path = path if path.is_absolute() else root / path
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    folder = Path(python).parent  # not resolved: a venv's python is often a symlink
    folders = [folder, folder / "Scripts"] if _WINDOWS else [folder]
    names = [program, *(program + ext for ext in (".exe", ".cmd", ".bat"))] if _WINDOWS else [program]
    for place in folders:
        for name in names:
            candidate = place / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which(program)


def fingerprint(executable: str, program: str) -> str:
    """What identifies an installed tool cheaply: real path, size, mtime and its env variables."""
    real = os.path.realpath(executable)
    try:
        info = os.stat(real)
    except OSError:
        return ""
    prefix = re.sub(r"\W", "_", Path(program).name.upper()) + "_"
    env = sorted(f"{k}={v}" for k, v in os.environ.items() if k.upper().startswith(prefix))
    return json.dumps([real, info.st_size, info.st_mtime_ns, env])


def parse_version(text: str) -> str:
    """The first version number in a tool's ``--version`` output, or ``""``."""
    match = _VERSION.search(text)
    return match.group(0) if match else ""


def one_line(text: str, limit: int = 240) -> str:
    """The first few non-blank lines of ``text`` joined into one line, at most ``limit`` characters."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    joined = " ".join(lines[:3])
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def _config_files(spec: GateSpec, root: Path, files: Sequence[Path], digests: dict[Path, str]) -> list[str]:
    """The gate's configuration files (root and every folder between a checked file and it), with digests."""
    if not spec.config_files:
        return []
    folders = {root}
    for start in {file.parent for file in files}:
        folder = start
        while folder not in folders and root in folder.parents:
            folders.add(folder)
            folder = folder.parent
    parts: list[str] = []
    for folder in sorted(folders):
        for name in spec.config_files:
            path = folder / name
            if path.is_file():
                parts.append(f"{path} {_digest_file(path, digests)}")
    return parts


def _digest_file(path: Path, digests: dict[Path, str]) -> str:
    """The file's SHA-256, computed once per session (several gates check the same files)."""
    known = digests.get(path)
    if known is not None:
        return known
    digests[path] = _sha256(path)
    return digests[path]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def _files_digest(files: Sequence[Path], digests: dict[Path, str]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_digest_file(file, digests).encode() + b"\0")
    return digest.hexdigest()


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and everything it started (its process group)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(OSError):
        if _WINDOWS:
            # Fixed argument list naming a process this module started; taskkill ships with Windows.
            subprocess.run(  # noqa: S603, RUF100
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],  # noqa: S607, RUF100
                capture_output=True,
                check=False,
            )
        else:
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()


def _spawn(argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdin: IO[bytes] | None) -> _Process:
    # Closed by _Process.output() or _Process.cancel(), after the process ends.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    err = tempfile.TemporaryFile()  # noqa: SIM115
    flags: int = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if _WINDOWS else 0
    try:
        # The gate's own tool (found beside the interpreter or on PATH, or the project's configured
        # command) with an argument list and no shell: running it is what the gate is for.
        process = subprocess.Popen(  # noqa: S603, RUF100
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=not _WINDOWS,
            creationflags=flags,
        )
    except BaseException:
        out.close()
        err.close()
        raise
    finally:
        if stdin is not None:
            stdin.close()
    return _Process(process, out, err, time.monotonic())


@dataclass
class _Process:
    process: subprocess.Popen[bytes]
    out: IO[bytes]
    err: IO[bytes]
    started: float

    def wait(self, timeout: float) -> bool:
        """Wait until ``timeout`` seconds after the start; kill and return False when it overruns."""
        remaining = max(self.started + timeout - time.monotonic(), 0.0)
        try:
            self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            _kill(self.process)
            return False
        return True

    def output(self) -> tuple[str, str]:
        """Standard output and error, decoded; the temporary files are closed."""
        texts: list[str] = []
        for handle in (self.out, self.err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
            handle.close()
        return texts[0], texts[1]

    def cancel(self) -> None:
        """Kill the process group and drop the output."""
        _kill(self.process)
        self.out.close()
        self.err.close()


@dataclass
class _Gate:
    """One gate started by :func:`start`, not yet collected."""

    spec: GateSpec
    context: GateContext
    timeout: float
    key_parts: list[str] | None
    fingerprint: str
    process: _Process
    version: str = ""
    version_process: _Process | None = None


@dataclass
class RunningGates:
    """The gates of one session: ``collect`` waits for them; ``cancel`` stops them."""

    outcomes: dict[str, GateOutcome]
    running: dict[str, _Gate] = field(default_factory=lambda: dict[str, _Gate]())
    cache: Cache | None = None
    versions: dict[str, str] = field(default_factory=lambda: dict[str, str]())
    versions_changed: bool = False
    order: list[str] = field(default_factory=lambda: list[str]())
    digests: dict[Path, str] = field(default_factory=lambda: dict[Path, str]())

    def collect(self) -> dict[str, GateOutcome]:
        """Wait for every gate (within its time-out) and return its outcome by gate name."""
        for name in list(self.running):
            gate = self.running.pop(name)
            self.outcomes[name] = self._finish(gate)
        if self.versions_changed and self.cache is not None:
            _cache_set(self.cache, VERSIONS_KEY, self.versions)
            self.versions_changed = False
        return {name: self.outcomes[name] for name in self.order if name in self.outcomes}

    def cancel(self) -> None:
        """Stop every gate still running (e.g. when the session is interrupted); each becomes an error."""
        for name, gate in self.running.items():
            gate.process.cancel()
            if gate.version_process is not None:
                gate.version_process.cancel()
            self.outcomes[name] = GateOutcome(
                name, Path(gate.spec.program).name, error=f"{name}: stopped before it finished; run the session again"
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
                error=f"{name}: {tool} did not finish within {gate.timeout:g} s and was stopped; "
                f"raise [tool.tta-maturity.gates.{name}] timeout or find out why it hangs",
            )
        returncode = gate.process.process.returncode
        stdout, stderr = gate.process.output()
        if returncode < 0:
            return GateOutcome(name, tool, error=f"{name}: {tool} was killed by signal {-returncode}; run it again")
        if spec.parse is None:
            return GateOutcome(name, tool, findings=None, passed=returncode == 0)
        if returncode not in spec.ok_returncodes:
            said = one_line(stderr) or one_line(stdout) or "no message"
            return GateOutcome(
                name,
                tool,
                error=f"{name}: {tool} failed with exit status {returncode} ({said}); "
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
                error=f"{name}: {tool} {said}{extra}; check that {Path(spec.program).name} runs by itself",
            )
        outcome = GateOutcome(name, tool, findings=findings, passed=not findings)
        if gate.key_parts is not None and version and self.cache is not None:
            key = _key([*gate.key_parts, version])
            _cache_set(self.cache, CACHE_PREFIX + name, _dump(key, outcome))
        return outcome

    def _version(self, gate: _Gate) -> str:
        proc = gate.version_process
        if proc is None:
            return ""
        ok = proc.wait(VERSION_TIMEOUT)
        stdout, stderr = proc.output()
        if not ok or proc.process.returncode != 0:
            return ""
        version = parse_version(stdout) or parse_version(stderr)
        if version and gate.fingerprint:
            self.versions[gate.fingerprint] = version
            self.versions_changed = True
        return version


def _key(parts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(parts)).encode("utf-8", "surrogateescape")).hexdigest()


def _dump(key: str, outcome: GateOutcome) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "tool": outcome.tool,
        "passed": outcome.passed,
        "findings": None if outcome.findings is None else [f.to_dict() for f in outcome.findings],
    }


def _load(name: str, key: str, stored: Any) -> GateOutcome | None:
    if not isinstance(stored, dict):
        return None
    data = cast(dict[str, Any], stored)
    if data.get("format") != CACHE_FORMAT or data.get("key") != key:
        return None
    try:
        raw = data["findings"]
        findings = None if raw is None else [Finding.from_dict(f) for f in cast(list[Any], raw)]
        return GateOutcome(name, str(data["tool"]), findings=findings, passed=bool(data["passed"]), cached=True)
    except (KeyError, TypeError, ValueError):
        return None


def _cache_get(cache: Cache, key: str) -> Any:
    try:
        return cache.get(key, None)
    except Exception:  # noqa: BLE001 - a broken cache only costs a run
        return None


def _cache_set(cache: Cache, key: str, value: Any) -> None:
    # An unwritable cache (or its warning, turned into an error by filterwarnings) costs only speed.
    with contextlib.suppress(Exception):
        cache.set(key, value)


def _version_now(executable: str, spec: GateSpec, cwd: Path, env: Mapping[str, str]) -> str:
    if spec.version_arguments is None:
        return ""
    try:
        proc = _spawn([executable, *spec.version_arguments], cwd=cwd, env=env, stdin=None)
    except OSError:
        return ""
    ok = proc.wait(VERSION_TIMEOUT)
    stdout, stderr = proc.output()
    return parse_version(stdout) or parse_version(stderr) if ok and proc.process.returncode == 0 else ""


def start(
    config: MaturityConfig,
    files: Mapping[str, Sequence[Path]],
    *,
    python: str,
    cache: Cache | None = None,
    extra: Sequence[GateSpec] = (),
) -> RunningGates:
    """Start every gate in ``files`` (gate name -> the files it checks) and return at once."""
    session = RunningGates(outcomes={}, cache=cache)
    if cache is not None:
        stored = _cache_get(cache, VERSIONS_KEY)
        if isinstance(stored, dict):
            session.versions = {str(k): str(v) for k, v in cast(dict[Any, Any], stored).items()}
    session.order.extend(name for name in files if name != "tests")  # pytest itself is the tests gate
    # The type checker is the slowest tool by far: start it first.
    for name in sorted(session.order, key=lambda gate: gate != "types"):
        gate_files = files[name]
        try:
            _start_one(session, config, name, gate_files, python, extra)
        except GateError as exc:
            session.outcomes[name] = GateOutcome(name, error=f"{name}: {exc}")
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
    gate = config.gates.get(name) or config.gate(name)
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
    print_ = fingerprint(executable, spec.program)
    version = session.versions.get(print_, "") if print_ else ""
    if spec.version_before_run and not version:
        version = _version_now(executable, spec, root, env)
        if version and print_:
            session.versions[print_] = version
            session.versions_changed = True
    context = GateContext(
        name=name,
        root=root,
        files=tuple(selected),
        python=python,
        gate=_with_name(gate, name),
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
            *_config_files(spec, root, selected, session.digests),
            _files_digest(selected, session.digests),
            *(spec.cache_inputs(context) if spec.cache_inputs is not None else ()),
        ]
        if version:
            hit = _load(name, _key([*key_parts, version]), _cache_get(session.cache, CACHE_PREFIX + name))
            if hit is not None:
                session.outcomes[name] = hit
                return
    stdin: IO[bytes] | None = None
    if spec.files_on_stdin:
        stdin = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _spawn once the process has it
        stdin.write("".join(f"{f}\n" for f in selected).encode("utf-8", "surrogateescape"))
        stdin.seek(0)
    try:
        process = _spawn(argv, cwd=root, env=env, stdin=stdin)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise GateError(f"{program} could not be started ({reason}); reinstall it or fix {executable}") from None
    version_process = None
    if not version and spec.version_arguments is not None:
        try:
            version_process = _spawn([executable, *spec.version_arguments], cwd=root, env=env, stdin=None)
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


def _with_name(gate: GateConfig, name: str) -> GateConfig:
    if gate.name == name:
        return gate
    return GateConfig(name, gate.tool, gate.timeout, gate.args, gate.command, gate.level)
