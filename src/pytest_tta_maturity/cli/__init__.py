"""The ``tta-maturity`` command: init, baseline, status, explain, promote, check, report.

``main(argv) -> int`` over the same pure core as the pytest plugin. Exit status
(see docs/command.md): 0 when every component meets its level or the command did
what was asked, 1 when some component is below its level or a promotion is
refused, 2 for a usage or configuration error. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .. import __version__
from .._util import did_you_mean
from ..config import MAX_DEPTH, MaturityConfig, load
from ..errors import MaturityError, Refused, ReportError, UsageError, display_path
from ..model import ComponentResult, Report
from ..project import find_project, full_report_for, last_full_report_path, load_report, report_for, save_last_report
from ..render import formats
from . import init, pyproject_edit
from .explain import explain_lines
from .shards import shard_run

if TYPE_CHECKING:
    from ..baseline.store import Baseline

PROG = "tta-maturity"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and exit status 2) instead of usage text."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage."""
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


# ---------------------------------------------------------------- finding things


def _report_for(args: argparse.Namespace, positional: str | None = None) -> tuple[Report, Path]:
    """The report named on the command line, else the last one kept in pytest's cache."""
    if positional and args.report_file:
        raise UsageError("give the report once: as REPORT or as --report-file, not both")
    return report_for(positional or args.report_file, args.project)


def _full_report_for(args: argparse.Namespace) -> tuple[Report, Path]:
    """The report named by ``--report-file``, else the last full run's report kept in pytest's cache."""
    return full_report_for(args.report_file, args.project)


def _hint(value: str, choices: Sequence[str], label: str) -> str:
    """``did you mean 'x'?`` for a near miss, else the list of valid choices."""
    return did_you_mean(value, choices, f"{label}: " + ", ".join(choices))


def _component(report: Report, name: str) -> ComponentResult:
    comp = report.component(name)
    if comp is None:
        names = [c.name for c in report.components]
        fix = _hint(str(name), names, "components")
        raise UsageError(f"no component '{name}' in the report; {fix}")
    return comp


# ---------------------------------------------------------------- status


def cmd_status(args: argparse.Namespace) -> int:
    """Print when a report was made and whether by a full run, then its table; exit as the run did (1 when it failed).

    A run fails when a test failed or a component is below its level without holding its baseline
    (``Report.run_fails``, warn-only included): ``status`` says the same.
    """
    named = args.report or args.report_file
    report, path = _report_for(args, args.report)
    line = f"{display_path(path) if named else 'last report'}: {_made(report, path)}"
    if report.partial and not named:
        line += "; " + _last_full(find_project(args.project))
    print(line)
    for row in _terminal_lines(report):
        print(row)
    return 1 if report.run_fails else 0


def _when(report: Report, path: Path) -> str:
    """When ``report`` was made (its ``created`` time; else when its file was written)."""
    try:
        made = datetime.fromisoformat(report.created) if report.created else None
    except ValueError:
        return f"made {report.created}"
    if made is None:
        written = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        return f"made at an unknown time (file written {written:%Y-%m-%d %H:%M:%S} UTC)"
    if made.tzinfo is not None:
        made = made.astimezone(timezone.utc)
    return f"made {made:%Y-%m-%d %H:%M:%S} UTC"


def _made(report: Report, path: Path) -> str:
    """``made 2025-06-01 14:02:11 UTC, full run`` (or the partial run's reason)."""
    if not report.partial:
        return f"{_when(report, path)}, full run"
    reason = f" ({report.partial_reason})" if report.partial_reason else ""
    return f"{_when(report, path)}, partial run{reason}"


def _last_full(pyproject: Path) -> str:
    """What ``promote`` would judge from, beside a partial last report."""
    path = last_full_report_path(pyproject)
    if not path.is_file():
        return "no full run's report is kept (promote needs one: run the whole suite)"
    try:
        return f"last full run's report: {_when(load_report(path), path)}"
    except ReportError as exc:
        return f"last full run's report: {exc}"


def _terminal_lines(report: Report) -> list[str]:
    from ..render import terminal  # kept lazy so that the other commands never import it

    return terminal.render(report)


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain one component; exit 1 when it is below its declared level."""
    report, _ = _report_for(args)
    comp = _component(report, args.name)
    pyproject: Path | None
    try:
        pyproject = find_project(args.project)
    except UsageError:
        pyproject = None
    for line in explain_lines(report, comp, pyproject, limit=args.limit):
        print(line)
    return 1 if comp.meets is False else 0


# ---------------------------------------------------------------- promote


def cmd_promote(args: argparse.Namespace) -> int:
    """Raise a component's declared level when the last report shows it holds the new one."""
    pyproject = find_project(args.project)
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
    report, _ = _full_report_for(args)
    comp = _component(report, args.name)
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        raise Refused(f"not promoting {args.name}: the last report is from a partial run{reason}; run the full suite")
    achieved_rank = names.index(comp.achieved) if comp.achieved in names else -1
    if achieved_rank < names.index(args.to):
        blockers = comp.next_blockers if comp.next_level == args.to else (comp.blockers or comp.next_blockers)
        raise Refused(
            f"not promoting {args.name} to {args.to}: the last report shows it holds {comp.achieved}",
            [f"  - {b.text}" for b in blockers] + [f"  - {u.text}" for u in comp.undetermined],
        )

    before = pyproject_edit.read_text(pyproject)
    after = pyproject_edit.set_level(before, pyproject, args.name, args.to)
    if args.dry_run:
        sys.stdout.write(pyproject_edit.unified_diff(before, after, pyproject.name))
        return 0
    formats.atomic_write(pyproject, after)
    print(f"{args.name}: {declared} -> {args.to} in {display_path(pyproject)}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Write a starting ``[tool.tta-maturity]`` for the packages found."""
    pyproject = find_project(args.project, to_create=True)
    if args.depth is not None and not 0 <= args.depth <= MAX_DEPTH:
        raise UsageError(
            f"init --depth {args.depth}: must be a whole number from 0 to {MAX_DEPTH} "
            "(0: no container is split, 1: the first level, the default)"
        )
    plan = init.plan(pyproject, force=args.force, depth=args.depth, show_all=args.all)
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


def _baseline(cfg: MaturityConfig) -> Baseline | None:
    """The project's baseline, as the plugin reads it (its warnings on stderr)."""
    from ..baseline import store as baseline

    known, warnings = baseline.for_config(cfg, __version__)
    for warning in warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return known


def cmd_baseline(args: argparse.Namespace) -> int:
    """Record, or tighten, the baseline of the components below their declared level."""
    import datetime

    from ..baseline import store as baseline
    from ..baseline import update as baseline_update

    if args.allow_lower and not args.reason.strip():
        raise UsageError("--allow-lower needs --reason TEXT: why the baseline may get worse (it is kept in the file)")
    if args.reason and not args.allow_lower:
        raise UsageError("--reason goes with --allow-lower")
    pyproject = find_project(args.project)
    cfg = load(pyproject)
    path = cfg.baseline_file
    old = baseline.load(path, __version__) if path.exists() else None
    report, _ = _full_report_for(args)
    required = baseline.required_gates(cfg)
    recorded = baseline_update.record(
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
    if recorded.text is not None:
        formats.atomic_write(path, recorded.text)
    for line in recorded.lines:
        print(line)
    return 1 if recorded.blocked else 0


# ---------------------------------------------------------------- check


def cmd_check(args: argparse.Namespace) -> int:
    """Score from the coverage data and JSON reports of several CI jobs, without running tests."""
    pyproject = find_project(args.project)
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
    from ..judge import judge

    run = shard_run(
        cfg,
        components,
        [Path(r) for r in args.results],
        [Path(f) for f in args.coverage_file],
        args.cov_config,
        warn_only=bool(args.warn_only),
    )
    report = judge(dataclasses.replace(run, baseline=_baseline(cfg)))
    for line in _terminal_lines(report):
        print(line)
    for spec in args.report:
        formats.emit(report, spec, option="--report")
    save_last_report(pyproject, report)
    return 1 if report.run_fails else 0


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
        "Find the components (packages at the top level or under src/, containers split one level into their "
        "parts, uv workspace members) and the test files that import each, declare them at level 'experimental' "
        "in pyproject.toml, keeping the rest of the file byte for byte, and print the table it wrote.",
    )
    init_cmd.add_argument(
        "--depth",
        type=int,
        metavar="N",
        help="how many levels of containers to split (0: none; default: [tool.tta-maturity.init] depth, else 1)",
    )
    init_cmd.add_argument(
        "--all", action="store_true", help="list every entry to review, not the first 10 of each kind"
    )
    init_cmd.add_argument(
        "--force",
        action="store_true",
        help="bring an existing [tool.tta-maturity] up to date, keeping declared levels and hand-written keys",
    )
    init_cmd.add_argument(
        "--dry-run", action="store_true", help="print the change as a unified diff and the table; write nothing"
    )
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


#: What a command-line tool killed by SIGPIPE exits with in a POSIX shell (128 + 13), as `git log | head -1`.
EXIT_PIPE_CLOSED = 141


def _output_cut_short() -> int:
    """The reader of our output went away (``tta-maturity status | head -1``): stop quietly, as other tools do.

    Standard output is pointed at the null device so that Python's own flush at exit does not fail
    again and print a second error.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


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
        status = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here when the output fitted in the buffer
        return status
    except BrokenPipeError:
        return _output_cut_short()
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
