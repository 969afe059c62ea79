"""Context labels: made for a test's components, read back into components, with every spelling."""

from __future__ import annotations

import pytest

from pytest_tta_maturity.measure.contexts import Attribution, label, unavailable


def test_a_label_names_the_components_sorted_and_once() -> None:
    assert label(["docker", "carbon", "docker"]) == "tta-maturity:carbon;docker"
    assert label([]) == "tta-maturity:"


def test_names_with_the_separator_or_percent_survive_a_round_trip() -> None:
    names = ("a;b", "50%", "plain")
    made = label(names)
    assert made == "tta-maturity:50%25;a%3Bb;plain"
    assert sorted(Attribution().owners(made) or ()) == sorted(names)


@pytest.mark.parametrize(
    ("context", "owners"),
    [
        ("", None),  # imports and collection
        ("tta-maturity:", ()),  # a test of no component
        ("tta-maturity:carbon", ("carbon",)),
        ("tta-maturity:carbon;docker", ("carbon", "docker")),
        ("tests/test_x.py::test_a|run", ()),  # someone else's label: no component's
    ],
)
def test_owners_of_this_plugins_labels(context: str, owners: tuple[str, ...] | None) -> None:
    assert Attribution().owners(context) == owners


@pytest.mark.parametrize(
    ("context", "owners"),
    [
        ("ci", None),
        ("ci|tta-maturity:carbon", ("carbon",)),
        ("ci|tta-maturity:", ()),
        ("other", ()),  # another static context: not this run's imports
        ("tta-maturity:carbon", ()),  # without the static context: not this run's label
    ],
)
def test_owners_under_a_static_context(context: str, owners: tuple[str, ...] | None) -> None:
    assert Attribution(static="ci").owners(context) == owners


@pytest.mark.parametrize(
    ("context", "owners"),
    [
        ("tests/test_c.py::test_a|setup", ("carbon",)),
        ("tests/test_c.py::test_a|run", ("carbon",)),
        ("tests/test_c.py::test_a|teardown", ("carbon",)),
        ("tests/test_both.py::test_b[x|y]|run", ("carbon", "docker")),  # a "|" in the test id
        ("tests/test_c.py::test_unknown|run", ()),
        ("tests/test_c.py::test_a|call", ()),  # not a phase pytest-cov writes
        ("", None),
    ],
)
def test_owners_of_pytest_covs_per_test_contexts(context: str, owners: tuple[str, ...] | None) -> None:
    nodeids = {"tests/test_c.py::test_a": ("carbon",), "tests/test_both.py::test_b[x|y]": ("carbon", "docker")}
    assert Attribution(nodeids=nodeids).owners(context) == owners


def test_attribution_round_trips_through_json() -> None:
    attribution = Attribution("ci", {"t::a": ("x", "y")}, frozenset({"x"}))
    assert Attribution.from_dict(attribution.to_dict()) == attribution
    assert Attribution.from_dict(Attribution().to_dict()) == Attribution()


def test_why_contexts_cannot_be_recorded() -> None:
    assert unavailable(core="ctrace", records=True, dynamic_context=None) == ""
    assert unavailable(core="sysmon", records=False, dynamic_context=None) == (
        "coverage.py's sysmon core does not record contexts (COVERAGE_CORE=ctrace does)"
    )
    assert unavailable(core="ctrace", records=True, dynamic_context="test_function") == (
        "the coverage configuration's dynamic_context = 'test_function' records its own contexts "
        "(remove it to measure own-tests coverage)"
    )
    # the core comes first: with sysmon, nothing would be recorded even without the setting
    assert unavailable(core="", records=False, dynamic_context="test_function").startswith(
        "coverage.py's measurement core does not record contexts"
    )


def test_measuring_child_processes_leaves_nothing_to_attribute_them_by() -> None:
    assert unavailable(core="ctrace", records=True, dynamic_context=None, patch=["subprocess"]) == (
        "the coverage configuration's patch = ['subprocess'] measures child processes, which record no test's context"
    )
    assert unavailable(core="ctrace", records=True, dynamic_context=None, patch=["_exit"]) == ""
