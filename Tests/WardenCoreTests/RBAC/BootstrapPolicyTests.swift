import Testing

@testable import WardenCore

/// Evaluation against the real bootstrap policy golden files (admin/edit/view have `rules: null`
/// there, so every check below depends on aggregation).
@Suite("Bootstrap policy fixtures")
struct BootstrapPolicyTests {
    typealias F = RBACFixtures

    static func authorizer(extraRoleBindings: [RoleBinding] = []) throws -> RBACAuthorizer {
        var state = try SnapshotFixtureFiles.bootstrapSnapshot().rbac
        state.roleBindings += extraRoleBindings
        return RBACAuthorizer(state)
    }

    static func req(_ user: String, groups: [String] = ["system:authenticated"], _ attrs: RequestAttributes) -> AccessRequest {
        AccessRequest(user: user, groups: groups, attributes: attrs)
    }

    @Test func fixturesParse() throws {
        let s = try SnapshotFixtureFiles.bootstrapSnapshot()
        #expect(s.rbac.clusterRoles.count == 31)
        #expect(s.objectCounts == ["ClusterRole": 31])
        #expect(s.rbac.clusterRoleBindings.count == 12)
        let admin = try #require(s.rbac.clusterRoles.first { $0.name == "admin" })
        #expect(admin.rules.isEmpty)
        #expect(admin.aggregationRule?.clusterRoleSelectors.first?.matchLabels == ["rbac.authorization.k8s.io/aggregate-to-admin": "true"])
        let agg = ClusterRoleAggregator(s.rbac.clusterRoles)
        for name in ["admin", "edit", "view"] { #expect(!(agg.effectiveRules(of: name) ?? []).isEmpty, "\(name)") }
        #expect(Set(agg.effectiveRules(of: "view")!).isSubset(of: Set(agg.effectiveRules(of: "edit")!)))
        #expect(Set(agg.effectiveRules(of: "edit")!).isSubset(of: Set(agg.effectiveRules(of: "admin")!)))
        #expect(RuleCoverage.covers(ownerRules: agg.effectiveRules(of: "admin")!, servantRules: agg.effectiveRules(of: "edit")!).covered)
        #expect(!RuleCoverage.covers(ownerRules: agg.effectiveRules(of: "view")!, servantRules: agg.effectiveRules(of: "edit")!).covered)
    }

    @Test func adminEditViewThroughRoleBindings() throws {
        let a = try Self.authorizer(extraRoleBindings: [
            RoleBinding(name: "admins", namespace: "team", subjects: [.user("alice")], roleRef: .clusterRole("admin")),
            RoleBinding(name: "editors", namespace: "team", subjects: [.user("eve")], roleRef: .clusterRole("edit")),
            RoleBinding(name: "viewers", namespace: "team", subjects: [.user("vic")], roleRef: .clusterRole("view")),
        ])
        func can(
            _ user: String,
            _ verb: String,
            _ resource: String,
            group: String = "",
            sub: String = "",
            ns: String = "team",
            name: String = ""
        ) -> Bool {
            a.allows(Self.req(user, F.resource(verb, group: group, resource, subresource: sub, namespace: ns, name: name)))
        }
        // admin
        #expect(can("alice", "create", "pods", sub: "exec", name: "p"))
        #expect(can("alice", "create", "rolebindings", group: "rbac.authorization.k8s.io"))
        #expect(can("alice", "get", "secrets", name: "s"))
        #expect(can("alice", "create", "localsubjectaccessreviews", group: "authorization.k8s.io"))
        #expect(!can("alice", "create", "pods", sub: "exec", ns: "other"))
        #expect(!can("alice", "create", "namespaces", ns: ""))
        #expect(!can("alice", "create", "clusterroles", group: "rbac.authorization.k8s.io", ns: ""))
        // edit
        #expect(can("eve", "get", "secrets", name: "s"))
        #expect(can("eve", "create", "pods", sub: "exec"))
        #expect(can("eve", "update", "deployments", group: "apps"))
        #expect(can("eve", "list", "pods"))
        #expect(!can("eve", "create", "rolebindings", group: "rbac.authorization.k8s.io"))
        // view
        #expect(can("vic", "list", "pods"))
        #expect(can("vic", "get", "pods", sub: "log", name: "p"))
        #expect(can("vic", "watch", "deployments", group: "apps"))
        #expect(!can("vic", "get", "secrets", name: "s"))
        #expect(!can("vic", "list", "secrets"))
        #expect(!can("vic", "create", "pods", sub: "exec"))
        #expect(!can("vic", "delete", "pods", name: "p"))
        // Grants point at the aggregated role with a valid index.
        let d = a.authorize(Self.req("vic", F.resource("list", "pods", namespace: "team")))
        let g = try #require(d.grants.first { $0.bindingName == "viewers" })
        #expect(g.roleName == "view")
        let viewRules = ClusterRoleAggregator(a.state.clusterRoles).effectiveRules(of: "view")!
        #expect(viewRules[g.ruleIndex] == g.rule)
    }

    @Test func discoveryAndPublicInfo() throws {
        let a = try Self.authorizer()
        for path in ["/api", "/api/v1", "/apis", "/apis/apps/v1", "/healthz", "/livez", "/readyz", "/version", "/openapi/v2"] {
            #expect(a.allows(Self.req("bob", F.nonResource("get", path))), "\(path)")
        }
        #expect(!a.allows(Self.req("bob", F.nonResource("get", "/metrics"))))
        #expect(!a.allows(Self.req("bob", F.nonResource("post", "/api"))))
        // Anonymous users only see public info.
        let anon = ["system:unauthenticated"]
        #expect(a.allows(Self.req("system:anonymous", groups: anon, F.nonResource("get", "/healthz"))))
        #expect(a.allows(Self.req("system:anonymous", groups: anon, F.nonResource("get", "/version"))))
        #expect(!a.allows(Self.req("system:anonymous", groups: anon, F.nonResource("get", "/api"))))
        // basic-user: self reviews.
        #expect(a.allows(Self.req("bob", F.resource("create", group: "authorization.k8s.io", "selfsubjectaccessreviews"))))
        #expect(!a.allows(Self.req("bob", F.resource("list", "pods", namespace: "default"))))
        let who = a.whoCan(F.nonResource("get", "/healthz"))
        #expect(who.map(\.subject).contains(.group("system:authenticated")))
        #expect(who.map(\.subject).contains(.group("system:unauthenticated")))
        #expect(who.map(\.subject).contains(.group("system:masters")))
    }

    @Test func serviceAccountGroupsReachEveryServiceAccount() throws {
        let a = try Self.authorizer()
        let sa = ServiceAccountIdentity(namespace: "apps", name: "worker")
        #expect(a.allows(sa.request(F.nonResource("get", "/.well-known/openid-configuration"))))
        #expect(a.allows(sa.request(F.nonResource("get", "/openid/v1/jwks"))))
        // A human user without the service account groups does not get it.
        #expect(!a.allows(Self.req("bob", F.nonResource("get", "/openid/v1/jwks"))))
        let p = a.effectivePermissions(of: sa)
        #expect(
            Set(p.clusterWide.map(\.source.bindingName)) == [
                "system:basic-user", "system:discovery", "system:public-info-viewer", "system:service-account-issuer-discovery",
            ]
        )
        #expect(p.namespaces.isEmpty)
        let all = a.effectivePermissions(forServiceAccounts: [sa, ServiceAccountIdentity(namespace: "kube-system", name: "kube-dns")])
        #expect(all[1].permissions.clusterWide.map(\.source.bindingName).contains("system:kube-dns"))
        #expect(
            a.allows(
                ServiceAccountIdentity(namespace: "kube-system", name: "kube-dns")
                    .request(F.resource("list", "endpoints"))
            )
        )
        #expect(!a.allows(ServiceAccountIdentity(namespace: "other", name: "kube-dns").request(F.resource("list", "endpoints"))))
    }

    @Test func mastersAndComponents() throws {
        let a = try Self.authorizer()
        #expect(a.allows(Self.req("root", groups: ["system:masters"], F.resource("delete", "nodes", name: "n1"))))
        #expect(a.allows(Self.req("root", groups: ["system:masters"], F.nonResource("post", "/anything"))))
        #expect(a.allows(Self.req("system:kube-scheduler", F.resource("create", "bindings", namespace: "x"))))
        // system:node has no subjects: RBAC grants it to nobody.
        #expect(a.whoCan(F.resource("get", "nodes", name: "n")).allSatisfy { $0.grants.allSatisfy { $0.bindingName != "system:node" } })
    }

    @Test func playbookExamples() throws {
        let docs = try [
            "01-namespace.yaml", "02-serviceaccount.yaml", "03-role.yaml", "04-rolebinding.yaml",
            "05-pod.yaml", "06-networkpolicy.yaml",
        ]
        .map { String(decoding: try SnapshotFixtureFiles.bytes($0), as: UTF8.self) }
        let snapshot = try Snapshot(parsing: docs.joined(separator: "\n---\n"))
        #expect(snapshot.serviceAccounts == [ServiceAccountIdentity(namespace: "ai-agents", name: "coding-agent")])
        var state = snapshot.rbac
        state.merge(try SnapshotFixtureFiles.bootstrapSnapshot().rbac)
        let a = RBACAuthorizer(state)
        let agent = snapshot.serviceAccounts[0]
        func can(_ verb: String, _ resource: String, group: String = "", sub: String = "", ns: String = "ai-agents") -> Bool {
            a.allows(agent.request(F.resource(verb, group: group, resource, subresource: sub, namespace: ns)))
        }
        #expect(can("get", "pods"))
        #expect(can("list", "pods"))
        #expect(can("get", "pods", sub: "log"))
        #expect(can("create", "deployments", group: "apps"))
        #expect(!can("delete", "pods"))
        #expect(!can("delete", "deployments", group: "apps"))
        #expect(!can("get", "secrets"))
        #expect(!can("create", "pods", sub: "exec"))
        #expect(!can("get", "pods", ns: "default"))
        #expect(!can("list", "pods", ns: ""))
        let p = a.effectivePermissions(of: agent)
        #expect(p.namespaces.map(\.namespace) == ["ai-agents"])
        #expect(
            p.namespaces[0].bindings[0].source
                == BindingSource(
                    bindingKind: .roleBinding,
                    bindingNamespace: "ai-agents",
                    bindingName: "coding-agent-binding",
                    roleKind: "Role",
                    roleName: "coding-agent-role"
                )
        )
        // The subject has no namespace in the manifest; it defaults to the binding's.
        #expect(p.namespaces[0].bindings[0].subject == Subject(kind: "ServiceAccount", name: "coding-agent"))
    }
}
