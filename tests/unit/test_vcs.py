"""The git reader, against real temporary repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_tta_maturity import vcs
from pytest_tta_maturity.errors import GitError

pytestmark = pytest.mark.skipif(vcs.shutil.which("git") is None, reason="git is not installed")


def run(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, message: str) -> str:
    run(repo, "add", "-A")
    run(repo, "commit", "-q", "-m", message)
    return run(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    run(root, "init", "-q", "-b", "main")
    run(root, "config", "user.email", "t@example.com")
    run(root, "config", "user.name", "t")
    run(root, "config", "commit.gpgsign", "false")
    (root / "a.py").write_text("one\ntwo\nthree\nfour\n")
    (root / "old name.py").write_text("x = 1\ny = 2\nz = 3\nw = 4\nv = 5\n")
    (root / "gone.py").write_text("bye\n")
    (root / ".gitignore").write_text("ignored.py\n")
    commit(root, "start")
    return root


def test_every_kind_of_change_since_the_merge_base(repo: Path) -> None:
    fork = run(repo, "rev-parse", "HEAD").strip()
    run(repo, "checkout", "-q", "-b", "feature")
    (repo / "a.py").write_text("one\nTWO\nthree\nfour\nfive\n")  # committed: line 2 changed, 5 added
    run(repo, "mv", "old name.py", "new name.py")
    commit(repo, "feature")
    run(repo, "checkout", "-q", "main")
    (repo / "main_only.py").write_text("later\n")
    commit(repo, "on main after the fork")
    run(repo, "checkout", "-q", "feature")
    (repo / "new name.py").write_text("x = 1\ny = 2\nz = 3\nw = 4\nv = 50\n")
    run(repo, "add", "new name.py")  # staged: line 5 of the renamed file
    (repo / "a.py").write_text("zero\none\nTWO\nthree\nfour\nfive\n")  # unstaged: a line before all
    (repo / "gone.py").unlink()
    (repo / "brand_new.py").write_text("a\nb\nc")  # untracked, no final newline
    (repo / "ignored.py").write_text("ignored\n")

    change = vcs.change_since("main", repo)

    assert change.base == fork
    assert change.head == run(repo, "rev-parse", "HEAD").strip()
    assert change.ref == "main"
    files = change.files
    assert files["a.py"] == vcs.FileChange("a.py", "modified", frozenset({1, 3, 6}), "a.py")
    assert files["new name.py"] == vcs.FileChange("new name.py", "renamed", frozenset({5}), "old name.py")
    assert files["brand_new.py"] == vcs.FileChange("brand_new.py", "untracked", frozenset({1, 2, 3}))
    assert files["gone.py"].status == "deleted"
    assert "main_only.py" not in files  # after the fork, on the target branch: not this change
    assert "ignored.py" not in files
    by_path = change.lines_by_path()
    assert by_path[str(change.top / "new name.py")] == frozenset({5})
    assert str(change.top / "gone.py") not in by_path
    assert vcs.show(change.base, "old name.py", repo) == b"x = 1\ny = 2\nz = 3\nw = 4\nv = 5\n"
    assert vcs.show(change.base, "new name.py", repo) is None


def test_equal_to_gits_own_numstat(repo: Path) -> None:
    """The lines added per file add up to what ``git diff --numstat`` counts."""
    run(repo, "checkout", "-q", "-b", "feature")
    (repo / "a.py").write_text("1\none\n2\nthree\nfour\n3\n4\n")
    change = vcs.change_since("main", repo)
    added = run(repo, "diff", "--numstat", "main").split()[0]
    assert len(change.files["a.py"].lines) == int(added)


def test_parse_diff_quoted_paths_and_pure_renames() -> None:
    text = (
        'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
        "index 1..2 100644\n"
        '--- "a/caf\\303\\251.py"\n'
        '+++ "b/caf\\303\\251.py"\n'
        "@@ -1 +1,2 @@\n"
        "-x\n+y\n+z\n"
        "diff --git a/p.py b/q.py\n"
        "similarity index 100%\n"
        "rename from p.py\n"
        "rename to q.py\n"
    )
    files = vcs.parse_diff(text)
    assert files["café.py"].lines == frozenset({1, 2})
    assert files["q.py"] == vcs.FileChange("q.py", "renamed", frozenset(), "p.py")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError) as caught:
        vcs.change_since("main", tmp_path)
    message = str(caught.value)
    assert message.startswith(f"--tta-maturity-new-code=main: {tmp_path} is not in a git repository (fatal: not a git")
    assert message.endswith("); run it in a git checkout, or without the option")
    with pytest.raises(GitError, match="is not in a git repository"):
        vcs.toplevel(tmp_path)


def test_unknown_ref(repo: Path) -> None:
    with pytest.raises(GitError) as caught:
        vcs.change_since("nosuch", repo)
    assert str(caught.value) == (
        f"--tta-maturity-new-code=nosuch: git knows no commit 'nosuch' in {repo.resolve()}; "
        "fetch it (git fetch origin) or name an existing branch, tag or commit"
    )


def test_shallow_clone_without_the_merge_base(repo: Path, tmp_path: Path) -> None:
    run(repo, "checkout", "-q", "-b", "feature")
    for n in range(3):
        (repo / "a.py").write_text(f"{n}\n")
        commit(repo, f"feature {n}")
    run(repo, "checkout", "-q", "main")
    (repo / "m.py").write_text("m\n")
    commit(repo, "main moves")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", "--no-single-branch", f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    run(clone, "checkout", "-q", "feature")
    with pytest.raises(GitError) as caught:
        vcs.change_since("origin/main", clone)
    assert str(caught.value) == (
        "--tta-maturity-new-code=origin/main: this shallow clone does not hold the merge base of 'origin/main' "
        "and HEAD; run 'git fetch --unshallow' or 'git fetch --depth=1000 origin main' (in CI: fetch-depth: 0)"
    )


def test_git_missing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "nowhere"))
    with pytest.raises(GitError) as caught:
        vcs.change_since("main", repo)
    assert str(caught.value) == (
        "--tta-maturity-new-code=main: git is not installed (or not on PATH); install git, or run without the option"
    )


def test_the_users_diff_settings_change_nothing(repo: Path) -> None:
    run(repo, "config", "diff.noprefix", "true")
    run(repo, "config", "diff.external", "false")
    run(repo, "config", "color.ui", "always")
    run(repo, "checkout", "-q", "-b", "feature")
    (repo / "a.py").write_text("one\ntwo\n3\nfour\n")
    assert vcs.change_since("main", repo).files["a.py"].lines == frozenset({3})
