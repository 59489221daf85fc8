"""Reading Kubernetes objects: nested fields, pod templates, label selectors."""


def dig(obj, *path):
    """obj[path[0]][path[1]]..., or None where a step is missing."""
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def name_of(obj):
    return obj["metadata"]["name"]


def namespace_of(obj):
    return obj["metadata"].get("namespace")


def pod_template(obj):
    """The pod template a workload runs (the Pod itself for a Pod), or None for other kinds."""
    kind = obj.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return dig(obj, "spec", "template")
    if kind == "CronJob":
        return dig(obj, "spec", "jobTemplate", "spec", "template")
    if kind == "Pod":
        return obj
    return None


def template_labels(template):
    return template["metadata"].get("labels") or {}


def selects(selector, labels):
    """matchLabels/matchExpressions (In, NotIn, Exists, DoesNotExist) against a label map."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(key) not in vals:
            return False
        if op == "NotIn" and labels.get(key) in vals:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def granted_resources(role):
    """The (apiGroup, resource) pairs a Role or ClusterRole's rules name."""
    return {(g, r) for rule in role.get("rules") or []
            for g in rule.get("apiGroups") or [] for r in rule.get("resources") or []}
