"""The renderers against gold files, and each format read back by a real parser."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from prometheus_client.parser import text_string_to_metric_families

from pytest_tta_maturity.model import Report
from pytest_tta_maturity.render import formats, html, junit, markdown, prometheus, terminal

from .conftest import REPORTS, check_gold, nasty_report, sample_report, sources_report

VALID = "valid formats: json, markdown, prometheus, junit, html"
SUFFIX = {"json": "json", "markdown": "md", "prometheus": "prom", "junit": "xml", "html": "html"}


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
@pytest.mark.parametrize("name", list(REPORTS))
def test_gold(fmt: str, name: str) -> None:
    check_gold(f"{name}.{SUFFIX[fmt]}", formats.render(REPORTS[name](), fmt))


@pytest.mark.parametrize("name", ["sample", "nasty"])
def test_json_round_trips(name: str) -> None:
    report = {"sample": sample_report, "nasty": nasty_report}[name]()
    text = formats.render(report, "json")
    assert json.loads(text) == report.to_dict()
    assert Report.from_dict(json.loads(text)).to_dict() == report.to_dict()
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert sum(line.startswith('    {"name": ') for line in lines) == len(report.components)  # one line each


def test_renderers_do_not_import_pytest() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import pytest_tta_maturity.render.formats, pytest_tta_maturity.cli; "
        "sys.exit('pytest' in sys.modules or '_pytest' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ---------------------------------------------------------------- prometheus


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge"
        assert family.documentation
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_prometheus_parses_with_the_reference_parser() -> None:
    samples = _samples(prometheus.render(sample_report()))
    carbon = (("component", "carbon"),)
    assert samples[("tta_maturity_coverage_percent", carbon)] == 65.22
    assert samples[("tta_maturity_coverage_threshold_percent", carbon)] == 70
    assert samples[("tta_maturity_declared_level", carbon)] == 2
    assert samples[("tta_maturity_achieved_level", carbon)] == 1
    assert samples[("tta_maturity_meets", carbon)] == 0
    assert samples[("tta_maturity_meets", (("component", "model_management"),))] == 1
    assert samples[("tta_maturity_gate_findings", (("component", "carbon"), ("gate", "types")))] == 2
    status = (("component", "carbon"), ("gate", "security"), ("status", "error"))
    assert samples[("tta_maturity_gate_status", status)] == 1
    assert samples[("tta_maturity_level", (("level", "production"),))] == 3
    assert samples[("tta_maturity_tests", (("component", "carbon"), ("outcome", "skipped")))] == 1
    assert samples[("tta_maturity_components_below", ())] == 1


def test_prometheus_escapes_labels() -> None:
    report = nasty_report()
    samples = _samples(prometheus.render(report))
    name = report.components[0].name
    assert samples[("tta_maturity_meets", (("component", name),))] == 0
    assert samples[("tta_maturity_partial", ())] == 1
    # an unmeasured component has no coverage sample rather than a made-up 0
    assert ("tta_maturity_coverage_percent", (("component", "empty"),)) not in samples


def test_prometheus_help_and_values() -> None:
    assert prometheus.escape_help("a\\b\nc") == "a\\\\b\\nc"
    assert prometheus.escape_label('a"b\\c\nd') == 'a\\"b\\\\c\\nd'
    assert prometheus.format_value(3.0) == "3"
    assert prometheus.format_value(84.21) == "84.21"
    assert prometheus.format_value(float("nan")) == "NaN"
    assert prometheus.format_value(float("inf")) == "+Inf"
    assert prometheus.format_value(float("-inf")) == "-Inf"


# ---------------------------------------------------------------- junit


def _junit(report: Report) -> ElementTree.Element:
    return ElementTree.fromstring(junit.render(report).encode())


def test_junit_one_testcase_per_requirement_and_blockers_fail() -> None:
    root = _junit(sample_report())
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = {(c.get("classname"), c.get("name")): c for c in suites[0].findall("testcase")}
    every = ("coverage", "tests", "lint", "format", "types", "security", "docs")
    assert set(cases) == {(f"tta-maturity.{c}", n) for c in ("carbon", "model_management") for n in every}
    coverage = cases[("tta-maturity.carbon", "coverage")].find("failure")
    assert coverage is not None
    assert coverage.get("message") == "coverage 65.22% < 70% (+4.79 pts, ~5 statements)"
    assert "src/tta/carbon/x.py: 3-4, 10-14, 30" in (coverage.text or "")
    types = cases[("tta-maturity.carbon", "types")].find("failure")
    assert types is not None
    assert 'src/tta/carbon/x.py:12: reportArgumentType Argument of type "str" is not "int"' in (types.text or "")
    error = cases[("tta-maturity.carbon", "security")].find("error")
    assert error is not None
    assert error.get("message") == (
        "bandit is not installed (looked beside /usr/bin/python3 and on PATH); pip install bandit"
    )
    assert cases[("tta-maturity.model_management", "coverage")].find("failure") is None
    assert suites[0].get("tests") == "14"
    assert suites[0].get("failures") == "2"
    assert suites[0].get("errors") == "1"


def test_junit_escapes_and_drops_characters_xml_cannot_hold() -> None:
    report = nasty_report()
    root = _junit(report)
    names = {c.get("classname") for c in root.iter("testcase")}
    assert "tta-maturity." + report.components[0].name in names
    lint = next(c for c in root.iter("testcase") if c.get("name") == "lint")
    failure = lint.find("failure")
    assert failure is not None
    assert "\n" in (failure.text or "")
    assert "\x1b" not in (failure.text or "")
    assert "<red>" in (failure.text or "")
    # a partial run does not judge coverage
    coverage = next(c for c in root.iter("testcase") if c.get("name") == "coverage")
    assert coverage.find("failure") is None
    assert coverage.find("skipped") is not None
    empty = {c.get("name"): c for c in root.iter("testcase") if c.get("classname") == "tta-maturity.empty"}
    assert list(empty) == ["coverage", "tests", "lint", "format", "types", "security", "docs"]
    assert [name for name, case in empty.items() if case.find("skipped") is not None] == [
        "coverage",
        "tests",
        "format",
        "types",
        "security",
        "docs",
    ]  # lint ran over empty's files (none) and passed
    # the failed test fails the run even beside the components' verdicts
    run = next(c for c in root.iter("testcase") if c.get("classname") == "tta-maturity.run")
    failure = run.find("failure")
    assert failure is not None
    assert failure.get("message") == (
        f"1 test failed or errored. 1 of 2 components meet their declared levels; "
        f"1 below: {report.components[0].name} (tests: 1 failed or errored; lint: 1 finding)."
    )


# ---------------------------------------------------------------- html


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse_html(text: str) -> _Collector:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    return parser


def test_html_is_self_contained_and_escaped() -> None:
    report = nasty_report()
    page = _parse_html(html.render(report))
    assert "script" not in page.tags
    assert not any(tag in page.tags for tag in ("link", "img", "iframe", "object", "embed"))
    assert not [value for key, value in page.attrs if key in ("src", "href")]
    assert not [key for key, _ in page.attrs if key.startswith("on")]
    text = "".join(page.text)
    assert report.components[0].name in text  # shown as text, not markup


def test_html_bars_show_coverage_against_threshold() -> None:
    text = html.render(sample_report())
    assert 'class="fill short" data-source="all_tests" data-judged="true" style="width: 65.22%"' in text
    assert 'class="mark" style="left: 70.00%"' in text
    assert 'class="fill ok" data-source="all_tests" data-judged="true" style="width: 84.21%"' in text
    assert 'class="mark" style="left: 65.00%"' in text


def test_partial_mark_only_on_measured_coverage() -> None:
    """A partial run marks measured figures as not judged; "n/a" stays "n/a" in every format."""
    report = nasty_report()
    assert [terminal.coverage_cell(c, report) for c in report.components] == ["10%*", "n/a"]
    rows = [line for line in markdown.render(report).splitlines() if line.startswith(("| a", "| empty"))]
    assert [row.split(" | ")[3] for row in rows] == ["10%\\*", "n/a"]
    page = html.render(report)
    assert '<td class="num">10%* / 60%</td>' in page
    assert '<td class="num">n/a / 0%</td>' in page


# ---------------------------------------------------------------- markdown


def test_markdown_escapes_table_breakers() -> None:
    text = markdown.render(nasty_report())
    row = next(line for line in text.splitlines() if line.startswith("| a"))
    assert row.count(" | ") == len(row.split(" | ")) - 1
    assert "<script>" not in text
    assert "a\\|b&lt;script&gt;" in row
    assert markdown.escape("x\ny|z") == "x y\\|z"


# ---------------------------------------------------------------- formats, specs and files


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("json", ("json", "tta-maturity.json")),
        ("markdown", ("markdown", "tta-maturity.md")),
        ("prometheus", ("prometheus", "tta-maturity.prom")),
        ("junit", ("junit", "tta-maturity-junit.xml")),
        ("html", ("html", "tta-maturity.html")),
        ("json:out/r.json", ("json", "out/r.json")),
        ("HTML:C:\\reports\\r.html", ("html", "C:\\reports\\r.html")),
        ("markdown:-", ("markdown", "-")),
    ],
)
def test_parse_spec(spec: str, expected: tuple[str, str]) -> None:
    assert formats.parse_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("xml:r.xml", f"--tta-maturity-report=xml:r.xml: unknown format 'xml'; {VALID}"),
        ("jsn", f"--tta-maturity-report=jsn: unknown format 'jsn'; did you mean 'json'? {VALID}"),
        (":r.json", f"--tta-maturity-report=:r.json: unknown format (none); {VALID}"),
        ("json:", "--tta-maturity-report=json:: the path after ':' is empty; write json:PATH or just json"),
    ],
)
def test_parse_spec_errors(spec: str, message: str) -> None:
    from pytest_tta_maturity.errors import ReportError

    with pytest.raises(ReportError) as info:
        formats.parse_spec(spec)
    assert str(info.value) == message


def test_render_unknown_format() -> None:
    from pytest_tta_maturity.errors import ReportError

    with pytest.raises(ReportError, match="unknown report format 'pdf'"):
        formats.render(sample_report(), "pdf")


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
def test_emit_default_paths(fmt: str, tmp_path: Path) -> None:
    written = formats.emit(sample_report(), fmt, base=tmp_path, environ={})
    assert written == tmp_path / formats.DEFAULT_PATHS[fmt]
    assert written is not None
    assert written.read_text(encoding="utf-8") == formats.render(sample_report(), fmt)
    assert [p.name for p in tmp_path.iterdir()] == [written.name]  # no temporary file left behind


def test_emit_relative_to_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    written = formats.emit(sample_report(), "junit:deep/er/j.xml", environ={})
    assert written == Path("deep/er/j.xml")
    assert (tmp_path / "deep/er/j.xml").is_file()


def test_emit_to_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert formats.emit(sample_report(), "prometheus:-", base=tmp_path, environ={}) is None
    assert capsys.readouterr().out == prometheus.render(sample_report())
    assert not list(tmp_path.iterdir())


def test_emit_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.prom"
    target.write_text("old")
    target.chmod(0o640)
    formats.emit(sample_report(), f"prometheus:{target}", environ={})
    assert target.read_text() == prometheus.render(sample_report())
    assert target.stat().st_mode & 0o777 == 0o640


def test_markdown_goes_to_the_github_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    formats.emit(sample_report(), f"markdown:{tmp_path / 'r.md'}", environ=env)
    formats.emit(sample_report(), f"json:{tmp_path / 'r.json'}", environ=env)
    assert summary.read_text() == "earlier step\n" + markdown.render(sample_report())


def test_step_summary_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert formats.append_step_summary(sample_report()) == summary
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert formats.append_step_summary(sample_report()) is None
    assert summary.read_text() == markdown.render(sample_report())


# ---------------------------------------------------------------- own-tests and import-only coverage


def test_terminal_shows_own_tests_and_imports_beside_all_tests() -> None:
    assert terminal.table(sources_report()) == [
        (
            "component  declared      achieved       coverage  own tests       imports alone  tests       lint  format"
            "  types  security  docs  blockers"
        ),
        (
            "carbon     development   production     84.2%     17.9%           11.6%          2/2 passed  pass  pass"
            "    pass   pass      pass"
        ),
        (
            "model      staging       production     92.0%     85.0% (judged)  20.0%          9/9 passed  pass  pass"
            "    pass   pass      pass"
        ),
        (
            "billing    experimental  experimental?  n/a                                      1 passed    pass  pass"
            "    pass   pass      pass"
        ),
    ]


def test_partial_run_marks_every_coverage_figure() -> None:
    report = sources_report()
    report.partial = True
    model = report.components[1]
    assert [terminal.coverage_cell(model, report, s) for s in ("all_tests", "own_tests", "import_only")] == [
        "92.0%*",
        "85.0% (judged)*",
        "20.0%*",
    ]
    row = next(line for line in markdown.render(report).splitlines() if line.startswith("| model"))
    assert row.split(" | ")[3:6] == ["92.0%\\*", "85.0% (judged)\\*", "20.0%\\*"]


def _without_sources(report: Report, note: str, count: int | None = None) -> Report:
    for comp in report.components[:count]:
        comp.coverage.sources = {}
        comp.coverage.other_tests = {}
        comp.coverage.sources_note = note
    return report


SYSMON = "the sysmon core cannot record contexts"


def test_absent_figures_are_said_once_with_the_reason() -> None:
    report = _without_sources(sources_report(), SYSMON)
    lines = terminal.render(report)
    assert lines[:4] == [
        "component  declared      achieved       coverage  tests       lint  format  types  security  docs  blockers",
        "carbon     development   production     84.2%     2/2 passed  pass  pass    pass   pass      pass",
        "model      staging       production     92.0%     9/9 passed  pass  pass    pass   pass      pass",
        "billing    experimental  experimental?  n/a       1 passed    pass  pass    pass   pass      pass",
    ]
    assert [line for line in lines if "own-tests" in line] == [
        "own-tests and import-only coverage not measured: the sysmon core cannot record contexts"
    ]
    sentence = "Own-tests and import-only coverage not measured: the sysmon core cannot record contexts."
    assert markdown.render(report).count(sentence) == 1
    assert html.render(report).count(f'<p class="note">{sentence}</p>') == 1
    assert "(judged)" not in markdown.render(report) + html.render(report)
    assert 'data-source="own_tests"' not in html.render(report)
    samples = _samples(prometheus.render(report))
    assert not [
        key for key in samples if ("source", "own_tests") in key[1] and key[0] != "tta_maturity_coverage_judged_source"
    ]


def test_absent_figures_of_some_components_name_them() -> None:
    report = _without_sources(sources_report(), SYSMON, count=1)
    lines = terminal.render(report)
    # carbon's own-tests and import-only cells stay empty: no figure stands in for the absent ones
    assert lines[1].startswith("carbon     development   production     84.2%" + " " * 36 + "2/2 passed")
    assert "own-tests and import-only coverage not measured for carbon: " + SYSMON in lines


def test_a_report_from_before_the_sources_still_renders() -> None:
    data = sources_report().to_dict()
    for comp in data["components"]:
        for key in ("judged_on", "sources", "other_tests"):
            comp["coverage"].pop(key, None)
    old = Report.from_dict(data)
    for fmt in formats.FORMATS:
        assert formats.render(old, fmt)
    assert "own-tests and import-only coverage not measured: not recorded in this report" in terminal.render(old)
    assert "own tests" not in terminal.table(old)[0]


def test_prometheus_source_label() -> None:
    text = prometheus.render(sources_report())
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("tta_maturity_coverage_by_source_percent{")] == [
        'tta_maturity_coverage_by_source_percent{component="carbon",source="all_tests"} 84.2',
        'tta_maturity_coverage_by_source_percent{component="carbon",source="own_tests"} 17.9',
        'tta_maturity_coverage_by_source_percent{component="carbon",source="import_only"} 11.6',
        'tta_maturity_coverage_by_source_percent{component="model",source="all_tests"} 92',
        'tta_maturity_coverage_by_source_percent{component="model",source="own_tests"} 85',
        'tta_maturity_coverage_by_source_percent{component="model",source="import_only"} 20',
    ]
    assert 'tta_maturity_coverage_judged_source{component="model",source="own_tests"} 1' in lines
    assert 'tta_maturity_coverage_judged_source{component="model",source="all_tests"} 0' in lines
    assert [line for line in lines if line.startswith("tta_maturity_coverage_other_tests_statements{")] == [
        'tta_maturity_coverage_other_tests_statements{component="carbon",tests_of="(no component)"} 12',
        'tta_maturity_coverage_other_tests_statements{component="carbon",tests_of="billing"} 70',
        'tta_maturity_coverage_other_tests_statements{component="carbon",tests_of="model"} 24',
        'tta_maturity_coverage_other_tests_statements{component="model",tests_of="carbon"} 7',
    ]
    samples = _samples(text)
    # the unlabelled families keep the figures from all tests, one series per component
    assert samples[("tta_maturity_coverage_percent", (("component", "carbon"),))] == 84.2
    assert not [key for key in samples if key[0] == "tta_maturity_coverage_percent" and len(key[1]) != 1]
    own = (("component", "carbon"), ("source", "own_tests"))
    assert samples[("tta_maturity_coverage_by_source_covered_branches", own)] == 4
    # billing's coverage was not measured: no made-up sample in any source
    assert not [key for key in samples if ("component", "billing") in key[1] and "coverage_by_source" in key[0]]


class _Fills(HTMLParser):
    """The fills of each component's coverage bar: their attributes, by component."""

    def __init__(self) -> None:
        super().__init__()
        self.row = ""
        self.fills: dict[str, list[dict[str, str | None]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-component"):
            self.row = found["data-component"] or ""
        if tag == "div" and "fill" in (found.get("class") or "").split():
            self.fills.setdefault(self.row, []).append(found)


def test_html_bar_shows_own_tests_inside_all_tests() -> None:
    parser = _Fills()
    parser.feed(html.render(sources_report()))
    carbon, model = parser.fills["carbon"], parser.fills["model"]
    assert [(f["data-source"], f["class"], f.get("data-judged"), f["style"]) for f in carbon] == [
        ("all_tests", "fill ok", "true", "width: 84.20%"),
        ("own_tests", "fill own inner", None, "width: 17.90%"),
    ]
    # judged on own tests: the own-tests fill carries the verdict, the all-tests one is neutral
    assert [(f["data-source"], f["class"], f.get("data-judged"), f["style"]) for f in model] == [
        ("all_tests", "fill other", None, "width: 92.00%"),
        ("own_tests", "fill ok inner", "true", "width: 85.00%"),
    ]
    assert "billing" not in parser.fills  # not measured: an empty bar
    page = html.render(sources_report())
    assert (
        '<td class="num">92.0% / 70%<span class="sources">own tests 85.0% (judged), imports alone 20.0%</span></td>'
        in page
    )
    assert (
        'aria-label="92.0% covered by all tests; own tests 85.0% (judged), imports alone 20.0%; staging needs 70%"'
        in page
    )


def test_markdown_and_junit_show_the_three_figures() -> None:
    report = sources_report()
    rows = [line for line in markdown.render(report).splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| component | declared | achieved | coverage | own tests | imports alone | needs |")
    assert rows[3].startswith("| model | staging | production | 92.0% | 85.0% (judged) | 20.0% | 70% |")
    assert rows[4].startswith("| billing | experimental | experimental? | n/a |  |  | 0% |")
    cases = {(c.get("classname"), c.get("name")): c for c in _junit(report).iter("testcase")}
    out = cases[("tta-maturity.model", "coverage")].find("system-out")
    assert out is not None
    assert out.text == "92.0% covered by all tests; own tests 85.0% (judged), imports alone 20.0%; staging needs 70%"
