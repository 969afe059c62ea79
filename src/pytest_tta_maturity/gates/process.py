"""Process control for the gates: find a tool, start it in its own process group, wait, kill.

A gate's tool runs as ``subprocess.Popen`` with an argument list (never a shell), its
output going to temporary files (a type checker can print tens of megabytes), in its own
process group so that a time-out kills everything it started, and at a lower CPU priority than
pytest so that the tests come first when cores are short. Nothing here knows what a
gate is: :mod:`.runner` decides what to start and reads what came out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

WINDOWS = sys.platform == "win32"

#: How far below pytest's own CPU priority the gate tools run (``nice``): when the tests and the
#: tools want more cores than there are (``-n 2`` on two cores, a busy CI runner), the tests, on
#: the critical path, get them first, and the tools take what is left. benchmarks/bench_gates.py
#: measured it on a real project (benchmarks/README.md, latest figures).
GATE_NICENESS = 10


def locate(program: str, python: str, root: Path) -> str | None:
    """The executable for ``program``: beside ``python`` first (its venv), then on ``PATH``.

    A ``program`` with a path separator is a path, relative to ``root`` unless absolute.
    """
    if "/" in program or os.sep in program or (os.altsep and os.altsep in program):
        path = Path(program)
        path = path if path.is_absolute() else root / path
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    folder = Path(python).parent  # not resolved: a venv's python is often a symlink
    folders = [folder, folder / "Scripts"] if WINDOWS else [folder]
    names = [program, *(program + ext for ext in (".exe", ".cmd", ".bat"))] if WINDOWS else [program]
    for place in folders:
        for name in names:
            candidate = place / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which(program)


def one_line(text: str, limit: int = 240) -> str:
    """The first few non-blank lines of ``text`` joined into one line, at most ``limit`` characters."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    joined = " ".join(lines[:3])
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def kill(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and everything it started (its process group)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(OSError):
        if WINDOWS:
            # Fixed argument list naming a process this module started; taskkill ships with Windows.
            subprocess.run(  # noqa: S603, RUF100
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],  # noqa: S607, RUF100
                capture_output=True,
                check=False,
            )
        else:
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()


def spawn(argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdin: IO[bytes] | None) -> Process:
    """Start ``argv`` in ``cwd`` in a new process group; ``stdin`` (closed here) is its input."""
    # Closed by Process.output() or Process.cancel(), after the process ends.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    err = tempfile.TemporaryFile()  # noqa: SIM115
    flags: int = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if WINDOWS else 0
    try:
        # The gate's own tool (found beside the interpreter or on PATH, or the project's configured
        # command) with an argument list and no shell: running it is what the gate is for.
        process = subprocess.Popen(  # noqa: S603, RUF100
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=not WINDOWS,
            creationflags=flags,
        )
    except BaseException:
        out.close()
        err.close()
        raise
    finally:
        if stdin is not None:
            stdin.close()
    if not WINDOWS:
        lower_priority(process.pid, GATE_NICENESS)
    return Process(process, out, err, time.monotonic())


def lower_priority(group: int, steps: int) -> None:
    """Lower the CPU priority of process group ``group`` to ``steps`` below this process's own.

    Called right after the tool has started, normally before it starts anything of its own:
    what it starts later inherits the priority. A system that refuses leaves it as it was.
    """
    with contextlib.suppress(OSError):
        own = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PGRP, group, min(own + steps, 19))


@dataclass
class Process:
    """A started process, its output files and when it started."""

    process: subprocess.Popen[bytes]
    out: IO[bytes]
    err: IO[bytes]
    started: float

    @property
    def returncode(self) -> int | None:
        """The exit status once it has ended (negative: killed by that signal)."""
        return self.process.returncode

    def wait(self, timeout: float) -> bool:
        """Wait until ``timeout`` seconds after the start; kill and return False when it overruns."""
        remaining = max(self.started + timeout - time.monotonic(), 0.0)
        try:
            self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            kill(self.process)
            return False
        return True

    def output(self) -> tuple[str, str]:
        """Standard output and error, decoded; the temporary files are closed."""
        texts: list[str] = []
        for handle in (self.out, self.err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
            handle.close()
        return texts[0], texts[1]

    def cancel(self) -> None:
        """Kill the process group and drop the output."""
        kill(self.process)
        self.out.close()
        self.err.close()
