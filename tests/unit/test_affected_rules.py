"""The pure parts of affected runs: the rules, the import graph, the record and the snapshot."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import shutil
import subprocess
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
    skeleton,
)
from pytest_tta_maturity.affected.select import NO_RECORD, Decision, affected_run, decide, ignored, plan
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


def run(
    changes: dict[str, str | None],
    base: rec.Record | None = None,
    same_skeleton: tuple[str, ...] = (),
    **kwargs: object,
) -> Decision:
    now = dict(FILES)
    for path, content in changes.items():
        if content is None:
            now.pop(path, None)
        else:
            now[path] = content
    imports = {**IMPORTS, **{p: [] for p in now if p.endswith(".py") and p not in IMPORTS}}
    graph = ImportGraph({p: m for p, m in imports.items() if p in now}, also=FILES, same_skeleton=same_skeleton)
    return decide(base or record(), now, imports=lambda: graph, **kwargs)  # type: ignore[arg-type]


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


def test_a_python_file_nothing_imports_or_ran_makes_everything_run() -> None:
    base = record()
    base.files["scripts/release.py"] = "s1"
    decision = run({"scripts/release.py": "s2"}, base)
    assert decision.fallback == "scripts/release.py changed: no recorded test ran it and no test file imports it"
    assert decision.take == frozenset()


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("tests/data.json", "tests/data.json changed and is not Python source: a test may read it"),
        ("pyproject.toml", "pyproject.toml changed (configuration is part of the record's environment)"),
        ("tests/conftest.py", "tests/conftest.py changed (configuration is part of the record's environment)"),
        ("requirements-dev.txt", "requirements-dev.txt changed (configuration is part of the record's environment)"),
    ],
)
def test_data_and_configuration_make_everything_run(path: str, why: str) -> None:
    assert run({path: "new"}).fallback.startswith(why)


def test_ignored_files_do_not_count() -> None:
    assert run({"README.md": "m2", "docs/guide/x.md": "g"}).fallback == ""
    assert run({"assets/logo.png": "x"}, ignore=["*.png"]).fallback == ""
    assert run({"README.md": "m2"}, ignore=["*.png"]).fallback.startswith("README.md changed")
    assert ignored("docs/a/b.txt", ["docs/**"]) and not ignored("src/docs.txt", ["docs/**"])


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
    assert module_names("src/pkg/__init__.py") == ["src.pkg", "pkg"]
    graph = ImportGraph({"a.py": ["b"], "b.py": ["c"], "c.py": [], "d.py": []})
    assert graph.importers("c.py") == {"a.py", "b.py"}
    assert graph.importers("d.py") == set()


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
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden/h.py").write_text("")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__/m.pyc").write_bytes(b"\0")
    assert take(tmp_path) == ({"pkg/m.py": content_id(b"x = 1\n")}, "")


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


def test_the_plan_uses_a_record_only_of_the_same_environment(tmp_path: Path) -> None:
    root, folder = tmp_path / "project", tmp_path / "record"
    recording = rec.Recording(folder, root, dict(FILES), "abc", {"python": "x"}, "2026-12-05")
    assert plan(recording, rootdir=root) == (Decision(fallback=NO_RECORD), None)
    data = tmp_path / "data"
    data.write_bytes(b"")
    rec.save(folder, record(), str(data))
    other = rec.Recording(folder, root, dict(FILES), "abc", {"python": "y"}, "2026-12-05")
    assert plan(other, rootdir=root)[0].fallback == "the record was made under another environment (python changed)"
    assert plan(recording, rootdir=root, selecting=["-k"])[0].fallback == "tests are selected on the command line (-k)"
    assert plan(recording, rootdir=tmp_path)[0].fallback == f"pytest's rootdir {tmp_path} is outside the project {root}"
    decision, used = plan(recording, rootdir=root)
    assert used is not None
    assert (decision.fallback, len(decision.take), used) == ("", 3, dataclasses.replace(record(), data=used.data))
    assert not (folder / "imports.json").exists()  # nothing changed: no file was parsed
    assert record().results(["tests/test_core.py::test_a"]) == (
        {"tests/test_core.py::test_a": Outcome.PASSED},
        {"tests/test_core.py::test_a": []},
    )


def test_what_the_report_says_of_an_affected_run() -> None:
    made = record()
    assert affected_run(Decision(take=frozenset({"a"})), made, 10, 4) == AffectedRun(
        6, 10, "2026-12-05T10:00:00+00:00", "abc"
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
    for name in ("same.py", "grown.py", "racy.py"):
        (tmp_path / name).write_text("x = 1\n")
    old = 1_000_000_000_000_000_000
    for name in ("same.py", "grown.py"):
        os.utime(tmp_path / name, ns=(old, old))
    racy = (tmp_path / "racy.py").stat().st_mtime_ns
    size = len(b"x = 1\n")
    known = {
        "format": 1,
        "root": str(tmp_path),
        "taken_ns": racy + 1,  # the earlier reading began just after racy.py's last change
        "files": {"same.py": ["kept", size, old], "grown.py": ["kept", size, old], "racy.py": ["kept", size, racy]},
    }
    (tmp_path / "grown.py").write_text("x = 10\n")
    os.utime(tmp_path / "grown.py", ns=(old, old))
    files, _ = take(tmp_path, reader=ContentReader(tmp_path, known))
    assert files == {"same.py": "kept", "grown.py": content_id(b"x = 10\n"), "racy.py": content_id(b"x = 1\n")}
    other_root = ContentReader(tmp_path, {**known, "root": str(tmp_path / "elsewhere")})
    assert take(tmp_path, reader=other_root)[0]["same.py"] == content_id(b"x = 1\n")
    assert ContentReader(tmp_path, {**known, "format": 0}).read("same.py") == content_id(b"x = 1\n")
    assert ContentReader(tmp_path, {**known, "files": {"same.py": "junk"}}).read("same.py") == content_id(b"x = 1\n")
    assert ContentReader(tmp_path).read("missing.py") is None


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
