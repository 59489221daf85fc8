"""Namespace, Secret and reference rules for every render, and the API server's Deployment."""
import pytest

from . import renders
from .k8s import dig, name_of

# Secrets an operator creates by hand (docs/operators-guide.md); the manifests may refer to them.
EXTERNAL_SECRETS = {"warden-database", "warden-signing-key", "warden-collector-token"}


def is_dev_overlay(render):
    return "overlays/dev" in render.label


@pytest.mark.parametrize("render, obj", renders.by_object("Namespace"))
def test_namespace_enforces_audits_and_warns_on_restricted(render, obj):
    labels = obj["metadata"].get("labels") or {}
    want = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}
    wrong = [k for k, v in want.items() if labels.get(k) != v]
    assert not wrong, f"not restricted: {wrong}"


# The dev overlay carries its own database's Secrets; everywhere else operators create them.
@pytest.mark.parametrize("render", renders.by_render(where=lambda r: not is_dev_overlay(r)))
def test_no_secret_objects(render):
    secrets = [name_of(s) for s in render.of_kind("Secret")]
    assert not secrets, f"found {secrets}"


def references(template):
    """(kind, name) of every Secret, ConfigMap and ServiceAccount a pod template names."""
    spec = template["spec"]
    refs = []
    for c in (spec.get("initContainers") or []) + spec.get("containers", []):
        for e in c.get("env") or []:
            value_from = e.get("valueFrom") or {}
            if "secretKeyRef" in value_from:
                refs.append(("Secret", value_from["secretKeyRef"]["name"]))
            if "configMapKeyRef" in value_from:
                refs.append(("ConfigMap", value_from["configMapKeyRef"]["name"]))
        for env_from in c.get("envFrom") or []:
            if "secretRef" in env_from:
                refs.append(("Secret", env_from["secretRef"]["name"]))
            if "configMapRef" in env_from:
                refs.append(("ConfigMap", env_from["configMapRef"]["name"]))
    for v in spec.get("volumes") or []:
        if "secret" in v:
            refs.append(("Secret", v["secret"]["secretName"]))
        if "configMap" in v:
            refs.append(("ConfigMap", v["configMap"]["name"]))
    if spec.get("serviceAccountName"):
        refs.append(("ServiceAccount", spec["serviceAccountName"]))
    return refs


@pytest.mark.parametrize("render", renders.by_render(where=lambda r: r.workloads()))
def test_every_secret_configmap_and_serviceaccount_a_pod_names_exists(render):
    present = {(d["kind"], name_of(d)) for d in render.docs}
    missing = []
    for obj, template in render.workloads():
        for kind, name in references(template):
            if (kind, name) in present or (kind == "Secret" and name in EXTERNAL_SECRETS):
                continue
            if kind == "ServiceAccount" and render.label.endswith("migrate"):
                continue  # applied beside Deploy/base, which creates it
            missing.append(f"{name_of(obj)} -> {kind}/{name}")
    assert not missing, f"neither in the render nor documented: {missing}"


@pytest.mark.parametrize("render, obj", renders.by_object("Deployment", where=lambda r, o: name_of(o) == "warden"))
def test_warden_deployment_probes_listener_signing_key_replicas(render, obj):
    pod_spec = obj["spec"]["template"]["spec"]
    container = pod_spec["containers"][0]
    env = {e["name"]: e.get("value") for e in container.get("env") or []}
    problems = []
    if dig(container, "livenessProbe", "httpGet", "path") != "/healthz":
        problems.append("liveness is not /healthz")
    if dig(container, "readinessProbe", "httpGet", "path") != "/readyz":
        problems.append("readiness is not /readyz")
    if env.get("WARDEN_HOST") != "0.0.0.0":
        problems.append("WARDEN_HOST is not 0.0.0.0")
    if not (env.get("WARDEN_SIGNING_KEY") or "").startswith("/"):
        problems.append("WARDEN_SIGNING_KEY is not a mounted file")
    if not any(t.get("topologyKey") == "kubernetes.io/hostname"
               for t in pod_spec.get("topologySpreadConstraints") or []):
        problems.append("no spread across kubernetes.io/hostname")
    if not is_dev_overlay(render) and obj["spec"].get("replicas") != 2:
        problems.append("replicas is not 2")
    assert not problems, "; ".join(problems)
