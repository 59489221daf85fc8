import Testing

@testable import WardenCore

// Port of staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator_test.go.

@Suite("Covers (policy_comparator_test.go)")
struct CoversTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var owner: [PolicyRule]
        var servant: [PolicyRule]
        var covered: Bool
        var uncovered: [PolicyRule]
        var testDescription: String { name }
    }

    static func r(
        _ groups: [String] = [],
        _ verbs: [String],
        _ resources: [String] = [],
        names: [String] = [],
        urls: [String] = []
    ) -> PolicyRule {
        PolicyRule(verbs: verbs, apiGroups: groups, resources: resources, resourceNames: names, nonResourceURLs: urls)
    }

    static let cases: [Case] = [
        Case(
            name: "ExactMatch",
            owner: [r(["v1"], ["get"], ["builds"])],
            servant: [r(["v1"], ["get"], ["builds"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "SubresourceWildcard",
            owner: [r(["v1"], ["get"], ["*/scale"])],
            servant: [r(["v1"], ["get"], ["foo/scale"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "MultipleRulesCoveringSingleRule",
            owner: [
                r(["v1"], ["delete"], ["deployments"]), r(["v1"], ["delete"], ["builds"]),
                r(["v1"], ["update"], ["builds", "deployments"]),
            ],
            servant: [r(["v1"], ["delete", "update"], ["builds", "deployments"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "MultipleAPIGroupsCoveringSingleRule",
            owner: [
                r(["group1"], ["delete"], ["deployments"]), r(["group1"], ["delete"], ["builds"]),
                r(["group1"], ["update"], ["builds", "deployments"]), r(["group2"], ["delete"], ["deployments"]),
                r(["group2"], ["delete"], ["builds"]), r(["group2"], ["update"], ["builds", "deployments"]),
            ],
            servant: [r(["group1", "group2"], ["delete", "update"], ["builds", "deployments"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "SingleAPIGroupsCoveringMultiple",
            owner: [r(["group1", "group2"], ["delete", "update"], ["builds", "deployments"])],
            servant: [
                r(["group1"], ["delete"], ["deployments"]), r(["group1"], ["delete"], ["builds"]),
                r(["group1"], ["update"], ["builds", "deployments"]), r(["group2"], ["delete"], ["deployments"]),
                r(["group2"], ["delete"], ["builds"]), r(["group2"], ["update"], ["builds", "deployments"]),
            ],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "MultipleRulesMissingSingleVerbResourceCombination",
            owner: [r(["v1"], ["delete", "update"], ["builds", "deployments"]), r(["v1"], ["delete"], ["pods"])],
            servant: [r(["v1"], ["delete", "update"], ["builds", "deployments", "pods"])],
            covered: false,
            uncovered: [r(["v1"], ["update"], ["pods"])]
        ),
        Case(
            name: "APIGroupStarCoveringMultiple",
            owner: [r(["*"], ["get"], ["roles"])],
            servant: [r(["group1", "group2"], ["get"], ["roles"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "EnumerationNotCoveringAPIGroupStar",
            owner: [r(["dummy-group"], ["get"], ["roles"])],
            servant: [r(["*"], ["get"], ["roles"])],
            covered: false,
            uncovered: [r(["*"], ["get"], ["roles"])]
        ),
        Case(
            name: "APIGroupStarCoveringStar",
            owner: [r(["*"], ["get"], ["roles"])],
            servant: [r(["*"], ["get"], ["roles"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "VerbStarCoveringMultiple",
            owner: [r(["v1"], ["*"], ["roles"])],
            servant: [r(["v1"], ["watch", "list"], ["roles"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "EnumerationNotCoveringVerbStar",
            owner: [r(["v1"], ["get", "list", "watch", "create", "update", "delete", "exec"], ["roles"])],
            servant: [r(["v1"], ["*"], ["roles"])],
            covered: false,
            uncovered: [r(["v1"], ["*"], ["roles"])]
        ),
        Case(
            name: "VerbStarCoveringStar",
            owner: [r(["v1"], ["*"], ["roles"])],
            servant: [r(["v1"], ["*"], ["roles"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "ResourceStarCoveringMultiple",
            owner: [r(["v1"], ["get"], ["*"])],
            servant: [r(["v1"], ["get"], ["resourcegroup:deployments"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "EnumerationNotCoveringResourceStar",
            owner: [r(["v1"], ["get"], ["roles", "resourcegroup:deployments"])],
            servant: [r(["v1"], ["get"], ["*"])],
            covered: false,
            uncovered: [r(["v1"], ["get"], ["*"])]
        ),
        Case(
            name: "ResourceStarCoveringStar",
            owner: [r(["v1"], ["get"], ["*"])],
            servant: [r(["v1"], ["get"], ["*"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "ResourceNameEmptyCoveringMultiple",
            owner: [r(["v1"], ["get"], ["pods"], names: [])],
            servant: [r(["v1"], ["get"], ["pods"], names: ["foo", "bar"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "EnumerationNotCoveringResourceNameEmpty",
            owner: [r(["v1"], ["get"], ["pods"], names: ["foo", "bar"])],
            servant: [r(["v1"], ["get"], ["pods"], names: [])],
            covered: false,
            uncovered: [r(["v1"], ["get"], ["pods"])]
        ),
        Case(
            name: "NonResourceURLs",
            owner: [PolicyRule(verbs: ["*"], nonResourceURLs: ["/apis"])],
            servant: [PolicyRule(verbs: ["*"], nonResourceURLs: ["/apis"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "NonResourceURLsStar",
            owner: [PolicyRule(verbs: ["*"], nonResourceURLs: ["*"])],
            servant: [PolicyRule(verbs: ["*"], nonResourceURLs: ["/apis", "/apis/v1", "/"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "NonResourceURLsStarAfterPrefixDoesntCover",
            owner: [PolicyRule(verbs: ["*"], nonResourceURLs: ["/apis/*"])],
            servant: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis", "/apis/v1"])],
            covered: false,
            uncovered: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis"])]
        ),
        Case(
            name: "NonResourceURLsStarAfterPrefix",
            owner: [PolicyRule(verbs: ["*"], nonResourceURLs: ["/apis/*"])],
            servant: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis/v1/foo", "/apis/v1"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "NonResourceURLsWithOtherFields",
            owner: [PolicyRule(verbs: ["get"], apiGroups: ["v1"], resources: ["builds"], nonResourceURLs: ["/apis"])],
            servant: [PolicyRule(verbs: ["get"], apiGroups: ["v1"], resources: ["builds"], nonResourceURLs: ["/apis"])],
            covered: true,
            uncovered: []
        ),
        Case(
            name: "NonResourceURLsWithOtherFieldsFailure",
            owner: [PolicyRule(verbs: ["get"], apiGroups: ["v1"], resources: ["builds"])],
            servant: [PolicyRule(verbs: ["get"], apiGroups: ["v1"], resources: ["builds"], nonResourceURLs: ["/apis"])],
            covered: false,
            uncovered: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis"])]
        ),
    ]

    @Test(arguments: cases)
    func covers(_ c: Case) {
        let (covered, uncovered) = RuleCoverage.covers(ownerRules: c.owner, servantRules: c.servant)
        #expect(covered == c.covered)
        #expect(Set(uncovered) == Set(c.uncovered))
        #expect(uncovered.count == c.uncovered.count)
    }

    @Test(arguments: [
        ("*", "", true), ("*", "/", true), ("*", "/api", true), ("/*", "", false), ("/*", "/", true),
        ("/*", "/foo", true), ("/api", "/api", true), ("/apis", "/api", false), ("/api/v1", "/api", false),
        ("/api/v1", "/api/v1", true), ("/api/*", "/api/v1", true), ("/api/*", "/api", false),
        ("/api/*/*", "/api/v1", false), ("/*/v1/*", "/api/v1", false),
    ])
    func nonResourceURLCovers(owner: String, requested: String, want: Bool) {
        #expect(RuleCoverage.nonResourceURLCovers(owner: owner, requested: requested) == want)
    }

    @Test func singleServantRuleHelper() {
        let live = [PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["pods", "pods/log"])]
        let baseline = PolicyRule(verbs: ["get", "list"], apiGroups: [""], resources: ["pods"])
        // The broader live rule covers the baseline (drift: "excess").
        #expect(RuleCoverage.covers(ownerRules: live, servantRule: baseline))
        #expect(!RuleCoverage.covers(ownerRules: [baseline], servantRule: live[0]))
        #expect(RuleCoverage.breakdown(live[0]).count == 2)
    }
}
