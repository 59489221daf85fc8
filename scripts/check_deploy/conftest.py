"""What the check modules share: the warden binary; and what check-deploy prints at the end,
a banner for guardrail exceptions due for review and the closing `deploy: N passed, M failed`
that scripts/test shows."""
import os

import pytest

from . import guardrail_exceptions
from .settings import WARDEN_BIN, now


@pytest.fixture(scope="session")
def warden_bin():
    if not (WARDEN_BIN.is_file() and os.access(WARDEN_BIN, os.X_OK)):
        pytest.fail(f"no warden binary at {WARDEN_BIN} (build it with swift build, or set WARDEN_BIN)")
    return WARDEN_BIN


def pytest_terminal_summary(terminalreporter):
    # A failing test id is easy to miss in a long log; an exception about to lapse should not be.
    try:
        banner = guardrail_exceptions.due_banner(guardrail_exceptions.load(), now())
    except (OSError, ValueError):
        return  # test_guardrails fails for these
    if banner:
        terminalreporter.write_line("")
        terminalreporter.write_line("!" * 92, red=True, bold=True)
        for line in banner:
            terminalreporter.write_line("!! " + line, red=True, bold=True)
        terminalreporter.write_line("!" * 92, red=True, bold=True)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # After pytest's own summary line, so that this is the log's last line. Errors (in a
    # fixture, or collecting a module) count as failures.
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    passed = len(reporter.stats.get("passed", []))
    failed = len(reporter.stats.get("failed", [])) + len(reporter.stats.get("error", []))
    reporter.write_line(f"deploy: {passed} passed, {failed} failed")
