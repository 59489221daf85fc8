"""Test doubles for scripts/collect-snapshot, on 127.0.0.1 in this process: a receiver that
stands in for Warden, and a fake Kubernetes API server for kubectl to list from."""
import http.server
import json
import threading
from dataclasses import dataclass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, obj, status=200, content_type="application/json"):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@dataclass
class Request:
    path: str
    headers: dict  # names in lower case
    body: bytes


class Receiver(_Server):
    """Records each POST and answers it with the next of `statuses` (the last one repeats):
    201 with a stored snapshot's metadata, anything else with a problem document."""

    def __init__(self, *statuses):
        self.statuses = statuses
        self.requests = []
        super().__init__(_ReceiverHandler)


class _ReceiverHandler(_Handler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server = self.server
        with server.lock:
            n = len(server.requests)
            server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        status = server.statuses[min(n, len(server.statuses) - 1)]
        if status == 201:
            self.send({"id": n + 1, "cluster": "test", "digest": "sha256:0", "mediaType": "application/json",
                       "objectCounts": {}, "sizeBytes": len(body), "createdAt": "2026-01-01T00:00:00Z",
                       "createdBy": "collector-test"}, status)
        else:
            self.send({"type": "https://warden.dev/problems/test", "title": "refused by the test receiver",
                       "status": status, "detail": "status chosen by check-deploy", "requestId": "test"},
                      status, "application/problem+json")


# What the fake API serves: (resource, kind, namespaced) per group; secrets and configmaps
# too, so that a collector listing them would be seen doing it.
RESOURCES = {
    "": [("namespaces", "Namespace", False), ("serviceaccounts", "ServiceAccount", True), ("pods", "Pod", True),
         ("resourcequotas", "ResourceQuota", True), ("limitranges", "LimitRange", True),
         ("secrets", "Secret", True), ("configmaps", "ConfigMap", True)],
    "rbac.authorization.k8s.io": [("roles", "Role", True), ("rolebindings", "RoleBinding", True),
                                  ("clusterroles", "ClusterRole", False),
                                  ("clusterrolebindings", "ClusterRoleBinding", False)],
    "apps": [("deployments", "Deployment", True), ("statefulsets", "StatefulSet", True),
             ("daemonsets", "DaemonSet", True), ("replicasets", "ReplicaSet", True)],
    "batch": [("jobs", "Job", True), ("cronjobs", "CronJob", True)],
    "networking.k8s.io": [("networkpolicies", "NetworkPolicy", True)],
}


class KubeAPI(_Server):
    """Serves discovery and one object per list, and records the path of every GET."""

    def __init__(self):
        self.paths = []
        super().__init__(_KubeAPIHandler)


class _KubeAPIHandler(_Handler):
    def do_GET(self):
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.paths.append(path)
        if path == "/version":
            return self.send({"major": "1", "minor": "33", "gitVersion": "v1.33.0", "platform": "linux/amd64"})
        if path == "/api":
            return self.send({"kind": "APIVersions", "versions": ["v1"],
                              "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
        if path == "/apis":
            groups = [{"name": g, "versions": [{"groupVersion": f"{g}/v1", "version": "v1"}],
                       "preferredVersion": {"groupVersion": f"{g}/v1", "version": "v1"}} for g in RESOURCES if g]
            return self.send({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        for group, resources in RESOURCES.items():
            gv = f"{group}/v1" if group else "v1"
            base = f"/apis/{group}/v1" if group else "/api/v1"
            if path == base:
                return self.send({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": [
                    {"name": n, "singularName": k.lower(), "namespaced": ns, "kind": k,
                     "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
                    for n, k, ns in resources]})
            for n, k, ns in resources:
                if path == f"{base}/{n}":
                    meta = {"name": f"test-{k.lower()}", "uid": f"uid-{n}", "resourceVersion": "1"}
                    if ns:
                        meta["namespace"] = "default"
                    return self.send({"apiVersion": gv, "kind": f"{k}List", "metadata": {"resourceVersion": "1"},
                                      "items": [{"apiVersion": gv, "kind": k, "metadata": meta}]})
        self.send({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}, 404)
