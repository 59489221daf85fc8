import Testing

@testable import WardenCore

@Suite("ClusterRole aggregation and label selectors")
struct AggregationTests {
    static let podsGet = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"])
    static let secretsGet = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["secrets"])
    static let nodesList = PolicyRule(verbs: ["list"], apiGroups: [""], resources: ["nodes"])
    static let deploysAll = PolicyRule(verbs: ["*"], apiGroups: ["apps"], resources: ["deployments"])

    static func selector(_ labels: [String: String] = [:], _ exprs: [LabelSelectorRequirement] = []) -> AggregationRule {
        AggregationRule(clusterRoleSelectors: [LabelSelector(matchLabels: labels, matchExpressions: exprs)])
    }

    @Test func transitiveAggregationLikeAdminEditView() {
        let roles = [
            ClusterRole(name: "admin", rules: [], aggregationRule: Self.selector(["to-admin": "true"])),
            ClusterRole(name: "edit", labels: ["to-admin": "true"], rules: [], aggregationRule: Self.selector(["to-edit": "true"])),
            ClusterRole(name: "view", labels: ["to-edit": "true"], rules: [], aggregationRule: Self.selector(["to-view": "true"])),
            ClusterRole(name: "agg-view", labels: ["to-view": "true"], rules: [Self.podsGet]),
            ClusterRole(name: "agg-edit", labels: ["to-edit": "true"], rules: [Self.secretsGet]),
            ClusterRole(name: "agg-admin", labels: ["to-admin": "true"], rules: [Self.deploysAll]),
        ]
        let agg = ClusterRoleAggregator(roles)
        #expect(agg.effectiveRules(of: "view") == [Self.podsGet])
        #expect(Set(agg.effectiveRules(of: "edit")!) == [Self.podsGet, Self.secretsGet])
        #expect(Set(agg.effectiveRules(of: "admin")!) == [Self.podsGet, Self.secretsGet, Self.deploysAll])
        // Deterministic order: selected roles sorted by name, depth first ("agg-admin" < "edit").
        #expect(agg.effectiveRules(of: "admin") == [Self.deploysAll, Self.secretsGet, Self.podsGet])
        #expect(agg.effectiveRules(of: "agg-view") == [Self.podsGet])
    }

    @Test func ownRulesKeptAndDeduplicated() {
        // Live kubectl output: the aggregated role already carries the aggregated rules.
        let roles = [
            ClusterRole(name: "view", rules: [Self.podsGet], aggregationRule: Self.selector(["to-view": "true"])),
            ClusterRole(name: "a", labels: ["to-view": "true"], rules: [Self.podsGet, Self.nodesList]),
            ClusterRole(name: "b", labels: ["to-view": "true"], rules: [Self.nodesList]),
        ]
        #expect(ClusterRoleAggregator(roles).effectiveRules(of: "view") == [Self.podsGet, Self.nodesList])
    }

    @Test func nonAggregatedRulesAreUntouched() {
        let dup = ClusterRole(name: "dup", rules: [Self.podsGet, Self.podsGet])
        #expect(ClusterRoleAggregator([dup]).effectiveRules[0] == [Self.podsGet, Self.podsGet])
    }

    @Test func cyclesTerminateAndShareRules() {
        let roles = [
            ClusterRole(name: "x", labels: ["ring": "y"], rules: [Self.podsGet], aggregationRule: Self.selector(["ring": "x"])),
            ClusterRole(name: "y", labels: ["ring": "x"], rules: [Self.secretsGet], aggregationRule: Self.selector(["ring": "y"])),
            ClusterRole(name: "self", labels: ["me": "yes"], rules: [Self.nodesList], aggregationRule: Self.selector(["me": "yes"])),
        ]
        let agg = ClusterRoleAggregator(roles)
        #expect(agg.effectiveRules(of: "x") == [Self.podsGet, Self.secretsGet])
        #expect(agg.effectiveRules(of: "y") == [Self.secretsGet, Self.podsGet])
        // A role never aggregates itself.
        #expect(agg.effectiveRules(of: "self") == [Self.nodesList])
        #expect(agg.aggregatedFrom[2].isEmpty)
    }

    @Test func matchExpressions() {
        let labels = ["tier": "gold", "team": "a"]
        func req(_ key: String, _ op: LabelSelectorRequirement.Operator, _ values: [String] = []) -> LabelSelector {
            LabelSelector(matchExpressions: [LabelSelectorRequirement(key: key, operator: op, values: values)])
        }
        #expect(req("tier", .in, ["gold", "silver"]).matches(labels))
        #expect(!req("tier", .in, ["bronze"]).matches(labels))
        #expect(!req("missing", .in, ["x"]).matches(labels))
        #expect(req("tier", .notIn, ["bronze"]).matches(labels))
        #expect(!req("tier", .notIn, ["gold"]).matches(labels))
        #expect(req("missing", .notIn, ["x"]).matches(labels))  // absent label satisfies NotIn
        #expect(req("team", .exists).matches(labels))
        #expect(!req("missing", .exists).matches(labels))
        #expect(req("missing", .doesNotExist).matches(labels))
        #expect(!req("team", .doesNotExist).matches(labels))
        // Invalid selectors select nothing (upstream LabelSelectorAsSelector errors).
        #expect(!req("tier", .in, []).matches(labels))
        #expect(!req("team", .exists, ["a"]).matches(labels))
        #expect(!LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "team", operator: "Matches", values: ["a"])]).matches(labels))
        // Empty selector matches everything; matchLabels and expressions are ANDed.
        #expect(LabelSelector().matches(labels))
        #expect(LabelSelector(matchLabels: ["team": "a"], matchExpressions: [.init(key: "tier", operator: .in, values: ["gold"])]).matches(labels))
        #expect(!LabelSelector(matchLabels: ["team": "b"], matchExpressions: [.init(key: "tier", operator: .in, values: ["gold"])]).matches(labels))
    }

    @Test func aggregationWithExpressionsAndMultipleSelectors() {
        let roles = [
            ClusterRole(
                name: "monitoring",
                rules: [],
                aggregationRule: AggregationRule(clusterRoleSelectors: [
                    LabelSelector(matchExpressions: [.init(key: "monitoring", operator: .exists)]),
                    LabelSelector(matchLabels: ["extra": "yes"], matchExpressions: [.init(key: "env", operator: .notIn, values: ["prod"])]),
                ])
            ),
            ClusterRole(name: "m1", labels: ["monitoring": ""], rules: [Self.podsGet]),
            ClusterRole(name: "m2", labels: ["extra": "yes", "env": "prod"], rules: [Self.secretsGet]),
            ClusterRole(name: "m3", labels: ["extra": "yes"], rules: [Self.nodesList]),
        ]
        #expect(ClusterRoleAggregator(roles).effectiveRules(of: "monitoring") == [Self.podsGet, Self.nodesList])
    }

    @Test func emptySelectorSelectsEveryOtherRole() {
        let roles = [
            ClusterRole(name: "all", rules: [], aggregationRule: AggregationRule(clusterRoleSelectors: [LabelSelector()])),
            ClusterRole(name: "a", rules: [Self.podsGet]),
            ClusterRole(name: "b", rules: [Self.secretsGet]),
        ]
        #expect(ClusterRoleAggregator(roles).effectiveRules(of: "all") == [Self.podsGet, Self.secretsGet])
    }

    @Test func authorizerUsesAggregatedRules() {
        let roles = [
            ClusterRole(name: "view", rules: [], aggregationRule: Self.selector(["to-view": "true"])),
            ClusterRole(name: "extra", labels: ["to-view": "true"], rules: [Self.podsGet]),
        ]
        let a = RBACAuthorizer(
            clusterRoles: roles,
            roleBindings: [
                RoleBinding(name: "rb", namespace: "ns", subjects: [.user("u")], roleRef: .clusterRole("view"))
            ]
        )
        let d = a.authorize(AccessRequest(user: "u", resource: .init(namespace: "ns", verb: "get", resource: "pods")))
        #expect(d.allowed)
        #expect(d.grants.first?.ruleIndex == 0)
        #expect(d.grants.first?.roleName == "view")
    }
}
