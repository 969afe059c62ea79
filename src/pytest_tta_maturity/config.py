"""Read and validate ``[tool.tta-maturity]`` from pyproject.toml into frozen dataclasses.

Every mistake raises :class:`ConfigError` with one line that names the file, the
TOML key, the bad value and the fix.
"""

from __future__ import annotations

import math
import os
import shlex
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ._util import did_you_mean, number_text, plain_number, read_toml
from .errors import MISSING, ConfigError
from .gates.config import DEFAULT_TIMEOUT, GateConfig
from .gates.registry import BUILTIN_GATES, BY_NAME
from .ladder import DEFAULT_LADDER, LEVEL_NAMES, Ladder
from .model import CoverageSource, GatesMode

TABLE = "tool.tta-maturity"

TOP_KEYS = ("components", "levels", "gates", "baseline", "coverage_from", "init")
#: The keys of ``[tool.tta-maturity.init]``: what ``tta-maturity init`` reads and records.
INIT_KEYS = ("depth", "proposed")
#: The deepest split ``init`` can be asked for.
MAX_DEPTH = 9
DEFAULT_BASELINE = "tta-maturity-baseline.json"
COMPONENT_KEYS = ("level", "paths", "tests", "coverage", "coverage_from")
#: What ``coverage_from`` may name: the coverage figure the ladder judges.
COVERAGE_FROM: tuple[CoverageSource, ...] = ("all_tests", "own_tests")
#: Keys that belong to another table than the one they were written in, and where they belong.
MISPLACED = {"coverage_from": "set coverage_from in [tool.tta-maturity] or in a component's table"}
LEVEL_KEYS = ("coverage", "gates", "new_code_coverage", "new_code_findings")
BUILTIN_GATE_KEYS = ("tool", "timeout", "args")
CUSTOM_GATE_KEYS = ("command", "timeout", "level")


@dataclass(frozen=True)
class ComponentConfig:
    """One declared component. Paths are absolute and resolved."""

    name: str
    level: str
    paths: tuple[Path, ...]
    tests: tuple[Path, ...] = ()
    coverage: float | None = None
    #: The coverage figure the ladder judges: its own ``coverage_from``, else the top-level one.
    coverage_from: CoverageSource = "all_tests"
    #: Whether ``coverage_from`` was written in the component's own table (else it is the default).
    coverage_from_own: bool = False


@dataclass(frozen=True)
class MaturityConfig:
    """The whole validated configuration."""

    file: Path
    root: Path
    components: tuple[ComponentConfig, ...]
    ladder: Ladder
    gates: Mapping[str, GateConfig] = field(default_factory=lambda: dict[str, GateConfig]())
    #: Gates that levels need but that are neither built in nor configured: other plugins may
    #: add them (``pytest_tta_maturity_gates``); each maps to the error to raise if none does.
    plugin_gates: Mapping[str, ConfigError] = field(default_factory=lambda: dict[str, ConfigError]())
    #: The baseline file (``baseline``, relative to pyproject.toml); read when it exists.
    baseline: Path | None = None
    #: The top-level ``coverage_from``: the default of every component.
    coverage_from: CoverageSource = "all_tests"

    @property
    def baseline_file(self) -> Path:
        """Where the baseline is (whether or not it exists)."""
        return self.baseline if self.baseline is not None else self.root / DEFAULT_BASELINE

    def check_plugin_gates(self, provided: Collection[str]) -> None:
        """Raise the configuration error of the first level gate that no plugin provided."""
        for name, error in self.plugin_gates.items():
            if name not in provided:
                raise error

    def component(self, name: str) -> ComponentConfig:
        """The component called ``name``."""
        for comp in self.components:
            if comp.name == name:
                return comp
        raise KeyError(name)

    def gate(self, name: str) -> GateConfig:
        """The options of gate ``name``, defaults included."""
        if name in self.gates:
            return self.gates[name]
        builtin = BY_NAME.get(name)
        return GateConfig(name=name, tool=builtin.default_tool if builtin else "")

    def gates_needed(self, components: Sequence[ComponentConfig] | None = None) -> list[str]:
        """Gates that the declared level of some component needs, in ladder order."""
        comps = self.components if components is None else components
        needed = self.ladder.gates_needed(c.level for c in comps)
        order = [g for level in self.ladder.levels for g in level.adds]
        return [g for g in dict.fromkeys(order) if g in needed]

    def gates_checked(
        self, components: Sequence[ComponentConfig] | None = None, mode: str = GatesMode.ALL
    ) -> dict[str, list[str]]:
        """The tool gates run over each component's files, in ladder order (``mode``: a :class:`GatesMode`).

        ``all``: every gate of the ladder over every component, so that each
        component's real level is known. ``declared``: a gate runs only when some
        declared level needs it, over the files of every component whose declared
        level, or the level just above it, needs the gate (so a component that
        already holds the next level shows up as ready to promote).
        """
        comps = self.components if components is None else components
        if mode == GatesMode.ALL:
            every = [g for g in self.ladder.levels[-1].gates if g != "tests"]
            return {comp.name: list(every) for comp in comps}
        needed = [g for g in self.gates_needed(comps) if g != "tests"]
        names = self.ladder.names
        checked: dict[str, list[str]] = {}
        for comp in comps:
            upto = names[min(self.ladder.rank(comp.level) + 1, len(names) - 1)]
            wanted = self.ladder.level(upto).gates
            checked[comp.name] = [g for g in needed if g in wanted]
        return checked


class _Reader:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.root = file.parent.resolve()

    def error(self, key: str, value: Any, problem: str, fix: str) -> ConfigError:
        return ConfigError(self.file, key, value, problem, fix)

    def table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, value, "must be a table", f"write it as [{key}]")
        return cast(dict[str, Any], value)

    def check_keys(self, key: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
        for name, value in table.items():
            if name in allowed:
                continue
            if name in MISPLACED:
                raise self.error(f"{key}.{name}", value, "does not belong in this table", MISPLACED[name])
            raise self.error(f"{key}.{name}", value, "unknown key", did_you_mean(name, allowed))

    def coverage_from(self, key: str, value: Any) -> CoverageSource:
        if value not in COVERAGE_FROM:
            fix = did_you_mean(value if isinstance(value, str) else "", COVERAGE_FROM)
            raise self.error(key, value, "is not a coverage figure the ladder can judge", fix)
        return value

    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(key, value, "must be a non-empty string", 'write it as a quoted string, e.g. "x"')
        return value

    def strings(self, key: str, value: Any, example: str, *, split: bool = False) -> list[str]:
        if isinstance(value, str):
            # A command line written as one string: offer its words, split as a shell would.
            words = _shell_words(value) if split else [value]
            fix = "[" + ", ".join(toml_quote(word) for word in words) + "]" if words else example
            raise self.error(key, value, "must be a list of strings", f"write it as {fix}")
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in cast(list[Any], value)):
            raise self.error(key, value, "must be a list of strings", f"write it as {example}")
        return cast(list[str], value)

    def percent(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, value, "must be a number from 0 to 100", "write a percentage such as 70")
        number = float(value)
        if math.isnan(number) or not 0 <= number <= 100:
            raise self.error(key, value, "is outside 0 to 100", "write a percentage such as 70")
        return number

    def count(self, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, value, "must be a whole number of 0 or more", "write e.g. new_code_findings = 0")
        return value

    def level(self, key: str, value: Any) -> str:
        name = self.string(key, value)
        if name not in LEVEL_NAMES:
            raise self.error(key, value, "is not a level of the ladder", did_you_mean(name, LEVEL_NAMES))
        return name

    def path(self, key: str, raw: str, *, must_exist: bool = True) -> Path:
        candidate = Path(os.path.normpath(self.root / raw))
        resolved = candidate.resolve()
        if not (resolved == self.root or self.root in resolved.parents):
            raise self.error(
                key, raw, "lies outside the project root", "give a path inside the folder of pyproject.toml"
            )
        if must_exist and not resolved.exists():
            raise self.error(key, raw, "does not exist", "fix the path (it is relative to pyproject.toml) or remove it")
        return resolved


def _shell_words(command: str) -> list[str]:
    """``command`` split as a POSIX shell would; unbalanced quotes leave it whole."""
    try:
        return shlex.split(command)
    except ValueError:
        return [command]


def toml_quote(value: str) -> str:
    """Quote a string as a TOML basic string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(file: Path, *, plugin_gates: bool = False) -> MaturityConfig:
    """Read ``file`` (a pyproject.toml) and validate its ``[tool.tta-maturity]`` table.

    With ``plugin_gates``, a level may need a gate that is not known yet (another
    plugin may add it); the caller checks with ``check_plugin_gates`` once it knows.
    """
    return parse(read_toml(file), file, plugin_gates=plugin_gates)


@dataclass(frozen=True)
class InitSettings:
    """``[tool.tta-maturity.init]``: how deep ``init`` splits, and the paths it proposed before."""

    depth: int | None = None
    proposed: tuple[str, ...] = ()


def _init_table(reader: _Reader, raw: Any) -> InitSettings:
    key = f"{TABLE}.init"
    table = reader.table(key, raw)
    reader.check_keys(key, table, INIT_KEYS)
    depth: int | None = None
    if "depth" in table:
        value = table["depth"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DEPTH:
            raise reader.error(
                f"{key}.depth", value, f"must be a whole number from 0 to {MAX_DEPTH}", "write e.g. depth = 1"
            )
        depth = value
    proposed: list[str] = []
    if "proposed" in table:
        proposed = reader.strings(f"{key}.proposed", table["proposed"], '["src/components/carbon"]')
    return InitSettings(depth, tuple(proposed))


def init_settings(document: Mapping[str, Any], file: Path) -> InitSettings:
    """``[tool.tta-maturity.init]`` of ``document`` (validated; empty when absent)."""
    tool = document.get("tool")
    top: Any = cast(dict[str, Any], tool).get("tta-maturity") if isinstance(tool, dict) else None
    raw: Any = cast(dict[str, Any], top).get("init", {}) if isinstance(top, dict) else {}
    return _init_table(_Reader(file), raw)


def parse(document: Mapping[str, Any], file: Path, *, plugin_gates: bool = False) -> MaturityConfig:
    """Validate an already-read TOML document (see :func:`load`)."""
    reader = _Reader(file)
    tool = document.get("tool")
    raw: Any = cast(dict[str, Any], tool).get("tta-maturity") if isinstance(tool, dict) else None
    if raw is None:
        raise reader.error(
            TABLE,
            MISSING,
            "is missing",
            "declare components under [tool.tta-maturity.components.NAME] or run 'tta-maturity init'",
        )
    top = reader.table(TABLE, raw)
    reader.check_keys(TABLE, top, TOP_KEYS)

    gates = _gates(reader, top.get("gates", {}))
    pending: dict[str, ConfigError] = {}
    ladder = _ladder(reader, top.get("levels", {}), gates, pending if plugin_gates else None)
    default_from = (
        reader.coverage_from(f"{TABLE}.coverage_from", top["coverage_from"]) if "coverage_from" in top else None
    )
    components = _components(reader, top.get("components"), default_from or "all_tests")
    _init_table(reader, top.get("init", {}))
    baseline = None
    if "baseline" in top:
        raw_baseline = top["baseline"]
        if not isinstance(raw_baseline, str) or not raw_baseline:
            raise reader.error(
                f"{TABLE}.baseline", raw_baseline, "must be a file name", f'write e.g. baseline = "{DEFAULT_BASELINE}"'
            )
        baseline = reader.path(f"{TABLE}.baseline", raw_baseline, must_exist=False)
    return MaturityConfig(
        file=file,
        root=reader.root,
        components=components,
        ladder=ladder,
        gates=gates,
        plugin_gates=pending,
        baseline=baseline,
        coverage_from=default_from or "all_tests",
    )


def _gates(reader: _Reader, raw: Any) -> dict[str, GateConfig]:
    table = reader.table(f"{TABLE}.gates", raw)
    gates: dict[str, GateConfig] = {}
    for name, value in table.items():
        key = f"{TABLE}.gates.{name}"
        opts = reader.table(key, value)
        if name in BUILTIN_GATES:
            if name == "tests":
                raise reader.error(
                    key, value, "the tests gate is pytest itself and takes no options", "remove this table"
                )
            reader.check_keys(key, opts, BUILTIN_GATE_KEYS)
            tools = BY_NAME[name].tool_names
            tool = reader.string(f"{key}.tool", opts.get("tool", tools[0]))
            if tool not in tools:
                raise reader.error(f"{key}.tool", tool, f"is not a tool for the {name} gate", did_you_mean(tool, tools))
            args = tuple(reader.strings(f"{key}.args", opts.get("args", []), '["--flag"]'))
            gates[name] = GateConfig(name=name, tool=tool, timeout=_timeout(reader, key, opts), args=args)
        else:
            if "command" not in opts:
                fix = did_you_mean(name, BUILTIN_GATES, 'a custom gate needs command = ["tool", "arg"]')
                raise reader.error(key, value, "is not a built-in gate and has no command", fix)
            reader.check_keys(key, opts, CUSTOM_GATE_KEYS)
            command = tuple(reader.strings(f"{key}.command", opts["command"], '["tool", "arg"]', split=True))
            if not command:
                raise reader.error(
                    f"{key}.command", [], "is empty", 'give the program and its arguments, e.g. ["tool", "arg"]'
                )
            level = reader.level(f"{key}.level", opts["level"]) if "level" in opts else None
            gates[name] = GateConfig(name=name, timeout=_timeout(reader, key, opts), command=command, level=level)
    return gates


def _timeout(reader: _Reader, key: str, opts: dict[str, Any]) -> float:
    value = opts.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or math.isinf(value):
        raise reader.error(f"{key}.timeout", value, "must be a positive number of seconds", "write e.g. timeout = 300")
    return float(value)


def _ladder(reader: _Reader, raw: Any, gates: dict[str, GateConfig], pending: dict[str, ConfigError] | None) -> Ladder:
    table = reader.table(f"{TABLE}.levels", raw)
    known_gates = (*BUILTIN_GATES, *(g for g in gates if g not in BUILTIN_GATES))
    coverage: dict[str, float] = {}
    adds: dict[str, list[str]] = {}
    new_cov: dict[str, float] = {}
    new_found: dict[str, int] = {}
    for name, value in table.items():
        key = f"{TABLE}.levels.{name}"
        if name not in LEVEL_NAMES:
            raise reader.error(key, value, "is not a level of the ladder", did_you_mean(name, LEVEL_NAMES))
        opts = reader.table(key, value)
        reader.check_keys(key, opts, LEVEL_KEYS)
        if "coverage" in opts:
            coverage[name] = reader.percent(f"{key}.coverage", opts["coverage"])
        if "new_code_coverage" in opts:
            new_cov[name] = reader.percent(f"{key}.new_code_coverage", opts["new_code_coverage"])
        if "new_code_findings" in opts:
            new_found[name] = reader.count(f"{key}.new_code_findings", opts["new_code_findings"])
        if "gates" in opts:
            listed = reader.strings(f"{key}.gates", opts["gates"], '["lint", "types"]')
            for gate in listed:
                if gate not in known_gates:
                    error = reader.error(
                        f"{key}.gates", listed, f"'{gate}' is not a gate", did_you_mean(gate, known_gates)
                    )
                    if pending is None:
                        raise error
                    pending.setdefault(gate, error)
            if len(set(listed)) != len(listed):
                raise reader.error(f"{key}.gates", listed, "lists a gate twice", "list each gate once")
            adds[name] = listed
    # Custom gates with ``level`` join that level's own gates.
    for gate in gates.values():
        if gate.custom and gate.level is not None:
            own = adds.setdefault(gate.level, list(DEFAULT_LADDER[gate.level][1]))
            if gate.name not in own:
                own.append(gate.name)
    ladder = Ladder.build(coverage, adds, new_cov, new_found)
    previous = ladder.levels[0]
    for level in ladder.levels[1:]:
        if level.coverage < previous.coverage:
            raise reader.error(
                f"{TABLE}.levels.{level.name}.coverage",
                plain_number(level.coverage),
                f"is below {previous.name}'s {number_text(previous.coverage)}",
                "thresholds must not go down the ladder",
            )
        previous = level
    return ladder


def _components(reader: _Reader, raw: Any, default_from: CoverageSource) -> tuple[ComponentConfig, ...]:
    key = f"{TABLE}.components"
    example = f'add [{key}.NAME] with level = "development" and paths = ["src/pkg"]'
    if raw is None:
        raise reader.error(key, MISSING, "is missing", example)
    table = reader.table(key, raw)
    if not table:
        raise reader.error(key, table, "declares no component", example)
    components: list[ComponentConfig] = []
    owners: dict[Path, str] = {}
    for name, value in table.items():
        ckey = f"{key}.{name}"
        opts = reader.table(ckey, value)
        reader.check_keys(ckey, opts, COMPONENT_KEYS)
        if "level" not in opts:
            raise reader.error(f"{ckey}.level", MISSING, "is missing", 'add level = "development" (or another level)')
        level = reader.level(f"{ckey}.level", opts["level"])
        if "paths" not in opts:
            raise reader.error(f"{ckey}.paths", MISSING, "is missing", f'add paths = ["src/{name}"]')
        raw_paths = reader.strings(f"{ckey}.paths", opts["paths"], f'["src/{name}"]')
        if not raw_paths:
            raise reader.error(
                f"{ckey}.paths", raw_paths, "is empty", f'list the component\'s files or folders, e.g. ["src/{name}"]'
            )
        paths: list[Path] = []
        for raw_path in raw_paths:
            path = reader.path(f"{ckey}.paths", raw_path)
            if path in owners:
                other = owners[path]
                problem = "is listed twice" if other == name else f"is also claimed by component '{other}'"
                raise reader.error(f"{ckey}.paths", raw_path, problem, "give each file or folder to one component")
            owners[path] = name
            paths.append(path)
        tests: list[Path] = []
        if "tests" in opts:
            for raw_test in reader.strings(f"{ckey}.tests", opts["tests"], f'["tests/{name}"]'):
                tests.append(reader.path(f"{ckey}.tests", raw_test))
        coverage = reader.percent(f"{ckey}.coverage", opts["coverage"]) if "coverage" in opts else None
        own_from = "coverage_from" in opts
        coverage_from = (
            reader.coverage_from(f"{ckey}.coverage_from", opts["coverage_from"]) if own_from else default_from
        )
        components.append(
            ComponentConfig(
                name, level, tuple(paths), tuple(tests), coverage, coverage_from, coverage_from_own=own_from
            )
        )
    return tuple(components)


def own_tests_without_tests(
    cfg: MaturityConfig, components: Sequence[ComponentConfig], attributed: Collection[str]
) -> ConfigError | None:
    """The error for the first component judged on its own tests that has none, or ``None``.

    A component has own tests when it has a ``tests`` key, or when some collected test is
    marked ``@pytest.mark.component("name")``: ``attributed`` names the components that got at
    least one test at collection (before deselection), which only the plugin knows.
    """
    for comp in components:
        if comp.coverage_from != "own_tests" or comp.tests or comp.name in attributed:
            continue
        table = f"{TABLE}.components.{comp.name}"
        mark = f"@pytest.mark.component({toml_quote(comp.name)})"
        problem = f"component '{comp.name}' has no tests (no tests key and no test marked {mark})"
        add = f'add tests = ["tests/{comp.name}"]'
        if comp.coverage_from_own:
            fix = f"{add} or mark its tests {mark}"
            return ConfigError(cfg.file, f"{table}.coverage_from", "own_tests", problem, fix)
        fix = f'{add} to [{table}], mark its tests {mark}, or set coverage_from = "all_tests" in that table'
        return ConfigError(cfg.file, f"{TABLE}.coverage_from", "own_tests", problem, fix)
    return None
