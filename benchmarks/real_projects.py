"""Run pytest --tta-maturity on real open-source projects and check its figures against the tools.

    python benchmarks/real_projects.py [--projects attrs,click,packaging] [--workdir benchmarks/_work/real]
                                       [--rounds 3] [--no-timing]

For each project, the script:

1. downloads the pinned source distribution from the package index (``pip download --no-binary :all:
   --no-deps``) and unpacks it under the work folder;
2. makes a venv for it (reused on the next run) with the project (editable), its test requirements,
   this plugin (``pip install -e`` of this checkout), pytest-xdist, ruff and pyright pinned to the
   versions the project's README names;
3. appends a ``[tool.tta-maturity]`` to the unpacked copy's pyproject.toml (the original is kept as
   ``pyproject.toml.orig``) declaring its sub-packages and modules as components at ``staging``, with
   ``staging`` adding only ``format`` and ``types`` (so the gates are lint, format and types);
4. runs ``pytest --tta-maturity --tta-maturity-warn-only -n 2 --tta-maturity-report=json:...`` and
   CHECKS, on the same coverage data file, that
   - each component's coverage (percent, statements, covered lines, branches) equals
     ``python -m coverage json --include=<its files> -o -``;
   - each component's lint/format/types findings equal ``ruff check --no-fix --output-format json``,
     ``ruff format --check --output-format json`` (distinct files) and ``pyright --outputjson
     --pythonpath <venv python>`` (severity error) run directly on the components' paths, bucketed by
     the longest matching component path (computed here, independently of the plugin);
5. times, interleaved over ``--rounds`` rounds (median, after one warm-up each, serial, no cache):
   A ``pytest --cov=<the components' folders> --cov-report=``, P ``pytest --tta-maturity
   --tta-maturity-no-gates``, F ``pytest --tta-maturity`` (gates on) and S the sequential
   A + ``ruff check`` + ``ruff format --check`` + ``pyright``; it prints P/A and F/S.

It prints one row per project and exits with status 1 if any equality check failed (or a run
crashed). Everything goes under the work folder (git-ignored by default).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON_SUFFIXES = (".py", ".pyi")

#: The tool versions the figures in README.md were measured with.
PINS = [
    "pytest==9.2.0",
    "pytest-cov==7.1.0",
    "coverage==7.17.4",
    "pytest-xdist==3.8.0",
    "ruff==0.17.6",
    "pyright[nodejs]==1.1.414",
]


@dataclass(frozen=True)
class Project:
    """A real project: its sdist, its test requirements and the components declared for it."""

    name: str
    requirement: str
    test_requirements: tuple[str, ...]
    #: component name -> paths relative to the project root (nested paths: the longest one wins)
    components: dict[str, tuple[str, ...]]
    #: extra pytest arguments for every run of this project
    pytest_args: tuple[str, ...] = ()


PROJECTS: dict[str, Project] = {
    "attrs": Project(
        name="attrs",
        requirement="attrs==25.3.0",
        test_requirements=("hypothesis", "pympler", "cloudpickle"),
        components={
            "attr": ("src/attr",),
            "attr-make": ("src/attr/_make.py", "src/attr/_next_gen.py"),
            "attr-helpers": (
                "src/attr/validators.py",
                "src/attr/converters.py",
                "src/attr/setters.py",
                "src/attr/filters.py",
            ),
            "attrs": ("src/attrs",),
        },
    ),
    "click": Project(
        name="click",
        requirement="click==8.3.1",
        test_requirements=(),
        # its filterwarnings = error turns pytest 9's deprecation of iterators in parametrize into a
        # collection error (tests/test_basic.py), which stops a serial session
        pytest_args=("-W", "ignore::pytest.PytestRemovedIn10Warning"),
        components={
            "click": ("src/click",),
            "core": ("src/click/core.py", "src/click/decorators.py", "src/click/parser.py"),
            "types": ("src/click/types.py",),
            "termui": ("src/click/termui.py", "src/click/_termui_impl.py", "src/click/_winconsole.py"),
            "completion": ("src/click/shell_completion.py",),
        },
    ),
    "itsdangerous": Project(
        name="itsdangerous",
        requirement="itsdangerous==2.2.0",
        test_requirements=("freezegun",),
        components={
            "signing": ("src/itsdangerous/signer.py", "src/itsdangerous/timed.py", "src/itsdangerous/encoding.py"),
            "serializers": ("src/itsdangerous/serializer.py", "src/itsdangerous/url_safe.py"),
            "base": ("src/itsdangerous",),
        },
    ),
    "packaging": Project(
        name="packaging",
        requirement="packaging==25.0",
        test_requirements=("pretend",),
        components={
            "base": ("src/packaging",),
            "version": ("src/packaging/version.py", "src/packaging/_structures.py"),
            "specifiers": ("src/packaging/specifiers.py",),
            "markers": (
                "src/packaging/markers.py",
                "src/packaging/requirements.py",
                "src/packaging/_parser.py",
                "src/packaging/_tokenizer.py",
            ),
            "tags": (
                "src/packaging/tags.py",
                "src/packaging/_manylinux.py",
                "src/packaging/_musllinux.py",
                "src/packaging/_elffile.py",
            ),
            "metadata": ("src/packaging/metadata.py", "src/packaging/licenses"),
        },
    ),
}

GATES = ("lint", "format", "types")


@dataclass
class Row:
    """What one project gave."""

    project: str
    components: int = 0
    files: int = 0
    tests: int = 0
    coverage_equal: bool = False
    gates_equal: bool = False
    ratio_no_gates: float | None = None
    ratio_full: float | None = None
    medians: dict[str, float] = field(default_factory=lambda: dict[str, float]())
    problems: list[str] = field(default_factory=lambda: list[str]())


def say(text: str) -> None:
    """Print a progress line at once."""
    print(text, flush=True)


def run(cmd: list[str], cwd: Path, *, log: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; keep its output in ``log`` when given; raise with the output's tail if it fails."""
    # PYTHONHASHSEED: packaging parametrizes tests over sets; xdist workers must collect the same order.
    env = dict(os.environ, PYRIGHT_PYTHON_IGNORE_WARNINGS="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONHASHSEED="0")
    env.pop("COVERAGE_FILE", None)
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"$ {' '.join(cmd)}\n# exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}", encoding="utf-8")
    if check and proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-3000:]
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    return proc


# -- setting a project up ---------------------------------------------------------------------------


def fetch(project: Project, work: Path) -> Path:
    """Download and unpack the sdist (once); return the project root."""
    downloads = work / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    dist_name, _, version = project.requirement.partition("==")
    prefixes = {f"{dist_name}-{version}", f"{dist_name.replace('-', '_')}-{version}"}
    archives = [p for p in downloads.glob("*.tar.gz") if p.name.removesuffix(".tar.gz") in prefixes]
    if not archives:
        say(f"[{project.name}] pip download --no-binary :all: --no-deps {project.requirement}")
        cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", project.requirement]
        run([*cmd, "-d", str(downloads)], cwd=work)
        archives = [p for p in downloads.glob("*.tar.gz") if p.name.removesuffix(".tar.gz") in prefixes]
    archive = archives[0]
    root = work / "src" / archive.name.removesuffix(".tar.gz")
    if not root.is_dir():
        root.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(root.parent, filter="data")
    return root


def venv_python(work: Path, project: Project, base: str | None = None, tag: str = "") -> Path:
    """Make (once) the project's venv; return its interpreter.

    ``base`` is the interpreter the venv is made from (the one running this script by default);
    ``tag`` names the venv apart (``werkzeug-py3.13``) when several interpreters need one each.
    """
    venv = work / "venvs" / (f"{project.name}-{tag}" if tag else project.name)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    marker = venv / ".tta-maturity-ready"
    wanted = "\n".join([project.requirement, *project.test_requirements, *PINS, *([base] if base else [])])
    if marker.is_file() and marker.read_text(encoding="utf-8") == wanted:
        return python
    if venv.exists():
        shutil.rmtree(venv)
    say(f"[{project.name}] making the venv {venv}")
    run([base or sys.executable, "-m", "venv", str(venv)], cwd=work)
    root = fetch(project, work)
    install = [str(python), "-m", "pip", "install", "-q", "-e", str(REPO), "-e", str(root)]
    run([*install, *project.test_requirements, *PINS], cwd=work)
    marker.write_text(wanted, encoding="utf-8")
    return python


def write_config(project: Project, root: Path) -> None:
    """Append ``[tool.tta-maturity]`` to the copy's pyproject.toml (from the kept original)."""
    pyproject = root / "pyproject.toml"
    original = root / "pyproject.toml.orig"
    if not original.exists():
        shutil.copy2(pyproject, original)
    text = original.read_text(encoding="utf-8").rstrip("\n") + "\n\n# added by benchmarks/real_projects.py\n"
    if "[tool.pytest.ini_options]" not in text:
        # Without it pytest would look further up for its configuration: under the default work
        # folder, that is this repository's own pyproject.toml.
        text += "[tool.pytest.ini_options]\n\n"
    text += '[tool.tta-maturity.levels.staging]\ngates = ["format", "types"]\n\n'
    for name, paths in project.components.items():
        listed = ", ".join(json.dumps(p) for p in paths)
        text += f'[tool.tta-maturity.components.{name}]\nlevel = "staging"\npaths = [{listed}]\ntests = ["tests"]\n\n'
    pyproject.write_text(text, encoding="utf-8")


# -- the independent view of the components' files ----------------------------------------------


def owners(project: Project, root: Path) -> dict[Path, str]:
    """Every Python file (``.py``/``.pyi``) of the components -> its component (longest path wins)."""
    claims: list[tuple[int, Path, str]] = []
    for name, paths in project.components.items():
        for raw in paths:
            path = (root / raw).resolve()
            claims.append((len(path.parts), path, name))
    claims.sort(key=lambda c: -c[0])
    result: dict[Path, str] = {}
    for _, path, _ in claims:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.suffix in PYTHON_SUFFIXES]
        for file in files:
            if "__pycache__" in file.parts or file in result:
                continue
            for _, claim, name in claims:  # deepest first
                if file == claim or claim in file.parents:
                    result[file] = name
                    break
    return result


def folders(project: Project, root: Path) -> list[str]:
    """The folders pytest-cov measures for the components (a file stands for its folder)."""
    found: set[str] = set()
    for paths in project.components.values():
        for raw in paths:
            path = (root / raw).resolve()
            found.add(os.fspath(path if path.is_dir() else path.parent))
    return sorted(found)


def tool(python: Path, name: str) -> str:
    """A tool installed beside ``python``."""
    return os.fspath(python.parent / (name + (".exe" if os.name == "nt" else "")))


# -- checks ------------------------------------------------------------------------------------------


def clean_coverage(root: Path) -> None:
    """Remove coverage data files left by an earlier run."""
    for data in root.glob(".coverage*"):
        data.unlink()


def check_coverage(
    python: Path, root: Path, files: dict[Path, str], report: dict[str, Any], row: Row, rcfile: str | None = None
) -> bool:
    """Each component's figures against ``coverage json --include=<its .py files>`` on the same data.

    ``rcfile``: the coverage configuration the run used when it was not the project's own (``--cov-config``).
    """
    ok = True
    for comp in report["components"]:
        name = comp["name"]
        mine = sorted(os.fspath(f) for f, owner in files.items() if owner == name and f.suffix == ".py")
        cmd = [str(python), "-m", "coverage", "json", "--include=" + ",".join(mine), "-o", "-"]
        if rcfile is not None:
            cmd.append(f"--rcfile={rcfile}")
        proc = run(cmd, cwd=root, check=False)
        if proc.returncode != 0:
            row.problems.append(f"{name}: coverage json failed: {(proc.stdout + proc.stderr).strip()[-300:]}")
            ok = False
            continue
        totals = json.loads(proc.stdout[proc.stdout.index("{") :])["totals"]
        got = comp["coverage"]
        pairs = {
            "percent": (got["percent"], float(totals["percent_covered_display"])),
            "num_statements": (got["num_statements"], totals["num_statements"]),
            "covered_lines": (got["covered_lines"], totals["covered_lines"]),
            "num_branches": (got["num_branches"], totals.get("num_branches", 0)),
            "covered_branches": (got["covered_branches"], totals.get("covered_branches", 0)),
        }
        for key, (plugin, coverage_py) in pairs.items():
            if plugin != coverage_py:
                ok = False
                row.problems.append(f"{name}: coverage {key} {plugin} (plugin) != {coverage_py} (coverage json)")
    return ok


def component_paths(project: Project) -> list[str]:
    """The components' paths as written in the configuration (relative to the project root)."""
    return sorted({p for paths in project.components.values() for p in paths})


def direct_findings(project: Project, venv_py: Path, root: Path, files: dict[Path, str]) -> dict[str, dict[str, int]]:
    """lint/format/types findings per component from the tools run directly on the components' paths.

    ruff is given the paths as written in the configuration, with ``--force-exclude`` so that the
    project's ``exclude`` applies to the files named there too (as it does to the folders).
    """
    counts: dict[str, dict[str, int]] = {g: {} for g in GATES}
    paths = component_paths(project)
    ruff, pyright = tool(venv_py, "ruff"), tool(venv_py, "pyright")

    def owner(filename: str) -> str | None:
        return files.get(Path(filename).resolve()) or files.get(Path(root, filename).resolve())

    lint = run(
        [ruff, "check", "--no-fix", "--force-exclude", "--output-format", "json", "--", *paths], cwd=root, check=False
    )
    # A file under two of the given paths (a folder and a module in it) is reported twice: keep one.
    seen = {(i["filename"], i["code"], json.dumps(i["location"])): i for i in json.loads(lint.stdout or "[]")}
    for item in seen.values():
        name = owner(item["filename"])
        if name is not None:
            counts["lint"][name] = counts["lint"].get(name, 0) + 1
    fmt_cmd = [ruff, "format", "--check", "--force-exclude", "--output-format", "json", "--", *paths]
    fmt = run(fmt_cmd, cwd=root, check=False)
    for filename in {item["filename"] for item in json.loads(fmt.stdout or "[]")}:
        name = owner(filename) if filename.endswith(PYTHON_SUFFIXES) else None
        if name is not None:
            counts["format"][name] = counts["format"].get(name, 0) + 1
    types = run([pyright, "--outputjson", "--pythonpath", str(venv_py), *paths], cwd=root, check=False)
    diags = {json.dumps(d, sort_keys=True): d for d in json.loads(types.stdout)["generalDiagnostics"]}
    for diag in diags.values():
        name = owner(diag["file"]) if diag.get("severity") == "error" else None
        if name is not None:
            counts["types"][name] = counts["types"].get(name, 0) + 1
    return counts


def check_gates(
    project: Project, python: Path, root: Path, files: dict[Path, str], report: dict[str, Any], row: Row
) -> bool:
    """The report's lint/format/types counts against the tools run directly."""
    direct = direct_findings(project, python, root, files)
    ok = True
    for comp in report["components"]:
        for gate in GATES:
            state = comp["gates"].get(gate, {})
            expected = direct[gate].get(comp["name"], 0)
            if state.get("status") not in ("pass", "fail") or state.get("findings") != expected:
                ok = False
                shown = f"{state.get('status')} {state.get('findings')}"
                row.problems.append(f"{comp['name']}: {gate} {shown} (plugin) != {expected} (direct)")
    return ok


# -- timing ------------------------------------------------------------------------------------------


def variants(python: Path, root: Path, files: dict[Path, str], project: Project) -> dict[str, list[list[str]]]:
    """The timed commands: each variant is a sequence of commands whose wall times add up."""
    py = str(python)
    base = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *project.pytest_args]
    cov = [*base, *(f"--cov={f}" for f in folders(project, root)), "--cov-report="]
    del files
    paths = component_paths(project)
    ruff, pyright = tool(python, "ruff"), tool(python, "pyright")
    return {
        "A": [cov],
        "P": [[*base, "--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-warn-only"]],
        "F": [[*base, "--tta-maturity", "--tta-maturity-warn-only"]],
        "S": [
            cov,
            [ruff, "check", "--no-fix", "--force-exclude", "--output-format", "json", "--", *paths],
            [ruff, "format", "--check", "--force-exclude", "--output-format", "json", "--", *paths],
            [pyright, "--outputjson", "--pythonpath", py, *paths],
        ],
    }


def time_variant(commands: list[list[str]], root: Path, log: Path) -> float:
    """Wall time of the commands run one after the other."""
    clean_coverage(root)
    total = 0.0
    for index, cmd in enumerate(commands):
        started = time.perf_counter()
        proc = run(cmd, cwd=root, log=log.with_suffix(f".{index}.log"), check=False)
        total += time.perf_counter() - started
        if cmd[1:3] == ["-m", "pytest"] and proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd[:6])} ... exited {proc.returncode}; see {log}")
    return total


def bench(
    python: Path, root: Path, files: dict[Path, str], project: Project, rounds: int, logs: Path
) -> dict[str, float]:
    """Median wall time of each variant, interleaved, the order rotating from round to round."""
    cmds = variants(python, root, files, project)
    names = list(cmds)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for name in names:  # warm-up
        time_variant(cmds[name], root, logs / f"{project.name}-warmup-{name}")
    for number in range(rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            samples[name].append(time_variant(cmds[name], root, logs / f"{project.name}-r{number}-{name}"))
        say(f"[{project.name}] round {number + 1}/{rounds}: " + " ".join(f"{n}={samples[n][-1]:.2f}s" for n in names))
    return {n: statistics.median(v) for n, v in samples.items()}


# -- one project -------------------------------------------------------------------------------------


def do_project(project: Project, work: Path, rounds: int, timing: bool) -> Row:
    """Set up, check and time one project."""
    row = Row(project.name, components=len(project.components))
    python = venv_python(work, project)
    root = fetch(project, work)
    write_config(project, root)
    files = owners(project, root)
    row.files = len(files)
    logs = work / "logs"
    report_path = work / "reports" / f"{project.name}.json"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.unlink(missing_ok=True)
    clean_coverage(root)
    say(f"[{project.name}] pytest --tta-maturity -n 2 ({row.components} components, {row.files} files)")
    cmd = [str(python), "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", *project.pytest_args]
    cmd.append("--tta-maturity")
    cmd += ["--tta-maturity-warn-only", f"--tta-maturity-report=json:{report_path}"]
    proc = run(cmd, cwd=root, log=logs / f"{project.name}-check.log", check=False)
    if proc.returncode not in (0, 1) or not report_path.is_file():
        row.problems.append(f"pytest --tta-maturity exited {proc.returncode}; see {logs / f'{project.name}-check.log'}")
        return row
    if proc.returncode == 1:
        row.problems.append("note: some of the project's own tests failed here (exit 1); figures still compared")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    first = report["components"][0]["tests"]
    row.tests = sum(first.values())
    row.coverage_equal = check_coverage(python, root, files, report, row)
    row.gates_equal = check_gates(project, python, root, files, report, row)
    if timing:
        medians = bench(python, root, files, project, rounds, logs)
        row.medians = medians
        row.ratio_no_gates = medians["P"] / medians["A"]
        row.ratio_full = medians["F"] / medians["S"]
    return row


def table(rows: list[Row]) -> list[str]:
    """The results as a Markdown table."""

    def ratio(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}x"

    def secs(row: Row, key: str) -> str:
        return f"{row.medians[key]:.2f}" if key in row.medians else "-"

    head = [
        (
            "| project | components | files | tests | coverage equal | gates equal "
            "| A pytest --cov (s) | P no-gates (s) | P/A | S sequential (s) | F full (s) | F/S |"
        ),
        "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    body = [
        f"| {r.project} | {r.components} | {r.files} | {r.tests} | {'yes' if r.coverage_equal else 'NO'} "
        f"| {'yes' if r.gates_equal else 'NO'} | {secs(r, 'A')} | {secs(r, 'P')} | {ratio(r.ratio_no_gates)} "
        f"| {secs(r, 'S')} | {secs(r, 'F')} | {ratio(r.ratio_full)} |"
        for r in rows
    ]
    return head + body


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument(
        "--projects", default="attrs,click,itsdangerous", help="comma-separated, from: " + ", ".join(PROJECTS)
    )
    parser.add_argument("--workdir", type=Path, default=HERE / "_work" / "real")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per variant (median)")
    parser.add_argument("--no-timing", action="store_true", help="only the equality checks")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.projects.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROJECTS]
    if unknown:
        parser.error(f"unknown project(s) {', '.join(unknown)}; choose from {', '.join(PROJECTS)}")
    work: Path = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for name in names:
        try:
            rows.append(do_project(PROJECTS[name], work, args.rounds, not args.no_timing))
        except RuntimeError as exc:
            row = Row(name)
            row.problems.append(str(exc))
            rows.append(row)
    print()
    for line in table(rows):
        print(line)
    print()
    print("A = pytest --cov=<folders> --cov-report=; P = pytest --tta-maturity --tta-maturity-no-gates;")
    print("S = A + ruff check + ruff format --check + pyright, one after the other; F = pytest --tta-maturity.")
    print(f"Medians of {args.rounds} interleaved rounds, serial, -p no:cacheprovider (no gate cache).")
    failed = False
    for row in rows:
        for problem in row.problems:
            print(f"{row.project}: {problem}")
        failed = failed or not (row.coverage_equal and row.gates_equal)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
