"""Runs scripts/collect-snapshot as the CronJob would, with a curl that records its arguments
(to show that the token never reaches a command line), and keeps every run's output."""
import os
import shutil
import subprocess
from dataclasses import dataclass

from .settings import ROOT


@dataclass
class Run:
    args: tuple
    status: int
    stdout: bytes
    stderr: bytes

    def __str__(self):  # for assertion messages
        return f"collect-snapshot {' '.join(self.args)}: exit {self.status}: {self.stderr.decode(errors='replace').strip()[-600:]}"


class CollectSnapshot:
    def __init__(self, directory):
        self.directory = directory
        self.runs = []
        self.curl_argv_log = directory / "curl-argv.log"
        shim = directory / "shim"
        shim.mkdir()
        (shim / "curl").write_text(
            "#!/usr/bin/env bash\n"
            f"printf '%s\\n' \"$@\" >> '{self.curl_argv_log}'\n"
            f"exec '{shutil.which('curl')}' \"$@\"\n")
        (shim / "curl").chmod(0o755)
        self.path = f"{shim}:{os.environ['PATH']}"

    def __call__(self, *args, **env):
        """collect-snapshot ARGS with only the WARDEN_* settings given here (none of the caller's)."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("WARDEN_") and k != "KUBECTL_ARGS"}
        environment.update(PATH=self.path, HOME=str(self.directory / "home"), **env)
        proc = subprocess.run([str(ROOT / "scripts/collect-snapshot"), *args], cwd=ROOT, env=environment,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
        run = Run(args, proc.returncode, proc.stdout, proc.stderr)
        self.runs.append(run)
        return run
