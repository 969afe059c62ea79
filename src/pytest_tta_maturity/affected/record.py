"""The record of a run that affected runs read: per-test files and outcomes, content ids, the environment.

Kept in pytest's cache folder (``.pytest_cache/d/tta-maturity-affected/``) as two files,
each written atomically (a temporary file, then ``os.replace``): a copy of the run's
coverage data with its per-test contexts (``record-<id>.coverage``, a new name each time),
then ``record.json``, which names it; the older copies go after. A record therefore never
pairs with another run's data.
A record that cannot be read, or one of another format, is ignored with one line
saying why; it is never trusted in part.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from ..errors import relative_posix
from ..model import Outcome
from .snapshot import ContentReader, take

__all__ = [
    "CONFIG_FILES",
    "DATA_GLOB",
    "FOLDER",
    "RECORD_NAME",
    "Record",
    "Recording",
    "TestRecord",
    "environment",
    "is_config_file",
    "load",
    "save",
]

FOLDER = "tta-maturity-affected"
RECORD_NAME = "record.json"
#: What the last snapshot read, so that the next reads only the files whose size or time changed.
STAMPS_NAME = "stamps.json"
#: How the copies of the runs' coverage data are named (``record-<id>.coverage``).
DATA_GLOB = "record-*.coverage"
FORMAT = 1

#: Files whose content is part of the environment key, by name anywhere in the project.
CONFIG_FILES = frozenset(
    {
        "pyproject.toml",
        "pytest.ini",
        ".pytest.ini",
        "tox.ini",
        "setup.cfg",
        ".coveragerc",
        "conftest.py",
        "uv.lock",
        "poetry.lock",
        "pdm.lock",
        "Pipfile.lock",
        "constraints.txt",
    }
)


def is_config_file(path: str) -> bool:
    """Whether ``path`` (relative, ``/``) is a configuration, conftest, lock or requirements file."""
    name = path.rpartition("/")[2]
    return name in CONFIG_FILES or (name.startswith("requirements") and name.endswith((".txt", ".in")))


@dataclass(frozen=True)
class TestRecord:
    """One recorded test: its outcome, its components and the measured files it ran (indices into ``files``)."""

    outcome: Outcome
    owners: tuple[str, ...] = ()
    ran: tuple[int, ...] = ()


@dataclass
class Record:
    """What a run left for the next affected run."""

    created: str
    commit: str
    #: the environment key, part by part (a different part names what changed)
    environment: dict[str, str]
    #: every file of the project (relative path -> content id) when the run started
    files: dict[str, str]
    #: the measured files tests ran, as paths relative to the project (``TestRecord.ran`` indexes it)
    measured: list[str] = field(default_factory=lambda: list[str]())
    tests: dict[str, TestRecord] = field(default_factory=lambda: dict[str, TestRecord]())
    #: the name of the copy of the run's coverage data beside ``record.json``
    data: str = ""

    def results(self, nodeids: Iterable[str]) -> tuple[dict[str, Outcome], dict[str, list[str]]]:
        """The recorded outcome and components of each of ``nodeids`` (tests taken from the record)."""
        chosen = [(nodeid, self.tests[nodeid]) for nodeid in nodeids]
        return {n: t.outcome for n, t in chosen}, {n: list(t.owners) for n, t in chosen}

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "format": FORMAT,
            "created": self.created,
            "commit": self.commit,
            "environment": self.environment,
            "files": self.files,
            "measured": self.measured,
            "data": self.data,
            "tests": {
                nodeid: [test.outcome.value, list(test.owners), list(test.ran)] for nodeid, test in self.tests.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """Rebuild from what ``to_dict`` returned; ``ValueError`` (or ``KeyError``/``TypeError``) when it is not one."""
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r} is not {FORMAT}")
        measured = [str(p) for p in data["measured"]]
        tests: dict[str, TestRecord] = {}
        for nodeid, (outcome, owners, ran) in dict(data["tests"]).items():
            indices = tuple(int(i) for i in ran)
            if any(not 0 <= i < len(measured) for i in indices):
                raise ValueError(f"test {nodeid!r} names a file the record does not hold")
            tests[str(nodeid)] = TestRecord(Outcome(outcome), tuple(str(o) for o in owners), indices)
        return cls(
            created=str(data["created"]),
            commit=str(data["commit"]),
            environment={str(k): str(v) for k, v in dict(data["environment"]).items()},
            files={str(k): str(v) for k, v in dict(data["files"]).items()},
            measured=measured,
            tests=tests,
            data=str(data["data"]),
        )


@dataclass(frozen=True)
class Recording:
    """What a run will keep: where, and what the project held and its environment when the run started."""

    folder: Path
    root: Path
    files: dict[str, str]
    commit: str
    environment: dict[str, str]
    created: str

    @classmethod
    def start(cls, folder: Path, root: Path, coverage: Mapping[str, Any], outputs: Iterable[Path] = ()) -> Recording:
        """Take the project's snapshot now (the files a run writes itself left out) and its environment key.

        ``coverage`` is coverage.py's part of the key; ``outputs`` the reports this run writes.
        """
        written = {relative_posix(root, os.path.abspath(path)) for path in outputs}

        def own_output(path: str) -> bool:
            return path in written or path.rpartition("/")[2].startswith(".coverage")

        stamps = folder / STAMPS_NAME
        try:
            known = json.loads(stamps.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = None  # none yet, or unreadable: every file is read
        reader = ContentReader(root, cast("dict[str, Any]", known) if isinstance(known, dict) else None)
        files, commit = take(root, own_output, reader)
        text = json.dumps(reader.stamps(), separators=(",", ":"))
        with contextlib.suppress(OSError):  # only a cache: the next run reads every file again
            _replace(stamps, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        made = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return cls(folder, root, files, commit, environment(root=root, files=files, coverage=coverage), made)


def load(folder: Path) -> tuple[Record | None, str]:
    """The record kept in ``folder``, or ``None`` and why (``""`` when there is none at all)."""
    path = folder / RECORD_NAME
    if not path.exists():
        return None, ""
    try:
        record = Record.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"the record {path} cannot be read ({type(exc).__name__}: {exc}); it is ignored"
    if not record.data or not (folder / record.data).is_file():
        return None, f"the record {path} has no coverage data beside it ({record.data or 'none named'}); it is ignored"
    return record, ""


def save(folder: Path, record: Record, data_file: str) -> None:
    """Keep a copy of the coverage data file ``data_file``, then ``record`` naming it, in ``folder``; older copies go."""
    folder.mkdir(parents=True, exist_ok=True)
    data = DATA_GLOB.replace("*", uuid.uuid4().hex[:12])

    def copy(tmp: str) -> object:
        return shutil.copyfile(data_file, tmp)

    _replace(folder / data, copy)
    text = json.dumps(dataclasses.replace(record, data=data).to_dict(), separators=(",", ":"))

    def write(tmp: str) -> object:
        return Path(tmp).write_text(text, encoding="utf-8")

    _replace(folder / RECORD_NAME, write)
    for old in folder.glob(DATA_GLOB):
        if old.name != data:
            with contextlib.suppress(OSError):
                old.unlink()


def _replace(target: Path, write: Callable[[str], object]) -> None:
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".tmp")
    os.close(handle)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _installed() -> Iterator[str]:
    """Every installed distribution as its metadata folder's name (``coverage-7.18.0.dist-info``), per path entry.

    The names carry each distribution's version; listing the folders is what finding
    them costs, without reading every distribution's metadata (tens of milliseconds).
    """
    for entry in sys.path:
        with contextlib.suppress(OSError):
            for name in os.listdir(entry or "."):
                if name.endswith((".dist-info", ".egg-info")):
                    yield f"{entry}/{name}"


def _digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()[:16]


def environment(
    *, root: Path, files: Mapping[str, str], coverage: Mapping[str, Any], python: str = sys.executable
) -> dict[str, str]:
    """The environment key, part by part: a record made under another one is not used.

    ``files`` is the project's snapshot (its configuration, conftest, lock and requirements
    files count); ``coverage`` coverage.py's version, core and resolved options.
    """
    distributions = sorted(_installed())
    return {
        "machine": _digest([platform.node(), str(root), python]),
        "python": _digest([sys.version, platform.platform()]),
        "distributions": _digest(distributions),
        "coverage": _digest(f"{k}={v!r}" for k, v in sorted(coverage.items())),
        "configuration": _digest(f"{p}={i}" for p, i in sorted(files.items()) if is_config_file(p)),
    }
