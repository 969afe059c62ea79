"""The pytest plugin: hooks and the ``tta-maturity`` terminal section.

A thin layer: configuration, measurement, gates, scoring and rendering live in
modules that do not import pytest. :mod:`.entry` registers the options and this
module (once pytest-cov has started). Here the configuration is validated, the
gates start when the session starts, test outcomes are collected, and scoring
happens once the tests (and pytest-cov's own run loop) are done.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import sys
import time
import warnings
import weakref
from collections.abc import Generator
from typing import Any, cast

import pytest
from coverage.exceptions import CoverageException

from . import __version__, hookspecs
from ._util import did_you_mean
from .activation import GATES_MODES, enabled, pyproject_path
from .affected import record as affected_record
from .affected.data import write_taken
from .affected.record import Recording
from .affected.select import DEFAULT_IGNORE, Decision, plan
from .baseline import store as baseline
from .bucketing import component_files
from .config import load, own_tests_without_tests
from .errors import MaturityError
from .gates import Cache
from .gates.runner import start_gates
from .hookspecs import extra_gates
from .measure.analysis import CACHE_FOLDER, AnalysisFailed
from .measure.analysis import start as start_analysis
from .measure.contexts import per_test_label, unavailable
from .measure.coverage_adapter import data_settings, measurement_core, records_contexts
from .model import GatesMode, Outcome, Report
from .partial import Partial, RunFacts, Selection, partial_run, selecting_options
from .project import CACHE_KEY, FULL_CACHE_KEY, now
from .render import formats, terminal
from .session import Run
from .vcs import Change, change_since

WORKER_KEY = "tta_maturity"


STATE = pytest.StashKey[Run]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Register ``pytest_tta_maturity_gates``, by which other plugins add gates."""
    pluginmanager.add_hookspecs(hookspecs)


# pytest's own parser, per session, to read the project's ``addopts`` as pytest reads them.
_PARSERS: weakref.WeakKeyDictionary[pytest.PytestPluginManager, pytest.Parser] = weakref.WeakKeyDictionary()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Keep pytest's parser (this hook is replayed for plugins registered late, as this one is)."""
    _PARSERS[pluginmanager] = parser


def _make_state(config: pytest.Config, namespace: Any) -> Run:
    try:
        cfg = load(pyproject_path(config), plugin_gates=True)
    except MaturityError as exc:
        raise pytest.UsageError(str(exc)) from None
    selected: list[str] = list(getattr(namespace, "tta_maturity_component", []) or [])
    names = [c.name for c in cfg.components]
    for name in selected:
        if name not in names:
            fix = did_you_mean(name, names)
            raise pytest.UsageError(f"--tta-maturity-component={name}: no such component in {cfg.file.name}; {fix}")
    components = tuple(c for c in cfg.components if not selected or c.name in selected)
    try:
        known, notes = baseline.for_config(cfg, __version__)
    except MaturityError as exc:
        raise pytest.UsageError(str(exc)) from None
    return Run(
        baseline=known,
        notes=notes,
        gates_mode=_gates_mode(config, namespace),
        cfg=cfg,
        components=components,
        warn_only=bool(getattr(namespace, "tta_maturity_warn_only", False)),
        no_gates=bool(getattr(namespace, "tta_maturity_no_gates", False)),
        report_specs=list(getattr(namespace, "tta_maturity_report", []) or []),
    )


def _gates_mode(config: pytest.Config, namespace: Any) -> GatesMode:
    """``all`` or ``declared``: the command line wins over the ini key, whose value is checked."""
    option = getattr(namespace, "tta_maturity_gates", None)
    if option:
        return GatesMode(option)
    value = str(config.getini("tta_maturity_gates") or "all").strip()
    if value not in GATES_MODES:
        choices = " or ".join(f"'{m}'" for m in GATES_MODES)
        raise pytest.UsageError(
            f"{_ini_place(config)} tta_maturity_gates = {value!r}: is not a gates mode; use {choices}"
        )
    return GatesMode(value)


def _ini_place(config: pytest.Config) -> str:
    """Where pytest read its ini keys: ``pyproject.toml: [tool.pytest.ini_options]``, ``tox.ini: [pytest]``..."""
    inipath = config.inipath
    if inipath is None:
        return "the configuration file"
    return inipath.name + {"pyproject.toml": ": [tool.pytest.ini_options]", "setup.cfg": ": [tool:pytest]"}.get(
        inipath.name, ": [pytest]"
    )


def pytest_configure(config: pytest.Config) -> None:
    """Set up the session state when the plugin is on (``entry`` registers the marker)."""
    if not enabled(config, config.option) or _not_a_test_run(config):
        return
    state = config.stash[STATE] = _make_state(config, config.option)
    cache = getattr(config, "cache", None)
    if cache is not None:
        recorded = cast(Cache, cache).get("cache/lastfailed", None)
        state.last_failed = (
            frozenset(str(k) for k in cast("dict[str, Any]", recorded)) if isinstance(recorded, dict) else frozenset()
        )
    state.project_selection = _project_selection(config)
    if not _is_worker(config):
        state.change = _change(config, state)
        _plan_affected(config, state)
    else:
        given = cast(dict[str, Any], getattr(config, "workerinput", {})).get(TAKE_KEY)
        if given:
            state.decision = Decision(take=frozenset(str(n) for n in given))
    for spec in state.report_specs:
        try:
            formats.parse_spec(spec)
        except MaturityError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.pluginmanager.register(_Recorder(state), "tta-maturity-recorder")
    if state.decision is not None and state.decision.take:
        config.pluginmanager.register(_Taker(state), "tta-maturity-affected")
        if not _is_worker(config):
            config.pluginmanager.register(_Merger(state), "tta-maturity-affected-merge")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(state), "tta-maturity-xdist")


TAKE_KEY = "tta_maturity_take"


def _affected_asked(config: pytest.Config) -> bool:
    """``--tta-maturity-affected``, or the ini key ``tta_maturity_affected`` (checked: ``true`` or ``false``)."""
    if getattr(config.option, "tta_maturity_affected", False):
        return True
    value = str(config.getini("tta_maturity_affected") or "false").strip()
    if value.lower() in ("true", "1", "yes", "on"):
        return True
    if value.lower() in ("false", "0", "no", "off", ""):
        return False
    raise pytest.UsageError(
        f"{_ini_place(config)} tta_maturity_affected = {value!r}: is not a boolean; use true or false"
    )


def _plan_affected(config: pytest.Config, state: Run) -> None:
    """Take the snapshot a record needs; for an affected run, decide which recorded tests it takes."""
    state.affected_asked = asked = _affected_asked(config)
    cache = cast("pytest.Cache | None", getattr(config, "cache", None))  # absent under -p no:cacheprovider
    cov = _pytest_cov(config)
    why = "pytest's cache is off (-p no:cacheprovider)" if cache is None else _contexts_mode(config)[1]
    if cache is None or cov is None or why:
        if asked:
            state.decision = Decision(fallback=f"per-test coverage cannot be recorded: {why}")
        return
    try:
        folder = cache.mkdir(affected_record.FOLDER)
    except OSError as exc:  # pytest's own cache says so for the report; an affected run says why it ran all
        if asked:
            state.decision = Decision(fallback=f"pytest's cache folder cannot be written ({exc})")
        return
    started = time.perf_counter()
    outputs = [config.invocation_params.dir / path for path in formats.output_paths(state.report_specs)]
    state.recording = Recording.start(folder, state.cfg.root, data_settings(cov), outputs)
    if asked:
        # whether -k, -m... deselect anything is known only later: assume they do
        facts = _run_facts(config, state, failed_last_time=bool(state.last_failed), deselected=1)
        patterns = [str(p) for p in cast(list[Any], config.getini("tta_maturity_affected_ignore") or [])]
        state.decision, state.record = plan(
            state.recording,
            rootdir=config.rootpath,
            selecting=selecting_options(facts),
            ignore=patterns or DEFAULT_IGNORE,
        )
    state.timings["affected_plan"] = time.perf_counter() - started


def _change(config: pytest.Config, state: Run) -> Change | None:
    """The change since the merge base of ``--tta-maturity-new-code`` (or its ini key); exit 4 when git cannot say."""
    ref = str(getattr(config.option, "tta_maturity_new_code", None) or config.getini("tta_maturity_new_code") or "")
    ref = ref.strip()
    if not ref:
        return None
    started = time.perf_counter()
    try:
        change = change_since(ref, state.cfg.root)
    except MaturityError as exc:
        raise pytest.UsageError(str(exc)) from None
    state.timings["new_code_git"] = time.perf_counter() - started
    return change


# Options with which pytest shows something instead of running the tests: nothing to score.
_INFORMATIONAL = ("help", "version", "collectonly", "showfixtures", "show_fixtures_per_test", "markers")


def _not_a_test_run(config: pytest.Config) -> bool:
    return any(getattr(config.option, name, False) for name in _INFORMATIONAL)


def _state(config: pytest.Config) -> Run | None:
    return config.stash.get(STATE, None)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _is_controller_of_workers(config: pytest.Config) -> bool:
    """Whether this process hands the tests to xdist workers (and collects none itself)."""
    return config.pluginmanager.has_plugin("dsession")  # registered by pytest-xdist when it distributes


def _controller_state(config: pytest.Config) -> Run | None:
    """The state, on the process that scores (never on an xdist worker)."""
    return None if _is_worker(config) else _state(config)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the gate tools so that they run while the tests run."""
    state = _controller_state(session.config)
    if state is None or state.no_gates:
        return
    checked = state.cfg.gates_checked(state.components, state.gates_mode)
    if not any(checked.values()):
        return
    files = component_files(state.components)
    for name, gates in checked.items():
        for gate in gates:
            state.gate_files.setdefault(gate, []).extend(files[name])
    if state.gate_files:
        try:
            extra = extra_gates(session.config.hook.pytest_tta_maturity_gates(config=session.config))
            state.cfg.check_plugin_gates([spec.name for spec in extra])
        except TypeError as exc:
            raise pytest.UsageError(f"tta-maturity: {exc}") from None
        except MaturityError as exc:
            raise pytest.UsageError(str(exc)) from None
        state.gate_session = start_gates(
            state.cfg,
            state.gate_files,
            python=sys.executable,
            cache=getattr(session.config, "cache", None),
            extra=extra,
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Attribute each collected test to components, by ``tests`` paths and the marker."""
    state = _state(session.config)
    if state is None:
        return
    tests = (
        (item.nodeid, item.path, [a for m in item.iter_markers("component") for a in m.args]) for item in session.items
    )
    try:
        state.attribute(tests)
    except MaturityError as exc:
        raise pytest.UsageError(str(exc)) from None
    state.collected = len(session.items)
    # pytest's --lf runs only the known failures among the collected tests, and the whole selection
    # when none of them is collected ("run-last-failure: N known failures not in selected tests").
    state.failed_last_time = any(item.nodeid in state.last_failed for item in session.items)
    _record_contexts(session.config, state)
    if not _is_worker(session.config):
        _check_own_tests(state)
    else:
        workeroutput = cast(dict[str, Any], getattr(session.config, "workeroutput", {}))
        workeroutput[WORKER_KEY] = state.worker_output()


def _check_own_tests(state: Run) -> None:
    """A component judged on its own tests must have some: exit 4 with one line otherwise."""
    error = own_tests_without_tests(state.cfg, state.components, state.tested)
    if error is not None:
        raise pytest.UsageError(str(error))


def _contexts_mode(config: pytest.Config) -> tuple[str, str]:
    """How this process records whose tests ran each line, and why it cannot when it cannot."""
    cov = _pytest_cov(config)
    if cov is None:
        return "", "coverage was not measured"
    if getattr(config.option, "tta_maturity_no_contexts", False):
        return "", "not recorded (--tta-maturity-no-contexts)"
    why = unavailable(
        core=measurement_core(cov),
        records=records_contexts(cov),
        dynamic_context=cast("str | None", cov.get_option("run:dynamic_context")),
        patch=cast("list[str]", cov.get_option("run:patch") or []),
    )
    if why:
        return "", why
    if getattr(config.option, "cov_context", None) == "test":
        return "pytest-cov", ""  # the user's per-test contexts: read back through the attribution
    return "tta-maturity", ""


def _record_contexts(config: pytest.Config, state: Run) -> None:
    """Switch coverage.py's context to the running test's components, in the process running the tests."""
    state.contexts, state.contexts_note = _contexts_mode(config)
    if state.contexts == "tta-maturity":
        config.pluginmanager.register(_ContextSwitcher(_pytest_cov(config), state.attribution), "tta-maturity-contexts")


class _ContextSwitcher:
    """Switches coverage.py's dynamic context to each test's label (its components and its id; not per phase)."""

    def __init__(self, cov: Any, attribution: dict[str, list[str]]) -> None:
        self.cov = cov
        self.attribution = attribution

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        """Switch before the test's setup, so that its fixtures count for its components."""
        with contextlib.suppress(CoverageException):  # coverage stopped (e.g. by the test itself)
            self.cov.switch_context(per_test_label(self.attribution.get(item.nodeid, ()), item.nodeid))
        return (yield)


class _Recorder:
    """Hooks that carry no ``config``: bound to the session's state instead."""

    def __init__(self, state: Run) -> None:
        self.state = state

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Count collection errors: they make the run partial."""
        if report.failed:
            self.state.collect_errors += 1

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        """Count deselected tests (on xdist workers too: they collect), and whose tests they are.

        The tests an affected run takes from its record are no deselection: the run stays full.
        """
        items = [item for item in items if item.nodeid not in self.state.taken]
        self.state.deselected += len(items)
        for item in items:
            self.state.tested.update(str(name) for mark in item.iter_markers("component") for name in mark.args)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record each test's outcome (on the controller, reports of xdist workers included)."""
        if report.when != "call" and report.passed:
            return
        if report.failed:
            outcome = Outcome.FAILED if report.when == "call" else Outcome.ERROR
        else:
            outcome = Outcome.SKIPPED if report.skipped else Outcome.PASSED
        self.state.add_outcome(report.nodeid, outcome)


class _Taker:
    """An affected run's collection: the tests the record answers for are not run (this process collects)."""

    def __init__(self, state: Run) -> None:
        self.state = state

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Leave out the recorded tests the change cannot affect (the rest, new tests included, run)."""
        take = self.state.decision.take if self.state.decision is not None else frozenset[str]()
        taken = [item for item in items if item.nodeid in take]
        if taken:
            self.state.taken.update(item.nodeid for item in taken)
            items[:] = [item for item in items if item.nodeid not in self.state.taken]
            config.hook.pytest_deselected(items=taken)


class _Merger:
    """On the scoring process: the taken tests' outcomes, and their coverage before pytest-cov combines its data."""

    def __init__(self, state: Run) -> None:
        self.state = state

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """Inside pytest-cov's own wrapper: its data is combined (and reported) after this returns."""
        result = yield
        state, record = self.state, self.state.record
        if record is None or state.recording is None or not state.taken:
            return result
        started = time.perf_counter()
        state.take_recorded()
        cov = _pytest_cov(session.config)  # there, or nothing would have been taken
        write_taken(
            str(state.recording.folder / record.data),
            _data_file(session.config, cov),
            state.taken,
            str(cov.get_option("run:context") or ""),
        )
        state.timings["affected_merge"] = time.perf_counter() - started
        return result


def _data_file(config: pytest.Config, cov: Any) -> str:
    """pytest-cov's data file (its parallel files are this name with a suffix), absolute."""
    controller = getattr(config.pluginmanager.get_plugin("_cov"), "cov_controller", None)
    base = str(getattr(controller, "topdir", None) or config.invocation_params.dir)
    return os.path.abspath(os.path.join(base, str(cov.get_option("run:data_file"))))


class _XdistHooks:
    """Hooks that exist only with pytest-xdist: gather what the workers saw."""

    def __init__(self, state: Run) -> None:
        self.state = state

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Hand each worker the recorded tests an affected run takes from the record."""
        if self.state.decision is not None and self.state.decision.take:
            cast(dict[str, Any], node.workerinput)[TAKE_KEY] = sorted(self.state.decision.take)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """Merge a worker's test attribution; remember a worker that died (its coverage is lost)."""
        if error:
            self.state.crashed_workers.append(str(getattr(getattr(node, "gateway", None), "id", node)))
        output = cast(dict[str, Any], getattr(node, "workeroutput", {}) or {})
        self.state.merge_worker(cast(dict[str, Any], output.get(WORKER_KEY) or {}))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Print the failing verdict as the very last line of the run."""
    state = _controller_state(config)
    if state is None or state.report is None or not terminal.verdict_goes_last(state.report):
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        failed = state.report.run_fails
        cast("pytest.TerminalReporter", reporter).write_line(
            terminal.closing_line(state.report), red=failed, yellow=not failed
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, object, object]:
    """Score after the tests and after pytest-cov's own run loop has combined its data."""
    state = _controller_state(session.config)
    if state is None:
        return (yield)
    try:
        return (yield)
    except BaseException:
        state.interrupted = True
        raise
    finally:
        _finish(session, state)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Score runs that never reached the run loop; turn a failing verdict into exit status 1."""
    del exitstatus
    state = _controller_state(session.config)
    if state is None:
        return
    if state.report is None:
        _finish(session, state)
    report = state.report
    if report is None:
        return
    if report.levels_fail_run and session.exitstatus in (0, 5):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif state.taken and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.OK  # every test was taken from the record: a full run passed them
    started = time.perf_counter()
    report.created = report.created or now()
    try:
        for spec in state.report_specs:
            formats.emit(report, spec, base=session.config.invocation_params.dir)
        _keep_report(session.config, state, report)
    except OSError as exc:
        raise pytest.UsageError(f"tta-maturity: cannot write the report: {exc}") from None
    state.timings["write"] = time.perf_counter() - started


NO_CACHE_NOTE = (
    "no report was kept for the tta-maturity command: pytest's cache is off (-p no:cacheprovider); "
    "keep one with --tta-maturity-report=json:PATH and pass --report-file PATH to status, explain and promote"
)


def _keep_report(config: pytest.Config, state: Run, report: Report) -> None:
    """Keep the report in pytest's cache as the last report, and after a full run as the last full one."""
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    if cache is None:
        specs = [formats.parse_spec(spec) for spec in state.report_specs]
        if not any(fmt == "json" and path != formats.STDOUT for fmt, path in specs):
            state.notes.append(NO_CACHE_NOTE)
        return
    data = report.to_dict()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cast("pytest.Cache", cache).set(CACHE_KEY, data)
        if not report.partial:
            cast("pytest.Cache", cache).set(FULL_CACHE_KEY, data)
    if caught:  # one note: the second key fails as the first did
        state.notes.append(f"the report could not be kept in pytest's cache: {caught[0].message}")


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The ``tta-maturity`` section: one row per component, blockers, promotions."""
    state = _controller_state(terminalreporter.config)
    if state is None or state.report is None:
        return
    terminalreporter.write_sep("=", "tta-maturity")
    # A failing verdict is printed by pytest_unconfigure, as the run's last line.
    for line in terminal.render(state.report, with_verdict=not terminal.verdict_goes_last(state.report)):
        terminalreporter.write_line(line)
    for note in state.notes:
        terminalreporter.write_line(f"note: {note}", yellow=True)
    if os.environ.get("TTA_MATURITY_TIMINGS"):
        parts = " ".join(f"{k}={v:.3f}s" for k, v in state.timings.items())
        terminalreporter.write_line(f"tta-maturity timings: {parts}")


def _pytest_cov(config: pytest.Config) -> Any:
    """pytest-cov's ``coverage.Coverage`` of this session, or ``None``."""
    if getattr(config.option, "no_cov", False):
        return None
    plugin = config.pluginmanager.get_plugin("_cov")
    return getattr(getattr(plugin, "cov_controller", None), "cov", None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """Start coverage.py's static analysis of the components' files, to run while the tests run."""
    state = _controller_state(session.config)
    cov = _pytest_cov(session.config) if state is not None else None
    if state is None or cov is None or state.analysis is not None:
        return
    state.coverage_core = measurement_core(cov)
    folder = None
    cache = getattr(session.config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        with contextlib.suppress(OSError):
            folder = cast("pytest.Cache", cache).mkdir(CACHE_FOLDER)
    with contextlib.suppress(AnalysisFailed):  # if it cannot start, the files are analysed after the tests
        state.analysis = start_analysis(
            cov, root=state.cfg.root, components=state.components, python=sys.executable, cache_dir=folder
        )


def _unmeasured(session: pytest.Session, state: Run, cov: Any) -> str:
    """Why pytest-cov's data of this session cannot be measured; "" when it can."""
    if getattr(session.config.option, "no_cov", False):
        return "pytest-cov is disabled by --no-cov"
    if cov is None:
        return "pytest-cov is not active"
    if state.interrupted:
        stopped = _stop_reason(session)  # -x, --maxfail, --sw end pytest's run loop by raising
        if stopped:
            return f"pytest-cov saves no data when the run stops early ({stopped})"
        return "the run was interrupted before pytest-cov saved its data"
    if state.crashed_workers:
        return f"xdist worker {', '.join(state.crashed_workers)} died and its coverage data is lost"
    return ""


def _selection(namespace: argparse.Namespace) -> Selection:
    """The test-selecting options of a namespace pytest parsed."""

    def strings(name: str) -> tuple[str, ...]:
        return tuple(str(v) for v in cast(list[Any], getattr(namespace, name, None) or []))

    return Selection(
        keyword=str(getattr(namespace, "keyword", "") or ""),
        markexpr=str(getattr(namespace, "markexpr", "") or ""),
        deselect=strings("deselect"),
        ignore=strings("ignore"),
        ignore_glob=strings("ignore_glob"),
        paths=strings("file_or_dir"),
        last_failed=bool(getattr(namespace, "lf", False)),
        stepwise=bool(getattr(namespace, "stepwise", False) or getattr(namespace, "stepwise_skip", False)),
    )


def _project_selection(config: pytest.Config) -> Selection:
    """What the project's own ``addopts`` select, parsed by pytest's parser as pytest parsed them."""
    parser = _PARSERS.get(config.pluginmanager)
    addopts = [str(a) for a in cast(list[Any], config.getini("addopts") or [])]
    if parser is None or not addopts:
        return Selection()
    return _selection(parser.parse_known_args(addopts))


def _default_paths(config: pytest.Config, project: Selection) -> tuple[str, ...]:
    """What pytest collects when the command line names no path (as pytest decides it)."""
    if project.paths:
        return project.paths
    here = config.invocation_params.dir
    testpaths = [str(t) for t in cast(list[Any], config.getini("testpaths") or [])]
    if here == config.rootpath and testpaths:
        found = [p for t in testpaths for p in sorted(glob.iglob(os.path.join(here, t), recursive=True))]
        if found:
            return tuple(found)
    return (str(here),)


def _stop_reason(session: pytest.Session) -> str:
    """Why the session stopped before its end (``-x``, ``--maxfail``, ``--sw``), "" when it did not."""
    for value in (session.shouldfail, session.shouldstop):
        if value:
            return value if isinstance(value, str) else "the session was stopped"
    return ""


def _partial(session: pytest.Session, state: Run) -> Partial | None:
    """What made the run partial, from the options pytest parsed and what the session did."""
    stopped = _stop_reason(session)
    facts = _run_facts(
        session.config,
        state,
        failed_last_time=state.failed_last_time,
        deselected=state.deselected,
        collected=state.collected + len(state.taken),
        ran=len(state.outcomes),
        collect_errors=state.collect_errors,
        stopped=stopped,
        # pytest ends a stopped session by raising out of its run loop: that is no interruption
        interrupted=state.interrupted and not stopped,
    )
    return partial_run(facts)


def _run_facts(config: pytest.Config, state: Run, **session: Any) -> RunFacts:
    """What the options select, beside what the session did (``session``: the other fields of RunFacts)."""
    return RunFacts(
        options=_selection(config.option),
        project=state.project_selection,
        invocation_dir=str(config.invocation_params.dir),
        default_paths=_default_paths(config, state.project_selection),
        **session,
    )


def _finish(session: pytest.Session, state: Run) -> None:
    if state.report is not None or state.refused:
        return
    if _is_controller_of_workers(session.config):  # the workers' collections are known only now
        state.refused = True
        _check_own_tests(state)
        state.refused = False
    cov = _pytest_cov(session.config)
    state.finish(cov, _unmeasured(session, state, cov), _partial(session, state))
