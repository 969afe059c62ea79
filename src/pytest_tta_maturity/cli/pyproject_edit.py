"""Edit pyproject.toml through tomlkit, keeping every byte an edit does not touch.

Every edit is checked before it is returned: the new text parses with
``tomllib`` (as every other reader of the file will read it) and its data
equals the old data with exactly the intended change, nothing more. An edit
that tomlkit cannot make cleanly is refused with one line saying what to do by
hand, never written half-right.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Comment, Item, String, StringType, Table, Trivia, Whitespace
from tomlkit.toml_document import TOMLDocument

from .._util import tomllib
from ..config import TABLE
from ..errors import ConfigError, EditError, display_path

#: Where the components live in the document.
COMPONENTS = ("tool", "tta-maturity", "components")

Data = dict[str, Any]
Body = list[tuple[Any, Item]]


def read_text(file: Path) -> str:
    """The text of ``file`` exactly as stored (newlines kept); not UTF-8 is a configuration error."""
    try:
        return file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(file, "", None, "is not UTF-8 text", "save it as UTF-8") from None


def loads(text: str, file: Path) -> Data:
    """``text`` read as every TOML reader will read it; invalid TOML is a configuration error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc).replace("\n", " ")
        raise ConfigError(file, "", None, f"is not valid TOML ({detail})", "fix the TOML syntax") from None


def newline_of(text: str) -> str:
    """The newline the file uses (``\\r\\n`` or ``\\n``)."""
    return "\r\n" if "\r\n" in text else "\n"


def unified_diff(before: str, after: str, name: str) -> str:
    """The change as a unified diff, ``a/NAME`` to ``b/NAME``."""
    diff = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(diff)


def key_text(name: str) -> str:
    """``name`` as a TOML key: bare when it can be, else quoted."""
    return tomlkit.key(name).as_string()


def parse_document(text: str, file: Path, hand: str) -> TOMLDocument:
    """``text`` as a tomlkit document; what tomlkit cannot follow is an :class:`EditError`."""
    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        detail = " ".join(str(exc).split())
        raise EditError(f"{display_path(file)}: cannot follow its TOML ({detail}); {hand}") from None


def checked(after: str, expected: Data, file: Path, hand: str) -> str:
    """``after`` when it parses to exactly ``expected``; otherwise the edit is refused."""
    try:
        data = tomllib.loads(after)
    except tomllib.TOMLDecodeError:
        data = None
    if data != expected:
        raise EditError(f"{display_path(file)}: the edit would change more than intended; {hand}")
    return after


def same_newlines(text: str, newline: str) -> str:
    """``text`` with the lines tomlkit added ended like the rest of the file."""
    if newline == "\n":
        return text
    return re.sub(r"(?<!\r)\n", "\r\n", text)


# ---------------------------------------------------------------- promote


def set_level(text: str, file: Path, name: str, level: str) -> str:
    """``text`` with component ``name``'s level replaced, in the same quote style, everything else kept."""
    hand = f'edit level = "{level}" under [{TABLE}.components.{key_text(name)}] by hand'
    doc = parse_document(text, file, hand)
    table: Any = _lookup(doc, (*COMPONENTS, name))
    old: object = _lookup(doc, (*COMPONENTS, name, "level"))
    if not isinstance(old, String) or old.type not in (StringType.SLB, StringType.SLL):
        raise EditError(f"{display_path(file)}: cannot edit the level of '{name}' (not a one-line string); {hand}")
    new = tomlkit.string(level, literal=old.type is StringType.SLL and "'" not in level)
    table["level"] = new
    expected = loads(text, file)
    expected["tool"]["tta-maturity"]["components"][name]["level"] = level
    return checked(doc.as_string(), expected, file, hand)


def _is_proxy(value: object) -> bool:
    """A table written in several places (tomlkit's out-of-order proxy), which still reads and writes keys."""
    return type(value).__name__ == "OutOfOrderTableProxy"


def _lookup(doc: TOMLDocument, path: Sequence[str]) -> object:
    node: object = doc
    for part in path:
        try:
            node = cast(Any, node)[part]
        except (KeyError, TypeError):
            return None
    return node


# ---------------------------------------------------------------- init


def render_tables(
    header: Sequence[str],
    tables: Sequence[tuple[str, Mapping[str, Any]]],
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """``[tool.tta-maturity.components.NAME]`` tables as tomlkit writes them, after ``header`` comment lines,
    then the ``settings`` tables (``[tool.tta-maturity.KEY]``).

    Arrays longer than a line are written one item per line.
    """
    doc = tomlkit.document()
    components = tomlkit.table(is_super_table=True)
    settings = settings or {}
    for index, (name, values) in enumerate(tables):
        components.add(name, new_table(values, blank_line_after=bool(settings) or index < len(tables) - 1))
    tta = tomlkit.table(is_super_table=True)
    tta.add("components", components)
    for index, (key, values) in enumerate(settings.items()):
        tta.add(key, new_table(values, blank_line_after=index < len(settings) - 1))
    tool = tomlkit.table(is_super_table=True)
    tool.add("tta-maturity", tta)
    doc.add("tool", tool)
    return "".join(f"# {line}\n" for line in header) + doc.as_string().lstrip("\n")


def new_table(values: Mapping[str, Any], *, blank_line_after: bool = False) -> Table:
    """A table holding ``values``; a list whose one-line form would be long is written one item per line."""
    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, _value(key, value))
    if blank_line_after:
        table.add(tomlkit.nl())
    return table


def _value(key: str, value: Any) -> Item:
    if isinstance(value, list):
        array: Any = tomlkit.array()
        array.extend(cast(list[Any], value))
        if len(key) + 3 + len(array.as_string()) > 100:
            array.multiline(True)
        return cast(Item, array)
    return cast(Item, tomlkit.item(value))


def append_text(before: str, block: str) -> str:
    """``block`` after ``before``, separated by one blank line, in the file's newline style."""
    newline = newline_of(before)
    head = before
    if head and not head.endswith("\n"):
        head += newline
    if head.strip() and not head.endswith(newline * 2):
        head += newline
    return same_newlines(head + block, newline) if head.strip() else same_newlines(block, newline)


class ComponentsEditor:
    """In-place edits of the component tables of a parsed pyproject.toml.

    Comments above a table belong, for tomlkit, to the end of the table before
    it; removing or appending tables moves those comments along, so that each
    stays above the table it was written for.
    """

    def __init__(self, doc: TOMLDocument, file: Path, hand: str) -> None:
        """Find ``[tool.tta-maturity.components]`` in ``doc``; refuse forms it cannot edit safely."""
        self.doc = doc
        self.file = file
        self.hand = hand
        tta = _lookup(doc, COMPONENTS[:2])
        if not isinstance(tta, Table) or _is_proxy(tta):
            raise self._refuse()
        components: object = tta.item("components") if "components" in tta else None
        if components is None:
            components = tomlkit.table(is_super_table=True)
            tta.add("components", components)
        if not isinstance(components, Table):
            raise self._refuse()
        self.tta = tta
        self.components = components

    def _refuse(self) -> EditError:
        return EditError(
            f"{display_path(self.file)}: [{TABLE}] is written as dotted keys or an inline table; {self.hand}"
        )

    def names(self) -> list[str]:
        """The component names, in file order."""
        return [str(key) for key in self.components]

    def set(self, name: str, key: str, value: Any) -> None:
        """Set ``key`` of component ``name``: in its place when it exists, else after the table's last key."""
        table: Any = self.components[name]
        if key in table:
            if table[key] != value:
                table[key] = _value(key, value)
            return
        if not isinstance(table, Table):
            table[key] = _value(key, value)
            return
        body = table.value.body
        trailing = _take_trailing(body, comments_only=False)
        table.add(key, _value(key, value))
        body.extend(trailing)

    def unset(self, name: str, key: str) -> None:
        """Remove ``key`` of component ``name`` when it is there."""
        table: Any = self.components[name]
        if key in table:
            del table[key]

    def remove(self, name: str) -> None:
        """Remove component ``name``; the comments at its end move to the table before it."""
        item = self.components.item(name)
        if isinstance(item, Table):
            trailing = _take_trailing(item.value.body)
            before = self._table_before(item)
            if before is not None and trailing:
                _give_trailing(before.value.body, trailing)
        self.components.remove(name)

    def set_setting(self, table: str, key: str, value: Any) -> None:
        """Set ``key`` of ``[tool.tta-maturity.TABLE]``; the table is added after the others when missing
        (what ended the table before it, blank lines and comments, moves below it, as :meth:`add` does)."""
        if table in self.tta:
            item: Any = self.tta[table]
            item[key] = _value(key, value)
            return
        new = new_table({key: value})
        self.tta.add(table, new)
        new.trivia.indent = ""
        before = self._table_before(new)
        if before is None:
            return
        body = before.value.body
        trailing = _take_trailing(body, comments_only=False)
        body.append((None, Whitespace("\n")))
        new.value.body.extend(trailing)

    def add(self, name: str, values: Mapping[str, Any], header: Sequence[str] = ()) -> None:
        """Append component ``name`` after the last component table, ``header`` comment lines above it.

        What ended the table before the new one (blank lines, and the comments
        that stood above the next table) moves to the end of the new table, so
        it stays above that next table.
        """
        table = new_table(values)
        self.components.add(name, table)
        table.trivia.indent = ""  # the blank line above is written below, with the header
        before = self._table_before(table)
        if before is None:
            return
        body = before.value.body
        trailing = _take_trailing(body, comments_only=False)
        body.append((None, Whitespace("\n")))
        body.extend((None, Comment(Trivia(comment=f"# {line}", trail="\n"))) for line in header)
        table.value.body.extend(trailing)

    def _table_before(self, target: Table) -> Table | None:
        previous: Table | None = None
        for table in _tables_in(self.doc):
            if table is target:
                return previous
            if not table.is_super_table():
                previous = table
        return None

    def text(self, newline: str) -> str:
        """The edited document, with added lines ended like the rest of the file."""
        return same_newlines(self.doc.as_string(), newline)


def _tables_in(node: object) -> Iterator[Table]:
    """Every table at or below ``node``, in the order the document writes them."""
    if isinstance(node, Table):
        yield node
        body: Body = node.value.body
    elif isinstance(node, Container):
        body = node.body
    else:
        return
    for _, item in body:
        if isinstance(item, (Table, Container)):
            yield from _tables_in(item)


def _take_trailing(body: Body, *, comments_only: bool = True) -> Body:
    """Remove and return the comments and blank lines that end a table's body (with ``comments_only``: none
    when there is no comment among them)."""
    cut = len(body)
    while cut and body[cut - 1][0] is None and isinstance(body[cut - 1][1], (Whitespace, Comment)):
        cut -= 1
    trailing = body[cut:]
    if comments_only and not any(isinstance(item, Comment) for _, item in trailing):
        return []
    del body[cut:]
    return trailing


def _give_trailing(body: Body, trailing: Body) -> None:
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
        body.pop()
    body.extend(trailing)


def expected_after(before: Data, edit: Callable[[Data], None]) -> Data:
    """A copy of ``before`` with ``edit`` applied to its ``[tool.tta-maturity]`` table."""
    data = copy.deepcopy(before)
    tool = cast(Data, data.setdefault("tool", {}))
    edit(cast(Data, tool.setdefault("tta-maturity", {})))
    return data
