"""The Containerfile and .containerignore have what the manifests rely on."""
import re

import pytest

from .settings import ROOT

CONTAINERFILE = ROOT / "Containerfile"
CONTAINERIGNORE = ROOT / ".containerignore"

# (a line matching this, what it means)
CONTAINERFILE_LINES = [
    (r"^ARG SWIFT_IMAGE=.*/swift:6\.[0-9]+", "a Swift 6 builder image"),
    (r"^FROM \$\{SWIFT_IMAGE\} AS build", "builds in the Swift image"),
    (r"swift build -c release --product warden --static-swift-stdlib", "release build of warden with the static Swift stdlib"),
    (r"\.resources", "copies the resource bundles"),
    (r"^USER 65532:65532", "runs as uid 65532"),
    (r"^EXPOSE 8080", "exposes 8080"),
    (r'^ENTRYPOINT \["/usr/local/bin/warden"\]', "ENTRYPOINT /usr/local/bin/warden"),
    (r'^CMD \["serve"\]', "CMD serve"),
    (r"^FROM .* AS collector", "a collector target for the CronJob's image"),
    (r"collect-snapshot", "ships scripts/collect-snapshot in the collector image"),
]


def lines_of(path):
    assert path.is_file(), f"{path.name} is missing"
    return path.read_text().splitlines()


@pytest.mark.parametrize("pattern", [pytest.param(p, id=what) for p, what in CONTAINERFILE_LINES])
def test_containerfile_has(pattern):
    assert any(re.search(pattern, line) for line in lines_of(CONTAINERFILE)), f"no line matching {pattern}"


def test_containerfile_default_stage_is_the_server_runtime():
    last_from = [line for line in lines_of(CONTAINERFILE) if line.startswith("FROM ")][-1]
    assert last_from.endswith(" AS runtime"), f"the last stage should be the runtime, not: {last_from}"


@pytest.mark.parametrize("pattern", [".build*", ".warden", ".git"])
def test_containerignore_excludes(pattern):
    assert pattern in lines_of(CONTAINERIGNORE), f".containerignore does not exclude {pattern}"
