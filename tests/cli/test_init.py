"""``tta-maturity init`` and the TOML text editing under it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_tta_maturity import pyproject_edit
from pytest_tta_maturity.config import load
from pytest_tta_maturity.errors import EditError

from .conftest import Result

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

Run = Callable[..., Result]

HEADER = (
    "# Per-component maturity levels (pytest-tta-maturity): run `pytest --tta-maturity`,\n"
    "# then `tta-maturity promote NAME --to LEVEL` once a component holds a higher level.\n"
)


def make(root: Path, *files: str) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not rel.endswith("/"):
            path.write_text("")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_src_layout_appends_and_keeps_the_file(run_cli: Run, here: Path) -> None:
    original = '[project]\nname = "x"  # keep\n\n[tool.ruff]\nline-length = 99\n'
    (here / "pyproject.toml").write_text(original)
    make(here, "src/alpha/__init__.py", "src/beta/__init__.py", "src/beta/sub/__init__.py", "tests/alpha/test_a.py")
    make(here, "src/alpha.egg-info/PKG-INFO", "src/.hidden/__init__.py", "docs/conf.py", "tests/__init__.py")
    result = run_cli("init")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "wrote [tool.tta-maturity] to pyproject.toml: 2 components at experimental (alpha, beta)\n"
        "next: pytest --tta-maturity\n"
    )
    assert (here / "pyproject.toml").read_text() == original + "\n" + HEADER + (
        "[tool.tta-maturity.components.alpha]\n"
        'level = "experimental"\n'
        'paths = ["src/alpha"]\n'
        'tests = ["tests/alpha"]\n'
        "\n"
        "[tool.tta-maturity.components.beta]\n"
        'level = "experimental"\n'
        'paths = ["src/beta"]\n'
    )
    assert [c.name for c in load(here / "pyproject.toml").components] == ["alpha", "beta"]


def test_init_flat_layout_single_package_creates_pyproject(
    run_cli: Run, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_tta_maturity import cli

    monkeypatch.setattr(cli, "find_pyproject", lambda start: None)
    make(here, "mypkg/__init__.py", "mypkg/core.py", "tests/test_core.py", "venv/pyvenv.cfg", "venv/lib/x/__init__.py")
    make(here, "examples/demo/__init__.py", "scripts/")
    (here / ".venv").mkdir()
    result = run_cli("init")
    assert result.status == 0
    assert (here / "pyproject.toml").read_text() == HEADER + (
        '[tool.tta-maturity.components.mypkg]\nlevel = "experimental"\npaths = ["mypkg"]\ntests = ["tests"]\n'
    )


def test_init_single_modules_and_odd_names(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("")
    make(here, "src/tool.py", "src/ns pkg/mod.py")
    assert run_cli("init").status == 0
    text = (here / "pyproject.toml").read_text()
    assert '[tool.tta-maturity.components."ns pkg"]\nlevel = "experimental"\npaths = ["src/ns pkg"]\n' in text
    assert '[tool.tta-maturity.components.tool]\nlevel = "experimental"\npaths = ["src/tool.py"]\n' in text
    assert not text.startswith("\n")


def test_init_refuses_an_existing_table(run_cli: Run, here: Path) -> None:
    text = '[tool.tta-maturity.components.a]\nlevel = "staging"\npaths = ["a"]\n'
    (here / "pyproject.toml").write_text(text)
    make(here, "a/__init__.py")
    result = run_cli("init")
    assert (result.status, result.out) == (1, "")
    assert (
        result.err == "tta-maturity init: pyproject.toml already has [tool.tta-maturity]; pass --force to replace it\n"
    )
    assert (here / "pyproject.toml").read_text() == text


def test_init_force_replaces_only_that_table_in_place(run_cli: Run, here: Path) -> None:
    before = (
        '[project]\nname = "x"\n\n'
        '[tool.tta-maturity.components.old]\nlevel = "staging"\npaths = ["old"]\n\n'
        "[tool.tta-maturity.levels.staging]\ncoverage = 75\n\n"
        "# ruff settings\n[tool.ruff]\nline-length = 99\n"
    )
    (here / "pyproject.toml").write_text(before)
    make(here, "old/__init__.py", "new/__init__.py")
    result = run_cli("init", "--force")
    assert result.status == 0
    assert (here / "pyproject.toml").read_text() == (
        '[project]\nname = "x"\n\n'
        + HEADER
        + '[tool.tta-maturity.components.new]\nlevel = "experimental"\npaths = ["new"]\n\n'
        + '[tool.tta-maturity.components.old]\nlevel = "experimental"\npaths = ["old"]\n\n'
        + "# ruff settings\n[tool.ruff]\nline-length = 99\n"
    )


def test_init_force_cannot_replace_dotted_keys(run_cli: Run, here: Path) -> None:
    text = '[tool]\ntta-maturity.components.a.level = "staging"\ntta-maturity.components.a.paths = ["a"]\n'
    (here / "pyproject.toml").write_text(text)
    make(here, "a/__init__.py")
    result = run_cli("init", "--force")
    assert result.status == 2
    assert result.err == (
        "tta-maturity init: pyproject.toml: [tool.tta-maturity] is written as dotted keys or an inline table; "
        "remove it by hand and run init again\n"
    )
    assert (here / "pyproject.toml").read_text() == text


def test_init_keeps_crlf_and_a_missing_final_newline(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_bytes(b'[project]\r\nname = "x"')
    make(here, "pkg/__init__.py")
    assert run_cli("init").status == 0
    data = (here / "pyproject.toml").read_bytes()
    assert data.startswith(b'[project]\r\nname = "x"\r\n\r\n# Per-component')
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_init_dry_run(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("[project]\n")
    make(here, "pkg/__init__.py")
    result = run_cli("init", "--dry-run")
    assert result.status == 0
    assert result.out.startswith("--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1 +1,7 @@\n [project]\n+\n+# Per")
    assert (here / "pyproject.toml").read_text() == "[project]\n"


def test_init_nothing_found_and_bad_toml(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text("[project]\n")
    result = run_cli("init")
    assert result.status == 1
    assert result.err == (
        "tta-maturity init: no package found in . (folders with __init__.py at the top "
        "or under src/); add [tool.tta-maturity.components.NAME] by hand\n"
    )
    (here / "pyproject.toml").write_text("[project\n")
    bad = run_cli("init")
    assert bad.status == 2
    assert bad.err.startswith("tta-maturity init: pyproject.toml: the file: is not valid TOML (")
    assert bad.err.count("\n") == 1


def test_init_with_project_option(run_cli: Run, tmp_path: Path) -> None:
    make(tmp_path, "proj/pkg/__init__.py")
    assert run_cli("init", "--project", str(tmp_path / "proj")).status == 0
    assert (tmp_path / "proj/pyproject.toml").is_file()
    missing = run_cli("init", "--project", str(tmp_path / "nope"))
    assert (missing.status, missing.err) == (2, f"tta-maturity init: --project {tmp_path / 'nope'}: no such folder\n")


# ---------------------------------------------------------------- the pyproject editor


TRICKY = '''\
# a comment [not.a.table]
title = "a [b] = c"  # ]
"quoted key" = 'it\\s'
multi = """
[tool.tta-maturity.components.fake]
level = "x" \\"""
"""
lit = \'\'\'
[also.fake]\'\'\'
arr = [
  1, # one
  [2, 3], "]",
  { a = 1 },
]
date = 1979-05-27 07:32:00Z
[tool.tta-maturity.components."a.b"]
level = 'staging'  # kept
inline = { x = { level = "deep" }, y = [1, 2] }
[[products]]
name = "n"
'''


def test_set_level_keeps_quotes_comments_and_everything_else(tmp_path: Path) -> None:
    tomllib.loads(TRICKY)  # the fixture itself is valid TOML
    after = pyproject_edit.set_level(TRICKY, tmp_path / "pyproject.toml", "a.b", "production")
    assert after == TRICKY.replace("level = 'staging'", "level = 'production'")


def test_set_level_refuses_what_it_cannot_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "pyproject.toml"
    multi = '[tool.tta-maturity.components.a]\nlevel = """staging"""\n'
    with pytest.raises(EditError) as info:
        pyproject_edit.set_level(multi, file, "a", "production")
    assert str(info.value) == (
        "pyproject.toml: cannot edit the level of 'a' (not a one-line string); "
        'edit level = "production" under [tool.tta-maturity.components.a] by hand'
    )


def test_checked_refuses_an_edit_that_changes_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "pyproject.toml"
    with pytest.raises(EditError) as info:
        pyproject_edit.checked("a = 2\n", {"a": 1}, file, "edit it by hand")
    assert str(info.value) == "pyproject.toml: the edit would change more than intended; edit it by hand"
    assert pyproject_edit.checked("a = 1\n", {"a": 1}, file, "x") == "a = 1\n"


def test_key_text() -> None:
    assert pyproject_edit.key_text("a-b_1") == "a-b_1"
    assert pyproject_edit.key_text('a "b"') == '"a \\"b\\""'
