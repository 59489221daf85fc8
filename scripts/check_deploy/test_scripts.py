"""Every Bash script under scripts/ parses (bash -n)."""
import subprocess

import pytest

from .settings import ROOT


def bash_scripts():
    """Files with a bash shebang, and *.sh (sourced, so without one)."""
    scripts = []
    for path in sorted(p for p in (ROOT / "scripts").rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        with open(path, "rb") as f:
            first_line = f.readline()
        if (first_line.startswith(b"#!") and b"bash" in first_line) or path.suffix == ".sh":
            scripts.append(str(path.relative_to(ROOT)))
    return scripts


@pytest.mark.parametrize("script", bash_scripts())
def test_bash_parses(script):
    proc = subprocess.run(["bash", "-n", script], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
