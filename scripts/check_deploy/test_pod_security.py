"""Every workload meets the restricted Pod Security Standard, plus our own rules: requests and
limits, a read-only root filesystem with a writable /tmp, tagged images, read-only Secrets."""
import pytest

from . import renders
from .k8s import pod_template

# The volume kinds the restricted standard allows.
ALLOWED_VOLUMES = {"configMap", "downwardAPI", "emptyDir", "persistentVolumeClaim", "projected",
                   "secret", "csi", "ephemeral"}


def container_problems(c, pod_security_context):
    csc = c.get("securityContext") or {}
    psc = pod_security_context
    name = c.get("name")
    problems = []
    if csc.get("runAsNonRoot", psc.get("runAsNonRoot")) is not True:
        problems.append(f"{name}: runAsNonRoot is not true")
    if csc.get("runAsUser", psc.get("runAsUser")) in (None, 0):
        problems.append(f"{name}: runAsUser is unset or 0")
    if csc.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{name}: allowPrivilegeEscalation is not false")
    if csc.get("privileged"):
        problems.append(f"{name}: privileged")
    capabilities = csc.get("capabilities") or {}
    if capabilities.get("drop") != ["ALL"]:
        problems.append(f"{name}: capabilities.drop is not [ALL]")
    if set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}:
        problems.append(f"{name}: adds capabilities")
    seccomp = (csc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        problems.append(f"{name}: seccompProfile is not RuntimeDefault")
    if csc.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{name}: readOnlyRootFilesystem is not true")
    if not any(m.get("mountPath") == "/tmp" for m in c.get("volumeMounts") or []):
        problems.append(f"{name}: no writable /tmp mounted")
    resources = c.get("resources") or {}
    for part in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if r not in (resources.get(part) or {}):
                problems.append(f"{name}: no {part}.{r}")
    image = c.get("image", "")
    tag = image.rsplit("/", 1)[-1]
    if ":" not in tag and "@" not in image:
        problems.append(f"{name}: image {image} has no tag")
    elif tag.endswith(":latest"):
        problems.append(f"{name}: image {image} uses :latest")
    return problems


def pod_problems(template):
    spec = template.get("spec", {})
    problems = []
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            problems.append(f"{flag} is set")
    if spec.get("enableServiceLinks") is not False:
        problems.append("enableServiceLinks is not false")
    if "automountServiceAccountToken" not in spec:
        problems.append("automountServiceAccountToken is not set explicitly")
    for vol in spec.get("volumes") or []:
        kinds = set(vol) - {"name"}
        if not kinds <= ALLOWED_VOLUMES:
            problems.append(f"volume {vol['name']} is of a kind restricted forbids: {sorted(kinds - ALLOWED_VOLUMES)}")
    containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
    mounts_by_volume = {}
    for c in containers:
        problems += container_problems(c, spec.get("securityContext") or {})
        for m in c.get("volumeMounts") or []:
            mounts_by_volume.setdefault(m["name"], []).append(m)
    for vol in spec.get("volumes") or []:
        if "secret" in vol and any(not m.get("readOnly") for m in mounts_by_volume.get(vol["name"], [])):
            problems.append(f"secret volume {vol['name']} is mounted writable")
    return problems


@pytest.mark.parametrize("render, obj", renders.by_object(where=lambda r, o: pod_template(o) is not None))
def test_restricted_pod_security_limits_read_only_root(render, obj):
    problems = pod_problems(pod_template(obj))
    assert not problems, "; ".join(problems)
