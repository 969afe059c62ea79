"""The gate cache: a gate whose inputs did not change is not run again.

A gate's outcomes are stored in pytest's cache under ``tta-maturity/gates/<name>``, each with a
key over the gate, the tool's identity and version, the command line, the contents of
the tool's configuration files and of every checked file (plus what
``GateSpec.cache_inputs`` adds). Of a ``pyproject.toml`` only the tables the tool reads
(``GateSpec.pyproject_tables``) count, so an edit elsewhere in the file re-runs nothing, and
the last :data:`KEEP` outcomes are kept, so reverting an edit re-runs nothing either. Tool versions are stored under
``tta-maturity/tool-versions`` by :func:`fingerprint` (the executable's real path, size
and modification time), so a warm run starts no process at all. Errors are never
cached, and a cache that cannot be read or written only costs a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .._util import tomllib
from ..model import Finding, GateOutcome
from .spec import Cache, GateSpec

CACHE_PREFIX = "tta-maturity/gates/"
VERSIONS_KEY = "tta-maturity/tool-versions"
CACHE_FORMAT = 2
#: How many outcomes of one gate are kept (the most recent first).
KEEP = 4


def fingerprint(executable: str, program: str) -> str:
    """What identifies an installed tool cheaply: real path, size, mtime and its env variables."""
    real = os.path.realpath(executable)
    try:
        info = os.stat(real)
    except OSError:
        return ""
    prefix = re.sub(r"\W", "_", Path(program).name.upper()) + "_"
    env = sorted(f"{k}={v}" for k, v in os.environ.items() if k.upper().startswith(prefix))
    return json.dumps([real, info.st_size, info.st_mtime_ns, env])


def key(parts: Sequence[str]) -> str:
    """One digest over the parts of a cache key."""
    return hashlib.sha256(json.dumps(list(parts)).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Digests:
    """SHA-256 of files, each computed once per session (several gates check the same files)."""

    known: dict[Path, str] = field(default_factory=lambda: dict[Path, str]())
    #: parsed TOML files, each read once per session (every gate keys on its own tables of the same pyproject)
    parsed: dict[Path, Any] = field(default_factory=lambda: dict[Path, Any]())

    def file(self, path: Path) -> str:
        """The digest of one file (``"unreadable"`` when it cannot be read)."""
        digest = self.known.get(path)
        if digest is None:
            digest = self.known[path] = _sha256(path)
        return digest

    def files(self, files: Sequence[Path]) -> str:
        """One digest over the names and contents of ``files``."""
        digest = hashlib.sha256()
        for file in files:
            digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(self.file(file).encode() + b"\0")
        return digest.hexdigest()

    def config_files(self, spec: GateSpec, root: Path, files: Sequence[Path]) -> list[str]:
        """The gate's configuration files (root and every folder between a checked file and it), with digests."""
        if not spec.config_files:
            return []
        folders = {root}
        for start in {file.parent for file in files}:
            folder = start
            while folder not in folders and root in folder.parents:
                folders.add(folder)
                folder = folder.parent
        parts: list[str] = []
        for folder in sorted(folders):
            for name in spec.config_files:
                path = folder / name
                if not path.is_file():
                    continue
                if name == "pyproject.toml" and spec.pyproject_tables is not None:
                    parts.append(f"{path} {self.tables(path, spec.pyproject_tables)}")
                else:
                    parts.append(f"{path} {self.file(path)}")
        return parts

    def tables(self, path: Path, tables: Sequence[str]) -> str:
        """The digest of what ``tables`` (dotted keys) hold in the TOML file ``path``.

        A file that cannot be read as TOML is keyed on its whole content: never a false hit.
        """
        if path not in self.parsed:
            try:
                with path.open("rb") as handle:
                    self.parsed[path] = tomllib.load(handle)
            except (OSError, ValueError):  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
                self.parsed[path] = None
        data: Any = self.parsed[path]
        if data is None:
            return self.file(path)
        picked: dict[str, Any] = {}
        for dotted in tables:
            value: Any = data
            for part in dotted.split("."):
                value = cast(dict[str, Any], value).get(part) if isinstance(value, dict) else None
            picked[dotted] = value
        canonical = json.dumps(picked, sort_keys=True, default=str, ensure_ascii=False)
        return "tables " + hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


@dataclass
class ToolVersions:
    """Tool versions by :func:`fingerprint`, read from the cache once and written back when they changed."""

    known: dict[str, str] = field(default_factory=lambda: dict[str, str]())
    changed: bool = False

    @classmethod
    def load(cls, cache: Cache | None) -> ToolVersions:
        """The versions stored in ``cache`` (none without a cache)."""
        stored = _get(cache, VERSIONS_KEY) if cache is not None else None
        if not isinstance(stored, dict):
            return cls()
        return cls({str(k): str(v) for k, v in cast(dict[Any, Any], stored).items()})

    def get(self, print_: str) -> str:
        """The known version of the tool with this fingerprint, or ``""``."""
        return self.known.get(print_, "") if print_ else ""

    def remember(self, print_: str, version: str) -> None:
        """Keep the version of the tool with this fingerprint."""
        if version and print_ and self.known.get(print_) != version:
            self.known[print_] = version
            self.changed = True

    def save(self, cache: Cache | None) -> None:
        """Write the versions back when they changed."""
        if self.changed and cache is not None:
            _set(cache, VERSIONS_KEY, self.known)
            self.changed = False


def _entries(cache: Cache, name: str) -> list[dict[str, Any]]:
    """The kept outcomes of gate ``name``, most recent first (none from another format or a broken file)."""
    stored = _get(cache, CACHE_PREFIX + name)
    if not isinstance(stored, dict):
        return []
    data = cast(dict[str, Any], stored)
    entries = data.get("entries")
    if data.get("format") != CACHE_FORMAT or not isinstance(entries, list):
        return []
    return [cast(dict[str, Any], e) for e in cast(list[Any], entries) if isinstance(e, dict)]


def lookup(cache: Cache, name: str, digest: str) -> GateOutcome | None:
    """The stored outcome of gate ``name`` when one was stored under this key, else ``None``."""
    data = next((e for e in _entries(cache, name) if e.get("key") == digest), None)
    if data is None:
        return None
    try:
        raw = data["findings"]
        findings = None if raw is None else [Finding.from_dict(f) for f in cast(list[Any], raw)]
        return GateOutcome(name, str(data["tool"]), findings=findings, passed=bool(data["passed"]), cached=True)
    except (KeyError, TypeError, ValueError):
        return None


def store(cache: Cache, name: str, digest: str, outcome: GateOutcome) -> None:
    """Keep the outcome of gate ``name`` under this key, first, with the :data:`KEEP` - 1 most recent others."""
    entry = {
        "key": digest,
        "tool": outcome.tool,
        "passed": outcome.passed,
        "findings": None if outcome.findings is None else [f.to_dict() for f in outcome.findings],
    }
    kept = [e for e in _entries(cache, name) if e.get("key") != digest][: KEEP - 1]
    _set(cache, CACHE_PREFIX + name, {"format": CACHE_FORMAT, "entries": [entry, *kept]})


def _get(cache: Cache, name: str) -> Any:
    try:
        return cache.get(name, None)
    except Exception:  # noqa: BLE001 - a broken cache only costs a run
        return None


def _set(cache: Cache, name: str, value: Any) -> None:
    # An unwritable cache (or its warning, turned into an error by filterwarnings) costs only speed.
    with contextlib.suppress(Exception):
        cache.set(name, value)
