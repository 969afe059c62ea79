"""Edit pyproject.toml as text, keeping every byte the edit does not touch.

A small structural scanner: it finds table headers and key/value pairs (with
their full dotted key paths and the exact character span of each value,
inside inline tables too), skipping strings, comments and multi-line arrays
correctly. It does not interpret values; callers re-parse the edited text
with ``tomllib`` and compare it with what they meant to change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\s#]")


class TomlTextError(ValueError):
    """The text is not TOML this scanner can follow (the caller says what to do instead)."""


@dataclass(frozen=True)
class Header:
    """A ``[table]`` or ``[[array]]`` header line."""

    path: tuple[str, ...]
    array: bool
    line_start: int
    line_end: int  # after the newline


@dataclass(frozen=True)
class KeyValue:
    """``key = value``; ``path`` is the full key path (table, dotted key, inline-table keys)."""

    path: tuple[str, ...]
    value_start: int
    value_end: int
    line_start: int
    inline: bool  # inside an inline table


@dataclass
class Document:
    """The headers and key/values of a TOML text, in order."""

    text: str
    headers: list[Header]
    values: list[KeyValue]

    def find(self, path: tuple[str, ...]) -> KeyValue | None:
        """The key/value whose full path is ``path``."""
        for item in self.values:
            if item.path == path:
                return item
        return None


def bare_or_quoted(key: str) -> str:
    """``name`` as a TOML key: bare when it can be, else a basic string."""
    if _BARE.fullmatch(key):
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.headers: list[Header] = []
        self.values: list[KeyValue] = []

    def error(self, what: str) -> TomlTextError:
        line = self.text.count("\n", 0, self.pos) + 1
        return TomlTextError(f"line {line}: {what}")

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def skip_ws_comments_newlines(self) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r\n":
                self.pos += 1
            elif char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def end_of_line(self) -> None:
        self.skip_ws()
        if self.peek() == "#":
            self.skip_comment()
        if self.peek() == "\r":
            self.pos += 1
        if self.pos < len(self.text):
            if self.peek() != "\n":
                raise self.error("unexpected text after a value")
            self.pos += 1

    def string(self) -> str:
        """Skip a string; return its raw text."""
        start = self.pos
        for quote in ('"""', "'''"):
            if self.peek(3) == quote:
                self.pos += 3
                while True:
                    end = self.text.find(quote, self.pos)
                    if end < 0:
                        raise self.error("unterminated multi-line string")
                    if quote == '"""' and _escaped(self.text, end):
                        self.pos = end + 1
                        continue
                    self.pos = end + 3
                    while self.peek() == quote[0]:  # up to two quotes may close the content
                        self.pos += 1
                    return self.text[start : self.pos]
        quote = self.peek()
        self.pos += 1
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and quote == '"':
                self.pos += 2
                continue
            if char == "\n":
                break
            self.pos += 1
            if char == quote:
                return self.text[start : self.pos]
        raise self.error("unterminated string")

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_ws()
            char = self.peek()
            if char in ('"', "'"):
                raw = self.string()
                parts.append(_key_text(raw))
            else:
                match = _BARE.match(self.text, self.pos)
                if not match:
                    raise self.error("expected a key")
                parts.append(match.group())
                self.pos = match.end()
            self.skip_ws()
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1

    def value(self, path: tuple[str, ...]) -> None:
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "[":
            self.pos += 1
            while True:
                self.skip_ws_comments_newlines()
                if self.peek() == "]":
                    self.pos += 1
                    return
                if not self.peek():
                    raise self.error("unterminated array")
                self.value(path)
                self.skip_ws_comments_newlines()
                if self.peek() == ",":
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            self.skip_ws()
            if self.peek() == "}":
                self.pos += 1
                return
            while True:
                self.keyval(path, inline=True)
                self.skip_ws_comments_newlines()
                if self.peek() == ",":
                    self.pos += 1
                    self.skip_ws_comments_newlines()
                    if self.peek() == "}":  # TOML 1.1 trailing comma
                        self.pos += 1
                        return
                    continue
                if self.peek() == "}":
                    self.pos += 1
                    return
                raise self.error("expected ',' or '}' in an inline table")
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            end = len(self.text) if match is None else match.start()
            # date-times may hold one space: 1979-05-27 07:32:00
            if match is not None and self.text[end] == " " and re.match(r"\d{2}:", self.text[end + 1 : end + 4]):
                match = _SCALAR_END.search(self.text, end + 1)
                end = len(self.text) if match is None else match.start()
            if end == self.pos:
                raise self.error("expected a value")
            self.pos = end

    def keyval(self, table: tuple[str, ...], *, inline: bool) -> None:
        self.skip_ws_comments_newlines() if inline else self.skip_ws()
        line_start = self.text.rfind("\n", 0, self.pos) + 1
        path = table + self.key()
        self.skip_ws()
        if self.peek() != "=":
            raise self.error("expected '=' after a key")
        self.pos += 1
        self.skip_ws()
        start = self.pos
        self.value(path)
        self.values.append(KeyValue(path, start, self.pos, line_start, inline))

    def run(self) -> Document:
        table: tuple[str, ...] = ()
        while self.pos < len(self.text):
            line_start = self.pos
            self.skip_ws()
            char = self.peek()
            if char in ("\n", "\r", "#", ""):
                self.end_of_line()
                continue
            if char == "[":
                array = self.peek(2) == "[["
                self.pos += 2 if array else 1
                table = self.key()
                closing = "]]" if array else "]"
                if self.peek(len(closing)) != closing:
                    raise self.error("expected ']' after a table name")
                self.pos += len(closing)
                self.end_of_line()
                self.headers.append(Header(table, array, line_start, self.pos))
                continue
            self.pos = line_start
            self.keyval(table, inline=False)
            self.end_of_line()
        return Document(self.text, self.headers, self.values)


def _key_text(raw: str) -> str:
    if raw.startswith("'"):
        return raw[1:-1]
    try:
        return str(json.loads(re.sub(r"\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1), 16)), raw)))
    except ValueError:
        return raw[1:-1]


def _escaped(text: str, index: int) -> bool:
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def scan(text: str) -> Document:
    """The structure of ``text``; raises :class:`TomlTextError` where it cannot follow it."""
    return _Scanner(text).run()


def replace_string(text: str, path: tuple[str, ...], new: str) -> str:
    """``text`` with the string value at ``path`` replaced by ``new``, in the same quote style."""
    doc = scan(text)
    item = doc.find(path)
    if item is None:
        raise TomlTextError(f"no key {'.'.join(path)}")
    old = text[item.value_start : item.value_end]
    if old[:1] not in ('"', "'") or old[:3] in ('"""', "'''"):
        raise TomlTextError(f"{'.'.join(path)} is not a one-line string")
    quote = old[0]
    if quote == "'" and "'" not in new and "\n" not in new:
        literal = f"'{new}'"
    else:
        literal = '"' + new.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text[: item.value_start] + literal + text[item.value_end :]


def section_spans(doc: Document, prefix: tuple[str, ...]) -> list[tuple[int, int]]:
    """Character spans of the tables whose header path starts with ``prefix``.

    A span runs from its header to the next header, less a comment block that
    sits right above the next header (it belongs to that one).
    """
    spans: list[tuple[int, int]] = []
    text = doc.text
    for index, header in enumerate(doc.headers):
        if header.path[: len(prefix)] != prefix:
            continue
        if index + 1 < len(doc.headers):
            end = doc.headers[index + 1].line_start
            while True:  # give back comment lines directly above the next header
                previous = text.rfind("\n", 0, end - 1) + 1
                if previous < header.line_end and previous < end and text[previous:end].lstrip().startswith("#"):
                    break
                if previous >= header.line_end and text[previous:end].lstrip().startswith("#"):
                    end = previous
                    continue
                break
        else:
            end = len(text)
        spans.append((header.line_start, end))
    return spans


def newline_of(text: str) -> str:
    """The newline the file uses (``\\r\\n`` or ``\\n``)."""
    return "\r\n" if "\r\n" in text else "\n"
