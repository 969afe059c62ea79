"""Gold files of real runs: the terminal section and every report format, normalised.

A real pytest session writes every format at once (:data:`REPORT_ARGS`);
:func:`check_run` compares its terminal section and its files with
``tests/e2e/gold/SCENARIO/``. Only what changes from machine to machine or run
to run is normalised: the project's folder, the interpreter's path, versions
(this plugin's and the tools'), when the report was made and pytest's timing line. Set
``TTA_MATURITY_REGOLD=1`` to rewrite the gold files from the current code.
"""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from prometheus_client.parser import text_string_to_metric_families

from pytest_tta_maturity import __version__

GOLD = Path(__file__).parent / "gold"
REGOLD = bool(os.environ.get("TTA_MATURITY_REGOLD"))

#: Each format and the file a run writes it to.
FILES = {
    "json": "report.json",
    "markdown": "report.md",
    "prometheus": "report.prom",
    "junit": "report.xml",
    "html": "report.html",
}
REPORT_ARGS = tuple(f"--tta-maturity-report={fmt}:{name}" for fmt, name in FILES.items())

_SEPARATOR = re.compile(r"^=+ (.*?) =+$")
_CREATED = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?\b")
_TIMING = re.compile(r" in \d+(\.\d+)?s( \(\d+:\d\d:\d\d\))?$")


def _versions(report: dict[str, object]) -> set[str]:
    """This plugin's version and the version of every tool named in the report."""
    found = {__version__}
    components = report.get("components", [])
    assert isinstance(components, list)
    for comp in components:
        for gate in comp["gates"].values():
            name, _, version = str(gate.get("tool", "")).partition(" ")
            if name and version:
                found.add(version)
    if report.get("coverage_version"):
        found.add(str(report["coverage_version"]))
    return found


def normalise(text: str, root: Path, versions: set[str]) -> str:
    """``text`` with the project folder, the interpreter and the versions replaced by placeholders."""
    for folder in sorted({str(root), str(root.resolve())}, key=len, reverse=True):
        text = text.replace(folder, "{project}")
    text = text.replace(sys.executable, "{python}")
    text = _CREATED.sub("{time}", text)
    for version in sorted(versions, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(version)}(?![\w.])", "{version}", text)
    return text


def terminal_section(stdout: list[str]) -> str:
    """The ``tta-maturity`` section to the end of the output; separators and pytest's timing normalised."""
    start = next(i for i, line in enumerate(stdout) if _SEPARATOR.match(line) and "tta-maturity" in line)
    lines: list[str] = []
    for line in stdout[start:]:
        match = _SEPARATOR.match(line)
        if match:
            line = f"== {_TIMING.sub(' in {time}', match.group(1))} =="
        lines.append(line)
    return "\n".join(lines) + "\n"


def check(scenario: str, name: str, actual: str) -> None:
    """Compare ``actual`` with gold file ``scenario/name`` (rewrite it when TTA_MATURITY_REGOLD is set)."""
    path = GOLD / scenario / name
    if REGOLD or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        if not REGOLD:
            pytest.fail(f"gold file {scenario}/{name} was missing and has been written; check it in")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{scenario}/{name} differs; TTA_MATURITY_REGOLD=1 rewrites it"


def parse_every_format(root: Path) -> None:
    """Each file of a run read back by a real parser of its format (JSON, Prometheus, XML, HTML)."""
    texts = {fmt: (root / name).read_text(encoding="utf-8") for fmt, name in FILES.items()}
    json.loads(texts["json"])
    families = list(text_string_to_metric_families(texts["prometheus"]))
    assert {family.type for family in families} == {"gauge"}
    assert ElementTree.fromstring(texts["junit"].encode()).tag == "testsuites"
    page = HTMLParser()
    page.feed(texts["html"])
    page.close()
    assert texts["markdown"].startswith("## tta-maturity\n")


def check_run(scenario: str, root: Path, stdout: list[str]) -> None:
    """Check the terminal section and every report file of the run in ``root`` against the gold files."""
    parse_every_format(root)
    report = json.loads((root / FILES["json"]).read_text(encoding="utf-8"))
    versions = _versions(report)
    check(scenario, "terminal.txt", normalise(terminal_section(stdout), root, versions))
    for name in FILES.values():
        check(scenario, name, normalise((root / name).read_text(encoding="utf-8"), root, versions))
