"""Where the repository is, and what the environment asks check-deploy to check against.

Read at import because test ids are made at collection: which kustomizations render, with
which kubectl, validated against which Kubernetes versions, decide what tests there are.
"""
import datetime as dt
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # scripts/check_deploy/settings.py -> the repository

# Empty counts as unset, as ${VAR:-default} does in the wrapper.
KUBECTL = os.environ.get("KUBECTL") or "kubectl"
K8S_VERSIONS = (os.environ.get("K8S_VERSIONS") or "1.30.0 1.37.0").split()
WARDEN_BIN = ROOT / (os.environ.get("WARDEN_BIN") or ".build/debug/warden")  # relative to the repository
GUARDRAIL_EXCEPTIONS = os.environ.get("GUARDRAIL_EXCEPTIONS") or "Deploy/guardrail-exceptions.json"
EXCEPTION_WARN_DAYS = int(os.environ.get("EXCEPTION_WARN_DAYS") or 30)
EXCEPTION_MAX_DAYS = 400  # so that every exception comes up for review at least once a year or so


def now() -> dt.datetime:
    """CHECK_DEPLOY_NOW=2027-11-15T00:00:00Z pretends it is another day (for the expiry checks)."""
    text = os.environ.get("CHECK_DEPLOY_NOW")
    if not text:
        return dt.datetime.now(dt.timezone.utc)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"CHECK_DEPLOY_NOW={text!r} is not a time such as 2027-11-15T00:00:00Z") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
