"""Unit tests of the pure parts of the gates: parsers on recorded tool output, helpers, spec resolution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_tta_maturity._util import find_version, version_at_least
from pytest_tta_maturity.config import MaturityConfig, load
from pytest_tta_maturity.errors import GateError
from pytest_tta_maturity.gates import GateContext, GateRun, GateSpec, relative_path
from pytest_tta_maturity.gates.bandit import parse_bandit
from pytest_tta_maturity.gates.config import GateConfig
from pytest_tta_maturity.gates.process import one_line
from pytest_tta_maturity.gates.registry import builtin_spec
from pytest_tta_maturity.gates.ruff import (
    parse_docs,
    parse_format,
    parse_lint,
    parse_security,
    project_ignores,
)
from pytest_tta_maturity.gates.runner import resolve_spec
from pytest_tta_maturity.gates.spec import Parser
from pytest_tta_maturity.gates.typecheck import parse_mypy, parse_pyright, project_python_files

DATA = Path(__file__).parent / "data"
ROOT = Path("/project/root")


def recorded(name: str, returncode: int = 1, root: Path = ROOT) -> GateRun:
    """A run whose output is a recorded tool output, re-rooted at ``root``."""
    text = (DATA / name).read_text().replace("@ROOT@", root.as_posix()).replace("@PYTHON@", "/venv/bin/python")
    return synthetic(text, returncode, root)


def synthetic(stdout: str, returncode: int = 1, root: Path = ROOT, stderr: str = "") -> GateRun:
    context = GateContext("g", root, (), "/venv/bin/python", GateConfig("g"), "/venv/bin/tool")
    return GateRun(context, returncode, stdout, stderr)


# Recorded with ruff 0.17.6, pyright 1.1.414, mypy 2.4.1 and bandit 1.9.4 on the three files
# pkg/broken.py (a syntax error), pkg/fine.py (clean) and pkg/mod.py (see tests/gates/data/README.md).
@pytest.mark.parametrize(
    ("parser", "name", "returncode", "codes"),
    [
        (parse_lint, "ruff_check.json", 1, ["invalid-syntax", "invalid-syntax", "I001", "F401"]),
        (parse_security, "ruff_security.json", 1, ["invalid-syntax", "invalid-syntax", "S602"]),
        (parse_docs, "ruff_docs.json", 1, ["invalid-syntax", "invalid-syntax", "D100", "D103", "D101", "D102"]),
        (parse_format, "ruff_format.json", 2, ["invalid-syntax", "format"]),
        (parse_format, "ruff_format_ok_syntax.json", 1, ["format"]),
        (parse_pyright, "pyright.json", 1, ["reportReturnType"]),
        (parse_mypy, "mypy.jsonl", 1, ["return-value"]),
        (parse_mypy, "mypy.txt", 1, ["return-value"]),
        (parse_bandit, "bandit.json", 1, ["B404", "B101", "B602", "bandit-error"]),
    ],
)
def test_recorded_output(parser: Parser, name: str, returncode: int, codes: list[str]) -> None:
    findings = parser(recorded(name, returncode))
    assert [f.code for f in findings] == codes
    assert all(not f.path.startswith("/") and "\\" not in f.path for f in findings)
    assert {f.path for f in findings} <= {"pkg/broken.py", "pkg/mod.py", "pkg/fine.py"}
    assert all(f.line >= 1 and "\n" not in f.message for f in findings)


def test_lint_lines_and_messages() -> None:
    findings = parse_lint(recorded("ruff_check.json"))
    assert findings[-1].path == "pkg/mod.py"
    assert findings[-1].line == 1
    assert findings[-1].message == "`os` imported but unused"


def test_format_counts_files_with_first_changed_line() -> None:
    findings = parse_format(recorded("ruff_format_ok_syntax.json"))
    assert [(f.path, f.line, f.code) for f in findings] == [("pkg/mod.py", 3, "format")]


def test_pyright_line_is_one_based_and_message_one_line() -> None:
    (finding,) = parse_pyright(recorded("pyright.json"))
    assert (finding.path, finding.line) == ("pkg/mod.py", 8)
    assert finding.message == 'Type "Literal[\'x\']" is not assignable to return type "int"'


@pytest.mark.parametrize("name", ["mypy.jsonl", "mypy.txt"])
def test_mypy_both_formats_agree(name: str) -> None:
    (finding,) = parse_mypy(recorded(name))
    assert (finding.path, finding.line, finding.code) == ("pkg/mod.py", 8, "return-value")


@pytest.mark.parametrize(
    ("stdout", "count"),
    [
        # Synthetic lines in mypy's documented shapes: notes and warnings never count.
        ('a.py:1:2: note: Revealed type is "int"\na.py:3:1: error: Bad thing  [misc]\n', 1),
        ('{"file": "a.py", "line": 5, "severity": "note", "message": "m", "code": null}\n', 0),
        ("a.py:3: error: No column here  [name-defined]\n", 1),
        ("", 0),
    ],
)
def test_mypy_counts_only_errors(stdout: str, count: int) -> None:
    assert len(parse_mypy(synthetic(stdout, returncode=1 if count else 0))) == count


def test_pyright_ignores_warnings_and_information() -> None:
    data = {
        "generalDiagnostics": [
            {"file": "/project/root/a.py", "severity": "warning", "message": "w", "range": {"start": {"line": 0}}},
            {"file": "/project/root/a.py", "severity": "information", "message": "i"},
        ]
    }
    assert parse_pyright(synthetic(json.dumps(data), returncode=0)) == []


@pytest.mark.parametrize("parser", [parse_lint, parse_security, parse_docs, parse_format, parse_pyright, parse_bandit])
@pytest.mark.parametrize("stdout", ["", "not json at all", "{}", '"text"', "[1, 2]", '{"generalDiagnostics": [1]}'])
def test_garbage_output_raises(parser: Parser, stdout: str) -> None:
    with pytest.raises(GateError):
        parser(synthetic(stdout))


@pytest.mark.parametrize("parser", [parse_pyright, parse_mypy])
def test_status_one_without_errors_is_not_clean(parser: Parser) -> None:
    empty = '{"generalDiagnostics": []}' if parser is parse_pyright else "garbage line\n"
    with pytest.raises(GateError):
        parser(synthetic(empty, returncode=1))


def test_mypy_garbage_json_line_raises() -> None:
    with pytest.raises(GateError):
        parse_mypy(synthetic("{not json\n"))


def test_format_error_without_files_raises() -> None:
    with pytest.raises(GateError):
        parse_format(synthetic("[]", returncode=2))


@pytest.mark.parametrize(
    ("code", "security", "docs"),
    [
        ("S101", True, False),
        ("S602", True, False),
        ("SIM105", False, False),
        ("SLF001", False, False),
        ("D101", False, True),
        ("D200", False, False),
        ("invalid-syntax", True, True),
        ("E902", True, True),
        ("F401", False, False),
    ],
)
def test_family_filters(code: str, security: bool, docs: bool) -> None:
    item = {"filename": "/project/root/a.py", "code": code, "message": "m", "location": {"row": 2}}
    run = synthetic(json.dumps([item]))
    assert bool(parse_security(run)) is security
    assert bool(parse_docs(run)) is docs
    assert len(parse_lint(run)) == 1


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("/project/root/src/a.py", "src/a.py"),
        ("src/b.py", "src/b.py"),
        ("./src/c.py", "src/c.py"),
        ("/project/root/src/../d.py", "d.py"),
        ("/elsewhere/e.py", "/elsewhere/e.py"),
        ("/project/rootless/f.py", "/project/rootless/f.py"),  # a sibling sharing the root's name as a prefix
        ("../root/g.py", "g.py"),
        ("/project/root", "."),
    ],
)
def test_relative_path(filename: str, expected: str) -> None:
    assert relative_path(ROOT, filename) == expected


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("ruff 0.17.6\n", "0.17.6"),
        ("pyright 1.1.414\n", "1.1.414"),
        ("mypy 2.4.1 (compiled: yes)\n", "2.4.1"),
        ("bandit 1.9.4\n  python version = 3.11.7\n", "1.9.4"),
        ("basedpyright 1.31.0\nbased on pyright 1.1.404\n", "1.31.0"),
        ("no version", ""),
        ("mypy 1.11.0+dev.0c1a2b3 (compiled: no)\n", "1.11.0+dev.0c1a2b3"),
        ("x86_64 Python 3\ntool 2.0\n", "2.0"),
    ],
)
def test_find_version(text: str, version: str) -> None:
    assert find_version(text) == version


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.11.2", True), ("1.11", True), ("2.4.1+dev", True), ("1.10.1", False), ("1.11.0rc1", False), ("", False)],
)
def test_version_at_least(text: str, expected: bool) -> None:
    assert version_at_least(text, "1.11") is expected


def test_one_line() -> None:
    assert one_line("\n  ruff failed\n  Cause: bad   toml\n\n") == "ruff failed Cause: bad toml"
    assert len(one_line("x" * 1000)) == 240


@pytest.mark.parametrize(
    ("toml", "family", "expected"),
    [
        ('[tool.ruff.lint]\nignore = ["S101", "E501", "SIM105"]\n', "S", ["S101"]),
        ('[tool.ruff]\nignore = ["S"]\n[tool.ruff.lint]\nextend-ignore = ["S603"]\n', "S", ["S", "S603"]),
        ('[tool.ruff.lint]\nignore = ["D103", "D2"]\n', "D", ["D103", "D2"]),
        ("[tool.other]\nx = 1\n", "S", []),
        ("not toml [", "S", []),
    ],
)
def test_project_ignores(tmp_path: Path, toml: str, family: str, expected: list[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    assert project_ignores(tmp_path, family) == expected


def test_project_ignores_follow_ruff_toml_and_extend(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text('[lint]\nignore = ["S101"]\n')
    (tmp_path / "ruff.toml").write_text('extend = "base.toml"\n[lint]\nignore = ["S311"]\n')
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nignore = ["S999"]\n')
    assert project_ignores(tmp_path, "S") == ["S311", "S101"]


def _config(tmp_path: Path, gates: str = "") -> MaturityConfig:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    text = f'[tool.tta-maturity.components.pkg]\nlevel = "production"\npaths = ["pkg"]\n{gates}'
    (tmp_path / "pyproject.toml").write_text(text)
    return load(tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("name", "tool", "program"),
    [
        ("lint", "ruff", "ruff"),
        ("format", "ruff", "ruff"),
        ("security", "ruff", "ruff"),
        ("security", "bandit", "bandit"),
        ("docs", "ruff", "ruff"),
        ("types", "pyright", "pyright"),
        ("types", "basedpyright", "basedpyright"),
        ("types", "mypy", "mypy"),
    ],
)
def test_builtin_spec_programs(name: str, tool: str, program: str) -> None:
    spec = builtin_spec(name, tool)
    assert (spec.name, spec.program, spec.per_file) == (name, program, True)


def test_builtin_arguments(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nignore = ["S101", "D102"]\n')
    files = (tmp_path / "a.py",)
    gate = GateConfig("security", tool="ruff", args=("--preview",))
    context = GateContext("security", tmp_path, files, "/venv/bin/python", gate, "/venv/bin/ruff")
    argv = list(builtin_spec("security", "ruff").arguments(context))
    assert argv[:5] == ["check", "--no-fix", "--output-format", "json", "--force-exclude"]
    assert "--fix" not in argv
    assert argv[5:9] == ["--extend-select", "S", "--ignore", "S101"]
    assert argv[-3:] == ["--preview", "--", str(files[0])]
    docs = list(builtin_spec("docs", "ruff").arguments(context))
    assert docs[5:9] == ["--extend-select", "D1", "--ignore", "D102"]
    pyright = list(builtin_spec("types", "pyright").arguments(context))
    assert pyright == ["--outputjson", "--pythonpath", "/venv/bin/python", "--preview", "-"]


@pytest.mark.parametrize(("version", "json_output"), [("1.11.0", True), ("1.10.1", False), ("", False)])
def test_mypy_arguments_follow_version(tmp_path: Path, version: str, json_output: bool) -> None:
    context = GateContext("types", tmp_path, (tmp_path / "a.py",), "/py", GateConfig("types"), "/mypy", version)
    argv = list(builtin_spec("types", "mypy").arguments(context))
    assert ("-O" in argv) is json_output
    assert argv[argv.index("--python-executable") + 1] == "/py"


def test_resolve_spec_custom_extra_and_unknown(tmp_path: Path) -> None:
    config = _config(tmp_path, '[tool.tta-maturity.gates.licenses]\ncommand = ["check-licenses", "-q"]\n')
    extra = GateSpec("audit", "pip-audit", arguments=lambda c: [])
    assert resolve_spec("licenses", config, [extra]).program == "check-licenses"
    assert resolve_spec("audit", config, [extra]) is extra
    with pytest.raises(GateError, match="no tool runs this gate"):
        resolve_spec("nothing", config, [extra])
    with pytest.raises(GateError, match="2 plugins add a gate named 'audit'"):
        resolve_spec("audit", config, [extra, extra])
    # A plugin cannot replace a built-in gate.
    assert resolve_spec("lint", config, [GateSpec("lint", "x", arguments=lambda c: [])]).program == "ruff"


def test_project_python_files_skip_hidden_cache_and_venv_folders(tmp_path: Path) -> None:
    for rel in ("pkg/a.py", "pkg/build/b.pyi", "pkg/data.txt", ".git/c.py", "pkg/__pycache__/d.py", "env/e.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    listed = [entry.split(" ")[0] for entry in project_python_files(tmp_path)]
    # A package named build is a project's source (the type checker's cache must see it change).
    assert listed == [str(tmp_path / "pkg/a.py"), str(tmp_path / "pkg/build/b.pyi")]
