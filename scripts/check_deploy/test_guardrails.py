"""Warden passes its own guardrails: `warden check --fail-on medium` finds nothing at or above
medium in any render, with the exceptions in Deploy/guardrail-exceptions.json, each justified,
expiring (not expired, not within 30 days of expiry, at most 400 days off), and still needed."""
import pytest

from . import guardrail_exceptions as exceptions
from . import renders, warden_check
from .settings import GUARDRAIL_EXCEPTIONS, now

NOW = now()
try:
    ITEMS, LOAD_ERROR = exceptions.load(), None
except (OSError, ValueError) as e:
    ITEMS, LOAD_ERROR = [], e


def exception_id(item, n):
    return f"#{item['id']}" if isinstance(item, dict) and "id" in item else f"item{n}"


def test_exceptions_file_is_a_json_array():
    assert LOAD_ERROR is None, f"{GUARDRAIL_EXCEPTIONS}: {LOAD_ERROR}"


@pytest.mark.parametrize("index", [pytest.param(n, id=exception_id(item, n)) for n, item in enumerate(ITEMS)])
def test_exception_is_justified_and_expires(index):
    problems = exceptions.shape_problems(ITEMS, index)
    assert not problems, f"{exceptions.describe(ITEMS[index])}: " + "; ".join(problems)


@pytest.mark.parametrize("item", [pytest.param(i, id=exception_id(i, 0)) for i in exceptions.well_formed(ITEMS)])
def test_exception_is_not_expired_expiring_or_too_far_off(item):
    problem = exceptions.expiry_problem(item, NOW)
    assert problem is None, f"{exceptions.describe(item)} {problem}"


@pytest.fixture(scope="session")
def warden_checks(warden_bin, tmp_path_factory):
    """label -> warden check's result for that render, each run once."""
    directory = tmp_path_factory.mktemp("guardrails")
    results = {}

    def check(label):
        if label not in results:
            results[label] = warden_check.run(warden_bin, label, directory)
        return results[label]
    return check


@pytest.mark.parametrize("label", [r.label for r in renders.rendered()])
def test_warden_check_finds_nothing_at_or_above_medium(label, warden_checks):
    result = warden_checks(label)
    assert not result.error, f"warden check {result.how} could not run (exit {result.status}): {result.error}"
    assert result.status == 0, (f"warden check --fail-on medium {result.how}: findings at or above medium remain:\n"
                                + "\n".join(result.failing()))


@pytest.mark.parametrize("item", [pytest.param(i, id=exception_id(i, 0)) for i in exceptions.applied(ITEMS, NOW)])
def test_exception_still_matches_a_finding(item, warden_checks):
    used = set().union(*(warden_checks(r.label).excepted_ids() for r in renders.rendered()))
    assert item["id"] in used, (f"{exceptions.describe(item)} matches no finding in any render: "
                                "the manifests no longer need it, delete it")
