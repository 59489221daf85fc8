import Foundation
import Testing

@testable import WardenCore

@Suite("RBAC guardrails")
struct RBACGuardrailTests {
    static let agent = AgentIdentity(namespace: "agents", serviceAccount: "coder")

    static func ids(_ rules: [PolicyRule], namespace: String = "agents", serviceAccounts: [String: [String]] = [:]) -> Set<String> {
        Set(
            RBACGuardrails.check(
                baseline: [BaselineGrant(namespace: namespace, rules: rules)],
                agent: agent,
                serviceAccounts: serviceAccounts
            ).map(\.ruleID)
        )
    }

    static func rule(_ verbs: [String], _ groups: [String], _ resources: [String], names: [String] = []) -> PolicyRule {
        PolicyRule(verbs: verbs, apiGroups: groups, resources: resources, resourceNames: names)
    }

    /// (rule id, a rule that triggers it, a near miss that does not, namespace where it applies)
    static let cases: [(String, PolicyRule, PolicyRule, String)] = [
        ("WDN-RBAC-003", rule(["*"], ["*"], ["*"]), rule(["get"], [""], ["pods"]), "*"),
        ("WDN-RBAC-010", rule(["list"], [""], ["secrets"]), rule(["list"], [""], ["configmaps"]), "agents"),
        ("WDN-RBAC-011", rule(["get"], [""], ["secrets"], names: ["token"]), rule(["create"], [""], ["secrets"], names: ["token"]), "agents"),
        ("WDN-RBAC-012", rule(["deletecollection"], ["apps"], ["deployments"]), rule(["update"], ["apps"], ["deployments"]), "agents"),
        ("WDN-RBAC-013", rule(["get"], ["*"], ["pods"]), rule(["get"], [""], ["pods"]), "agents"),
        ("WDN-RBAC-014", rule(["escalate"], [rbacGroupName], ["roles"]), rule(["escalate"], [""], ["roles"]), "agents"),
        ("WDN-RBAC-015", rule(["bind"], [rbacGroupName], ["clusterroles"]), rule(["bind"], [rbacGroupName], ["rolebindings"]), "agents"),
        ("WDN-RBAC-016", rule(["impersonate"], [""], ["serviceaccounts"]), rule(["get"], [""], ["serviceaccounts"]), "agents"),
        ("WDN-RBAC-017", rule(["create"], [""], ["*/exec"]), rule(["create"], [""], ["pods/log"]), "agents"),
        ("WDN-RBAC-018", rule(["create"], [""], ["pods/portforward"]), rule(["list"], [""], ["pods/portforward"]), "agents"),
        ("WDN-RBAC-019", rule(["patch"], [""], ["pods/ephemeralcontainers"]), rule(["get"], [""], ["pods/ephemeralcontainers"]), "agents"),
        ("WDN-RBAC-020", rule(["get"], [""], ["nodes/proxy"]), rule(["get"], [""], ["nodes/stats"]), "*"),
        ("WDN-RBAC-021", rule(["create"], [""], ["serviceaccounts/token"]), rule(["get"], [""], ["serviceaccounts"]), "agents"),
        (
            "WDN-RBAC-022", rule(["approve"], ["certificates.k8s.io"], ["signers"]),
            rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests"]), "*"
        ),
        (
            "WDN-RBAC-023", rule(["patch"], ["admissionregistration.k8s.io"], ["mutatingwebhookconfigurations"]),
            rule(["list"], ["admissionregistration.k8s.io"], ["mutatingwebhookconfigurations"]), "*"
        ),
        ("WDN-RBAC-024", rule(["create"], [""], ["persistentvolumes"]), rule(["create"], [""], ["persistentvolumeclaims"]), "*"),
        ("WDN-RBAC-025", rule(["update"], [rbacGroupName], ["rolebindings"]), rule(["get"], [rbacGroupName], ["rolebindings"]), "agents"),
        ("WDN-RBAC-026", rule(["create"], ["batch"], ["cronjobs"]), rule(["get"], ["batch"], ["cronjobs"]), "agents"),
        ("WDN-RBAC-027", rule(["patch"], [""], ["namespaces"]), rule(["get"], [""], ["namespaces"]), "agents"),
        ("WDN-RBAC-028", rule(["patch"], [""], ["nodes"]), rule(["get"], [""], ["nodes"]), "*"),
        ("WDN-RBAC-029", rule(["delete"], ["events.k8s.io"], ["events"]), rule(["create"], ["events.k8s.io"], ["events"]), "agents"),
    ]

    @Test(arguments: cases.map(\.0))
    func failsAndPasses(_ id: String) {
        let c = Self.cases.first { $0.0 == id }!
        #expect(Self.ids([c.1], namespace: c.3).contains(id), "\(id) should fire for \(c.1)")
        #expect(!Self.ids([c.2], namespace: c.3).contains(id), "\(id) should not fire for \(c.2)")
    }

    @Test func clusterWideBaselineGrant() {
        let f = RBACGuardrails.check(
            baseline: [BaselineGrant(namespace: "agents", rules: []), BaselineGrant(namespace: "*", rules: [])],
            agent: Self.agent
        )
        #expect(f.map(\.ruleID) == ["WDN-RBAC-001"])
        #expect(f[0].ruleLocation?.grantIndex == 1)
        #expect(RBACGuardrails.check(baseline: [BaselineGrant(namespace: "agents", rules: [])]).isEmpty)
    }

    @Test func clusterScopedResourcesNeedClusterWideGrants() {
        // A RoleBinding cannot grant nodes, PersistentVolumes or webhook configurations.
        #expect(!Self.ids([Self.rule(["create"], [""], ["persistentvolumes"])], namespace: "agents").contains("WDN-RBAC-024"))
        #expect(!Self.ids([Self.rule(["get"], [""], ["nodes/proxy"])], namespace: "agents").contains("WDN-RBAC-020"))
    }

    @Test func secretsNamedAndWildcards() {
        // `*` verbs count; resourceNames make the narrower finding.
        #expect(Self.ids([Self.rule(["*"], [""], ["secrets"])]) == ["WDN-RBAC-010", "WDN-RBAC-012", "WDN-RBAC-013"])
        let named = RBACGuardrails.check(baseline: [
            BaselineGrant(namespace: "agents", rules: [Self.rule(["get"], [""], ["secrets"], names: ["a", "b"])])
        ])
        #expect(named.map(\.ruleID) == ["WDN-RBAC-011"])
        #expect(named[0].severity == .medium)
        #expect(named[0].message.contains("named a, b"))
        #expect(named[0].ruleLocation == RuleLocation(grantIndex: 0, ruleIndex: 0))
    }

    @Test func workloadCreationListsServiceAccounts() {
        let f = RBACGuardrails.check(
            baseline: [BaselineGrant(namespace: "agents", rules: [Self.rule(["patch"], ["apps"], ["statefulsets"])])],
            agent: Self.agent,
            serviceAccounts: ["agents": ["coder", "deployer"], "other": ["x"]]
        )
        #expect(f.map(\.ruleID) == ["WDN-RBAC-026"])
        #expect(f[0].serviceAccounts == ["coder", "default", "deployer"])
        let wide = RBACGuardrails.check(
            baseline: [BaselineGrant(namespace: "*", rules: [Self.rule(["create"], [""], ["pods"])])],
            serviceAccounts: ["agents": ["coder"]]
        )
        #expect(wide.first { $0.ruleID == "WDN-RBAC-026" }?.serviceAccounts == ["agents/coder", "agents/default"])
    }

    @Test func liveGrantsFromASnapshot() throws {
        let yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get]}
            - {apiGroups: [""], resources: [secrets], verbs: [list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: coder-reader}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
            subjects: [{kind: ServiceAccount, name: coder, namespace: agents}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: coder-admin, namespace: agents}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: ServiceAccount, name: coder}]
            """
        let snapshot = try Snapshot(parsing: yaml)
        let perms = snapshot.makeAuthorizer().effectivePermissions(of: Self.agent.identity)
        let f = RBACGuardrails.check(permissions: perms, agent: Self.agent)
        #expect(Set(f.map(\.ruleID)) == ["WDN-RBAC-001", "WDN-RBAC-002", "WDN-RBAC-003", "WDN-RBAC-010"])
        let secrets = try #require(f.first { $0.ruleID == "WDN-RBAC-010" })
        #expect(secrets.object == FindingObject(kind: "ClusterRole", name: "reader"))
        #expect(secrets.field == "/rules/1")
        #expect(secrets.ruleLocation?.bindingName == "coder-reader")
        #expect(secrets.message.contains("every namespace"))
        let admin = try #require(f.first { $0.ruleID == "WDN-RBAC-003" })
        #expect(admin.object == FindingObject(kind: "RoleBinding", namespace: "agents", name: "coder-admin"))

        // The same through the manifest entry point (agent inferred), plus the unresolved role.
        let report = try GuardrailCheck.run(manifests: Array(yaml.utf8))
        #expect(report.agents == [Self.agent])
        #expect(report.ruleIDs.contains("WDN-RBAC-010"))
    }

    @Test func unboundRolesAreCheckedWithoutAnAgent() throws {
        let yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: lonely, namespace: agents}
            rules:
            - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
            """
        let report = try GuardrailCheck.run(manifests: Array(yaml.utf8))
        #expect(report.ruleIDs == ["WDN-RBAC-017"])
        #expect(report.findings[0].object == FindingObject(kind: "Role", namespace: "agents", name: "lonely"))
        #expect(report.findings[0].agent == nil)
        #expect(report.findings[0].line == 1)
    }

    @Test func baselineInsteadOfManifestRBAC() throws {
        let grants = [BaselineGrant(namespace: "ai-agents", rules: [Self.rule(["get"], [""], ["pods"])])]
        let report = try GuardrailCheck.run(files: GuardrailFixtures.files(), agent: GuardrailFixtures.agent, grants: grants)
        #expect(!report.ruleIDs.contains("WDN-RBAC-026"))
        // pods/log is no longer granted, so the audit policy covers everything.
        #expect(!report.ruleIDs.contains("WDN-AUD-001"))
    }
}
