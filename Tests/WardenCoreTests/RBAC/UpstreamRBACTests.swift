import Testing

@testable import WardenCore

// Ports of plugin/pkg/auth/authorizer/rbac/rbac_test.go and pkg/registry/rbac/validation/rule_test.go.

@Suite("Upstream rbac_test.go")
struct UpstreamAuthorizerTests {
    typealias F = RBACFixtures

    struct Attr {
        var user: String
        var groups: String
        var verb: String
        var resource: String
        var subresource: String
        var namespace: String
        var apiGroup: String

        init(
            _ user: String,
            _ groups: String,
            _ verb: String,
            _ resource: String,
            _ subresource: String,
            _ namespace: String,
            _ apiGroup: String
        ) {
            (self.user, self.groups, self.verb, self.resource, self.subresource, self.namespace, self.apiGroup) =
                (user, groups, verb, resource, subresource, namespace, apiGroup)
        }

        /// Upstream `defaultAttributes`: groups split on "," (so "" is one empty group).
        var request: AccessRequest {
            AccessRequest(
                user: user,
                groups: groups.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
                resource: ResourceAttributes(
                    namespace: namespace,
                    verb: verb,
                    group: apiGroup,
                    resource: resource,
                    subresource: subresource
                )
            )
        }
    }

    @Test func clusterRoleBoundInNamespace() {
        let a = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "admin", rules: [F.rule("*", "*", "*", "*")])],
            roleBindings: [F.roleBinding("ns1", "admin", toClusterRole: true, "User:admin", "Group:admins")]
        )
        let pass = [
            Attr("admin", "", "get", "Pods", "", "ns1", ""),
            Attr("admin", "", "watch", "Pods", "", "ns1", ""),
            Attr("admin", "group1", "watch", "Foobar", "", "ns1", ""),
            Attr("joe", "admins", "watch", "Foobar", "", "ns1", ""),
            Attr("joe", "group1,admins", "watch", "Foobar", "", "ns1", ""),
        ]
        let fail = [
            Attr("admin", "", "GET", "Pods", "", "ns2", ""),
            Attr("admin", "", "GET", "Nodes", "", "", ""),
            Attr("admin", "admins", "GET", "Pods", "", "ns2", ""),
            Attr("admin", "admins", "GET", "Nodes", "", "", ""),
        ]
        for p in pass { #expect(a.authorize(p.request).allowed, "\(p)") }
        for f in fail { #expect(!a.authorize(f.request).allowed, "\(f)") }
    }

    @Test func nonResourceURLs() {
        let a = RBACAuthorizer(
            clusterRoles: [
                ClusterRole(name: "non-resource-url-getter", rules: [F.rule("get", "", "", "/apis")]),
                ClusterRole(name: "non-resource-url", rules: [F.rule("*", "", "", "/apis")]),
                ClusterRole(name: "non-resource-url-prefix", rules: [F.rule("get", "", "", "/apis/*")]),
            ],
            clusterRoleBindings: [
                F.clusterRoleBinding("non-resource-url-getter", "User:foo", "Group:bar"),
                F.clusterRoleBinding("non-resource-url", "User:admin", "Group:admin"),
                F.clusterRoleBinding("non-resource-url-prefix", "User:prefixed", "Group:prefixed"),
            ]
        )
        func req(user: String = "", groups: [String] = [], _ verb: String, _ path: String) -> AccessRequest {
            AccessRequest(user: user, groups: groups, nonResource: NonResourceAttributes(path: path, verb: verb))
        }
        let pass = [
            req(user: "foo", "get", "/apis"), req(groups: ["bar"], "get", "/apis"),
            req(user: "admin", "get", "/apis"), req(groups: ["admin"], "get", "/apis"),
            req(user: "admin", "watch", "/apis"), req(groups: ["admin"], "watch", "/apis"),
            req(user: "prefixed", "get", "/apis/v1"), req(groups: ["prefixed"], "get", "/apis/v1"),
            req(user: "prefixed", "get", "/apis/v1/foobar"), req(groups: ["prefixed"], "get", "/apis/v1/foorbar"),
        ]
        let fail = [
            req(user: "foo", "watch", "/apis"), req(groups: ["bar"], "watch", "/apis"),
            req(user: "foo", "get", "/api/v1"), req(groups: ["bar"], "get", "/api/v1"),
            req(user: "admin", "get", "/api/v1"), req(groups: ["admin"], "get", "/api/v1"),
            req(user: "prefixed", "get", "/api/v1"), req(groups: ["prefixed"], "get", "/api/v1"),
        ]
        for p in pass { #expect(a.authorize(p).allowed, "\(p)") }
        for f in fail { #expect(!a.authorize(f).allowed, "\(f)") }
    }

    @Test func subresourceResolution() {
        let a = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "admin", rules: [F.rule("*", "*", "pods", "*")])],
            roleBindings: [F.roleBinding("ns1", "admin", toClusterRole: true, "User:admin", "Group:admins")]
        )
        #expect(a.authorize(Attr("admin", "", "get", "pods", "", "ns1", "").request).allowed)
        #expect(!a.authorize(Attr("admin", "", "get", "pods", "status", "ns1", "").request).allowed)

        let b = RBACAuthorizer(
            clusterRoles: [ClusterRole(name: "admin", rules: [F.rule("*", "*", "pods/status", "*")])],
            roleBindings: [F.roleBinding("ns1", "admin", toClusterRole: true, "User:admin", "Group:admins")]
        )
        #expect(b.authorize(Attr("admin", "", "get", "pods", "status", "ns1", "").request).allowed)
        #expect(!b.authorize(Attr("admin", "", "get", "pods", "", "ns1", "").request).allowed)
    }

    struct RuleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var rule: PolicyRule
        var expectations: [(RequestAttributes, Bool)]
        var testDescription: String { name }
    }

    static func res(_ verb: String, _ group: String, _ resource: String, sub: String = "") -> RequestAttributes {
        RBACFixtures.resource(verb, group: group, resource, subresource: sub)
    }

    static func url(_ verb: String, _ path: String) -> RequestAttributes { RBACFixtures.nonResource(verb, path) }

    static let ruleCases: [RuleCase] = [
        RuleCase(
            name: "star verb, exact match other",
            rule: PolicyRule(verbs: ["*"], apiGroups: ["group1"], resources: ["resource1"]),
            expectations: [
                (res("verb1", "group1", "resource1"), true), (res("verb1", "group2", "resource1"), false),
                (res("verb1", "group1", "resource2"), false), (res("verb1", "group2", "resource2"), false),
                (res("verb2", "group1", "resource1"), true), (res("verb2", "group2", "resource1"), false),
                (res("verb2", "group1", "resource2"), false), (res("verb2", "group2", "resource2"), false),
            ]
        ),
        RuleCase(
            name: "star group, exact match other",
            rule: PolicyRule(verbs: ["verb1"], apiGroups: ["*"], resources: ["resource1"]),
            expectations: [
                (res("verb1", "group1", "resource1"), true), (res("verb1", "group2", "resource1"), true),
                (res("verb1", "group1", "resource2"), false), (res("verb1", "group2", "resource2"), false),
                (res("verb2", "group1", "resource1"), false), (res("verb2", "group2", "resource1"), false),
                (res("verb2", "group1", "resource2"), false), (res("verb2", "group2", "resource2"), false),
            ]
        ),
        RuleCase(
            name: "star resource, exact match other",
            rule: PolicyRule(verbs: ["verb1"], apiGroups: ["group1"], resources: ["*"]),
            expectations: [
                (res("verb1", "group1", "resource1"), true), (res("verb1", "group2", "resource1"), false),
                (res("verb1", "group1", "resource2"), true), (res("verb1", "group2", "resource2"), false),
                (res("verb2", "group1", "resource1"), false), (res("verb2", "group2", "resource1"), false),
                (res("verb2", "group1", "resource2"), false), (res("verb2", "group2", "resource2"), false),
            ]
        ),
        RuleCase(
            name: "tuple expansion",
            rule: PolicyRule(verbs: ["verb1", "verb2"], apiGroups: ["group1", "group2"], resources: ["resource1", "resource2"]),
            expectations: [
                (res("verb1", "group1", "resource1"), true), (res("verb1", "group2", "resource1"), true),
                (res("verb1", "group1", "resource2"), true), (res("verb1", "group2", "resource2"), true),
                (res("verb2", "group1", "resource1"), true), (res("verb2", "group2", "resource1"), true),
                (res("verb2", "group1", "resource2"), true), (res("verb2", "group2", "resource2"), true),
            ]
        ),
        RuleCase(
            name: "subresource expansion",
            rule: PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["resource1/subresource1"]),
            expectations: [
                (res("verb1", "group1", "resource1", sub: "subresource1"), true),
                (res("verb1", "group2", "resource1", sub: "subresource2"), false),
                (res("verb1", "group1", "resource2", sub: "subresource1"), false),
                (res("verb1", "group2", "resource2", sub: "subresource1"), false),
                (res("verb2", "group1", "resource1", sub: "subresource1"), true),
                (res("verb2", "group2", "resource1", sub: "subresource2"), false),
                (res("verb2", "group1", "resource2", sub: "subresource1"), false),
                (res("verb2", "group2", "resource2", sub: "subresource1"), false),
            ]
        ),
        RuleCase(
            name: "star nonresource, exact match other",
            rule: PolicyRule(verbs: ["verb1"], nonResourceURLs: ["*"]),
            expectations: [
                (url("verb1", "/foo"), true), (url("verb1", "/foo/bar"), true), (url("verb1", "/foo/baz"), true),
                (url("verb1", "/foo/bar/one"), true), (url("verb1", "/foo/baz/one"), true),
                (url("verb2", "/foo"), false), (url("verb2", "/foo/bar"), false), (url("verb2", "/foo/baz"), false),
                (url("verb2", "/foo/bar/one"), false), (url("verb2", "/foo/baz/one"), false),
            ]
        ),
        RuleCase(
            name: "star nonresource subpath",
            rule: PolicyRule(verbs: ["verb1"], nonResourceURLs: ["/foo/*"]),
            expectations: [
                (url("verb1", "/foo"), false), (url("verb1", "/foo/bar"), true), (url("verb1", "/foo/baz"), true),
                (url("verb1", "/foo/bar/one"), true), (url("verb1", "/foo/baz/one"), true),
                (url("verb1", "/notfoo"), false), (url("verb1", "/notfoo/bar"), false),
                (url("verb1", "/notfoo/baz"), false), (url("verb1", "/notfoo/bar/one"), false),
                (url("verb1", "/notfoo/baz/one"), false),
            ]
        ),
        RuleCase(
            name: "star verb, exact nonresource",
            rule: PolicyRule(verbs: ["*"], nonResourceURLs: ["/foo", "/foo/bar/one"]),
            expectations: [
                (url("verb1", "/foo"), true), (url("verb1", "/foo/bar"), false), (url("verb1", "/foo/baz"), false),
                (url("verb1", "/foo/bar/one"), true), (url("verb1", "/foo/baz/one"), false),
                (url("verb2", "/foo"), true), (url("verb2", "/foo/bar"), false), (url("verb2", "/foo/baz"), false),
                (url("verb2", "/foo/bar/one"), true), (url("verb2", "/foo/baz/one"), false),
            ]
        ),
    ]

    @Test(arguments: ruleCases)
    func ruleMatches(_ c: RuleCase) {
        for (request, expected) in c.expectations {
            #expect(RuleMatching.ruleAllows(request, c.rule) == expected, "\(c.name): \(request)")
        }
    }
}

@Suite("Upstream rule_test.go")
struct UpstreamRuleResolverTests {
    static let readPods = PolicyRule(verbs: ["GET", "WATCH"], apiGroups: ["v1"], resources: ["pods"])
    static let readServices = PolicyRule(verbs: ["GET", "WATCH"], apiGroups: ["v1"], resources: ["services"])
    static let writeNodes = PolicyRule(verbs: ["PUT", "CREATE", "UPDATE"], apiGroups: ["v1"], resources: ["nodes"])
    static let admin = PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])

    static let authorizer = RBACAuthorizer(
        roles: [RBACRole(name: "readthings", namespace: "namespace1", rules: [readPods, readServices])],
        clusterRoles: [ClusterRole(name: "cluster-admin", rules: [admin]), ClusterRole(name: "write-nodes", rules: [writeNodes])],
        roleBindings: [
            RoleBinding(
                name: "",
                namespace: "namespace1",
                subjects: [.init(kind: "User", name: "foobar"), .init(kind: "Group", name: "group1")],
                roleRef: .role("readthings")
            )
        ],
        clusterRoleBindings: [
            ClusterRoleBinding(
                name: "",
                subjects: [.init(kind: "User", name: "admin"), .init(kind: "Group", name: "admin")],
                roleRef: .clusterRole("cluster-admin")
            )
        ]
    )

    @Test func defaultRuleResolver() {
        let a = Self.authorizer
        #expect(Set(a.rules(user: "foobar", groups: [], namespace: "namespace1").map(\.rule)) == [Self.readPods, Self.readServices])
        #expect(a.rules(user: "foobar", groups: [], namespace: "namespace2").isEmpty)
        // Without a namespace only cluster rules apply.
        #expect(a.rules(user: "foobar", groups: ["admin"], namespace: "").map(\.rule) == [Self.admin])
        #expect(a.rules(user: "", groups: [], namespace: "").isEmpty)
    }

    struct AppliesCase: Sendable, CustomTestStringConvertible {
        var subjects: [Subject]
        var user: String
        var groups: [String] = []
        var namespace: String = ""
        var applies: Bool
        var name: String
        var testDescription: String { name }
    }

    static let appliesCases: [AppliesCase] = [
        AppliesCase(
            subjects: [.init(kind: "User", name: "foobar")],
            user: "foobar",
            applies: true,
            name: "single subject that matches username"
        ),
        AppliesCase(
            subjects: [.init(kind: "User", name: "barfoo"), .init(kind: "User", name: "foobar")],
            user: "foobar",
            applies: true,
            name: "multiple subjects, one that matches username"
        ),
        AppliesCase(
            subjects: [.init(kind: "User", name: "barfoo"), .init(kind: "User", name: "foobar")],
            user: "zimzam",
            applies: false,
            name: "multiple subjects, none that match username"
        ),
        AppliesCase(
            subjects: [.init(kind: "User", name: "barfoo"), .init(kind: "Group", name: "foobar")],
            user: "zimzam",
            groups: ["foobar"],
            applies: true,
            name: "multiple subjects, one that match group"
        ),
        AppliesCase(
            subjects: [.init(kind: "User", name: "barfoo"), .init(kind: "Group", name: "foobar")],
            user: "zimzam",
            groups: ["foobar"],
            namespace: "namespace1",
            applies: true,
            name: "multiple subjects, one that match group, should ignore namespace"
        ),
        AppliesCase(
            subjects: [
                .init(kind: "User", name: "barfoo"), .init(kind: "Group", name: "foobar"),
                .init(kind: "ServiceAccount", name: "default", namespace: "kube-system"),
            ],
            user: "system:serviceaccount:kube-system:default",
            namespace: "default",
            applies: true,
            name: "multiple subjects with a service account that matches"
        ),
        AppliesCase(
            subjects: [.init(kind: "User", name: "*")],
            user: "foobar",
            namespace: "default",
            applies: false,
            name: "* user subject name doesn't match all users"
        ),
        AppliesCase(
            subjects: [.init(kind: "Group", name: "system:authenticated"), .init(kind: "Group", name: "system:unauthenticated")],
            user: "foobar",
            groups: ["system:authenticated"],
            namespace: "default",
            applies: true,
            name: "binding to all authenticated and unauthenticated subjects matches authenticated user"
        ),
        AppliesCase(
            subjects: [.init(kind: "Group", name: "system:authenticated"), .init(kind: "Group", name: "system:unauthenticated")],
            user: "system:anonymous",
            groups: ["system:unauthenticated"],
            namespace: "default",
            applies: true,
            name: "binding to all authenticated and unauthenticated subjects matches anonymous user"
        ),
    ]

    @Test(arguments: appliesCases)
    func appliesTo(_ c: AppliesCase) {
        let got = RuleMatching.firstApplyingSubject(c.subjects, user: c.user, groups: c.groups, bindingNamespace: c.namespace) != nil
        #expect(got == c.applies)
    }

    @Test func serviceAccountSubjectNamespaceDefaulting() {
        let sa = Subject(kind: "ServiceAccount", name: "builder")
        // RoleBinding: defaults to the binding's namespace.
        #expect(RuleMatching.subjectApplies(sa, user: "system:serviceaccount:ci:builder", groups: [], bindingNamespace: "ci"))
        #expect(!RuleMatching.subjectApplies(sa, user: "system:serviceaccount:other:builder", groups: [], bindingNamespace: "ci"))
        // ClusterRoleBinding (no namespace): never matches.
        #expect(!RuleMatching.subjectApplies(sa, user: "system:serviceaccount::builder", groups: [], bindingNamespace: ""))
        // Explicit namespace wins over the binding's.
        let explicit = Subject(kind: "ServiceAccount", name: "builder", namespace: "other")
        #expect(RuleMatching.subjectApplies(explicit, user: "system:serviceaccount:other:builder", groups: [], bindingNamespace: "ci"))
        // Unknown kinds and wrong case never match.
        #expect(!RuleMatching.subjectApplies(Subject(kind: "user", name: "bob"), user: "bob", groups: [], bindingNamespace: ""))
        #expect(!RuleMatching.subjectApplies(Subject(kind: "Robot", name: "bob"), user: "bob", groups: [], bindingNamespace: ""))
    }

    @Test func matchesServiceAccountUsername() {
        #expect(RuleMatching.matchesServiceAccountUsername(namespace: "ns", name: "sa", username: "system:serviceaccount:ns:sa"))
        #expect(!RuleMatching.matchesServiceAccountUsername(namespace: "ns", name: "sa", username: "system:serviceaccount:ns:sa2"))
        #expect(!RuleMatching.matchesServiceAccountUsername(namespace: "ns", name: "sa", username: "system:serviceaccount:ns2:sa"))
        #expect(!RuleMatching.matchesServiceAccountUsername(namespace: "ns", name: "sa", username: "system:serviceaccounts:ns:sa"))
        #expect(!RuleMatching.matchesServiceAccountUsername(namespace: "ns", name: "sa", username: "ns:sa"))
    }
}
