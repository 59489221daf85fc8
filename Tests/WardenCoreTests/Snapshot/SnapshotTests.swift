import Foundation
import Testing

@testable import WardenCore

@Suite("Snapshot parsing")
struct SnapshotTests {
    // kubectl prints List keys sorted: apiVersion, items, kind, metadata.
    static let listJSON = #"""
        {
          "apiVersion": "v1",
          "items": [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}},
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "shop"}},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api-1", "namespace": "shop", "labels": {"app": "api"}},
             "spec": {"serviceAccountName": "api", "containers": [{"name": "c", "image": "x", "securityContext": {"privileged": true}}]}},
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"replicas": 3}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"}, "data": {"k": "v"}},
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "shop"}, "data": {"k": "dg=="}},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
             "metadata": {"name": "reader", "namespace": "shop",
                          "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}", "team": "a"}},
             "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                       {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["cfg"], "verbs": ["get"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "api-reader", "namespace": "shop"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
             "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": "shop"}, {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "jane"}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
             "metadata": {"name": "monitoring", "labels": {"rbac.example.com/aggregate-to-monitoring": "true"}},
             "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true"}},
                                                          {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}]},
             "rules": null},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "nodes-reader"},
             "rules": [{"nonResourceURLs": ["/metrics"], "verbs": ["get"]}, {"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "mon"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "nodes-reader"},
             "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "monitoring"}]},
            {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1", "namespace": "shop"}, "message": "caf\u00e9"},
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
          ],
          "kind": "List",
          "metadata": {"resourceVersion": ""}
        }
        """#

    static let listYAML = #"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels:
            pod-security.kubernetes.io/enforce: restricted
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: api, namespace: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: api-1
          namespace: shop
          labels: {app: api}
        spec:
          serviceAccountName: api
          containers:
          - name: c
            image: x
            securityContext:
              privileged: true
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec: {replicas: 3}
        ---
        # a List document: its items are flattened
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: cfg, namespace: shop}
          data: {k: v}
        - apiVersion: v1
          kind: Secret
          metadata: {name: s, namespace: shop}
          data: {k: "dg=="}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: reader
          namespace: shop
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: "{...}"
            team: a
        rules:
        - apiGroups: [""]
          resources: [pods, pods/log]
          verbs: [get, list]
        - apiGroups: [""]
          resources: [configmaps]
          resourceNames: [cfg]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: api-reader, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
        subjects:
        - {kind: ServiceAccount, name: api, namespace: shop}
        - {kind: User, apiGroup: rbac.authorization.k8s.io, name: jane}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: monitoring
          labels: {rbac.example.com/aggregate-to-monitoring: "true"}
        aggregationRule:
          clusterRoleSelectors:
          - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
          - matchExpressions:
            - {key: tier, operator: In, values: [a, b]}
        rules:
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: nodes-reader}
        rules:
        - nonResourceURLs: [/metrics]
          verbs: [get]
        - apiGroups: [""]
          resources: [nodes]
          verbs: [list]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: mon}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nodes-reader}
        subjects:
        - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: monitoring}
        ---
        apiVersion: v1
        kind: Event
        metadata: {name: e1, namespace: shop}
        message: café
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        """#

    static func parse(_ s: String) throws(SnapshotError) -> Snapshot { try Snapshot(parsing: s) }

    static func issue(_ s: String) -> SnapshotIssue? {
        do {
            _ = try parse(s)
            return nil
        } catch {
            return error.issues.first
        }
    }

    static func issues(_ s: String) -> [SnapshotIssue] {
        do {
            _ = try parse(s)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func parsesKubectlList() throws {
        let s = try Self.parse(Self.listJSON)
        #expect(s.format == .json)
        #expect(s.itemCount == 13)
        #expect(
            s.objectCounts == [
                "Namespace": 1, "ServiceAccount": 1, "Pod": 1, "Deployment": 1, "ConfigMap": 1, "Secret": 1,
                "Role": 1, "RoleBinding": 1, "ClusterRole": 2, "ClusterRoleBinding": 1, "Event": 1, "Widget": 1,
            ]
        )
        #expect(s.objects.map(\.description) == ["Namespace shop", "ServiceAccount shop/api", "Pod shop/api-1", "Deployment shop/api"])
        #expect(s.objects.map(\.itemIndex) == [0, 1, 2, 3])
        #expect(s.objects[0].labels == ["pod-security.kubernetes.io/enforce": "restricted"])
        #expect(s.objects[2].at("spec", "containers", 0, "securityContext", "privileged")?.bool == true)
        #expect(s.objects[2].body["spec"]?["serviceAccountName"] == "api")
        #expect(s.objects[3].at("spec", "replicas")?.int == 3)
        #expect(s.serviceAccounts == [ServiceAccountIdentity(namespace: "shop", name: "api")])

        #expect(
            s.rbac.roles == [
                RBACRole(
                    name: "reader",
                    namespace: "shop",
                    annotations: ["team": "a"],
                    rules: [
                        PolicyRule(verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"]),
                        PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["cfg"]),
                    ]
                )
            ]
        )
        #expect(
            s.rbac.roleBindings == [
                RoleBinding(
                    name: "api-reader",
                    namespace: "shop",
                    subjects: [.serviceAccount(namespace: "shop", name: "api"), .user("jane")],
                    roleRef: .role("reader")
                )
            ]
        )
        #expect(s.rbac.clusterRoles.count == 2)
        #expect(s.rbac.clusterRoles[0].rules.isEmpty)
        #expect(s.rbac.clusterRoles[0].aggregationRule?.clusterRoleSelectors.count == 2)
        #expect(
            s.rbac.clusterRoles[0].aggregationRule?.clusterRoleSelectors[1].matchExpressions == [
                LabelSelectorRequirement(key: "tier", operator: .in, values: ["a", "b"])
            ]
        )
        #expect(s.rbac.clusterRoleBindings.map(\.name) == ["mon"])

        let a = s.makeAuthorizer()
        let api = s.serviceAccounts[0]
        #expect(a.allows(api.request(.resource(.init(namespace: "shop", verb: "get", resource: "pods", subresource: "log")))))
        #expect(!a.allows(api.request(.resource(.init(namespace: "shop", verb: "list", resource: "configmaps")))))
        #expect(a.allows(api.request(.resource(.init(namespace: "shop", verb: "get", resource: "configmaps", name: "cfg")))))
        #expect(a.allows(AccessRequest(user: "x", groups: ["monitoring"], nonResource: .init(path: "/metrics", verb: "get"))))
    }

    @Test func jsonListAndMultiDocumentYAMLAreIdentical() throws {
        let json = try Self.parse(Self.listJSON)
        let yaml = try Self.parse(Self.listYAML)
        #expect(yaml.format == .yaml)
        #expect(json.rbac == yaml.rbac)
        #expect(json.objectCounts == yaml.objectCounts)
        #expect(json.objects.count == yaml.objects.count)
        for (a, b) in zip(json.objects, yaml.objects) {
            #expect(a == b, "\(a)")
        }
        #expect(json == yaml)
        // Same effective permissions.
        let sa = ServiceAccountIdentity(namespace: "shop", name: "api")
        #expect(json.makeAuthorizer().effectivePermissions(of: sa) == yaml.makeAuthorizer().effectivePermissions(of: sa))
    }

    @Test func typedListWithoutItemKinds() throws {
        // What the API server returns for `GET /apis/rbac.authorization.k8s.io/v1/rolebindings`.
        let s = try Self.parse(
            #"""
            {"kind": "RoleBindingList", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {},
             "items": [{"metadata": {"name": "b", "namespace": "n"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
                        "subjects": [{"kind": "Group", "name": "g"}]}]}
            """#
        )
        #expect(s.rbac.roleBindings.map(\.name) == ["b"])
        #expect(s.objectCounts == ["RoleBinding": 1])

        let pods = try Self.parse(
            #"""
            {"apiVersion": "v1", "items": [{"metadata": {"name": "p", "namespace": "n"}, "spec": {}}], "kind": "PodList"}
            """#
        )
        #expect(pods.objects.map(\.description) == ["Pod n/p"])
        #expect(pods.objects[0].apiVersion == "v1")
        // A plain List still needs kinds.
        #expect(Self.issue(#"{"apiVersion": "v1", "kind": "List", "items": [{"metadata": {"name": "p"}}]}"#)?.code == .missingKind)
    }

    @Test func singleObjectsAndArrays() throws {
        let one = try Self.parse(#"{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a", "namespace": "n"}}"#)
        #expect(one.serviceAccounts == [ServiceAccountIdentity(namespace: "n", name: "a")])
        #expect(one.itemCount == 1)
        let arr = try Self.parse(
            #"[{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}]"#
        )
        #expect(arr.objects.map(\.name) == ["a", "b"])
        // A custom object that has an "items" field is not a List.
        let widget = try Self.parse(#"{"apiVersion": "example.com/v1", "items": [{"kind": "X"}], "kind": "Widget", "metadata": {"name": "w"}}"#)
        #expect(widget.objectCounts == ["Widget": 1])
        let kept = try Snapshot(
            parsing: #"{"apiVersion": "example.com/v1", "items": [{"kind": "X"}], "kind": "Widget", "metadata": {"name": "w"}}"#,
            options: SnapshotOptions(keptKinds: ["Widget"])
        )
        #expect(kept.objects.first?.body["items"]?[0]?["kind"] == "X")
        // Cluster-scoped kinds ignore a stray namespace.
        let ns = try Self.parse(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "namespace": "b"}}"#)
        #expect(ns.objects[0].namespace == "")
    }

    @Test func escapedStringsInRBACObjects() throws {
        let s = try Self.parse(
            #"""
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "caf\u00e9-binding-with-a-long-name"},
             "roleRef": {"kind": "ClusterRole", "name": "r"}, "subjects": [{"kind": "User", "name": "a\"b"}]}
            """#
        )
        #expect(s.rbac.clusterRoleBindings[0].name == "café-binding-with-a-long-name")
        #expect(s.rbac.clusterRoleBindings[0].subjects[0].name == "a\"b")
    }

    // MARK: Errors

    @Test func invalidJSONReportsOffsetAndLine() {
        let i = Self.issue("{\n  \"items\": [\n    {\"kind\": \"Pod\",}\n  ]\n}")
        #expect(i?.code == .invalidJSON)
        #expect(i?.byteOffset == 34)
        #expect(i?.line == 3)
        #expect(i?.message.contains("trailing comma") == true)
        #expect(Self.issue("")?.code == .emptyInput)
        #expect(Self.issue(" \n ")?.code == .emptyInput)
    }

    static func list(_ items: String...) -> String {
        #"{"apiVersion": "v1", "kind": "List", "items": ["# + items.joined(separator: ",") + "]}"
    }

    static let okItem = #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ok"}}"#

    @Test func itemWithoutKind() {
        let i = Self.issue(Self.list(Self.okItem, Self.okItem, Self.okItem, #"{"apiVersion": "v1", "metadata": {"name": "x"}}"#))
        #expect(i?.code == .missingKind)
        #expect(i?.itemIndex == 3)
        #expect(i?.pointer == "/items/3/kind")
    }

    @Test func itemWithoutAPIVersion() {
        let i = Self.issue(Self.list(Self.okItem, #"{"kind": "Namespace", "metadata": {"name": "x"}}"#))
        #expect(i?.code == .missingAPIVersion)
        #expect(i?.itemIndex == 1)
        #expect(i?.pointer == "/items/1/apiVersion")
    }

    @Test func itemWithoutName() {
        let i = Self.issue(Self.list(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"labels": {}}}"#))
        #expect(i?.code == .missingName)
        #expect(i?.itemIndex == 0)
        #expect(i?.pointer == "/items/0/metadata/name")
        #expect(Self.issue(Self.list(#"{"apiVersion": "v1", "kind": "Namespace"}"#))?.pointer == "/items/0/metadata/name")
        #expect(Self.issue(Self.list(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ""}}"#))?.code == .missingName)
        #expect(Self.issue(Self.list(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": 5}}"#))?.code == .invalidField)
    }

    @Test func namespacedKindWithoutNamespace() {
        let i = Self.issue(Self.list(Self.okItem, Self.okItem, #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}"#))
        #expect(i?.code == .missingNamespace)
        #expect(i?.itemIndex == 2)
        #expect(i?.pointer == "/items/2/metadata/namespace")
        let rb = Self.issue(
            Self.list(
                #"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "r"}}"#
            )
        )
        #expect(rb?.code == .missingNamespace)
        // Unknown kinds are not checked; a same-named kind from another group neither.
        #expect(Self.issue(Self.list(#"{"apiVersion": "example.com/v1", "kind": "Pod", "metadata": {"name": "p"}}"#)) == nil)
    }

    @Test func malformedRBACFields() {
        let verbs = Self.issue(
            Self.list(
                Self.okItem,
                #"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [{"verbs": ["get"]}, {"verbs": "get"}]}"#
            )
        )
        #expect(verbs?.code == .invalidField)
        #expect(verbs?.pointer == "/items/1/rules/1/verbs")
        let elem = Self.issue(
            Self.list(
                #"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [{"verbs": ["get", 1]}]}"#
            )
        )
        #expect(elem?.pointer == "/items/0/rules/0/verbs/1")
        let roleRef = Self.issue(
            Self.list(#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"}}"#)
        )
        #expect(roleRef?.code == .missingField)
        #expect(roleRef?.pointer == "/items/0/roleRef")
        let subject = Self.issue(
            Self.list(
                #"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": "r"}, "subjects": [{"kind": "User"}]}"#
            )
        )
        #expect(subject?.pointer == "/items/0/subjects/0/name")
        let label = Self.issue(Self.list(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "labels": {"app/name": 1}}}"#))
        #expect(label?.pointer == "/items/0/metadata/labels/app~1name")
        let notObject = Self.issue(Self.list(#"[1]"#))
        #expect(notObject?.code == .notAnObject)
        #expect(notObject?.pointer == "/items/0")
        let kindType = Self.issue(Self.list(#"{"apiVersion": "v1", "kind": 7, "metadata": {"name": "x"}}"#))
        #expect(kindType?.code == .invalidField)
        #expect(kindType?.pointer == "/items/0/kind")
    }

    @Test func collectsSeveralIssues() {
        let all = Self.issues(Self.list(#"{"kind": "Pod"}"#, Self.okItem, #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}"#))
        #expect(all.map(\.itemIndex) == [0, 2])
        #expect(all.map(\.pointer) == ["/items/0/apiVersion", "/items/2/metadata/namespace"])
        let topArray = Self.issues(#"[{"apiVersion": "v1", "kind": "Namespace"}]"#)
        #expect(topArray.map(\.pointer) == ["/0/metadata/name"])
        let single = Self.issues(#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}"#)
        #expect(single.map(\.pointer) == ["/metadata/namespace"])
    }

    @Test func yamlErrors() {
        let ns = Self.issue("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")
        #expect(ns?.code == .missingNamespace)
        #expect(ns?.document == 1)
        #expect(ns?.itemIndex == 1)
        #expect(ns?.pointer == "/metadata/namespace")
        #expect(ns?.line == 5)

        let inList = Self.issue(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {}\n"
        )
        #expect(inList?.document == 0)
        #expect(inList?.itemIndex == 1)
        #expect(inList?.pointer == "/items/1/metadata/name")
        #expect(inList?.line == 7)

        let syntax = Self.issue("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [unclosed\n")
        #expect(syntax?.code == .invalidYAML)
        #expect(syntax?.line != nil)

        let scalar = Self.issue("just a string\n")
        #expect(scalar?.code == .notAnObject)
        #expect(scalar?.document == 0)

        let dupKey = Self.issue("apiVersion: v1\nkind: Namespace\nkind: Pod\nmetadata: {name: a}\n")
        #expect(dupKey?.code == .invalidYAML)

        #expect(throws: SnapshotError.self) { try Snapshot(parsing: [0x61, 0x3A, 0x20, 0xFF, 0x0A]) }
        #expect(Self.issue("a: .inf\n")?.code == .invalidYAML)
    }

    @Test func yamlBillionLaughsIsRefused() {
        var yaml =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: x}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for k in 1...9 {
            yaml += "  a\(k): &a\(k) [" + Array(repeating: "*a\(k - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += "  boom: *a9\n"
        let i = Self.issue(yaml)
        #expect(i?.code == .yamlTooComplex)
        #expect(i?.document == 0)
        // Aliases used as keys would otherwise be hashed by the composer: also refused up front.
        let keyBomb = yaml.replacingOccurrences(of: "  boom: *a9\n", with: "  ? *a9\n  : x\n")
        #expect(Self.issue(keyBomb)?.code == .yamlTooComplex)
        // Modest aliasing is fine.
        let ok = try? Self.parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n, labels: &l {app: a}}\nspec:\n  x: *l\n")
        #expect(ok?.objects.first?.body["spec"]?["x"] == ["app": "a"])
    }

    @Test func yamlScalarsFollowKubernetes() throws {
        let s = try Snapshot(
            parsing: """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: n
                  labels: {quoted: "true", version: "1.0"}
                spec:
                  b1: yes
                  b2: off
                  b3: True
                  i1: 42
                  i2: 0x1F
                  i3: 0o17
                  i4: -7
                  f1: 1.5
                  f2: 1.0
                  n1: null
                  n2: ~
                  n3:
                  s1: "42"
                  s2: 'yes'
                  s3: hello world
                  t1: 2024-01-02T03:04:05Z
                  lit: |
                    line1
                    line2
                  base: &base {a: 1, b: 2}
                  merged:
                    <<: *base
                    b: 3
                """
        )
        let spec = try #require(s.objects.first?.body["spec"])
        #expect(spec["b1"] == true)
        #expect(spec["b2"] == false)
        #expect(spec["b3"] == true)
        #expect(spec["i1"] == 42)
        #expect(spec["i2"] == 31)
        #expect(spec["i3"] == 15)
        #expect(spec["i4"] == -7)
        #expect(spec["f1"] == 1.5)
        #expect(spec["f2"] == 1.0)
        #expect(spec["n1"] == nil as JSONValue)
        #expect(spec["n2"] == nil as JSONValue)
        #expect(spec["n3"] == nil as JSONValue)
        #expect(spec["s1"] == "42")
        #expect(spec["s2"] == "yes")
        #expect(spec["s3"] == "hello world")
        #expect(spec["t1"] == "2024-01-02T03:04:05Z")
        #expect(spec["lit"] == "line1\nline2\n")
        #expect(spec["merged"] == ["a": 1, "b": 3])
        #expect(s.objects[0].labels == ["quoted": "true", "version": "1.0"])
    }

    @Test func playbookAuditPolicyIsNotAKubernetesObject() throws {
        // 07-audit-policy.yaml is an apiserver config file: no metadata.name, so not a snapshot item.
        do {
            _ = try Snapshot(parsing: SnapshotFixtureFiles.bytes("07-audit-policy.yaml"))
            Issue.record("expected an error")
        } catch let e as SnapshotError {
            #expect(e.first.code == .missingName)
            #expect(e.first.document == 0)
            #expect(e.first.pointer == "/metadata/name")
        }
        for name in [
            "01-namespace.yaml", "02-serviceaccount.yaml", "03-role.yaml", "04-rolebinding.yaml",
            "05-pod.yaml", "06-networkpolicy.yaml",
        ] {
            let s = try Snapshot(parsing: SnapshotFixtureFiles.bytes(name))
            #expect(s.itemCount == 1, "\(name)")
        }
        let pod = try Snapshot(parsing: SnapshotFixtureFiles.bytes("05-pod.yaml")).objects[0]
        #expect(pod.at("spec", "securityContext", "runAsNonRoot")?.bool == true)
        #expect(pod.at("spec", "containers", 0, "securityContext", "capabilities", "drop", 0)?.string == "ALL")
        #expect(pod.at("spec", "containers", 0, "resources", "limits", "cpu")?.string == "2")
    }

    @Test func codableRoundTrip() throws {
        let s = try Self.parse(Self.listJSON)
        let data = try JSONEncoder().encode(s)
        let back = try JSONDecoder().decode(Snapshot.self, from: data)
        #expect(back == s)
        let p = s.makeAuthorizer().effectivePermissions(of: s.serviceAccounts[0])
        #expect(try JSONDecoder().decode(EffectivePermissions.self, from: JSONEncoder().encode(p)) == p)
        let req = AccessRequest(user: "u", groups: ["g"], resource: .init(namespace: "n", verb: "get", resource: "pods"))
        #expect(try JSONDecoder().decode(AccessRequest.self, from: JSONEncoder().encode(req)) == req)
        let rule = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"])
        #expect(String(decoding: try JSONEncoder().encode(rule), as: UTF8.self).contains("resourceNames") == false)
        #expect(try JSONDecoder().decode(PolicyRule.self, from: Data(#"{"verbs":["get"],"apiGroups":null}"#.utf8)) == PolicyRule(verbs: ["get"]))
    }
}

@Suite("Snapshot list shapes")
struct SnapshotListShapeTests {
    @Test func emptyAndNullLists() throws {
        #expect(try Snapshot(parsing: #"{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {}}"#).itemCount == 0)
        #expect(try Snapshot(parsing: #"{"apiVersion": "v1", "items": null, "kind": "List"}"#).itemCount == 0)
        #expect(try Snapshot(parsing: #"{"apiVersion": "v1", "kind": "PodList", "metadata": {}}"#).itemCount == 0)
        #expect(try Snapshot(parsing: "[]").itemCount == 0)
        #expect(try Snapshot(parsing: "# only a comment\n").itemCount == 0)
        #expect(throws: SnapshotError.self) { try Snapshot(parsing: #"{"apiVersion": "v1", "items": 3, "kind": "List"}"#) }
    }

    @Test func keptKindsAreConfigurable() throws {
        let json =
            #"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}}, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n"}}]}"#
        let s = try Snapshot(parsing: json, options: SnapshotOptions(keptKinds: ["ConfigMap"]))
        #expect(s.objects.map(\.kind) == ["ConfigMap"])
        #expect(s.objectCounts == ["ConfigMap": 1, "Pod": 1])
    }
}
