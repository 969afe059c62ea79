"""The ``tta-maturity`` command: init, status, explain, promote, check, report.

``main(argv) -> int`` over the same pure core as the pytest plugin. Exit status
(SPEC section 6): 0 when every component meets its level or the command did
what was asked, 1 when some component is below its level or a promotion is
refused, 2 for a usage or configuration error. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, cast

from . import __version__, init, pyproject_edit
from .config import ComponentConfig, MaturityConfig, find_pyproject, load, read_toml
from .errors import ConfigError, CoverageDataError, MaturityError, ReportError, display_path
from .model import ComponentResult, CoverageFigures, GateResult, Report, TestCounts
from .report import formats

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass

PROG = "tta-maturity"
CACHE_KEY = "tta-maturity/last-report"
COMPONENTS = ("tool", "tta-maturity", "components")

#: Partial reasons of a shard that only mean "this shard ran a slice of the suite".
#: Partial runs that are a slice of the suite, as a CI shard is: the combination can be full.
SHARD_KINDS = frozenset({"selection", "incomplete"})
_SHARD_REASONS = re.compile(r"^(tests selected on the command line\b|\d+ of \d+ tests ran$)")


class UsageError(MaturityError):
    """A bad command line: exit status 2."""


class Refused(Exception):
    """The command did not do what was asked for a reason the user can act on: exit status 1.

    ``lines`` are printed to standard output after the one-line message.
    """

    def __init__(self, message: str, lines: Sequence[str] = ()) -> None:
        """Keep the message and the explanation lines."""
        super().__init__(message)
        self.lines = list(lines)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and exit status 2) instead of usage text."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage."""
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


# ---------------------------------------------------------------- finding things


def _pyproject(args: argparse.Namespace) -> Path:
    """The project's pyproject.toml: ``--project DIR`` or the nearest one at or above the working directory."""
    if args.project is not None:
        folder = Path(args.project)
        if not folder.is_dir():
            raise UsageError(f"--project {args.project}: no such folder")
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            raise UsageError(f"--project {args.project}: no pyproject.toml there; run '{PROG} init' in it first")
        return candidate.resolve()
    found = find_pyproject(Path.cwd())
    if found is None:
        raise UsageError(f"no pyproject.toml in {Path.cwd()} or any folder above it; pass --project DIR")
    return found


def cache_dir(pyproject: Path) -> Path:
    """pytest's cache folder for the project: ``cache_dir`` from its pytest settings, else ``.pytest_cache``."""
    root = pyproject.parent
    try:
        document = read_toml(pyproject)
    except ConfigError:
        document = {}
    tool = cast(dict[str, Any], document.get("tool") or {})
    pytest_table = cast(dict[str, Any], tool.get("pytest") or {})
    ini = cast(dict[str, Any], pytest_table.get("ini_options") or {})
    raw = ini.get("cache_dir", pytest_table.get("cache_dir"))
    if isinstance(raw, str) and raw:
        return root / os.path.expanduser(os.path.expandvars(raw))
    return root / ".pytest_cache"


def last_report_path(pyproject: Path) -> Path:
    """Where the plugin keeps the last report (a pytest cache value)."""
    return cache_dir(pyproject) / "v" / CACHE_KEY


def load_report(path: Path) -> Report:
    """Read a JSON report; every problem is one line naming the file."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{shown}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{shown}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{shown}: not a JSON report (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ReportError(f"{shown}: not a tta-maturity JSON report (no schema_version)")
    try:
        return Report.from_dict(cast(dict[str, Any], data))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportError(f"{shown}: not a tta-maturity JSON report ({detail})") from None


def _report_for(args: argparse.Namespace, positional: str | None = None) -> tuple[Report, Path]:
    """The report named on the command line, else the last one kept in pytest's cache."""
    if positional and args.report_file:
        raise UsageError("give the report once: as REPORT or as --report-file, not both")
    named = positional or args.report_file
    if named:
        path = Path(named)
        return load_report(path), path
    path = last_report_path(_pyproject(args))
    if not path.is_file():
        raise ReportError(
            f"no last report in {display_path(path)}: run 'pytest --tta-maturity' first, or pass --report-file PATH"
        )
    return load_report(path), path


def _hint(value: str, choices: Sequence[str], label: str) -> str:
    """``did you mean 'x'?`` for a near miss, else the list of valid choices."""
    close = difflib.get_close_matches(value, list(choices), n=1)
    starting = [c for c in choices if value and c.startswith(value)]
    if not close and len(starting) == 1:
        close = starting
    return f"did you mean '{close[0]}'?" if close else f"{label}: " + ", ".join(choices)


def _component(report: Report, name: str) -> ComponentResult:
    comp = report.component(name)
    if comp is None:
        names = [c.name for c in report.components]
        fix = _hint(str(name), names, "components")
        raise UsageError(f"no component '{name}' in the report; {fix}")
    return comp


def save_last_report(pyproject: Path, report: Report) -> Path:
    """Keep ``report`` where pytest's cache keeps the plugin's last report (as pytest would write it)."""
    folder = cache_dir(pyproject)
    if not folder.exists():
        folder.mkdir(parents=True)
        (folder / ".gitignore").write_text("# Created by pytest automatically.\n*\n", encoding="utf-8")
        (folder / "CACHEDIR.TAG").write_bytes(
            b"Signature: 8a477f597d28d172789f06886806bc55\n"
            b"# This file is a cache directory tag created by pytest.\n"
            b"# For information about cache directory tags, see:\n"
            b"#\thttps://bford.info/cachedir/spec.html\n"
        )
    path = folder / "v" / CACHE_KEY
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    formats.atomic_write(path, text)
    return path


# ---------------------------------------------------------------- status


def cmd_status(args: argparse.Namespace) -> int:
    """Print the table of a report; exit 1 when some component is below its level."""
    report, _ = _report_for(args, args.report)
    for line in _terminal_lines(report):
        print(line)
    return 1 if report.below else 0


def _terminal_lines(report: Report) -> list[str]:
    from .report import terminal  # the lead's renderer; kept lazy so the other commands never need it

    return terminal.render(report)


# ---------------------------------------------------------------- explain


@dataclass(frozen=True)
class Block:
    """A run of consecutive uncovered lines in one file."""

    path: str
    first: int
    last: int

    @property
    def size(self) -> int:
        """How many lines the block spans."""
        return self.last - self.first + 1

    def __str__(self) -> str:
        """``src/x.py:40-58`` (``src/x.py:12`` for one line)."""
        where = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{self.path}:{where}"


def uncovered_blocks(missing: dict[str, list[int]]) -> list[Block]:
    """Consecutive missing lines as blocks, largest first (then by file and line)."""
    from .report._common import line_ranges

    blocks = [Block(path, a, b) for path, lines in missing.items() for a, b in line_ranges(lines)]
    blocks.sort(key=lambda b: (-b.size, b.path, b.first))
    return blocks


def _passes(covered: int, units: int, needed: float, precision: int) -> bool:
    from coverage.results import should_fail_under

    percent = 100.0 * covered / units if units else 100.0
    return not should_fail_under(percent, needed, precision)


def units_to_cover(comp: ComponentResult, needed: float) -> int:
    """How many more statements or branches to cover so that coverage reaches ``needed`` percent."""
    figures = comp.coverage
    units, covered = figures.units, figures.covered_units
    if _passes(covered, units, needed, figures.precision):
        return 0
    more = max(0, math.ceil(needed * units / 100 - covered) - 2)
    while covered + more < units and not _passes(covered + more, units, needed, figures.precision):
        more += 1
    return more


_NEEDED = re.compile(r"^coverage [\d.]+% < ([\d.]+)%")


def _threshold_for(comp: ComponentResult, level: str, blockers: list[str], pyproject: Path | None) -> float | None:
    if level == comp.declared:
        return comp.threshold
    for blocker in blockers:
        match = _NEEDED.match(blocker)
        if match:
            return float(match.group(1))
    if pyproject is not None:
        try:
            from .scoring import threshold

            cfg = load(pyproject)
            return threshold(cfg.component(comp.name), cfg, cfg.ladder.level(level))
        except (MaturityError, KeyError, ValueError):
            return None
    return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def explain_lines(report: Report, comp: ComponentResult, pyproject: Path | None = None, limit: int = 10) -> list[str]:
    """What stands between ``comp`` and its declared level (or, when it holds it, the next one)."""
    from .report._common import coverage_text, number

    lines: list[str] = []
    if not comp.meets:
        target, blockers = comp.declared, comp.blockers
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}: below its level")
    elif comp.next_level is None:
        target, blockers = None, []
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}, the top of the ladder")
    else:
        target, blockers = comp.next_level, comp.next_blockers
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}; next level: {comp.next_level}")
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        lines.append(f"note: the report is from a partial run{reason}: coverage was not judged")
    if target is not None:
        if blockers:
            lines.append(f"blockers for {target}:")
            lines.extend(f"  - {b}" for b in blockers)
        else:
            lines.append(f"nothing blocks {target}" + (" (in this partial run)" if report.partial else ""))

    findings = [(gate, result) for gate, result in comp.gates.items() if result.details or result.status == "error"]
    if findings:
        lines.append("findings:")
        for gate, result in findings:
            if result.status == "error":
                lines.append(f"  {gate}: error: {result.message or 'the gate could not run'}")
                continue
            tool = f" ({result.tool})" if result.tool else ""
            lines.append(f"  {gate}{tool}: {_plural(result.findings, 'finding')}")
            for finding in result.details[:50]:
                lines.append(f"    {finding.path}:{finding.line} {finding.code} {finding.message}")
            if len(result.details) > 50:
                lines.append(f"    ... and {len(result.details) - 50} more")

    figures = comp.coverage
    if not figures.measured:
        lines.append("coverage: not measured (run pytest --tta-maturity with pytest-cov installed)")
    else:
        shown = coverage_text(comp)
        needed = _threshold_for(comp, target, blockers, pyproject) if target is not None else None
        if needed is None:
            lines.append(f"coverage: {shown}")
        else:
            more = units_to_cover(comp, needed)
            if more == 0:
                lines.append(f"coverage: {shown}, enough for {target} ({number(needed)}%)")
            else:
                what = "statements or branches" if figures.num_branches else "statements"
                lines.append(f"coverage: {shown}; {target} needs {number(needed)}%: cover {more} more {what}")
        blocks = uncovered_blocks(figures.missing_lines)
        if blocks:
            total = sum(len(v) for v in figures.missing_lines.values())
            lines.append(f"largest uncovered blocks ({_plural(len(blocks), 'block')}, {_plural(total, 'line')}):")
            width = max(len(str(b)) for b in blocks[:limit])
            for block in blocks[:limit]:
                lines.append(f"  {str(block).ljust(width)}  {_plural(block.size, 'line')}")
            if len(blocks) > limit:
                lines.append(f"  ... and {len(blocks) - limit} smaller blocks")
    return lines


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain one component; exit 1 when it is below its declared level."""
    report, _ = _report_for(args)
    comp = _component(report, args.name)
    pyproject: Path | None
    try:
        pyproject = _pyproject(args)
    except UsageError:
        pyproject = None
    for line in explain_lines(report, comp, pyproject, limit=args.limit):
        print(line)
    return 0 if comp.meets else 1


# ---------------------------------------------------------------- promote


def cmd_promote(args: argparse.Namespace) -> int:
    """Raise a component's declared level when the last report shows it holds the new one."""
    pyproject = _pyproject(args)
    cfg = load(pyproject)
    names = cfg.ladder.names
    if args.to not in names:
        fix = _hint(str(args.to), names, "levels")
        raise UsageError(f"--to {args.to}: not a level of the ladder; {fix}")
    try:
        declared = cfg.component(args.name).level
    except KeyError:
        known = [c.name for c in cfg.components]
        fix = _hint(str(args.name), known, "components")
        raise UsageError(f"no component '{args.name}' in {display_path(pyproject)}; {fix}") from None
    if names.index(args.to) == names.index(declared):
        print(f"{args.name} is already declared {declared}; nothing to do")
        return 0
    if names.index(args.to) < names.index(declared):
        raise Refused(
            f"{args.name} is declared {declared}: promote only raises a level (edit pyproject.toml to lower it)"
        )
    report, _ = _report_for(args)
    comp = _component(report, args.name)
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        raise Refused(f"not promoting {args.name}: the last report is from a partial run{reason}; run the full suite")
    achieved_rank = names.index(comp.achieved) if comp.achieved in names else -1
    if achieved_rank < names.index(args.to):
        blockers = comp.next_blockers if comp.next_level == args.to else (comp.blockers or comp.next_blockers)
        raise Refused(
            f"not promoting {args.name} to {args.to}: the last report shows it holds {comp.achieved}",
            [f"  - {b}" for b in blockers],
        )

    before = pyproject_edit.read_text(pyproject)
    after = pyproject_edit.set_level(before, pyproject, args.name, args.to)
    if args.dry_run:
        sys.stdout.write(pyproject_edit.unified_diff(before, after, pyproject.name))
        return 0
    formats.atomic_write(pyproject, after)
    print(f"{args.name}: {declared} -> {args.to} in {display_path(pyproject)}")
    return 0


# ---------------------------------------------------------------- init


def cmd_init(args: argparse.Namespace) -> int:
    """Write a starting ``[tool.tta-maturity]`` for the packages found."""
    if args.project is not None:
        root = Path(args.project).resolve()
        if not root.is_dir():
            raise UsageError(f"--project {args.project}: no such folder")
        pyproject = root / "pyproject.toml"
    else:
        pyproject = find_pyproject(Path.cwd()) or Path.cwd().resolve() / "pyproject.toml"
    try:
        plan = init.plan(pyproject, force=args.force)
    except init.InitRefused as exc:
        raise Refused(str(exc)) from None
    if args.dry_run:
        sys.stdout.write(pyproject_edit.unified_diff(plan.before, plan.after, pyproject.name))
        for line in plan.summary(dry_run=True):
            print(line)
        return 0
    formats.atomic_write(pyproject, plan.after)
    for line in plan.summary():
        print(line)
    print("next: pytest --tta-maturity")
    return 0


# ---------------------------------------------------------------- baseline


def _last_full_report(args: argparse.Namespace) -> tuple[Report, Path]:
    """The report ``baseline`` records from: ``--report-file``, else the last report kept by the plugin.

    The one place to read the project's last *full* report instead, once the plugin keeps it apart;
    until then a partial last report is refused by ``baseline.record``.
    """
    return _report_for(args)


def cmd_baseline(args: argparse.Namespace) -> int:
    """Record, or tighten, the baseline of the components below their declared level."""
    import datetime

    from . import baseline

    if args.allow_lower and not args.reason.strip():
        raise UsageError("--allow-lower needs --reason TEXT: why the baseline may get worse (it is kept in the file)")
    if args.reason and not args.allow_lower:
        raise UsageError("--reason goes with --allow-lower")
    pyproject = _pyproject(args)
    cfg = load(pyproject)
    path = cfg.baseline_file
    old = baseline.load(path, __version__) if path.exists() else None
    report, _ = _last_full_report(args)
    required = {c.name: cfg.ladder.level(c.level).gates for c in cfg.components}
    outcome = baseline.record(
        report,
        required,
        path,
        old,
        version=__version__,
        update=args.update,
        allow_lower=args.allow_lower,
        reason=" ".join(args.reason.split()),
        today=datetime.date.today().isoformat(),
    )
    if outcome.refused:
        raise Refused(outcome.refused, outcome.lines)
    if outcome.text is not None:
        formats.atomic_write(path, outcome.text)
    for line in outcome.lines:
        print(line)
    return 0


# ---------------------------------------------------------------- check


@contextmanager
def _cwd(folder: Path) -> Generator[None, None, None]:
    """Run with ``folder`` as the working directory (coverage.py reads its configuration from there)."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def combine_coverage(
    cfg: MaturityConfig,
    data_files: Sequence[Path],
    components: Sequence[ComponentConfig],
    rcfile: str | None = None,
) -> dict[str, CoverageFigures]:
    """Combine the shards' coverage data as ``coverage combine`` would and measure every component.

    The combined data goes to a private temporary folder, so no sibling
    ``.coverage.*`` file is swept in and the shards' files are kept.
    """
    import warnings

    import coverage
    from coverage.exceptions import CoverageException, CoverageWarning

    from .measure import measure_components

    for path in data_files:
        if not path.exists():
            raise CoverageDataError(f"--coverage-file {display_path(path)}: no such file")
    config_file: str | bool = str(Path(rcfile).resolve()) if rcfile else True
    absolute = [str(p.resolve()) for p in data_files]
    with tempfile.TemporaryDirectory(prefix="tta-maturity-") as folder, _cwd(cfg.root), warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        cov = coverage.Coverage(data_file=os.path.join(folder, "combined"), config_file=config_file)
        try:
            cov.combine(absolute, strict=True, keep=True)
            return dict(measure_components(cov, cfg, components))
        except CoverageException as exc:
            raise CoverageDataError(f"coverage data cannot be combined: {exc}") from None
        finally:
            cov.get_data().close()  # release the SQLite connection before the folder goes


def merge_results(
    reports: Sequence[Report], components: Sequence[ComponentConfig]
) -> tuple[dict[str, TestCounts], dict[str, dict[str, GateResult]]]:
    """Sum the shards' test counts; take each gate from the first shard that ran it (an error anywhere wins)."""
    counts = {c.name: TestCounts() for c in components}
    gates: dict[str, dict[str, GateResult]] = {c.name: {} for c in components}
    for report in reports:
        for comp in report.components:
            if comp.name not in counts:
                continue
            total = counts[comp.name]
            for outcome in ("passed", "failed", "skipped", "errors"):
                setattr(total, outcome, getattr(total, outcome) + getattr(comp.tests, outcome))
            merged = gates[comp.name]
            for gate, result in comp.gates.items():
                if gate == "tests":
                    continue  # scored again from the summed counts
                seen = merged.get(gate)
                first_run = seen is None or (seen.status == "skipped" and result.status != "skipped")
                if first_run or (result.status == "error" and seen is not None and seen.status != "error"):
                    merged[gate] = result
    return counts, gates


def shard_partial_reason(reports: Sequence[tuple[Path, Report]]) -> str:
    """Why the combined run is partial: a shard interrupted, stopped early or with collection errors.

    A shard that only ran a slice of the suite (tests named on its command line)
    is what sharding means, and does not make the combination partial.
    """
    for path, report in reports:
        # partial_kind is in reports since 0.1.0; the words are read for reports without it.
        sliced = report.partial_kind in SHARD_KINDS or (
            not report.partial_kind and _SHARD_REASONS.match(report.partial_reason) is not None
        )
        if report.partial and not sliced:
            return f"shard {display_path(path)}: {report.partial_reason or 'partial'}"
    return ""


def cmd_check(args: argparse.Namespace) -> int:
    """Score from the coverage data and JSON reports of several CI jobs, without running tests."""
    from .scoring import score

    pyproject = _pyproject(args)
    cfg = load(pyproject)
    components = cfg.components
    if args.component:
        known = [c.name for c in cfg.components]
        for name in args.component:
            if name not in known:
                fix = _hint(str(name), known, "components")
                raise UsageError(f"--component {name}: no such component in {display_path(pyproject)}; {fix}")
        components = tuple(c for c in cfg.components if c.name in args.component)
    for spec in args.report:
        formats.parse_spec(spec, "--report")
    shards = [(Path(r), load_report(Path(r))) for r in args.results]
    figures = combine_coverage(cfg, [Path(f) for f in args.coverage_file], components, args.cov_config)
    counts, gates = merge_results([r for _, r in shards], components)
    reason = shard_partial_reason(shards)
    report = score(
        cfg,
        coverage=figures,
        tests=counts,
        gates=gates,
        partial=bool(reason),
        partial_reason=reason,
        no_gates=all(not r.gates_run for _, r in shards),
        version=__version__,
        components=components,
    )
    for line in _terminal_lines(report):
        print(line)
    for spec in args.report:
        formats.emit(report, spec, option="--report")
    save_last_report(pyproject, report)
    return 1 if report.below and not args.warn_only else 0


# ---------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace) -> int:
    """Render a saved JSON report; to standard output unless the spec names a path."""
    fmt, colon, path = args.format.partition(":")
    formats.parse_spec(args.format, "--format")
    report = load_report(Path(args.report))
    if not colon:
        formats.write_report(report, fmt.strip().lower(), formats.STDOUT)
        return 0
    formats.write_report(report, fmt.strip().lower(), path)
    return 0


# ---------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``tta-maturity`` and its subcommands."""
    fmts = ", ".join(formats.FORMATS)
    parser = _Parser(
        prog=PROG,
        description="Per-component maturity levels: set up, inspect and combine pytest-tta-maturity reports.",
        epilog="Exit status: 0 every component meets its level (or the command did what was asked), "
        "1 some component is below its level (or a promotion was refused), 2 usage or configuration error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=description)
        cmd.add_argument(
            "--project", metavar="DIR", help="the project's folder (default: nearest pyproject.toml upwards)"
        )
        return cmd

    def report_file(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument(
            "--report-file",
            metavar="PATH",
            help="a JSON report (default: the last report of pytest --tta-maturity, from pytest's cache)",
        )

    init_cmd = command(
        "init",
        "write a starting [tool.tta-maturity] from the components found",
        "Find the components (packages at the top level or under src/, containers split into their parts, "
        "uv workspace members) and the test files that import each, and declare them at level 'experimental' "
        "in pyproject.toml, keeping the rest of the file byte for byte.",
    )
    init_cmd.add_argument(
        "--force",
        action="store_true",
        help="bring an existing [tool.tta-maturity] up to date, keeping declared levels and hand-written keys",
    )
    init_cmd.add_argument("--dry-run", action="store_true", help="print the change as a unified diff; write nothing")
    init_cmd.set_defaults(func=cmd_init)

    status = command("status", "the table from the last report", "Print the table of a report.")
    status.add_argument("report", nargs="?", metavar="REPORT", help="a JSON report (default: the last one)")
    report_file(status)
    status.set_defaults(func=cmd_status)

    explain = command(
        "explain",
        "what stands between a component and its next level",
        "Show the blockers of a component, the findings with file:line, the largest uncovered blocks, "
        "and how many more lines to cover. For a component that holds its level, explain the next one.",
    )
    explain.add_argument("name", metavar="NAME", help="the component")
    explain.add_argument("--limit", type=int, default=10, metavar="N", help="uncovered blocks to list (default 10)")
    report_file(explain)
    explain.set_defaults(func=cmd_explain)

    promote = command(
        "promote",
        "raise a declared level the last report shows is held",
        "Raise NAME's level in pyproject.toml to LEVEL, only when the last full report shows the component "
        "holds LEVEL; everything else in the file is kept byte for byte.",
    )
    promote.add_argument("name", metavar="NAME", help="the component")
    promote.add_argument("--to", required=True, metavar="LEVEL", help="the new level")
    promote.add_argument("--dry-run", action="store_true", help="print the change as a unified diff; write nothing")
    report_file(promote)
    promote.set_defaults(func=cmd_promote)

    base = command(
        "baseline",
        "record the baseline of the components below their level",
        "Record, from the last full report, every component below its declared level: its coverage and every "
        "finding of every gate (by path, code and message). While the baseline holds, those components fail "
        "the run only on new findings, coverage drops and failed tests.",
    )
    base.add_argument("--update", action="store_true", help="record improvements; refuse anything worse")
    base.add_argument("--allow-lower", action="store_true", help="also record what got worse (needs --reason)")
    base.add_argument("--reason", default="", metavar="TEXT", help="why the baseline may get worse (kept in the file)")
    report_file(base)
    base.set_defaults(func=cmd_baseline)

    check = command(
        "check",
        "score the combined coverage and reports of CI shards",
        "Combine the coverage data files and JSON reports of several pytest --tta-maturity runs (CI shards) "
        "and score them, without running tests: the same figures and verdict as one unsharded run.",
    )
    check.add_argument(
        "--coverage-file", nargs="+", action="extend", required=True, metavar="F", help="coverage data files"
    )
    check.add_argument(
        "--results", nargs="+", action="extend", required=True, metavar="R", help="the shards' JSON reports"
    )
    check.add_argument(
        "--report", action="append", default=[], metavar="FORMAT[:PATH]", help=f"also write the report ({fmts})"
    )
    check.add_argument("--component", action="append", default=[], metavar="NAME", help="score only this component")
    check.add_argument("--cov-config", metavar="PATH", help="coverage.py configuration file (as pytest-cov's)")
    check.add_argument("--warn-only", action="store_true", help="exit 0 even when a component is below its level")
    check.set_defaults(func=cmd_check)

    render = command(
        "report",
        "render a saved JSON report",
        f"Render a JSON report as {fmts}; to standard output, or to PATH when given.",
    )
    render.add_argument("report", metavar="REPORT", help="a JSON report")
    render.add_argument("--format", required=True, metavar="FORMAT[:PATH]", help=fmts)
    render.set_defaults(func=cmd_report)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except UsageError as exc:
        print(_one_line(str(exc)), file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    if args.command is None:
        print(
            f"{PROG}: choose a command: init, baseline, status, explain, promote, check, report (see '{PROG} --help')",
            file=sys.stderr,
        )
        return 2
    try:
        return int(args.func(args))
    except Refused as exc:
        print(f"{PROG} {args.command}: {_one_line(str(exc))}", file=sys.stderr)
        for line in exc.lines:
            print(line)
        return 1
    except MaturityError as exc:
        print(f"{PROG} {args.command}: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{PROG} {args.command}: {_one_line(str(exc))}", file=sys.stderr)
        return 2
