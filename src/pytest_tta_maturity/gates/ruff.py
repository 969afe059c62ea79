"""The ruff gates: ``lint``, ``format``, ``security`` (S rules) and ``docs`` (D1 rules).

Each gate is its own ruff process, run in the project root so that ruff finds the
project's own configuration (``pyproject.toml``, ``ruff.toml``, ``.ruff.toml``,
nested ones included), always with ``--no-fix`` (some projects set ``fix = true``)
and ``--force-exclude`` (the project's ``exclude`` holds for files named on the
command line too).

Rule selection for ``security`` and ``docs``: ruff has no command-line switch
that adds rules *under* the project's configuration. Both ``--select S`` and
``--extend-select S`` (and ``--config "lint.extend-select=..."``) form a layer
above the configuration file, so the project's own ``ignore`` stops applying to
those rules: a project that ignores ``S101`` would be flooded with ``assert``
findings. The gates therefore pass ``--extend-select S`` (resp. ``D1``) *and*
re-state the project's ignores of that family: ``--ignore`` with every ``S``
(resp. ``D``) entry of ``ignore``/``extend-ignore`` (``[tool.ruff]`` and
``[tool.ruff.lint]``) of the configuration that applies at the project root,
following its ``extend`` chain. ``per-file-ignores`` and ``# noqa`` comments are
applied by ruff itself, and so is a pydocstyle ``convention``. A project that
ignores ``S`` or ``D1`` outright has decided so, and the gate follows. Since the
project's own rules are reported too, each gate keeps only the codes it owns
(``S`` and digits, not ``SIM``/``SLF``/``SLOT``; resp. ``D1`` and digits), plus
syntax and I/O errors: a file ruff cannot read was not checked. Limitation: the
ignores of nested configuration files below the root are not re-stated.

The gates do not share one ruff run: with the extra rules selected, ruff's
``RUF100`` (unused ``noqa``) and the project's own use of ``S``/``D`` rules would
change what ``lint`` reports, and each gate may check a different set of files.
ruff takes well under a second on a large tree, so a process each costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from .._util import read_toml
from ..errors import ConfigError, GateError
from ..model import Finding
from .spec import Arguments, GateContext, GateRun, GateSpec, Parser, load_json

RUFF_CONFIG_FILES: tuple[str, ...] = ("pyproject.toml", "ruff.toml", ".ruff.toml")
RUFF_HINT = "pip install ruff"

#: Codes that say ruff could not read or parse a file: findings of every ruff gate.
UNREADABLE_CODES = frozenset({"invalid-syntax", "syntax-error", "E902", "io"})
SECURITY_CODE = re.compile(r"S\d+")
DOCS_CODE = re.compile(r"D1\d+")


def _check_arguments(extra_select: str | None) -> Arguments:
    def build(context: GateContext) -> Sequence[str]:
        select: list[str] = []
        if extra_select:
            select = ["--extend-select", extra_select]
            ignored = project_ignores(context.root, extra_select[0])
            if ignored:
                select += ["--ignore", ",".join(ignored)]
        return [
            "check",
            "--no-fix",
            "--output-format",
            "json",
            "--force-exclude",
            *select,
            *context.gate.args,
            "--",
            *(str(f) for f in context.files),
        ]

    return build


def find_ruff_config(root: Path) -> Path | None:
    """The ruff configuration file ruff uses for files at ``root``: the closest at or above it."""
    for folder in (root, *root.parents):
        for name in (".ruff.toml", "ruff.toml"):
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _ruff_table(pyproject) is not None:
            return pyproject
    return None


def _ruff_table(path: Path) -> dict[str, Any] | None:
    try:
        document = read_toml(path)
    except ConfigError:
        return None
    if path.name != "pyproject.toml":
        return document
    tool = document.get("tool")
    table = cast(dict[str, Any], tool).get("ruff") if isinstance(tool, dict) else None
    return cast(dict[str, Any], table) if isinstance(table, dict) else None


def project_ignores(root: Path, family: str) -> list[str]:
    """The project's ignored rule selectors of one family (``"S"``, ``"D"``), in its root configuration.

    Reads ``ignore`` and ``extend-ignore`` at the top level and under ``lint``,
    along the ``extend`` chain; an unreadable file gives none (ruff itself will
    then report the problem).
    """
    selector = re.compile(rf"{family}\d*")
    found: list[str] = []
    path = find_ruff_config(root)
    seen: set[Path] = set()
    while path is not None and path not in seen and len(seen) < 16:
        seen.add(path)
        table = _ruff_table(path) or {}
        lint = table.get("lint")
        for where in (table, cast(dict[str, Any], lint) if isinstance(lint, dict) else {}):
            for key in ("ignore", "extend-ignore"):
                value = where.get(key)
                if isinstance(value, list):
                    for code in cast(list[Any], value):
                        if isinstance(code, str) and selector.fullmatch(code) and code not in found:
                            found.append(code)
        extend = table.get("extend")
        path = (path.parent / Path(extend).expanduser()).resolve() if isinstance(extend, str) else None
    return found


def _format_arguments(context: GateContext) -> Sequence[str]:
    return [
        "format",
        "--check",
        "--output-format",
        "json",
        "--force-exclude",
        *context.gate.args,
        "--",
        *(str(f) for f in context.files),
    ]


def diagnostics(run: GateRun) -> list[dict[str, Any]]:
    """ruff's JSON diagnostics from a run, checked for the shape the gates read."""
    data = load_json(run, "ruff's JSON diagnostics")
    if not isinstance(data, list):
        raise GateError("printed JSON that is not a list of diagnostics")
    items: list[dict[str, Any]] = []
    for item in cast(list[Any], data):
        if not isinstance(item, dict) or "filename" not in item or "message" not in item:
            raise GateError("printed a JSON diagnostic without filename or message")
        items.append(cast(dict[str, Any], item))
    return items


def _code(item: dict[str, Any]) -> str:
    code = item.get("code")
    return str(code) if code else "invalid-syntax"


def _line(item: dict[str, Any]) -> int:
    location = item.get("location")
    if isinstance(location, dict):
        row = cast(dict[str, Any], location).get("row")
        if isinstance(row, int) and row > 0:
            return row
    return 1


def _finding(run: GateRun, item: dict[str, Any]) -> Finding:
    message = " ".join(str(item["message"]).split())
    return Finding(run.relative(str(item["filename"])), _line(item), _code(item), message)


def parse_check(run: GateRun, keep: re.Pattern[str] | None = None) -> list[Finding]:
    """Findings of ``ruff check`` JSON; with ``keep``, only codes matching it (and unreadable files)."""
    findings: list[Finding] = []
    for item in diagnostics(run):
        code = _code(item)
        if keep is None or keep.fullmatch(code) or code in UNREADABLE_CODES:
            findings.append(_finding(run, item))
    return findings


def parse_lint(run: GateRun) -> list[Finding]:
    """Every finding of ``ruff check`` with the project's own configuration."""
    return parse_check(run)


def parse_security(run: GateRun) -> list[Finding]:
    """Only the ``S`` (flake8-bandit) findings of ``ruff check --extend-select S``."""
    return parse_check(run, SECURITY_CODE)


def parse_docs(run: GateRun) -> list[Finding]:
    """Only the ``D1`` (missing docstring) findings of ``ruff check --extend-select D1``."""
    return parse_check(run, DOCS_CODE)


def parse_format(run: GateRun) -> list[Finding]:
    """One finding per file ``ruff format --check`` would reformat (or cannot parse).

    The line is the first line ruff would change.
    """
    items = diagnostics(run)
    if run.returncode == 2 and not items:
        raise GateError("stopped with an error and reported no file")
    first: dict[str, Finding] = {}
    for item in items:
        finding = _finding(run, item)
        code = _code(item)
        if code == "unformatted":
            finding = Finding(finding.path, finding.line, "format", "file would be reformatted")
        elif code in ("invalid-syntax", "syntax-error"):
            finding = Finding(finding.path, finding.line, code, f"cannot be formatted: {finding.message}")
        known = first.get(finding.path)
        if known is None or finding.line < known.line:
            first[finding.path] = finding
    return [first[path] for path in sorted(first)]


def lint_spec() -> GateSpec:
    """``ruff check`` with the project's own configuration."""
    return _check_spec("lint", None, parse_lint)


def security_spec() -> GateSpec:
    """ruff's ``S`` rules on top of the project's configuration."""
    return _check_spec("security", "S", parse_security)


def docs_spec() -> GateSpec:
    """ruff's ``D1`` rules (public docstrings) on top of the project's configuration."""
    return _check_spec("docs", "D1", parse_docs)


def format_spec() -> GateSpec:
    """``ruff format --check`` on the component's Python files."""
    return GateSpec(
        name="format",
        program="ruff",
        arguments=_format_arguments,
        parse=parse_format,
        # ruff format exits 2 when a file cannot be parsed; the JSON still says which.
        ok_returncodes=(0, 1, 2),
        install_hint=RUFF_HINT,
        config_files=RUFF_CONFIG_FILES,
        pyproject_tables=("tool.ruff", "project.requires-python"),
    )


def _check_spec(name: str, extra_select: str | None, parse: Parser) -> GateSpec:
    return GateSpec(
        name=name,
        program="ruff",
        arguments=_check_arguments(extra_select),
        parse=parse,
        ok_returncodes=(0, 1),
        install_hint=RUFF_HINT,
        config_files=RUFF_CONFIG_FILES,
        pyproject_tables=("tool.ruff", "project.requires-python"),
    )
