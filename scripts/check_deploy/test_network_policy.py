"""NetworkPolicies: a default deny in every namespace that has policies, and every policy
selects real pods and names the ports it allows."""
import json

import pytest

from . import renders
from .k8s import namespace_of, selects, template_labels


def policy_namespaces():
    """(render, namespace) for each namespace with NetworkPolicies, in renders that are not fragments."""
    return [pytest.param(r, ns, id=f"{r.label}:namespace/{ns}")
            for r in renders.rendered() if not r.fragment
            for ns in sorted({namespace_of(p) for p in r.of_kind("NetworkPolicy")}, key=str)]


def is_default_deny(policy):
    spec = policy["spec"]
    return (spec.get("podSelector") == {} and set(spec.get("policyTypes") or []) == {"Ingress", "Egress"}
            and not spec.get("ingress") and not spec.get("egress"))


@pytest.mark.parametrize("render, namespace", policy_namespaces())
def test_namespace_has_default_deny_for_ingress_and_egress(render, namespace):
    policies = [p for p in render.of_kind("NetworkPolicy") if namespace_of(p) == namespace]
    assert any(map(is_default_deny, policies)), "no NetworkPolicy denies all ingress and egress"


@pytest.mark.parametrize("render, obj", renders.by_object("NetworkPolicy"))
def test_network_policy_selects_real_pods_and_names_its_ports(render, obj):
    pod_labels = [template_labels(t) for _, t in render.pods_in(namespace_of(obj))]
    problems = []
    selector = obj["spec"].get("podSelector")
    if selector != {} and not any(selects(selector, labels) for labels in pod_labels):
        problems.append("podSelector selects no pod")
    for rule in (obj["spec"].get("ingress") or []) + (obj["spec"].get("egress") or []):
        for peer in (rule.get("from") or []) + (rule.get("to") or []):
            # A fragment's peers may be pods of the render that includes it.
            if "podSelector" in peer and "namespaceSelector" not in peer and not render.fragment:
                if not any(selects(peer["podSelector"], labels) for labels in pod_labels):
                    problems.append(f"peer {json.dumps(peer['podSelector'])} selects no pod")
        if not rule.get("ports"):
            problems.append("a rule allows every port")
    assert not problems, "; ".join(problems)
