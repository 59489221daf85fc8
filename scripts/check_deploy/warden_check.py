"""`warden check --fail-on medium` on a render, as the render is applied, and what it found.

Deploy/migrate is applied beside Deploy/base (it relies on base's namespace, ServiceAccount
and NetworkPolicies), Deploy/collector on its own with base's Namespace and ResourceQuota
(as in a cluster whose Warden runs elsewhere), the rest alone.
"""
import json
import subprocess
from dataclasses import dataclass, field

import yaml

from . import renders
from .settings import GUARDRAIL_EXCEPTIONS, ROOT

@dataclass
class CheckResult:
    how: str  # what was checked: "Deploy/migrate beside Deploy/base"
    status: int  # warden's exit status: 0 nothing at or above medium, 1 findings, else it could not run
    error: str = ""  # why it could not run
    findings: list = field(default_factory=list, repr=False)  # from --format json

    def excepted_ids(self):
        return {f.get("exceptionID") for f in self.findings if f.get("excepted")}

    def failing(self):
        """The findings at or above medium that no exception covers, one line each."""
        lines = []
        for f in self.findings:
            severity = f.get("severity")
            if f.get("excepted") or severity == "low":  # below medium: reported, never failing
                continue
            o = f.get("object") or {}
            where = "/".join(p for p in (o.get("kind"), o.get("namespace"), o.get("name")) if p)
            lines.append(f"{str(severity).upper()} {f.get('ruleID')} {where}{f.get('field') or ''}: {f.get('message')}")
        return lines


def inputs(label):
    """The YAML texts to check together for a render, and how to say what they are."""
    base = renders.render("Deploy/base")
    if label == "Deploy/migrate":
        return [renders.render(label).text, base.text], f"{label} beside Deploy/base", base.error
    if label == "Deploy/collector":
        namespace = yaml.safe_dump_all(base.of_kind("Namespace", "ResourceQuota"))
        return ([renders.render(label).text, namespace],
                f"{label} on its own, with Deploy/base's Namespace and ResourceQuota", base.error)
    return [renders.render(label).text], label, ""


def run(warden_bin, label, directory):
    texts, how, missing = inputs(label)
    if missing:
        return CheckResult(how, -1, f"Deploy/base did not render: {missing}")
    files = []
    for n, text in enumerate(texts):
        path = directory / f"{label.replace('/', '_')}.{n}.yaml"
        path.write_text(text)
        files.append(str(path))
    proc = subprocess.run([str(warden_bin), "check", "--fail-on", "medium", "--exceptions", GUARDRAIL_EXCEPTIONS,
                           "--format", "json", *files], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        return CheckResult(how, proc.returncode, "\n".join(proc.stderr.splitlines()[:5]))
    try:
        findings = json.loads(proc.stdout).get("findings", [])
    except (ValueError, AttributeError) as e:
        return CheckResult(how, proc.returncode, f"its JSON could not be read: {e}")
    return CheckResult(how, proc.returncode, findings=findings)
