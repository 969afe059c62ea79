"""The ``security`` gate with ``tool = "bandit"``: ``bandit -f json -q <files>``.

bandit reads ``[tool.bandit]`` of pyproject.toml only when told to, so the gate
passes ``-c pyproject.toml`` when that table exists. Every result counts, at any
severity; a file bandit could not parse is a finding too (it was not checked).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from ..errors import GateError
from ..model import Finding
from .spec import GateContext, GateRun, GateSpec, load_json

BANDIT_CONFIG_FILES: tuple[str, ...] = ("pyproject.toml", ".bandit")


def _arguments(context: GateContext) -> Sequence[str]:
    config: list[str] = []
    pyproject = context.root / "pyproject.toml"
    try:
        if "[tool.bandit" in pyproject.read_text(encoding="utf-8"):
            config = ["-c", str(pyproject)]
    except (OSError, UnicodeDecodeError):
        pass
    return ["-f", "json", "-q", *config, *context.gate.args, *(str(f) for f in context.files)]


def parse_bandit(run: GateRun) -> list[Finding]:
    """bandit's ``results`` and ``errors`` as findings."""
    data = load_json(run, "bandit's JSON report")
    if not isinstance(data, dict) or not isinstance(cast(dict[str, Any], data).get("results"), list):
        raise GateError("printed JSON without results")
    report = cast(dict[str, Any], data)
    findings: list[Finding] = []
    for raw in cast(list[Any], report["results"]):
        item = cast(dict[str, Any], raw) if isinstance(raw, dict) else {}
        if "filename" not in item:
            raise GateError("printed a result without filename")
        line = item.get("line_number")
        findings.append(
            Finding(
                run.relative(str(item["filename"])),
                line if isinstance(line, int) and line > 0 else 1,
                str(item.get("test_id") or "bandit"),
                " ".join(str(item.get("issue_text", "")).split()),
            )
        )
    for raw in cast(list[Any], report.get("errors") or []):
        item = cast(dict[str, Any], raw) if isinstance(raw, dict) else {}
        reason = str(item.get("reason", "could not be checked"))
        findings.append(Finding(run.relative(str(item.get("filename", ""))), 1, "bandit-error", reason))
    return findings


def bandit_spec() -> GateSpec:
    """bandit over the component's Python files."""
    return GateSpec(
        name="security",
        program="bandit",
        arguments=_arguments,
        parse=parse_bandit,
        ok_returncodes=(0, 1),
        install_hint="pip install bandit",
        config_files=BANDIT_CONFIG_FILES,
        pyproject_tables=("tool.bandit",),
        suffixes=(".py",),
    )
