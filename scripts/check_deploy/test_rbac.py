"""RBAC: only the collector is bound, read-only, to exactly the kinds a snapshot holds."""
import pytest

from . import renders
from .k8s import granted_resources, name_of

# The collector's ClusterRole: exactly these (group, resource) pairs, get and list only.
COLLECTOR_RESOURCES = {
    ("", "namespaces"), ("", "serviceaccounts"), ("", "pods"), ("", "resourcequotas"), ("", "limitranges"),
    ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
    ("rbac.authorization.k8s.io", "clusterroles"), ("rbac.authorization.k8s.io", "clusterrolebindings"),
    ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"),
    ("batch", "jobs"), ("batch", "cronjobs"), ("networking.k8s.io", "networkpolicies"),
}


@pytest.mark.parametrize("kind", ["Role", "RoleBinding"])
@pytest.mark.parametrize("render", renders.by_render())
def test_no_namespaced_rbac(render, kind):
    assert not render.of_kind(kind), f"found {[name_of(o) for o in render.of_kind(kind)]}"


@pytest.mark.parametrize("render, obj", renders.by_object("ClusterRoleBinding"))
def test_cluster_role_binding_binds_only_the_collector(render, obj):
    subjects = [(s["kind"], s["name"]) for s in obj.get("subjects") or []]
    assert obj["roleRef"]["name"] == "warden-collector", f"binds {obj['roleRef']['name']}"
    assert subjects == [("ServiceAccount", "warden-collector")], f"subjects {subjects}"


@pytest.mark.parametrize("render, obj", renders.by_object("ClusterRole"))
def test_cluster_role_is_get_list_on_exactly_the_snapshot_kinds(render, obj):
    problems = []
    for rule in obj.get("rules") or []:
        for field in ("apiGroups", "resources", "verbs"):
            if "*" in (rule.get(field) or []):
                problems.append(f"wildcard in {field}")
        if set(rule.get("verbs") or []) - {"get", "list"}:
            problems.append(f"verbs {rule['verbs']}")
        if rule.get("nonResourceURLs") or rule.get("resourceNames"):
            problems.append("nonResourceURLs/resourceNames")
    granted = granted_resources(obj)
    for g, r in sorted(granted):
        if r.split("/")[0] in ("secrets", "configmaps") or "/" in r:
            problems.append(f"grants {g or 'core'}/{r}")
    if granted != COLLECTOR_RESOURCES:
        problems.append(f"extra {sorted(granted - COLLECTOR_RESOURCES)} missing {sorted(COLLECTOR_RESOURCES - granted)}")
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize("render, obj", renders.by_object("ServiceAccount", where=lambda r, o: name_of(o) == "warden"))
def test_warden_service_account_mounts_no_token_by_default(render, obj):
    assert obj.get("automountServiceAccountToken") is False
