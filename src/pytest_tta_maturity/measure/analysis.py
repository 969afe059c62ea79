"""coverage.py's static analysis of the components' files, beside the tests and cached.

Parsing every component file for its statements, branches and exclusions is
most of what per-component coverage costs, and none of it depends on what the
tests run. So when the session starts, :func:`start` launches a worker process
(``python -m pytest_tta_maturity.measure.analysis``) that finds the components' files,
takes what it can from the cache and parses the rest while the tests run; it
then waits. Once pytest-cov has saved the data, :meth:`AnalysisWorker.measure`
hands the worker the data file and gets every component's figures back: all
that is left then is the intersection of the parsed facts with the measured
lines and arcs (:func:`.figures.measure`).

The cache is a file in pytest's cache (``config.cache.mkdir``), holding each
file's facts under the SHA-256 of its content, for one coverage.py version,
one Python and one set of the settings parsing depends on (branch coverage,
``exclude_lines``/``exclude_also``, ``partial_branches``,
``partial_branches_always``): a warm run of unchanged sources parses nothing.
A cache that cannot be read is ignored; one that cannot be written is not kept.

Nothing here is ever the only way to a figure: when the worker cannot start,
dies or answers what cannot be read, :class:`AnalysisFailed` tells the caller
to analyse in its own process, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import coverage
from coverage.exceptions import CoverageException

from ..config import ComponentConfig
from ..errors import CoverageDataError
from ..model import CoverageFigures, NewCode
from . import coverage_adapter as adapter
from .contexts import Attribution
from .figures import component_sources, measure

#: Bumped when the layout of the cache file changes.
CACHE_FORMAT = 1
CACHE_FILE = "analysis.json"
#: The folder of pytest's cache (``config.cache.mkdir``) holding the cache file.
CACHE_FOLDER = "tta-maturity-coverage"

#: The options of the project's coverage configuration the worker needs (``Coverage.get_option`` names).
SETTINGS = (
    "run:branch",
    "run:omit",
    "run:relative_files",
    "report:exclude_lines",
    "report:partial_branches",
    "report:partial_branches_always",
    "report:include",
    "report:omit",
    "report:precision",
    "report:ignore_errors",
)
#: Those on which parsing depends: with the versions, they key the cache.
PARSING_SETTINGS = (
    "run:branch",
    "report:exclude_lines",
    "report:partial_branches",
    "report:partial_branches_always",
)
#: Variables with which coverage.py (or pytest-cov) would measure a child process: not this one.
_MEASURING_VARIABLES = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")
_MEASURING_PREFIXES = ("COV_CORE_",)


#: The folder holding this package: on the worker's path, and its working directory (so that no
#: module of the project, such as a ``json.py`` at its root, is imported instead of the standard one).
_HOME = str(Path(__file__).resolve().parent.parent)


class AnalysisFailed(Exception):
    """The worker could not give figures; the caller analyses in its own process."""


def settings_of(cov: coverage.Coverage) -> dict[str, Any]:
    """The options of ``cov``'s configuration that the analysis needs, JSON-safe.

    ``exclude_lines`` already holds ``exclude_also`` (coverage.py appends it when
    it reads the configuration).
    """
    return {name: cov.get_option(name) for name in SETTINGS}


def usable(cov: coverage.Coverage) -> bool:
    """Whether the worker can stand in for ``cov``: coverage.py plugins (file tracers) need ``cov`` itself."""
    return not cov.get_option("run:plugins")


def coverage_for(settings: Mapping[str, Any], data_file: str | None = None) -> coverage.Coverage:
    """A ``Coverage`` configured as the project's is, for ``settings`` (from :func:`settings_of`)."""
    cov = coverage.Coverage(data_file=data_file, config_file=False)
    for name in SETTINGS:
        if name in settings:
            cov.set_option(name, settings[name])
    return cov


def cache_key(settings: Mapping[str, Any]) -> str:
    """What the kept facts depend on besides the file's content."""
    parts = {
        "format": CACHE_FORMAT,
        "coverage": adapter.VERSION,
        "facts": adapter.FACTS_LAYOUT,
        "python": sys.version,
        "implementation": sys.implementation.name,
        "settings": {name: settings.get(name) for name in PARSING_SETTINGS},
    }
    return json.dumps(parts, sort_keys=True)


def _digest(path: str) -> tuple[str, tuple[int, int]] | None:
    """The file's SHA-256 and its (size, mtime) as read; ``None`` when it cannot be read."""
    try:
        info = os.stat(path)
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None
    return digest, (info.st_size, info.st_mtime_ns)


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


@dataclass
class _File:
    stamp: tuple[int, int]
    prepared: adapter.Prepared


class StaticAnalysis:
    """The facts of a set of files, parsed or taken from the cache, each file made ready for measuring."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        """Analyse as the project's coverage configuration (``settings``) says."""
        self.settings = dict(settings)
        self.key = cache_key(settings)
        self.branches = bool(settings.get("run:branch"))
        self.cov = coverage_for(settings)
        self.files: dict[str, _File] = {}
        self.facts: dict[str, dict[str, Any]] = {}  # by content digest, as kept in the cache
        self.kept: dict[str, dict[str, Any]] = {}  # what the cache held
        self.parsed = 0
        self.reused = 0

    def load(self, path: Path | None) -> None:
        """Take the facts kept in the cache file at ``path``; a file that cannot be read is ignored."""
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        entry = cast("dict[str, Any]", data)
        if entry.get("key") == self.key and isinstance(entry.get("files"), dict):
            self.kept = cast("dict[str, dict[str, Any]]", entry["files"])

    def add(self, filename: str) -> None:
        """Make ``filename`` ready: from the cache when its content is known, else by parsing it.

        A file that cannot be read or parsed is left out: measuring parses it
        again, and says what coverage.py says about it.
        """
        found = _digest(filename)
        if found is None:
            return
        digest, stamp = found
        kept = self.facts.get(digest) or self.kept.get(digest)  # identical files (empty __init__.py) once
        if kept is not None:
            try:
                facts = adapter.FileFacts.from_json(kept)
                if self.branches and facts.arcs is None:
                    raise ValueError("branches were not analysed")
                self.files[filename] = _File(stamp, adapter.Prepared(filename, self.cov, facts))
                self.facts[digest] = kept
                self.reused += 1
                return
            except (ValueError, TypeError, KeyError):
                pass  # a damaged entry: parse the file again
        try:
            facts = adapter.read_facts(self.cov, filename, branches=self.branches)
            prepared = adapter.Prepared(filename, self.cov, facts)
        except (CoverageException, SyntaxError, ValueError, RecursionError, AssertionError, OSError):
            return  # measuring parses the file again, and fails or warns as coverage report does
        self.files[filename] = _File(stamp, prepared)
        self.facts[digest] = facts.to_json()
        self.parsed += 1

    def prepared(self, filename: str) -> adapter.Prepared | None:
        """``filename`` made ready, unless it changed since (then ``None``: measuring parses it)."""
        known = self.files.get(filename)
        if known is None or _stamp(filename) != known.stamp:
            return None
        return known.prepared

    def save(self, path: Path | None) -> None:
        """Keep the facts in the cache file at ``path`` when they changed; failing to is not an error."""
        if path is None or (not self.parsed and len(self.facts) == len(self.kept)):
            return
        payload = json.dumps({"key": self.key, "files": self.facts}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".analysis-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                os.replace(temporary, path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise


# --- the worker process ---------------------------------------------------------------------------


def _components(job: Mapping[str, Any]) -> tuple[ComponentConfig, ...]:
    pairs = cast("list[list[Any]]", job["components"])
    return tuple(ComponentConfig(name=str(n), level="", paths=tuple(Path(p) for p in paths)) for n, paths in pairs)


def _worker(stdin: IO[str], stdout: IO[str]) -> int:
    """The worker: read the job, analyse, wait for the data file, answer with the figures."""
    job = json.loads(stdin.readline())
    started = time.perf_counter()
    components = _components(job)
    cache = Path(job["cache"]) if job.get("cache") else None
    analysis = StaticAnalysis(job["settings"])
    analysis.load(cache)
    for filename in component_sources(components):
        analysis.add(filename)
    analysis.save(cache)
    stats = {"parsed": analysis.parsed, "reused": analysis.reused, "seconds": time.perf_counter() - started}

    line = stdin.readline()
    if not line:
        return 0  # the run ended without coverage data to measure
    request = json.loads(line)
    started = time.perf_counter()
    os.chdir(request["cwd"])
    cov = coverage_for(analysis.settings, data_file=request["data_file"])
    answer: dict[str, Any]
    cov.load()
    stats["measured"] = len(cov.get_data().measured_files())
    try:
        attribution = Attribution.from_dict(request["attribution"]) if request.get("attribution") else None
        raw_changed = cast("dict[str, list[int]] | None", request.get("changed"))
        changed = {path: frozenset(lines) for path, lines in raw_changed.items()} if raw_changed is not None else None
        figures = measure(
            cov,
            Path(job["root"]),
            components,
            prepared=analysis.prepared,
            attribution=attribution,
            unattributed=str(request.get("unattributed", "")),
            changed=changed,
        )
        answer = {
            "figures": {name: fig.to_dict() for name, fig in figures.items()},
            "new_code": {name: fig.new_code.to_dict() for name, fig in figures.items() if fig.new_code is not None},
        }
    except CoverageDataError as exc:
        answer = {"error": str(exc)}
    stats["measure_seconds"] = time.perf_counter() - started
    answer["stats"] = stats
    stdout.write(json.dumps(answer) + "\n")
    stdout.flush()
    return 0


# --- the pytest process's side --------------------------------------------------------------------


def _environment() -> dict[str, str]:
    """This process's environment for the worker: able to import this package, never measured."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _MEASURING_VARIABLES and not key.startswith(_MEASURING_PREFIXES)
    }
    env["PYTHONPATH"] = os.pathsep.join([_HOME, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    env["PYTHONSAFEPATH"] = "1"  # Python 3.11+: the working directory is not put on sys.path
    return env


class AnalysisWorker:
    """The worker process, started by :func:`start`."""

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
        """Wrap a started worker and the file its standard error goes to."""
        self._process = process
        self._errors = errors
        self.stats: dict[str, float] = {}

    def measure(
        self,
        *,
        data_file: str,
        cwd: str,
        measured: int,
        attribution: Attribution | None = None,
        unattributed: str = "",
        changed: Mapping[str, frozenset[int]] | None = None,
        timeout: float = 600.0,
    ) -> dict[str, CoverageFigures]:
        """Every component's figures from the data in ``data_file`` (paths relative to ``cwd``).

        ``attribution``, ``unattributed`` and ``changed`` are :func:`.figures.measure`'s.

        ``measured`` is how many files the caller's data holds: a worker that
        reads another number from the file is not believed. Raises
        :class:`CoverageDataError` for what ``coverage report`` would fail on
        too, and :class:`AnalysisFailed` when the worker could not answer.
        """
        request = {
            "data_file": data_file,
            "cwd": cwd,
            "attribution": attribution.to_dict() if attribution is not None else None,
            "unattributed": unattributed,
            "changed": {path: sorted(lines) for path, lines in changed.items()} if changed is not None else None,
        }
        try:
            out, _ = self._process.communicate((json.dumps(request) + "\n").encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise AnalysisFailed(f"no answer within {timeout:.0f} s") from None
        except OSError as exc:
            self.cancel()
            raise AnalysisFailed(str(exc)) from None
        try:
            lines = out.decode("utf-8", "replace").strip().splitlines()
            if self._process.returncode != 0 or not lines:
                raise AnalysisFailed(self._failure())
            answer = cast("dict[str, Any]", json.loads(lines[-1]))
            self.stats = {str(k): float(v) for k, v in cast("dict[str, Any]", answer.get("stats", {})).items()}
            if self.stats.get("measured") != measured:
                raise AnalysisFailed(f"it read {self.stats.get('measured')} measured files, not {measured}")
            if "error" in answer:
                raise CoverageDataError(str(answer["error"]))
            figures = cast("dict[str, Any]", answer["figures"])
            found = {str(name): CoverageFigures.from_dict(data) for name, data in figures.items()}
            for name, data in cast("dict[str, Any]", answer.get("new_code") or {}).items():
                if name in found:
                    found[name].new_code = NewCode.from_dict(data)
            if changed is not None and any(f.new_code is None for f in found.values()):
                raise AnalysisFailed("its answer lacks new-code figures")
            return found
        except (ValueError, KeyError, TypeError) as exc:
            raise AnalysisFailed(f"unreadable answer ({exc})") from None
        finally:
            self._errors.close()

    def _failure(self) -> str:
        """Why the worker failed: its exit status and the last line it wrote to standard error."""
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        last = text[-1] if text else "no message"
        return f"exit status {self._process.returncode}: {last}"

    def cancel(self) -> None:
        """Stop the worker (the run ended without data to measure)."""
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                self._process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self._process.wait(timeout=10)
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._errors.close()


def start(
    cov: coverage.Coverage,
    *,
    root: Path,
    components: Sequence[ComponentConfig],
    python: str,
    cache_dir: Path | None,
) -> AnalysisWorker:
    """Start analysing ``components``' files as ``cov``'s configuration says, and return at once.

    Raises :class:`AnalysisFailed` when the worker cannot be started.
    """
    if not usable(cov):
        raise AnalysisFailed("coverage.py plugins are configured")
    job = {
        "root": str(root),
        "components": [[c.name, [str(p) for p in c.paths]] for c in components],
        "settings": settings_of(cov),
        "cache": str(cache_dir / CACHE_FILE) if cache_dir is not None else None,
    }
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by measure() or cancel()
    try:
        # This package's own worker, run by the interpreter running pytest, with an argument list.
        process = subprocess.Popen(  # noqa: S603, RUF100
            [python, "-m", "pytest_tta_maturity.measure.analysis"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_environment(),
            cwd=_HOME,
        )
    except (OSError, ValueError) as exc:
        errors.close()
        raise AnalysisFailed(f"the worker could not start: {exc}") from None
    worker = AnalysisWorker(process, errors)
    try:
        if process.stdin is None:
            raise OSError("no pipe to the worker")
        process.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
        process.stdin.flush()
    except OSError as exc:
        worker.cancel()
        raise AnalysisFailed(f"the worker could not start: {exc}") from None
    return worker


if __name__ == "__main__":
    status = _worker(sys.stdin, sys.stdout)
    # The answer is written and flushed, the cache saved: tearing the interpreter down (thousands of
    # parsed files) would only keep pytest waiting.
    os._exit(status)
