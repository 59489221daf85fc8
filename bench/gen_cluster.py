#!/usr/bin/env python3
"""Generate a synthetic `kubectl get ... -A -o json` List (indent 4, like kubectl).

usage: gen_cluster.py OUT.json SCALE
SCALE 1.0 ~= 5,000 namespaces, 50k Pods, 45k RoleBindings, 14k Roles, 7.2k ClusterRoles, 6.8k ClusterRoleBindings,
20k ServiceAccounts (ten times KubeHound's "Big" cluster, about 480 MB). SCALE 0.1 gives about 50 MB.
"""
import json, random, sys, uuid

out, scale = sys.argv[1], float(sys.argv[2])
rnd = random.Random(42)
N = lambda x: max(1, int(x * scale))
n_ns, n_pods, n_rb, n_roles, n_cr, n_crb, n_sa = N(5000), N(50000), N(45000), N(14000), N(7200), N(6800), N(20000)
namespaces = [f"team-{i:04d}" for i in range(n_ns)]
ts = lambda: f"2024-{rnd.randint(1,12):02d}-{rnd.randint(1,28):02d}T{rnd.randint(0,23):02d}:{rnd.randint(0,59):02d}:{rnd.randint(0,59):02d}Z"
uid = lambda: str(uuid.UUID(int=rnd.getrandbits(128)))
verbs_pool = [["get", "list", "watch"], ["get"], ["*"], ["create", "update", "patch", "delete"], ["get", "list"]]
res_pool = [["pods"], ["pods", "pods/log"], ["configmaps"], ["secrets"], ["deployments", "replicasets"], ["services", "endpoints"], ["*"], ["jobs", "cronjobs"]]
grp_pool = [[""], ["apps"], ["batch"], ["", "apps"], ["*"]]
images = [f"registry.example.com/org/service-{i}:v1.{i % 17}.{i % 5}" for i in range(300)]

def meta(name, ns=None, labels=None, annotations=None):
    m = {"creationTimestamp": ts(), "name": name, "resourceVersion": str(rnd.randint(1, 10**9)), "uid": uid()}
    if ns: m["namespace"] = ns
    if labels: m["labels"] = labels
    if annotations: m["annotations"] = annotations
    return m

def rule():
    r = {"apiGroups": rnd.choice(grp_pool), "resources": rnd.choice(res_pool), "verbs": rnd.choice(verbs_pool)}
    if rnd.random() < 0.1: r["resourceNames"] = [f"obj-{rnd.randint(0, 99)}"]
    return r

def pod(i):
    ns = namespaces[i % n_ns]
    app = f"app-{i % 997}"
    img = rnd.choice(images)
    containers = []
    for c in range(1 + (i % 7 == 0)):
        containers.append({
            "env": [{"name": f"ENV_{k}", "value": f"value-{rnd.randint(0, 10**6)}"} for k in range(1)]
                   + [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
            "image": img, "imagePullPolicy": "IfNotPresent",
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10},
            "name": f"main-{c}", "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
            "securityContext": {"allowPrivilegeEscalation": i % 11 == 0, "capabilities": {"drop": ["ALL"]},
                                "privileged": i % 101 == 0, "readOnlyRootFilesystem": True, "runAsNonRoot": True, "runAsUser": 1000 + i % 50},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": f"kube-api-access-{i % 10000:05d}", "readOnly": True}],
        })
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": meta(f"{app}-{rnd.getrandbits(40):010x}-{i:05d}", ns,
                         {"app": app, "pod-template-hash": f"{rnd.getrandbits(32):08x}", "team": ns, "tier": rnd.choice(["web", "db", "cache"])},
                         {"kubectl.kubernetes.io/restartedAt": ts()})
                    | {"generateName": f"{app}-", "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True,
                                                                      "kind": "ReplicaSet", "name": f"{app}-x", "uid": uid()}]},
        "spec": {"containers": containers, "dnsPolicy": "ClusterFirst", "enableServiceLinks": True,
                 "nodeName": f"node-{i % 500:03d}", "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
                 "restartPolicy": "Always", "schedulerName": "default-scheduler", "securityContext": {"fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"}},
                 "serviceAccount": f"sa-{i % 10}", "serviceAccountName": f"sa-{i % 10}", "terminationGracePeriodSeconds": 30,
                 "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}],
                 "volumes": [{"name": f"kube-api-access-{i % 10000:05d}", "projected": {"defaultMode": 420, "sources": [
                     {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]},
        "status": {"conditions": [{"lastProbeTime": None, "lastTransitionTime": ts(), "status": "True", "type": t}
                                  for t in ["Ready"]],
                   "containerStatuses": [{"containerID": f"containerd://{rnd.getrandbits(256):064x}", "image": img,
                                          "imageID": f"{img.split(':')[0]}@sha256:{rnd.getrandbits(256):064x}", "lastState": {},
                                          "name": c["name"], "ready": True, "restartCount": rnd.randint(0, 3), "started": True,
                                          "state": {"running": {"startedAt": ts()}}} for c in containers],
                   "hostIP": f"10.0.{i % 250}.{i % 200}", "phase": "Running", "podIP": f"10.244.{i % 250}.{i % 250}",
                   "podIPs": [{"ip": f"10.244.{i % 250}.{i % 250}"}], "qosClass": "Burstable", "startTime": ts()},
    }

items = []
for ns in namespaces:
    items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, labels={"kubernetes.io/metadata.name": ns}),
                  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
for i in range(n_sa):
    items.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(f"sa-{i // n_ns}", namespaces[i % n_ns])})
for i in range(n_cr):
    m = meta(f"cluster-role-{i:05d}", labels={"app.kubernetes.io/managed-by": "helm"} | ({"rbac.example.com/aggregate-to-ops": "true"} if i % 50 == 0 else {}))
    cr = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": m,
          "rules": [rule() for _ in range(rnd.randint(1, 6))]}
    if i % 500 == 1:
        cr["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-ops": "true"}}]}
    items.append(cr)
for i in range(n_crb):
    subj = rnd.choice([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"group-{i % 300}"},
                       {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": f"user-{i}@example.com"},
                       {"kind": "ServiceAccount", "name": f"sa-{i % 10}", "namespace": namespaces[i % n_ns]}])
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta(f"crb-{i:05d}"),
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"cluster-role-{rnd.randint(0, n_cr - 1):05d}"},
                  "subjects": [subj]})
for i in range(n_roles):
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(f"role-{i // n_ns}", namespaces[i % n_ns]),
                  "rules": [rule() for _ in range(rnd.randint(1, 5))]})
for i in range(n_rb):
    ns = namespaces[i % n_ns]
    to_role = rnd.random() < 0.6
    subjects = [{"kind": "ServiceAccount", "name": f"sa-{rnd.randint(0, 9)}", "namespace": ns}]
    if rnd.random() < 0.3: subjects.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"group-{i % 300}"})
    if rnd.random() < 0.05: subjects.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"system:serviceaccounts:{ns}"})
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(f"rb-{i:05d}", ns),
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role" if to_role else "ClusterRole",
                              "name": f"role-{rnd.randint(0, max(0, n_roles // n_ns - 1))}" if to_role else f"cluster-role-{rnd.randint(0, n_cr - 1):05d}"},
                  "subjects": subjects})
for i in range(n_pods):
    items.append(pod(i))

with open(out, "w") as f:
    json.dump({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}, f, indent=4)
