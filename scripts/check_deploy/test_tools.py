"""The tools the other checks run: kubectl, and kubernetes-validate with the schemas asked for."""
import subprocess

import pytest
from kubernetes_validate.utils import all_versions, major_minor

from .settings import K8S_VERSIONS, KUBECTL


def test_kubectl_runs():
    try:
        proc = subprocess.run([KUBECTL, "version", "--client"], capture_output=True, text=True)
    except OSError as e:
        pytest.fail(f"{KUBECTL} not found (set KUBECTL); cannot render Deploy/: {e}")
    assert proc.returncode == 0, f"{KUBECTL} version --client: {proc.stderr.strip()}"


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_kubernetes_validate_has_the_schemas_of(version):
    # Without them kubernetes-validate would quietly use an older version's (or fail).
    shipped = [major_minor(v) for v in all_versions()]
    assert major_minor(version) in shipped, f"kubernetes-validate has schemas for {shipped} only"
