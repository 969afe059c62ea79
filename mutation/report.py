"""Summarise a finished `mutmut run`: mutants killed and survived per module, and every survivor.

Run by `python3 tasks.py mutate` with the Python of .venv (mutmut installed through the `mutation`
extra), in the folder where mutmut ran (the one holding `mutants/`):

    python mutation/report.py [--output FILE]

It prints Markdown: a table per module (killed, survived, total, score) and the survivors as
`file:line` with the line before and after the mutation. Killed counts mutants that a test failed
on, timed out on, or that the type checker caught; survived counts mutants no selected test failed
on, including those in functions no selected test runs ("no tests"). The score is killed / (killed
+ survived). The mutants themselves are read through mutmut's own index of the mutated files, as
`mutmut show` reads them.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import libcst as cst
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import read_functions_from_index
from mutmut.stats import status_by_exit_code
from mutmut.utils.format_utils import orig_function_and_class_names_from_key

KILLED = frozenset({"killed", "timeout", "caught by type check"})
SURVIVED = frozenset({"survived", "no tests"})


@dataclass(frozen=True)
class Survivor:
    path: str
    line: int
    status: str
    before: str
    after: str
    name: str


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--header", default="", help="text put above the tables (the command, the date)")
    args = parser.parse_args(argv)
    metas = sorted(Path("mutants").rglob("*.py.meta"))
    if not metas:
        print("mutation/report.py: no mutants/**/*.py.meta here: run `mutmut run` first", file=sys.stderr)
        return 2
    rows: list[tuple[str, Counter[str]]] = []
    survivors: list[Survivor] = []
    for meta in metas:
        path = str(meta.relative_to("mutants"))[: -len(".meta")]
        data = SourceFileMutationData(path=path)
        data.load()
        counts: Counter[str] = Counter()
        for name, exit_code in sorted(data.exit_code_by_key.items(), key=lambda item: _order(item[0])):
            status = status_by_exit_code[exit_code]
            counts[status] += 1
            if status not in KILLED and status != "not checked":
                survivors.append(_describe(path, name, status))
        rows.append((path, counts))
    survivors.sort(key=lambda s: (s.path, s.line))
    text = _render(args.header, rows, survivors)
    print(text, end="")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 0


def _order(name: str) -> tuple[str, int]:
    """Mutants of one function in the order mutmut numbered them."""
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


def _describe(path: str, name: str, status: str) -> Survivor:
    """Where a mutant is in the original source, and its line before and after the mutation."""
    pair = read_functions_from_index(name, path)
    if pair is None:
        return Survivor(path, 0, status, "", "(mutmut's index of the mutated file is missing)", name)
    before, after = (_code(function).splitlines() for function in pair)
    changed = [op for op in difflib.SequenceMatcher(a=before, b=after).get_opcodes() if op[0] != "equal"]
    if not changed:
        return Survivor(path, _def_line(path, name) or 0, status, "", "(no visible change)", name)
    _, a0, a1, b0, b1 = changed[0]
    old = " / ".join(line.strip() for line in before[a0:a1]) or "(nothing)"
    new = " / ".join(line.strip() for line in after[b0:b1]) or "(removed)"
    line = _source_line(path, name, before, a0)
    return Survivor(path, line, status, old, new, name)


def _code(function: cst.FunctionDef) -> str:
    return cst.Module(body=[function.with_changes(leading_lines=[])]).code


@cache
def _source(path: str) -> tuple[ast.Module, list[str]]:
    text = Path(path).read_text(encoding="utf-8")
    return ast.parse(text), text.splitlines()


def _def_line(path: str, name: str) -> int | None:
    """The line of the ``def`` of the mutated function in the original source."""
    function, class_name = orig_function_and_class_names_from_key(name)
    tree, _ = _source(path)
    body: list[ast.stmt] = tree.body
    if class_name is not None:
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
        body = classes[0].body if classes else []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            return node.lineno
    return None


def _source_line(path: str, name: str, rendered: list[str], index: int) -> int:
    """The original source line of line ``index`` of the rendered original function."""
    start = _def_line(path, name)
    if start is None:
        return 0
    defs = [i for i, text in enumerate(rendered) if text.lstrip().startswith(("def ", "async def "))]
    line = start + index - (defs[0] if defs else 0)
    _, source = _source(path)
    if 0 < line <= len(source) and source[line - 1].strip() == rendered[index].strip():
        return line
    return start  # a reformatted function: point at its def


def _render(header: str, rows: list[tuple[str, Counter[str]]], survivors: list[Survivor]) -> str:
    out: list[str] = [header.rstrip() + "\n\n"] if header else []
    out.append("| module | killed | survived | total | score |\n|---|---:|---:|---:|---:|\n")
    total: Counter[str] = Counter()
    for path, counts in rows:
        total.update(counts)
        out.append(_row(Path(path).name, counts))
    out.append(_row("**all**", total))
    others = sorted(set(total) - KILLED - SURVIVED)
    if others:
        out.append("\nNeither killed nor survived: " + ", ".join(f"{total[s]} {s}" for s in others) + "\n")
    out.append(
        "\nKilled: a selected test failed, timed out or the type checker caught it. Survived: no selected"
        " test failed, including mutants in functions no selected test runs (*no tests*).\n"
    )
    out.append(f"\n## Survivors ({len(survivors)}): `file:line`: before → after\n\n")
    for s in survivors:
        where = f"{s.path}:{s.line}" if s.line else s.path
        note = "" if s.status == "survived" else f" ({s.status})"
        out.append(f"- `{where}`{note}: `{_short(s.before)}` → `{_short(s.after)}`\n")
    return "".join(out)


def _row(label: str, counts: Counter[str]) -> str:
    killed = sum(counts[s] for s in KILLED)
    survived = sum(counts[s] for s in SURVIVED)
    total = sum(counts.values())
    judged = killed + survived
    score = f"{100 * killed / judged:.1f} %" if judged else "n/a"
    return f"| {label} | {killed} | {survived} | {total} | {score} |\n"


def _short(text: str, width: int = 110) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
