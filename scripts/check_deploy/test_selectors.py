"""Services, PodDisruptionBudgets, Deployments and StatefulSets select pods that exist."""
import pytest

from . import renders
from .k8s import name_of, namespace_of, selects, template_labels


def selected(render, selector, namespace):
    """Names of the workloads in the namespace whose pods the selector selects."""
    return [name_of(d) for d, t in render.pods_in(namespace) if selects(selector, template_labels(t))]


@pytest.mark.parametrize("render, obj", renders.by_object("Service"))
def test_service_selects_pods_on_a_declared_port(render, obj):
    hits = selected(render, {"matchLabels": obj["spec"].get("selector") or {}}, namespace_of(obj))
    assert hits, "selects no pod"
    for port in obj["spec"].get("ports", []):
        target = port.get("targetPort", port["port"])
        for d, t in render.pods_in(namespace_of(obj)):
            if name_of(d) in hits:
                declared = [cp for c in t["spec"]["containers"] for cp in c.get("ports") or []]
                assert any(cp.get("name") == target or cp.get("containerPort") == target for cp in declared), \
                    f"{name_of(d)} declares no port {target}"


@pytest.mark.parametrize("render, obj", renders.by_object("PodDisruptionBudget"))
def test_pod_disruption_budget_selects_pods(render, obj):
    assert selected(render, obj["spec"].get("selector"), namespace_of(obj)), "selects no pod"


@pytest.mark.parametrize("render, obj", renders.by_object("Deployment", "StatefulSet"))
def test_selector_and_spread_constraints_match_own_pods(render, obj):
    labels = template_labels(obj["spec"]["template"])
    assert selects(obj["spec"]["selector"], labels), "spec.selector does not select its own pods"
    for constraint in obj["spec"]["template"]["spec"].get("topologySpreadConstraints") or []:
        assert selects(constraint.get("labelSelector"), labels), \
            f"spread constraint over {constraint.get('topologyKey')} does not select its own pods"
