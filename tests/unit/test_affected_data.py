"""Per-test coverage read from and written back to coverage.py's data: the SQL and the API paths agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from coverage import CoverageData

from pytest_tta_maturity.affected import data as affected_data
from pytest_tta_maturity.affected.record import Recording, load
from pytest_tta_maturity.measure.contexts import per_test_label
from pytest_tta_maturity.model import Outcome


def recorded(tmp_path: Path, *, arcs: bool) -> str:
    """A data file as a run leaves it: imports in the empty context, then three tests of two components."""
    a, b = str(tmp_path / "src/a.py"), str(tmp_path / "src/b.py")
    made = CoverageData(str(tmp_path / ".coverage"))
    parts: dict[str, dict[str, Any]] = {
        "": {a: [(-1, 1), (1, -1)], b: [(-1, 1), (1, -1)]},
        per_test_label(["a"], "tests/test_a.py::test_one"): {a: [(-2, 3), (3, -2)]},
        per_test_label(["a", "b"], "tests/test_ab.py::test_two"): {a: [(-2, 3), (3, 4)], b: [(-5, 6)]},
        per_test_label([], "tests/test_x.py::test_three"): {str(tmp_path.parent / "site/lib.py"): [(-1, 2)]},
    }
    for context, files in parts.items():
        made.set_context(context)
        if arcs:
            made.add_arcs(files)
        else:
            made.add_lines({path: sorted({n for arc in items for n in arc if n > 0}) for path, items in files.items()})
    made.write()
    return str(tmp_path / ".coverage")


def by_context(data_file: str) -> dict[str, dict[str, list[Any]]]:
    data = CoverageData(data_file)
    data.read()
    found: dict[str, dict[str, list[Any]]] = {}
    for context in data.measured_contexts():
        data.set_query_context(context)
        for path in data.measured_files():
            part = data.arcs(path) if data.has_arcs() else data.lines(path)
            if part:
                found.setdefault(context, {})[path] = sorted(part)
    return found


@pytest.mark.parametrize("arcs", [True, False], ids=["arcs", "lines"])
def test_the_taken_tests_part_is_the_same_by_sql_and_by_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arcs: bool
) -> None:
    source = recorded(tmp_path, arcs=arcs)
    take = {"tests/test_a.py::test_one", "tests/test_x.py::test_three"}
    affected_data.write_taken(source, str(tmp_path / "sql"), take)
    monkeypatch.setattr(affected_data, "copy_contexts", lambda *_args: False)
    affected_data.write_taken(source, str(tmp_path / "api"), take)
    by_sql = by_context(str(tmp_path / f"sql.{affected_data.SUFFIX}"))
    assert by_sql == by_context(str(tmp_path / f"api.{affected_data.SUFFIX}"))
    whole = by_context(source)
    assert by_sql == {context: whole[context] for context in whole if context.endswith(tuple(take))}
    measured = CoverageData(str(tmp_path / f"sql.{affected_data.SUFFIX}"))
    measured.read()
    assert sorted(measured.measured_files()) == sorted(p for part in by_sql.values() for p in part)


@pytest.mark.parametrize("arcs", [True, False], ids=["arcs", "lines"])
def test_the_files_each_test_ran_are_the_same_by_sql_and_by_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arcs: bool
) -> None:
    source = recorded(tmp_path, arcs=arcs)
    by_sql = affected_data.files_by_test(source, tmp_path)
    monkeypatch.setattr(affected_data, "files_by_context", lambda _file: None)
    by_api = affected_data.files_by_test(source, tmp_path)
    for files, ran in (by_sql, by_api):
        named = {nodeid: sorted(files[i] for i in indices) for nodeid, indices in ran.items()}
        assert named == {
            "tests/test_a.py::test_one": ["src/a.py"],
            "tests/test_ab.py::test_two": ["src/a.py", "src/b.py"],
        }  # the import context is no test's, and a file outside the project is the environment's


def test_a_run_is_kept_with_each_tests_outcome_components_and_files(tmp_path: Path) -> None:
    source = recorded(tmp_path, arcs=True)
    recording = Recording(tmp_path / "kept", tmp_path, {"src/a.py": "1"}, "abc", {"python": "x"}, "2026-12-05")
    outcomes = {"tests/test_a.py::test_one": Outcome.PASSED, "tests/test_ab.py::test_two": Outcome.FAILED}
    affected_data.keep(recording, source, outcomes, {"tests/test_a.py::test_one": ["a"]})
    kept, why = load(tmp_path / "kept")
    assert why == ""
    assert kept is not None
    assert (kept.created, kept.commit, kept.files, kept.environment) == (
        "2026-12-05",
        "abc",
        {"src/a.py": "1"},
        {"python": "x"},
    )
    named = {nodeid: (t.outcome, t.owners, sorted(kept.measured[i] for i in t.ran)) for nodeid, t in kept.tests.items()}
    assert named == {
        "tests/test_a.py::test_one": (Outcome.PASSED, ("a",), ["src/a.py"]),
        "tests/test_ab.py::test_two": (Outcome.FAILED, (), ["src/a.py", "src/b.py"]),
    }
    assert (tmp_path / "kept" / kept.data).read_bytes() == Path(source).read_bytes()
