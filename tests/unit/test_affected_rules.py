"""The pure parts of affected runs: the rules, the import graph, the record and the snapshot."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import coverage
import pytest

from pytest_tta_maturity.affected import record as rec
from pytest_tta_maturity.affected.imports import (
    LOOKS_UP,
    ImportGraph,
    import_graph,
    imported_modules,
    module_names,
    read_module,
    skeleton,
)
from pytest_tta_maturity.affected.select import NO_RECORD, Decision, affected_run, decide, ignored, plan
from pytest_tta_maturity.affected.select import test_file as file_of_test
from pytest_tta_maturity.affected.snapshot import ContentReader, blob, content_id, take
from pytest_tta_maturity.measure.coverage_adapter import data_settings
from pytest_tta_maturity.model import AffectedRun, Outcome
from pytest_tta_maturity.render.formats import output_paths

FILES = {
    "pyproject.toml": "p1",
    "src/app/core.py": "c1",
    "src/app/report.py": "r1",
    "src/app/leaf.py": "l1",
    "tests/helpers.py": "h1",
    "tests/test_core.py": "tc1",
    "tests/test_report.py": "tr1",
    "tests/test_leaf.py": "tl1",
    "README.md": "m1",
}
IMPORTS = {
    "src/app/core.py": [],
    "src/app/report.py": ["app", "app.core", "app.core.scale"],
    "src/app/leaf.py": [],
    "tests/helpers.py": [],
    "tests/test_core.py": ["app", "app.core", "helpers"],
    "tests/test_report.py": ["app", "app.report", "helpers"],
    "tests/test_leaf.py": ["app", "app.leaf"],
}


def record(**outcomes: Outcome) -> rec.Record:
    measured = ["src/app/core.py", "src/app/report.py", "src/app/leaf.py"]
    ran = {
        "tests/test_core.py::test_a": (0,),
        "tests/test_report.py::test_b": (0, 1),
        "tests/test_leaf.py::test_c": (2,),
    }
    tests = {n: rec.TestRecord(outcomes.get(n.rsplit("::", 1)[1], Outcome.PASSED), (), r) for n, r in ran.items()}
    return rec.Record("2026-12-05T10:00:00+00:00", "abc", {"python": "x"}, dict(FILES), measured, tests)


def wider_record(**outcomes: Outcome) -> rec.Record:
    """record(), and: test_d (its file imports nothing) ran only core.py, test_e only report.py; no test ran unused.py."""
    base = record(**outcomes)
    base.files |= {"src/app/unused.py": "u1", "tests/test_cli.py": "tcl1"}
    base.measured.append("src/app/unused.py")
    base.tests["tests/test_cli.py::test_d"] = rec.TestRecord(Outcome.PASSED, (), (0,))
    base.tests["tests/test_report.py::test_e"] = rec.TestRecord(Outcome.PASSED, (), (1,))
    return base


def run(
    changes: dict[str, str | None],
    base: rec.Record | None = None,
    same_skeleton: tuple[str, ...] = (),
    extra: dict[str, list[str]] | None = None,
    **kwargs: object,
) -> Decision:
    base = base or record()
    now = dict(base.files)
    for path, content in changes.items():
        if content is None:
            now.pop(path, None)
        else:
            now[path] = content
    imports = {**IMPORTS, **{p: [] for p in now if p.endswith(".py") and p not in IMPORTS}, **(extra or {})}
    graph = ImportGraph({p: m for p, m in imports.items() if p in now}, also=FILES, same_skeleton=same_skeleton)
    return decide(base, now, imports=lambda: graph, **kwargs)  # type: ignore[arg-type]


def ran(decision: Decision) -> list[str]:
    assert not decision.fallback, decision.fallback
    return sorted(n.split("::")[1] for n in decision.run)


def test_no_change_takes_every_passed_test() -> None:
    decision = run({})
    assert (decision.fallback, len(decision.take), ran(decision)) == ("", 3, [])


def test_a_leaf_module_runs_the_tests_that_ran_it() -> None:
    assert ran(run({"src/app/leaf.py": "l2"})) == ["test_c"]


def test_a_module_runs_the_tests_of_its_importers_too() -> None:
    # core.py: test_a ran it, test_b ran it and report.py imports it
    assert ran(run({"src/app/core.py": "c2"})) == ["test_a", "test_b"]


def test_a_change_inside_function_bodies_runs_only_the_tests_that_ran_the_module() -> None:
    assert ran(run({"src/app/core.py": "c2"}, same_skeleton=("src/app/core.py",))) == ["test_a", "test_b"]
    assert ran(run({"src/app/report.py": "r2"}, same_skeleton=("src/app/report.py",))) == ["test_b"]
    assert ran(run({"src/app/leaf.py": "l2"}, same_skeleton=("src/app/leaf.py",))) == ["test_c"]


def test_the_skeleton_is_what_runs_at_import() -> None:
    def of(text: str) -> str:
        return skeleton(ast.parse(text))

    base = of('X = 1\n\n@deco\ndef f(a=1):\n    """Doc."""\n    return a\n')
    assert of('X = 1\n\n\n@deco\ndef f(a=1):\n    """Doc."""\n    return a + 1  # body\n') == base
    assert of('X = 2\n\n@deco\ndef f(a=1):\n    """Doc."""\n    return a\n') != base  # module level
    assert of('X = 1\n\n@deco\ndef f(a=2):\n    """Doc."""\n    return a\n') != base  # a default
    assert of('X = 1\n\ndef f(a=1):\n    """Doc."""\n    return a\n') != base  # a decorator
    assert of('X = 1\n\n@deco\ndef f(a=1):\n    """Other."""\n    return a\n') != base  # the docstring
    assert of('X = 1\n\n@deco\ndef f(a=1):\n    """Doc."""\n    return a\n\ndef g():\n    pass\n') != base


def test_the_graph_compares_old_and_new_skeletons(tmp_path: Path) -> None:
    old, new, body = b"def f():\n    return 1\n", b"def f():\n    return 2\n", b"X = 1\ndef f():\n    return 1\n"
    (tmp_path / "a.py").write_bytes(new)
    (tmp_path / "b.py").write_bytes(body)
    before = {"a.py": content_id(old), "b.py": content_id(old)}
    files = {"a.py": content_id(new), "b.py": content_id(body)}
    sources = {content_id(old): old}
    graph = import_graph(tmp_path, files, tmp_path / "kept.json", before, sources.get)
    assert graph.same_skeleton == {"a.py"}
    # unknown old content: the change may be anywhere
    assert import_graph(tmp_path, files, tmp_path / "other.json", before).same_skeleton == frozenset()
    # the old content read once is kept by its id
    assert import_graph(tmp_path, files, tmp_path / "kept.json", before).same_skeleton == {"a.py"}


def test_a_deleted_module_runs_the_tests_that_ran_it() -> None:
    assert ran(run({"src/app/leaf.py": None})) == ["test_c"]


def test_a_helper_runs_the_tests_of_the_test_files_importing_it() -> None:
    assert ran(run({"tests/helpers.py": "h2"})) == ["test_a", "test_b"]


def test_a_test_file_runs_its_own_tests() -> None:
    assert ran(run({"tests/test_leaf.py": "tl2"})) == ["test_c"]


def test_failed_tests_always_run() -> None:
    assert ran(run({}, record(test_b=Outcome.FAILED))) == ["test_b"]
    assert ran(run({}, record(test_b=Outcome.ERROR))) == ["test_b"]


def test_a_new_module_runs_the_tests_of_modules_that_may_look_it_up() -> None:
    assert ran(run({"src/app/fresh.py": "f1"})) == []  # nothing in src/app looks modules up by name
    IMPORTS["src/app/report.py"].append(LOOKS_UP)
    try:
        assert ran(run({"src/app/fresh.py": "f1"})) == ["test_b"]  # test_b ran report.py
        assert ran(run({"src/app/sub/fresh.py": "f1"})) == ["test_b"]  # an enclosing package's
        assert ran(run({"scripts/new.py": "n1"})) == []
    finally:
        IMPORTS["src/app/report.py"].remove(LOOKS_UP)


def test_each_changed_file_adds_the_tests_it_affects() -> None:
    wider = wider_record()
    # core.py: test_d ran it (its file imports nothing), test_e only ran report.py, which imports core.py
    assert ran(run({"src/app/core.py": "c2"}, wider)) == ["test_a", "test_b", "test_d", "test_e"]
    assert ran(run({"src/app/core.py": "c2"}, wider, ("src/app/core.py",))) == ["test_a", "test_b", "test_d"]
    assert ran(run({"src/app/leaf.py": "l2", "src/app/report.py": "r2"}, wider)) == ["test_b", "test_c", "test_e"]
    both = ("src/app/core.py", "src/app/leaf.py")
    assert ran(run(dict.fromkeys(both, "2"), wider, both)) == ["test_a", "test_b", "test_c", "test_d"]
    assert ran(run({"src/app/unused.py": "u2"}, wider)) == []  # measured, and no test ran a line of it
    # a helper changed only inside function bodies still reaches the test files importing it
    assert ran(run({"tests/helpers.py": "h2"}, wider, ("tests/helpers.py",))) == ["test_a", "test_b", "test_e"]
    # a failed test runs beside the ones a change affects
    assert ran(run({"src/app/leaf.py": "l2"}, record(test_b=Outcome.FAILED))) == ["test_b", "test_c"]
    # a new module: the tests of the files importing it, and of the modules that may look it up
    looks = {"tests/test_leaf.py": ["app", "app.fresh"], "src/app/report.py": [LOOKS_UP]}
    assert ran(run({"src/app/fresh.py": "f1"}, extra=looks)) == ["test_b", "test_c"]


def test_a_test_id_names_its_file() -> None:
    assert file_of_test("tests/test_a.py::TestA::test_b[x::y]") == "tests/test_a.py"
    assert file_of_test("test_a.py::test_b", "tests") == "tests/test_a.py"


def test_a_python_file_nothing_imports_or_ran_makes_everything_run() -> None:
    base = record()
    base.files["scripts/release.py"] = "s1"
    decision = run({"scripts/release.py": "s2"}, base)
    assert decision.fallback == "scripts/release.py changed: no recorded test ran it and no test file imports it"
    assert decision.take == frozenset()


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (
            "tests/data.json",
            (
                "tests/data.json changed and is not Python source: a test may read it "
                "(tta_maturity_affected_ignore lists files no test reads)"
            ),
        ),
        ("pyproject.toml", "pyproject.toml changed (configuration is part of the record's environment)"),
        ("tests/conftest.py", "tests/conftest.py changed (configuration is part of the record's environment)"),
        ("requirements-dev.txt", "requirements-dev.txt changed (configuration is part of the record's environment)"),
    ],
)
def test_data_and_configuration_make_everything_run(path: str, why: str) -> None:
    assert run({path: "new"}).fallback == why


def test_ignored_files_do_not_count() -> None:
    assert run({"README.md": "m2", "docs/guide/x.md": "g"}).fallback == ""
    assert run({"assets/logo.png": "x"}, ignore=["*.png"]).fallback == ""
    assert run({"README.md": "m2"}, ignore=["*.png"]).fallback.startswith("README.md changed")
    assert ignored("docs/a/b.txt", ["docs/**"]) and not ignored("src/docs.txt", ["docs/**"])
    # a pattern without / matches the file name in any folder
    assert run({"tests/data/notes.txt": "n"}, ignore=["notes.*"]).fallback == ""


def test_the_rootdir_prefix_maps_test_ids_to_files() -> None:
    base = record()
    base.tests = {"test_leaf.py::test_c": rec.TestRecord(Outcome.PASSED, (), ())}
    decision = run({"tests/test_leaf.py": "tl2"}, base, prefix="tests")
    assert decision.run == frozenset({"test_leaf.py::test_c"})


def test_imports_are_read_as_python_resolves_them() -> None:
    source = b"import a.b\nfrom c import d\nfrom . import sib\nfrom ..up import thing\ndef f():\n    import lazy\n"
    assert imported_modules(source, "src/pkg/sub/m.py") == sorted(
        [
            "a",
            "a.b",
            "c",
            "c.d",
            "src",
            "src.pkg",
            "src.pkg.sub",
            "src.pkg.sub.sib",
            "src.pkg.up",
            "src.pkg.up.thing",
            "lazy",
        ]
    )
    assert imported_modules(b"def (", "x.py") == []
    assert LOOKS_UP in imported_modules(b"import importlib\n", "x.py")
    assert LOOKS_UP in imported_modules(b"from pkgutil import iter_modules\n", "x.py")
    assert LOOKS_UP in imported_modules(b"m = __import__(name)\n", "x.py")
    assert LOOKS_UP not in imported_modules(b"import os\n", "x.py")
    assert imported_modules(b"from a import *\n", "x.py") == ["a"]
    # relative imports up to the project's top folder, and beyond it (nothing: Python refuses them)
    assert imported_modules(b"from ...other import x\n", "pkg/sub/m.py") == ["other", "other.x"]
    assert imported_modules(b"from . import sib\nimport later\n", "m.py") == ["later", "sib"]
    assert imported_modules(b"from . import *\n", "m.py") == []
    assert imported_modules(b"from .... import far\nimport later\n", "pkg/m.py") == ["later"]
    assert read_module(b"def (", "x.py") == ([], "")
    assert module_names("src/pkg/__init__.py") == ["src.pkg", "pkg"]
    graph = ImportGraph({"a.py": ["b"], "b.py": ["c"], "c.py": [], "d.py": []})
    assert graph.importers("c.py") == {"a.py", "b.py"}
    assert graph.importers("d.py") == set()
    assert ImportGraph({"a.py": ["b"], "b.py": ["a"]}).importers("a.py") == {"b.py"}  # a cycle


def test_the_skeleton_leaves_the_parsed_module_as_it_was() -> None:
    tree = ast.parse("def f():\n    import lazy\n    return lazy\n")
    before = ast.dump(tree)
    skeleton(tree)
    assert ast.dump(tree) == before


def test_the_record_round_trips_and_refuses_what_it_cannot_trust(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"coverage")
    made = record()
    rec.save(tmp_path / "r", made, str(data))
    loaded, why = rec.load(tmp_path / "r")
    assert loaded is not None
    assert (loaded, why) == (dataclasses.replace(made, data=loaded.data), "")
    first = loaded.data
    rec.save(tmp_path / "r", made, str(data))  # a new copy, named by the new record; the old one goes
    again = rec.load(tmp_path / "r")[0]
    assert again is not None
    assert [p.name for p in (tmp_path / "r").glob(rec.DATA_GLOB)] == [again.data] != [first]
    assert rec.load(tmp_path / "none") == (None, "")
    folder = tmp_path / "r"
    text = json.loads((folder / rec.RECORD_NAME).read_text())
    for broken, expected in [
        ({**text, "format": 99}, "ValueError: format 99 is not 1"),
        ({**text, "tests": {"t": ["passed", [], [7]]}}, "ValueError: test 't' names a file the record does not hold"),
        ({**text, "tests": {"t": ["maybe", [], []]}}, "ValueError: 'maybe' is not a valid Outcome"),
    ]:
        (folder / rec.RECORD_NAME).write_text(json.dumps(broken))
        assert rec.load(folder) == (
            None,
            f"the record {folder / rec.RECORD_NAME} cannot be read ({expected}); it is ignored",
        )
    (folder / rec.RECORD_NAME).write_text(json.dumps(text))
    (folder / text["data"]).unlink()
    assert (
        rec.load(folder)[1]
        == f"the record {folder / rec.RECORD_NAME} has no coverage data beside it ({text['data']}); it is ignored"
    )


def test_the_environment_key_names_its_parts(tmp_path: Path) -> None:
    one = rec.environment(root=tmp_path, files={"pyproject.toml": "a", "src/x.py": "b"}, coverage={"branch": True})
    assert set(one) == {"machine", "python", "distributions", "coverage", "configuration"}
    assert one == rec.environment(
        root=tmp_path, files={"pyproject.toml": "a", "src/x.py": "c"}, coverage={"branch": True}
    )
    other = rec.environment(root=tmp_path, files={"pyproject.toml": "z"}, coverage={"branch": False})
    assert [k for k in one if one[k] != other[k]] == ["coverage", "configuration"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_snapshot_is_gits_blob_ids_by_content(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()

    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text("ignored.txt\n")
    git("init", "-q")
    git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "0")
    git("add", "a.py", ".gitignore")
    (tmp_path / "new.py").write_text("y = 2\n")
    (tmp_path / "ignored.txt").write_text("z")
    files, commit = take(tmp_path)
    assert files == {
        "a.py": git("hash-object", "a.py"),
        ".gitignore": git("hash-object", ".gitignore"),
        "new.py": git("hash-object", "new.py"),
    }
    assert commit == git("rev-parse", "HEAD")
    assert blob(tmp_path, files["a.py"]) == b"x = 1\n"  # staged: in git's object store
    assert blob(tmp_path, files["new.py"]) is None  # untracked: never given to git
    assert blob(tmp_path / "nowhere", files["a.py"]) is None
    (tmp_path / "a.py").write_text("x = 2\n")
    (tmp_path / "a.py").write_text("x = 1\n")  # edited and back: the same content
    assert take(tmp_path)[0]["a.py"] == content_id(b"x = 1\n")
    (tmp_path / "new.py").unlink()
    assert "new.py" not in take(tmp_path, lambda p: p == ".gitignore")[0]
    assert ".gitignore" not in take(tmp_path, lambda p: p == ".gitignore")[0]


def test_outside_git_the_snapshot_reads_every_file(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/m.py").write_text("x = 1\n")
    (tmp_path / "pkg/old.pyc").write_bytes(b"\0")  # bytecode beside its source (Python 2's place)
    (tmp_path / "pkg/older.pyo").write_bytes(b"\0")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden/h.py").write_text("")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__/m.pyc").write_bytes(b"\0")
    assert take(tmp_path) == ({"pkg/m.py": content_id(b"x = 1\n")}, "")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_bytecode_is_no_part_of_the_snapshot_in_git_either(tmp_path: Path) -> None:
    # A work tree that does not ignore __pycache__: Python writes bytecode while the tests run, so a
    # snapshot holding it would change at every run after the sources did, and fall back to a full run.
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "pkg/__pycache__").mkdir(parents=True)
    (tmp_path / "pkg/m.py").write_text("x = 1\n")
    (tmp_path / "pkg/__pycache__/m.cpython-311.pyc").write_bytes(b"\1")
    (tmp_path / "tracked.pyc").write_bytes(b"\2")
    git("init", "-q")
    git("add", "pkg/m.py", "tracked.pyc")
    (tmp_path / "pkg/__pycache__/n.cpython-311.pyc").write_bytes(b"\3")
    (tmp_path / "tracked.pyc").write_bytes(b"\4")  # tracked and modified: still bytecode
    assert take(tmp_path)[0] == {"pkg/m.py": content_id(b"x = 1\n")}


def test_each_content_is_parsed_once_and_kept_by_its_id(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("")
    files = {"a.py": content_id(b"import b\n"), "b.py": content_id(b""), "c.txt": "x"}
    kept = tmp_path / "imports.json"
    assert import_graph(tmp_path, files, kept, {"old.py": "x"}).importers("b.py") == {"a.py"}
    stored = json.loads(kept.read_text())["modules"]
    assert (stored[files["a.py"]][0], stored[files["b.py"]][0]) == (["b"], [])
    (tmp_path / "a.py").unlink()  # read from what was kept, not from the file
    assert import_graph(tmp_path, files, kept).importers("b.py") == {"a.py"}


def test_the_graph_reads_every_python_file_and_the_ones_gone(tmp_path: Path) -> None:
    sources = {"zed.py": b"import quux\nimport gone\n", "quux.py": b"", "quux.pyi": b"", "notes.txt": b"quux"}
    for name, data in sources.items():
        (tmp_path / name).write_bytes(data)
    files = {name: content_id(data) for name, data in sources.items()}
    files = {"notes.txt": files["notes.txt"], **files}  # a file that is not Python source comes first
    before = {**files, "gone.py": "g1"}
    graph = import_graph(tmp_path, files, tmp_path / "kept.json", before)
    assert (graph.importers("quux.py"), graph.importers("gone.py")) == ({"zed.py"}, {"zed.py"})
    assert graph.importers("quux.pyi") == set()  # a stub never runs: a change to it is reached by nothing
    assert graph.same_skeleton == frozenset()  # nothing changed
    # another format of what was kept is read again, not trusted
    (tmp_path / "old.json").write_text(json.dumps({"format": 1, "modules": {files["zed.py"]: [["other"], "s"]}}))
    assert import_graph(tmp_path, files, tmp_path / "old.json").importers("quux.py") == {"zed.py"}
    # nowhere to keep it: the graph is still made
    assert import_graph(tmp_path, files, tmp_path / "none" / "kept.json").importers("quux.py") == {"zed.py"}


def test_a_file_that_does_not_parse_never_changed_only_inside_function_bodies(tmp_path: Path) -> None:
    old, new, same = b"def (\n", b"def )\n", b"x = 1\n"
    (tmp_path / "broken.py").write_bytes(new)
    (tmp_path / "same.py").write_bytes(same)
    before = {"broken.py": content_id(old), "same.py": content_id(same)}
    files = {"broken.py": content_id(new), "same.py": content_id(same)}
    graph = import_graph(tmp_path, files, tmp_path / "kept.json", before, {content_id(old): old}.get)
    assert graph.same_skeleton == frozenset()


def test_a_file_gone_since_the_snapshot_is_not_kept_as_read(tmp_path: Path) -> None:
    files = {"a.py": content_id(b"import b\n"), "b.py": content_id(b"")}
    (tmp_path / "b.py").write_bytes(b"")
    kept = tmp_path / "kept.json"
    assert import_graph(tmp_path, files, kept).importers("b.py") == set()  # a.py could not be read
    (tmp_path / "a.py").write_bytes(b"import b\n")
    assert import_graph(tmp_path, files, kept).importers("b.py") == {"a.py"}


def test_the_plan_uses_a_record_only_of_the_same_environment(tmp_path: Path) -> None:
    root, folder = tmp_path / "project", tmp_path / "record"
    recording = rec.Recording(folder, root, dict(FILES), "abc", {"python": "x"}, "2026-12-05")
    assert plan(recording, rootdir=root) == (Decision(fallback=NO_RECORD), None)
    data = tmp_path / "data"
    data.write_bytes(b"")
    rec.save(folder, record(), str(data))
    other = rec.Recording(folder, root, dict(FILES), "abc", {"python": "y"}, "2026-12-05")
    assert plan(other, rootdir=root)[0].fallback == "the record was made under another environment (python changed)"
    assert plan(recording, rootdir=root, selecting=["-k", "-m"])[0].fallback == (
        "tests are selected on the command line (-k, -m)"
    )
    assert plan(recording, rootdir=tmp_path)[0].fallback == f"pytest's rootdir {tmp_path} is outside the project {root}"
    decision, used = plan(recording, rootdir=root)
    assert used is not None
    assert (decision.fallback, len(decision.take), used) == ("", 3, dataclasses.replace(record(), data=used.data))
    assert not (folder / "imports.json").exists()  # nothing changed: no file was parsed
    assert record().results(["tests/test_core.py::test_a"]) == (
        {"tests/test_core.py::test_a": Outcome.PASSED},
        {"tests/test_core.py::test_a": []},
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("rootdir", ["", "tests"])
def test_the_plan_reads_the_project_and_the_old_contents_git_holds(tmp_path: Path, rootdir: str) -> None:
    root, folder = tmp_path / "project", tmp_path / "record"
    old = {
        "src/app/core.py": b"def scale(x):\n    return x * 2  # the plan's unit test\n",
        "src/app/report.py": b"from app.core import scale\n\n\ndef show():\n    return scale(1)\n",
        "tests/test_core.py": b"from app.core import scale\n",
        "tests/test_report.py": b"from app.report import show\n",
        "tests/test_cli.py": b"import subprocess\n",
        "assets/logo.png": b"png",
    }
    new = {
        **old,
        "src/app/core.py": b"def scale(x):\n    return x * 3  # the plan's unit test\n",  # only inside the body
        "tests/test_cli.py": b"import subprocess  # runs the app\n",
        "assets/logo.png": b"png, redrawn",
    }
    for path, data in old.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)  # the old contents are in git's object store
    for path, data in new.items():
        (root / path).write_bytes(data)
    ids = {"a": ("test_core.py", (0,)), "b": ("test_report.py", (0, 1)), "d": ("test_cli.py", (0,))}
    ids["e"] = ("test_report.py", (1,))  # ran only report.py, which imports core.py
    prefix = "" if rootdir else "tests/"
    tests = {f"{prefix}{file}::test_{n}": rec.TestRecord(Outcome.PASSED, (), r) for n, (file, r) in ids.items()}
    before = {path: content_id(data) for path, data in old.items()}
    made = rec.Record("2026-12-05", "abc", {"python": "x"}, before, ["src/app/core.py", "src/app/report.py"], tests)
    data = tmp_path / "data"
    data.write_bytes(b"")
    rec.save(folder, made, str(data))
    now = {path: content_id(data) for path, data in new.items()}
    recording = rec.Recording(folder, root, now, "abc", {"python": "x"}, "2026-12-05")
    decision, used = plan(recording, rootdir=root / rootdir, ignore=["*.png"])
    assert used is not None
    # core.py changed only inside a body (its old content from git): not test_e; test_cli.py: its own test_d
    assert decision.fallback == ""
    assert (sorted(decision.run), sorted(decision.take)) == (
        sorted(t for t in tests if not t.endswith("_e")),
        [f"{prefix}test_report.py::test_e"],
    )


def test_what_the_report_says_of_an_affected_run() -> None:
    made = dataclasses.replace(record(), commit="0123456789abcdef0123456789abcdef01234567")
    assert affected_run(Decision(take=frozenset({"a"})), made, 10, 4) == AffectedRun(
        6, 10, "2026-12-05T10:00:00+00:00", "0123456789ab"
    )
    assert affected_run(Decision(fallback="why"), None, 10, 0) == AffectedRun(10, 10, fallback="why")
    assert affected_run(Decision(), None, 3, 0).fallback == "the record could not be used"


def test_a_recording_leaves_out_what_the_run_writes_itself(tmp_path: Path) -> None:
    (tmp_path / "src.py").write_text("x = 1\n")
    (tmp_path / ".coverage").write_text("data")
    (tmp_path / ".coverage.host.1.2").write_text("data")
    (tmp_path / "report.json").write_text("{}")
    (tmp_path / "kept.json").write_text("{}")
    started = rec.Recording.start(tmp_path / "r", tmp_path, {"branch": True}, outputs=[tmp_path / "report.json"])
    assert sorted(started.files) == ["kept.json", "src.py"]
    assert started.environment == rec.environment(root=tmp_path, files=started.files, coverage={"branch": True})
    assert (started.folder, started.root, started.commit) == (tmp_path / "r", tmp_path, "")
    assert started.created.endswith("+00:00")


def test_the_data_settings_are_coverages_resolved_options(tmp_path: Path) -> None:
    cov = coverage.Coverage(data_file=None, branch=True, source=["pkg"], config_file=False)
    settings = data_settings(cov)
    assert (settings["version"], settings["branch"], settings["source"]) == (coverage.__version__, True, ["pkg"])
    assert set(settings) == {
        "version",
        "core",
        "branch",
        "source",
        "include",
        "omit",
        "plugins",
        "context",
        "relative_files",
        "timid",
        "concurrency",
    }


def test_the_report_files_a_run_writes() -> None:
    assert output_paths(["json:out/r.json", "markdown", "html:-"]) == ["out/r.json", "tta-maturity.md"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_project_in_a_folder_git_ignores_is_read_file_by_file(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("project/\n")
    (tmp_path / "project").mkdir()
    (tmp_path / "project/m.py").write_text("x = 1\n")
    assert take(tmp_path / "project") == ({"m.py": content_id(b"x = 1\n")}, "")


def test_a_reader_reads_again_only_files_whose_stamp_changed_or_is_racy(tmp_path: Path) -> None:
    def stamp(name: str, content_id_: str = "kept") -> list[object]:
        found = (tmp_path / name).stat()
        return [content_id_, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]

    for name in ("same.py", "grown.py", "restored.py"):
        (tmp_path / name).write_text("x = 1\n")
    known = {"format": 2, "root": str(tmp_path), "files": {n: stamp(n) for n in ("same.py", "grown.py", "restored.py")}}
    kept_mtime = (tmp_path / "restored.py").stat().st_mtime_ns
    time.sleep(0.01)
    (tmp_path / "grown.py").write_text("x = 10\n")
    (tmp_path / "restored.py").write_text("x = 2\n")  # the same size, and its old modification time put back
    os.utime(tmp_path / "restored.py", ns=(kept_mtime, kept_mtime))
    later = {**known, "taken_ns": time.time_ns() + 3_000_000_000}  # read well after every change above
    files, _ = take(tmp_path, reader=ContentReader(tmp_path, later))
    assert files == {"same.py": "kept", "grown.py": content_id(b"x = 10\n"), "restored.py": content_id(b"x = 2\n")}
    # read less than two seconds after a file's last change: read again, whatever its stamp says
    racy = {**known, "taken_ns": (tmp_path / "same.py").stat().st_ctime_ns + 1}
    assert ContentReader(tmp_path, racy).read("same.py") == content_id(b"x = 1\n")
    other_root = ContentReader(tmp_path, {**later, "root": str(tmp_path / "elsewhere")})
    assert take(tmp_path, reader=other_root)[0]["same.py"] == content_id(b"x = 1\n")
    assert ContentReader(tmp_path, {**later, "format": 1}).read("same.py") == content_id(b"x = 1\n")
    assert ContentReader(tmp_path, {**later, "files": {"same.py": "junk"}}).read("same.py") == content_id(b"x = 1\n")
    assert ContentReader(tmp_path).read("missing.py") is None
    reader = ContentReader(tmp_path, later)
    reader.read("same.py")
    assert reader.stamps()["files"] == {"same.py": stamp("same.py")}


def test_a_recording_keeps_the_stamps_for_the_next_one(tmp_path: Path) -> None:
    project, folder = tmp_path / "project", tmp_path / "cache"
    project.mkdir()
    folder.mkdir()  # pytest's cache.mkdir() in a run
    (project / "m.py").write_text("x = 1\n")
    (project / "out.json").write_text("{}")
    (project / ".coverage.host.1").write_text("")
    first = rec.Recording.start(folder, project, {}, [project / "out.json"])
    assert first.files == {"m.py": content_id(b"x = 1\n")}
    stamps = json.loads((folder / rec.STAMPS_NAME).read_text())
    assert stamps["root"] == str(project)
    assert list(stamps["files"]) == ["m.py"]
    (folder / rec.STAMPS_NAME).write_text("not json")
    assert rec.Recording.start(folder, project, {}, [project / "out.json"]).files == first.files
