import Foundation

/// A small cluster as `kubectl get ... -A -o json` prints it.
public enum SnapshotFixtures {
    public static let cluster = #"""
        {
          "apiVersion": "v1",
          "kind": "List",
          "metadata": {"resourceVersion": ""},
          "items": [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "agents", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}},
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "coder", "namespace": "agents"}},
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "reader", "namespace": "agents"}},
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "other", "namespace": "tools"}},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
             "metadata": {"name": "coder", "namespace": "agents"},
             "rules": [
               {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
               {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["settings"], "verbs": ["get", "update"]}
             ]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
             "metadata": {"name": "coder", "namespace": "agents"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "coder"},
             "subjects": [{"kind": "ServiceAccount", "name": "coder", "namespace": "agents"}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
             "metadata": {"name": "secret-reader"},
             "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
             "metadata": {"name": "all-agents-read-secrets"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "secret-reader"},
             "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:serviceaccounts:agents"}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
             "metadata": {"name": "health"},
             "rules": [{"nonResourceURLs": ["/healthz", "/livez/*"], "verbs": ["get"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
             "metadata": {"name": "health"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "health"},
             "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:authenticated"}]},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "coder-0", "namespace": "agents"},
             "spec": {"serviceAccountName": "coder", "containers": [{"name": "agent", "image": "agent:1"}]}},
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "agents"}}
          ]
        }
        """#

    /// The same kind of content as multi-document YAML.
    public static let yaml = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: coder
          namespace: agents
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: coder
          namespace: agents
        rules:
        - apiGroups: [""]
          resources: ["pods"]
          verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: coder
          namespace: agents
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: coder}
        subjects:
        - kind: ServiceAccount
          name: coder
        """

    /// Kubernetes' own default ClusterRoles and bindings, where admin, edit and view have `rules: null`.
    public static func bootstrap() throws -> String {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Tests/WardenCoreTests/Fixtures")
        let roles = try String(contentsOf: dir.appendingPathComponent("cluster-roles.yaml"), encoding: .utf8)
        let bindings = try String(contentsOf: dir.appendingPathComponent("cluster-role-bindings.yaml"), encoding: .utf8)
        return roles + "\n---\n" + bindings
    }
}
