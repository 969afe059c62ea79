"""The manual is complete and its links hold: every key and option the code accepts is documented once.

The reference convention (``docs/configuration.md``): under the heading of each TOML table, a
Markdown table whose first column is headed ``key`` has one row per key, the key in backticks in the
first cell; the table headed ``option`` under "pytest options" has one row per option (first cell
`` `--name`` or `` `--name=VALUE` ``) and names the option's ini key, if any, in its second cell.
``docs/command.md`` has one row per subcommand of ``tta-maturity``, naming its options in the first
cell. The keys, options and subcommands are read from the code, never listed here.

Links: every relative link in the manual (README, CONTRIBUTING, docs/, benchmarks/, the examples)
points at a file that exists, and every ``#anchor`` at a heading of that file, slugged as GitHub does.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The key tuples and the options come from the package's own names: a module that moves changes these lines only.
from pytest_tta_maturity import cli, entry
from pytest_tta_maturity import config as config_keys

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"
COMMAND = DOCS / "command.md"

#: The heading of each TOML table's reference section, and the keys the code accepts there.
SECTIONS: dict[str, tuple[str, ...]] = {
    "`[tool.tta-maturity]`": config_keys.TOP_KEYS,
    "`[tool.tta-maturity.init]`": config_keys.INIT_KEYS,
    "`[tool.tta-maturity.components.NAME]`": config_keys.COMPONENT_KEYS,
    "`[tool.tta-maturity.levels.LEVEL]`": config_keys.LEVEL_KEYS,
    "Built-in gates": config_keys.BUILTIN_GATE_KEYS,
    "Custom gates": config_keys.CUSTOM_GATE_KEYS,
}
#: Options every subcommand takes, documented once above the command table.
COMMON_OPTIONS = {"-h", "--help", "--project"}

FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def prose(text: str) -> Iterator[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def sections(path: Path) -> dict[str, list[str]]:
    """Each heading's text and the prose lines up to the next heading (of any level)."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in prose(path.read_text(encoding="utf-8")):
        heading = HEADING.match(line)
        if heading:
            assert heading.group(2) not in found, f"{path.name}: two headings '{heading.group(2)}'"
            current = found[heading.group(2)] = []
        else:
            current.append(line)
    return found


def cells(row: str) -> list[str]:
    """The cells of a Markdown table row (escaped pipes kept inside their cell)."""
    inner = row.strip()[1:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def tables(lines: list[str], first_header: str) -> list[list[list[str]]]:
    """The body rows (as cells) of every table in ``lines`` whose first column is headed ``first_header``."""
    found: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    for line in [*lines, ""]:
        if not line.startswith("|"):
            rows = None
            continue
        row = cells(line)
        if rows is None:
            rows = [] if row[0] == first_header else None
            if rows is not None:
                found.append(rows)
        elif not set(row[0]) <= set("-: "):
            rows.append(row)
    return found


def reference_keys(lines: list[str]) -> list[str]:
    """The key of every row of the ``key`` tables: the first cell's text in backticks."""
    keys: list[str] = []
    for rows in tables(lines, "key"):
        for row in rows:
            key = re.fullmatch(r"`([^`]+)`", row[0])
            assert key, f"a reference row's first cell is not one key in backticks: {row[0]!r}"
            keys.append(key.group(1))
    return keys


class _Recorder:
    """Stands in for pytest's parser and its option group: records what ``pytest_addoption`` registers."""

    def __init__(self) -> None:
        self.options: list[str] = []
        self.ini: list[str] = []

    def getgroup(self, *args: Any, **kwargs: Any) -> _Recorder:
        return self

    def addoption(self, *names: str, **kwargs: Any) -> None:
        self.options.extend(name for name in names if name.startswith("--"))

    def addini(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.ini.append(name)


def registered() -> _Recorder:
    """The options and ini keys the plugin registers with pytest."""
    recorder = _Recorder()
    entry.pytest_addoption(recorder)  # type: ignore[arg-type]
    assert recorder.options and recorder.ini
    return recorder


@pytest.mark.parametrize("heading", sorted(SECTIONS))
def test_every_key_of_a_table_is_documented_once(heading: str) -> None:
    found = sections(CONFIGURATION)
    assert heading in found, f"docs/configuration.md has no heading {heading}"
    keys = reference_keys(found[heading])
    expected = SECTIONS[heading]
    assert sorted(keys) == sorted(expected), (
        f"{heading}: documented {sorted(keys)}, the code accepts {sorted(expected)} (each exactly once)"
    )


def test_every_key_table_belongs_to_a_known_section() -> None:
    # A key table under another heading would be a reference entry nobody checks against the code.
    for heading, lines in sections(CONFIGURATION).items():
        if heading not in SECTIONS:
            assert not tables(lines, "key"), f"docs/configuration.md: a key table under '{heading}'"


def option_rows() -> list[list[str]]:
    """The rows of every ``option`` table in docs/."""
    rows: list[list[str]] = []
    for page in sorted(DOCS.glob("*.md")):
        for table in tables(list(prose(page.read_text(encoding="utf-8"))), "option"):
            rows.extend(table)
    return rows


def test_every_pytest_option_is_documented_once() -> None:
    documented: list[str] = []
    for row in option_rows():
        option = re.match(r"`(--[a-z-]+)[=` ]", row[0])
        assert option, f"an option row's first cell does not start with the option: {row[0]!r}"
        documented.append(option.group(1))
    assert sorted(documented) == sorted(registered().options)


def test_every_ini_key_is_documented_once() -> None:
    # an option's row names its ini key, and the keys that only tune it (as ``tta_maturity_affected_ignore``)
    documented = [key for row in option_rows() for key in re.findall(r"`([a-z_]+)(?: = [^`]*)?`", row[1])]
    assert sorted(documented) == sorted(registered().ini)


def test_every_subcommand_and_its_options_are_documented() -> None:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # pyright: ignore[reportPrivateUsage]
    rows = [row[0] for lines in sections(COMMAND).values() for table in tables(lines, "command") for row in table]
    for name, sub in subparsers.choices.items():
        documented = [
            row for row in rows if row.startswith(f"`tta-maturity {name} ") or row == f"`tta-maturity {name}`"
        ]
        assert len(documented) == 1, f"docs/command.md: {len(documented)} rows for 'tta-maturity {name}'"
        options = {option for action in sub._actions for option in action.option_strings} - COMMON_OPTIONS  # pyright: ignore[reportPrivateUsage]
        missing = sorted(option for option in options if not re.search(rf"{re.escape(option)}\b", documented[0]))
        assert not missing, f"docs/command.md: 'tta-maturity {name}' row does not name {missing}"
    assert len(rows) == len(subparsers.choices), "docs/command.md documents a subcommand the command lacks"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text without markup, lower case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link counts by its text
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor GitHub gives the headings of a Markdown file (repeats numbered -1, -2, ...)."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in prose(path.read_text(encoding="utf-8")):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def manual() -> list[Path]:
    """The Markdown files a reader follows links through."""
    pages = [*ROOT.glob("*.md"), *DOCS.glob("*.md"), *(ROOT / "benchmarks").glob("*.md")]
    pages += [*(ROOT / "examples").glob("*/README.md"), *(ROOT / "mutation").glob("*.md")]
    return sorted(pages)


def links(path: Path) -> Iterator[str]:
    """The targets of the links in a Markdown file, outside code blocks and code spans."""
    for line in prose(path.read_text(encoding="utf-8")):
        yield from LINK.findall(re.sub(r"`[^`]*`", "code", line))


def test_the_manual_has_its_pages() -> None:
    names = {path.name for path in DOCS.glob("*.md")}
    assert {"configuration.md", "levels-and-verdict.md", "coverage.md", "gates.md", "command.md"} <= names
    assert {"reports-and-ci.md", "messages.md", "before-pushing-and-new-code.md"} <= names
    assert (ROOT / "CONTRIBUTING.md").is_file()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    assert all(f"](docs/{name})" in readme for name in names), "the README links every page of docs/"


@pytest.mark.parametrize("page", manual(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    broken: list[str] = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading with that anchor in {linked.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)
