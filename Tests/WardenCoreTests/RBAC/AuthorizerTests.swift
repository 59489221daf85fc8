import Testing

@testable import WardenCore

@Suite("RBACAuthorizer semantics")
struct AuthorizerTests {
    typealias F = RBACFixtures

    static let podReader = PolicyRule(verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"])
    static let secretReader = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["secrets"])
    static let healthz = PolicyRule(verbs: ["get"], nonResourceURLs: ["/healthz", "/api/*"])

    static func get(_ resource: String, ns: String = "", name: String = "", sub: String = "") -> RequestAttributes {
        F.resource("get", resource, subresource: sub, namespace: ns, name: name)
    }

    @Test func roleBindingToClusterRoleGrantsOnlyInItsNamespace() {
        let a = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "pod-reader", rules: [Self.podReader])],
            roleBindings: [RoleBinding(name: "rb", namespace: "team-a", subjects: [.user("alice")], roleRef: .clusterRole("pod-reader"))]
        )
        #expect(a.allows(AccessRequest(user: "alice", attributes: Self.get("pods", ns: "team-a"))))
        #expect(!a.allows(AccessRequest(user: "alice", attributes: Self.get("pods", ns: "team-b"))))
        // Cluster-scoped / all-namespaces requests are not granted by RoleBindings.
        #expect(!a.allows(AccessRequest(user: "alice", attributes: Self.get("pods"))))
    }

    @Test func clusterRoleBindingGrantsEverywhere() {
        let a = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "pod-reader", rules: [Self.podReader])],
            clusterRoleBindings: [ClusterRoleBinding(name: "crb", subjects: [.group("readers")], roleRef: .clusterRole("pod-reader"))]
        )
        for ns in ["", "a", "kube-system"] {
            #expect(a.allows(AccessRequest(user: "bob", groups: ["readers"], attributes: Self.get("pods", ns: ns))))
        }
        #expect(!a.allows(AccessRequest(user: "bob", groups: ["Readers"], attributes: Self.get("pods", ns: "a"))))
        #expect(!a.allows(AccessRequest(user: "readers", attributes: Self.get("pods", ns: "a"))))
    }

    @Test func roleLookedUpInBindingNamespace() {
        let a = RBACAuthorizer(
            roles: [
                RBACRole(name: "reader", namespace: "a", rules: [Self.podReader]),
                RBACRole(name: "reader", namespace: "b", rules: [Self.secretReader]),
            ],
            roleBindings: [RoleBinding(name: "rb", namespace: "b", subjects: [.user("u")], roleRef: .role("reader"))]
        )
        #expect(a.allows(AccessRequest(user: "u", attributes: Self.get("secrets", ns: "b"))))
        #expect(!a.allows(AccessRequest(user: "u", attributes: Self.get("pods", ns: "b"))))
        #expect(!a.allows(AccessRequest(user: "u", attributes: Self.get("pods", ns: "a"))))
    }

    @Test func missingRoleGrantsNothing() {
        let a = RBACAuthorizer(
            roles: [RBACRole(name: "reader", namespace: "other", rules: [Self.podReader])],
            roleBindings: [
                RoleBinding(name: "to-missing-role", namespace: "a", subjects: [.user("u")], roleRef: .role("reader")),
                RoleBinding(name: "to-missing-cr", namespace: "a", subjects: [.user("u")], roleRef: .clusterRole("nope")),
                RoleBinding(name: "bad-kind", namespace: "a", subjects: [.user("u")], roleRef: RoleRef(kind: "Policy", name: "reader")),
            ],
            clusterRoleBindings: [
                // A ClusterRoleBinding cannot reference a Role.
                ClusterRoleBinding(name: "crb-to-role", subjects: [.user("u")], roleRef: .role("reader"))
            ]
        )
        let d = a.authorize(AccessRequest(user: "u", attributes: Self.get("pods", ns: "a")))
        #expect(!d.allowed)
        #expect(d.grants.isEmpty)
        #expect(d.unresolvedBindings.map(\.bindingName) == ["crb-to-role", "to-missing-role", "to-missing-cr", "bad-kind"])
        #expect(d.reason.contains("role.rbac.authorization.k8s.io \"reader\" not found"))
        let p = a.effectivePermissions(user: "u", groups: [])
        #expect(p.isEmpty)
        #expect(p.unresolvedBindings.count == 4)
    }

    @Test func nonResourceRequestsOnlyViaClusterRoleBindings() {
        let a = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "health", rules: [Self.healthz])],
            roleBindings: [RoleBinding(name: "rb", namespace: "a", subjects: [.user("ns-user")], roleRef: .clusterRole("health"))],
            clusterRoleBindings: [ClusterRoleBinding(name: "crb", subjects: [.user("cluster-user")], roleRef: .clusterRole("health"))]
        )
        #expect(a.allows(AccessRequest(user: "cluster-user", nonResource: .init(path: "/healthz", verb: "get"))))
        #expect(a.allows(AccessRequest(user: "cluster-user", nonResource: .init(path: "/api/v1", verb: "get"))))
        #expect(!a.allows(AccessRequest(user: "cluster-user", nonResource: .init(path: "/api", verb: "get"))))
        #expect(!a.allows(AccessRequest(user: "cluster-user", nonResource: .init(path: "/healthz", verb: "post"))))
        #expect(!a.allows(AccessRequest(user: "ns-user", nonResource: .init(path: "/healthz", verb: "get"))))
    }

    @Test func serviceAccountSubjects() {
        let a = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "pod-reader", rules: [Self.podReader])],
            roleBindings: [
                // No namespace: defaults to the binding's namespace.
                RoleBinding(
                    name: "rb",
                    namespace: "ci",
                    subjects: [Subject(kind: "ServiceAccount", name: "builder")],
                    roleRef: .clusterRole("pod-reader")
                )
            ],
            clusterRoleBindings: [
                // No namespace in a ClusterRoleBinding: matches nobody.
                ClusterRoleBinding(
                    name: "crb-nons",
                    subjects: [Subject(kind: "ServiceAccount", name: "builder")],
                    roleRef: .clusterRole("pod-reader")
                )
            ]
        )
        let builder = ServiceAccountIdentity(namespace: "ci", name: "builder")
        #expect(a.allows(builder.request(Self.get("pods", ns: "ci"))))
        #expect(!a.allows(builder.request(Self.get("pods", ns: "prod"))))
        #expect(!a.allows(builder.request(Self.get("pods"))))
        let other = ServiceAccountIdentity(namespace: "prod", name: "builder")
        #expect(!a.allows(other.request(Self.get("pods", ns: "ci"))))
        // Groups are taken exactly as given: the user name alone is enough here.
        #expect(a.allows(AccessRequest(user: "system:serviceaccount:ci:builder", attributes: Self.get("pods", ns: "ci"))))
    }

    @Test func implicitServiceAccountGroups() {
        let a = RBACAuthorizer(
            clusterRoles: [
                ClusterRole(name: "pod-reader", rules: [Self.podReader]),
                ClusterRole(name: "secret-reader", rules: [Self.secretReader]),
            ],
            roleBindings: [
                RoleBinding(
                    name: "ns-sas",
                    namespace: "ci",
                    subjects: [.group("system:serviceaccounts:ci")],
                    roleRef: .clusterRole("secret-reader")
                )
            ],
            clusterRoleBindings: [
                ClusterRoleBinding(
                    name: "all-sas",
                    subjects: [.group("system:serviceaccounts")],
                    roleRef: .clusterRole("pod-reader")
                )
            ]
        )
        let sa = ServiceAccountIdentity(namespace: "ci", name: "anything")
        #expect(sa.implicitGroups == ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"])
        #expect(a.allows(sa.request(Self.get("pods", ns: "x"))))
        #expect(a.allows(sa.request(Self.get("secrets", ns: "ci"))))
        #expect(!a.allows(sa.request(Self.get("secrets", ns: "x"))))
        // Without the implicit groups nothing applies.
        #expect(!a.allows(AccessRequest(user: sa.username, attributes: Self.get("pods", ns: "x"))))
    }

    @Test func serviceAccountIdentityParsing() {
        #expect(ServiceAccountIdentity.parse("system:serviceaccount:ns:name") == ServiceAccountIdentity(namespace: "ns", name: "name"))
        #expect(ServiceAccountIdentity.parse("system:serviceaccount:ns") == nil)
        #expect(ServiceAccountIdentity.parse("system:serviceaccount:ns:a:b") == nil)
        #expect(ServiceAccountIdentity.parse("system:serviceaccount::name") == nil)
        #expect(ServiceAccountIdentity.parse("alice") == nil)
        #expect(ServiceAccountIdentity(namespace: "ns", name: "name").username == "system:serviceaccount:ns:name")
    }

    @Test func resourceNames() {
        let rule = PolicyRule(verbs: ["get", "update", "list"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["cfg"])
        #expect(RuleMatching.ruleAllows(F.resource("get", "configmaps", namespace: "a", name: "cfg"), rule))
        #expect(!RuleMatching.ruleAllows(F.resource("get", "configmaps", namespace: "a", name: "other"), rule))
        // A request without a name (list, create, ...) never matches a rule with resourceNames.
        #expect(!RuleMatching.ruleAllows(F.resource("list", "configmaps", namespace: "a"), rule))
        // ...unless "" is listed: upstream compares literally.
        var withEmpty = rule
        withEmpty.resourceNames.append("")
        #expect(RuleMatching.ruleAllows(F.resource("list", "configmaps", namespace: "a"), withEmpty))
        // Empty resourceNames allows every name.
        let any = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"])
        #expect(RuleMatching.ruleAllows(F.resource("get", "configmaps", namespace: "a", name: "whatever"), any))
    }

    @Test func subresourceWildcards() {
        let star = PolicyRule(verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"])
        #expect(RuleMatching.ruleAllows(F.resource("get", group: "apps", "deployments", subresource: "scale"), star))
        #expect(!RuleMatching.ruleAllows(F.resource("get", group: "apps", "deployments"), star))
        #expect(!RuleMatching.ruleAllows(F.resource("get", group: "apps", "deployments", subresource: "status"), star))
        // "*/scale" must be exactly "*/" + subresource.
        #expect(!RuleMatching.ruleAllows(F.resource("get", "x", subresource: "ale"), star))
        let all = PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])
        #expect(RuleMatching.ruleAllows(F.resource("create", "pods", subresource: "exec"), all))
        let exact = PolicyRule(verbs: ["create"], apiGroups: [""], resources: ["pods/exec"])
        #expect(RuleMatching.ruleAllows(F.resource("create", "pods", subresource: "exec"), exact))
        #expect(!RuleMatching.ruleAllows(F.resource("create", "pods"), exact))
        // Resource names are compared byte-wise (no Unicode normalization).
        let nfc = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["caf\u{E9}"])
        #expect(!RuleMatching.ruleAllows(F.resource("get", "configmaps", name: "cafe\u{301}"), nfc))
        #expect(RuleMatching.ruleAllows(F.resource("get", "configmaps", name: "caf\u{E9}"), nfc))
    }

    @Test func collectsAllGrantsInUpstreamOrder() {
        let a = RBACAuthorizer(
            roles: [RBACRole(name: "r", namespace: "a", rules: [Self.secretReader, Self.podReader])],
            clusterRoles: [ClusterRole(name: "c", rules: [Self.podReader, PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])])],
            roleBindings: [RoleBinding(name: "rb", namespace: "a", subjects: [.group("g"), .user("u")], roleRef: .role("r"))],
            clusterRoleBindings: [ClusterRoleBinding(name: "crb", subjects: [.user("u")], roleRef: .clusterRole("c"))]
        )
        let d = a.authorize(AccessRequest(user: "u", groups: ["g"], attributes: Self.get("pods", ns: "a")))
        #expect(d.allowed)
        #expect(
            d.grants.map { "\($0.bindingKind.rawValue)/\($0.bindingName)#\($0.ruleIndex)" } == [
                "ClusterRoleBinding/crb#0", "ClusterRoleBinding/crb#1", "RoleBinding/rb#1",
            ]
        )
        // The first applying subject is reported (group listed before the user).
        #expect(d.grants[2].subject == .group("g"))
        #expect(d.reason.hasPrefix("RBAC: allowed by ClusterRoleBinding \"crb\" of ClusterRole \"c\""))
    }

    @Test func whoCan() {
        let a = RBACAuthorizer(
            roles: [RBACRole(name: "r", namespace: "a", rules: [Self.secretReader])],
            clusterRoles: [
                ClusterRole(name: "admin", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]),
                ClusterRole(name: "pods", rules: [Self.podReader]),
            ],
            roleBindings: [
                RoleBinding(
                    name: "rb",
                    namespace: "a",
                    subjects: [.user("alice"), Subject(kind: "ServiceAccount", name: "sa1"), .user("alice")],
                    roleRef: .role("r")
                ),
                RoleBinding(name: "rb-b", namespace: "b", subjects: [.user("carol")], roleRef: .role("r")),
            ],
            clusterRoleBindings: [
                ClusterRoleBinding(name: "admins", subjects: [.group("system:masters")], roleRef: .clusterRole("admin")),
                ClusterRoleBinding(name: "sa-pods", subjects: [.group("system:serviceaccounts")], roleRef: .clusterRole("pods")),
            ]
        )
        let who = a.whoCan(Self.get("secrets", ns: "a", name: "s"))
        #expect(who.map(\.subject) == [.user("alice"), .group("system:masters"), .serviceAccount(namespace: "a", name: "sa1")])
        #expect(who[0].grants.count == 1)
        #expect(who[0].grants[0].bindingName == "rb")

        // Cluster-scoped: only ClusterRoleBindings.
        #expect(a.whoCan(Self.get("secrets")).map(\.subject) == [.group("system:masters")])

        // With service accounts, group-derived access is reported per service account.
        let sas = [ServiceAccountIdentity(namespace: "a", name: "sa1"), ServiceAccountIdentity(namespace: "z", name: "other")]
        let podsWho = a.whoCan(Self.get("pods", ns: "q"), serviceAccounts: sas)
        #expect(
            podsWho.map(\.subject) == [
                .group("system:masters"), .group("system:serviceaccounts"),
                .serviceAccount(namespace: "a", name: "sa1"), .serviceAccount(namespace: "z", name: "other"),
            ]
        )
        #expect(podsWho[2].grants.first?.subject == .group("system:serviceaccounts"))

        let urlWho = a.whoCan(F.nonResource("get", "/healthz"))
        #expect(urlWho.isEmpty)  // the admin rule has no nonResourceURLs
    }

    @Test func effectivePermissionsGroupedByNamespace() {
        let a = RBACAuthorizer(
            roles: [
                RBACRole(name: "r", namespace: "zeta", rules: [Self.secretReader]),
                RBACRole(name: "r", namespace: "alpha", rules: [Self.podReader]),
            ],
            clusterRoles: [ClusterRole(name: "health", rules: [Self.healthz])],
            roleBindings: [
                RoleBinding(
                    name: "z",
                    namespace: "zeta",
                    subjects: [Subject(kind: "ServiceAccount", name: "bot", namespace: "home")],
                    roleRef: .role("r")
                ),
                RoleBinding(name: "a1", namespace: "alpha", subjects: [.group("system:serviceaccounts:home")], roleRef: .role("r")),
                RoleBinding(name: "a2", namespace: "alpha", subjects: [.group("system:authenticated")], roleRef: .clusterRole("health")),
                RoleBinding(name: "unrelated", namespace: "alpha", subjects: [.user("someone")], roleRef: .role("r")),
            ],
            clusterRoleBindings: [ClusterRoleBinding(name: "h", subjects: [.group("system:authenticated")], roleRef: .clusterRole("health"))]
        )
        let bot = ServiceAccountIdentity(namespace: "home", name: "bot")
        let p = a.effectivePermissions(of: bot)
        #expect(p.clusterWide.map(\.source.bindingName) == ["h"])
        #expect(p.namespaces.map(\.namespace) == ["alpha", "zeta"])
        #expect(p.namespaces[0].bindings.map(\.source.bindingName) == ["a1", "a2"])
        #expect(p.namespaces[1].bindings[0].rules == [Self.secretReader])
        #expect(p.grants.count == 4)
        #expect(p.grants(inNamespace: "zeta").map(\.rule) == [Self.healthz, Self.secretReader])
        #expect(p.allows(Self.get("secrets", ns: "zeta")))
        #expect(!p.allows(Self.get("secrets", ns: "alpha")))
        #expect(p.allows(F.nonResource("get", "/healthz")))

        let all = a.effectivePermissions(forServiceAccounts: [bot, ServiceAccountIdentity(namespace: "x", name: "y")], parallelism: 2)
        #expect(all.count == 2)
        #expect(all[0].permissions == p)
        #expect(all[1].permissions.clusterWide.count == 1)
        #expect(all[1].permissions.namespaces.map(\.namespace) == ["alpha"])

        // Same answers as authorize for a grid of requests.
        for ns in ["alpha", "zeta", "home", ""] {
            for res in ["pods", "secrets", "configmaps"] {
                let attrs = Self.get(res, ns: ns)
                #expect(p.allows(attrs) == a.allows(bot.request(attrs)), "\(res) in \(ns)")
            }
        }
    }

    @Test func largeSyntheticClusterIsConsistent() {
        // Many namespaces and service accounts; check all-SA permissions against authorize.
        var roles: [RBACRole] = []
        var rbs: [RoleBinding] = []
        var sas: [ServiceAccountIdentity] = []
        for n in 0..<50 {
            let ns = "ns\(n)"
            roles.append(RBACRole(name: "app", namespace: ns, rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["cm\(n % 7)"])]))
            for s in 0..<10 {
                sas.append(ServiceAccountIdentity(namespace: ns, name: "sa\(s)"))
                if s % 3 == 0 {
                    rbs.append(
                        RoleBinding(
                            name: "rb\(s)",
                            namespace: ns,
                            subjects: [.serviceAccount(namespace: ns, name: "sa\(s)")],
                            roleRef: .role("app")
                        )
                    )
                }
            }
            rbs.append(
                RoleBinding(
                    name: "cross",
                    namespace: ns,
                    subjects: [.serviceAccount(namespace: "ns\((n + 1) % 50)", name: "sa1")],
                    roleRef: .clusterRole("view")
                )
            )
        }
        let a = RBACAuthorizer(roles: roles, clusterRoles: [ClusterRole(name: "view", rules: [Self.podReader])], roleBindings: rbs)
        let all = a.effectivePermissions(forServiceAccounts: sas)
        #expect(all.count == sas.count)
        for (k, entry) in all.enumerated() where k % 7 == 0 {
            for n in stride(from: 0, to: 50, by: 5) {
                for res in ["pods", "cm\(n % 7)"] {
                    let attrs = Self.get(res, ns: "ns\(n)")
                    #expect(entry.permissions.allows(attrs) == a.allows(entry.serviceAccount.request(attrs)))
                }
            }
        }
    }
}
