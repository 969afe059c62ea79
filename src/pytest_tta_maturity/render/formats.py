"""The report formats by name, and writing them where the user asked.

``--tta-maturity-report=FORMAT[:PATH]`` (pytest) and ``--report FORMAT[:PATH]``
(``tta-maturity check``) both go through :func:`emit`. A spec without a path
writes the format's default file (:data:`DEFAULT_PATHS`) in the working
directory; the path ``-`` writes to standard output. Files are replaced
atomically, so a reader (node_exporter's textfile collector, a CI upload step)
never sees half a report.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import cast

from .._util import close_match
from ..errors import ReportError
from ..model import Report

Renderer = Callable[[Report], str]

STDOUT = "-"
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def render_json(report: Report) -> str:
    """The JSON report: ``Report.to_dict()``, one component a line (ends with a newline).

    The summary is indented; each component is one line, written by json's fast
    C encoder (``indent`` would use the pure-Python one: seconds on 20,000 files).
    """
    data = report.to_dict()
    components = data.pop("components")
    head = json.dumps(data, indent=2)[:-2]  # without the closing "\n}"
    lines = ",\n".join("    " + json.dumps(comp, separators=(", ", ": ")) for comp in components)
    body = f"[\n{lines}\n  ]" if components else "[]"
    return f'{head},\n  "components": {body}\n}}\n'


#: Every format by name, in the order the help text lists them. Each but JSON is rendered by the
#: ``render`` function of the module of its name, imported when it is first asked for (most runs
#: render none of them: their import would cost every run).
FORMATS: tuple[str, ...] = ("json", "markdown", "prometheus", "junit", "html")


def renderer(fmt: str) -> Renderer:
    """The function that renders format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return render_json
    return cast(Renderer, importlib.import_module(f"{__package__}.{fmt}").render)


#: Where a format is written when the spec names no path (relative to the working directory).
DEFAULT_PATHS: dict[str, str] = {
    "json": "tta-maturity.json",
    "markdown": "tta-maturity.md",
    "prometheus": "tta-maturity.prom",
    "junit": "tta-maturity-junit.xml",
    "html": "tta-maturity.html",
}


def valid_formats() -> str:
    """``json, markdown, prometheus, junit, html``."""
    return ", ".join(FORMATS)


def parse_spec(spec: str, option: str = "--tta-maturity-report") -> tuple[str, str]:
    """Split and check ``FORMAT[:PATH]``; return the format and the path (the default when omitted).

    Raises :class:`ReportError` with one line naming the option, the spec and the valid formats.
    """
    fmt, colon, path = spec.partition(":")
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        close = close_match(fmt, list(FORMATS)) if fmt else None
        hint = f"did you mean '{close}'? " if close else ""
        shown = repr(fmt) if fmt else "(none)"
        raise ReportError(f"{option}={spec}: unknown format {shown}; {hint}valid formats: {valid_formats()}")
    if colon and not path:
        raise ReportError(f"{option}={spec}: the path after ':' is empty; write {fmt}:PATH or just {fmt}")
    return fmt, path or DEFAULT_PATHS[fmt]


def output_paths(specs: Iterable[str]) -> list[str]:
    """The files the report specs ``FORMAT[:PATH]`` write (standard output is none)."""
    return [path for _fmt, path in map(parse_spec, specs) if path != STDOUT]


def render(report: Report, fmt: str) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r}; valid formats: {valid_formats()}")
    return renderer(fmt)(report)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_report(report: Report, fmt: str, path: str | os.PathLike[str]) -> None:
    """Render ``report`` as ``fmt`` and write it to ``path`` (``-`` for standard output)."""
    text = render(report, fmt)
    if os.fspath(path) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write(Path(path), text)


def append_step_summary(report: Report, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` when it is set; return that file."""
    target = (os.environ if environ is None else environ).get(STEP_SUMMARY_ENV, "")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(renderer("markdown")(report))
    return path


def emit(
    report: Report,
    spec: str,
    *,
    base: Path | None = None,
    option: str = "--tta-maturity-report",
    environ: Mapping[str, str] | None = None,
) -> Path | None:
    """Write ``report`` as ``spec`` (``FORMAT[:PATH]``) and return the file written (``None`` for ``-``).

    A relative path is taken from ``base`` (the working directory by default).
    The ``markdown`` format is also appended to ``$GITHUB_STEP_SUMMARY`` when
    that variable is set, so a GitHub Actions job shows it on its summary page.
    Raises :class:`ReportError` for a bad spec; ``OSError`` when the file
    cannot be written.
    """
    fmt, raw = parse_spec(spec, option)
    if fmt == "markdown":
        append_step_summary(report, environ)
    if raw == STDOUT:
        write_report(report, fmt, STDOUT)
        return None
    path = Path(raw)
    if not path.is_absolute() and base is not None:
        path = base / path
    write_report(report, fmt, path)
    return path
