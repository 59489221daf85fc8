import Foundation
import Testing

@testable import WardenCore

@Suite("Attestation reports")
struct AttestationBuilderTests {
    typealias F = AttestationFixtures

    @Test func cleanSnapshotWithMatchingBaselineIsCompliant() throws {
        let r = try F.report(F.cleanYAML)
        #expect(r.verdict.status == .compliant)
        #expect(r.verdict.reasons.isEmpty)
        #expect(r.allFindings.isEmpty, "\(r.allFindings.map { "\($0.id) \($0.message)" })")
        let a = try #require(r.agents.first)
        #expect(a.verdict == .compliant)
        #expect(a.serviceAccountPresent)
        #expect(a.baseline.status == .approved && a.baseline.version == 3)
        #expect(a.drift.compared && a.drift.matches)
        #expect(a.permissions.count == 1)
        #expect(a.permissions[0].bindingName == "coding-agent-binding" && a.permissions[0].scope == F.namespace)
        // The subject as it applies (the binding's namespace filled in), not as written.
        #expect(a.permissions[0].subject == .serviceAccount(namespace: F.namespace, name: F.serviceAccount))
        #expect(a.exposure.scopes.isEmpty)
        #expect(r.clusterFindings.shadowAgents.isEmpty)  // default without bindings is ignored
        #expect(r.summary.agents == 1 && r.summary.compliantAgents == 1)
    }

    @Test func driftingSnapshotReportsEachProblemWithItsSeverity() throws {
        let r = try F.report(F.cleanYAML + F.driftYAML)
        #expect(r.verdict.status == .nonCompliant)
        let a = try #require(r.agents.first)
        #expect(a.verdict == .nonCompliant)

        // The extra RoleBinding: excess (high), and the guardrail on what it grants.
        let excess = r.findings("DRIFT-001")
        let extra = try #require(excess.first { $0.object == FindingObject(kind: "RoleBinding", namespace: F.namespace, name: "extra-secrets") })
        #expect(extra.severity == .high && !extra.excepted)
        #expect(extra.message.contains("get secrets"))
        #expect(extra.location?.roleName == "secret-reader")
        #expect(r.findings("WDN-RBAC-010").contains { $0.location?.bindingName == "extra-secrets" && $0.severity == .high })

        // The ClusterRoleBinding through the group system:serviceaccounts.
        let group = try #require(excess.first { $0.object == FindingObject(kind: "ClusterRoleBinding", name: "all-serviceaccounts-read-nodes") })
        #expect(group.severity == .high)
        #expect(group.message.contains("through Group system:serviceaccounts"))
        let perm = try #require(a.permissions.first { $0.bindingName == "all-serviceaccounts-read-nodes" })
        #expect(perm.scope == "*" && perm.throughGroup && perm.subject == .group("system:serviceaccounts"))
        let groupExcess = try #require(a.drift.excess.first { $0.bindingName == "all-serviceaccounts-read-nodes" })
        #expect(groupExcess.scope == "*")
        #expect(
            Set(groupExcess.uncovered) == [
                PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes"]),
                PolicyRule(verbs: ["list"], apiGroups: [""], resources: ["nodes"]),
            ]
        )
        #expect(r.findings("WDN-RBAC-001").contains { $0.object?.name == "all-serviceaccounts-read-nodes" && $0.severity == .high })

        // The aggregated ClusterRole that quietly gained secrets: its own configmaps rule is excess
        // too (not approved), and the aggregated "list secrets" is reported as such.
        let aggregated = a.drift.excess.filter { $0.bindingName == "agent-reader-binding" }
        #expect(aggregated.map(\.ruleIndex).sorted() == [0, 1])
        #expect(aggregated.contains { $0.uncovered == [PolicyRule(verbs: ["list"], apiGroups: [""], resources: ["secrets"])] })
        #expect(r.findings("WDN-RBAC-010").contains { $0.location?.roleName == "agent-reader" && $0.field == nil })

        // The pod without the restricted profile.
        let rogue = FindingObject(kind: "Pod", namespace: F.namespace, name: "rogue")
        func pod(_ id: String) -> AttestationFinding? { r.findings(id).first { $0.object == rogue } }
        #expect(pod("WDN-POD-001")?.severity == .high)
        #expect(pod("WDN-POD-003")?.severity == .high)
        #expect(pod("WDN-POD-004")?.severity == .medium)
        #expect(pod("WDN-POD-006")?.severity == .medium)
        #expect(pod("WDN-POD-012")?.severity == .medium)
        #expect(pod("WDN-POD-001")?.field == "/spec/containers/0/securityContext/runAsNonRoot")

        // The missing NetworkPolicy (nothing selects app: rogue).
        let net = try #require(pod("WDN-NET-001"))
        #expect(net.severity == .high && net.message.contains("agent-network-policy"))

        // Unregistered ServiceAccounts: both hold permissions (one through its own binding, one only
        // through the group binding), so both are high; default (no binding names it) is ignored.
        let shadows = r.clusterFindings.shadowAgents
        #expect(shadows.map(\.name) == ["idle-bot", "shadow-bot"])
        #expect(shadows.map(\.reason) == ["namespace-holds-agents", "namespace-holds-agents"])
        let shadowFindings = r.findings("ATT-007")
        #expect(shadowFindings.first { $0.object?.name == "shadow-bot" }?.severity == .high)
        #expect(shadowFindings.first { $0.object?.name == "idle-bot" }?.severity == .high)
        #expect(shadowFindings.first { $0.object?.name == "idle-bot" }?.message.contains("ClusterRoleBinding all-serviceaccounts-read-nodes") == true)
        #expect(shadowFindings.allSatisfy { $0.agentID == nil })

        // The verdict names its reasons with their ids.
        let ids = Set(r.verdict.reasons.flatMap(\.findingIDs))
        #expect(ids.isSuperset(of: ["DRIFT-001", "WDN-POD-001", "WDN-NET-001", "ATT-007", "WDN-RBAC-010"]))
        #expect(r.verdict.reasons.first?.text.contains("high") == true)
        #expect(r.verdict.reasons.allSatisfy { !$0.fingerprints.isEmpty })
        // Worst first in every list.
        for w in [a.findings, r.clusterFindings.findings] {
            #expect(zip(w, w.dropFirst()).allSatisfy { $0.severity >= $1.severity })
        }
        #expect(r.summary.byAgent.first?.findings == a.summary)
        #expect(r.summary.findings.total == a.findings.count + r.clusterFindings.findings.count)
    }

    @Test func broaderLiveRuleIsExcessNotEqual() throws {
        let yaml = F.cleanYAML.replacingOccurrences(of: "verbs: [\"get\", \"list\", \"watch\"]", with: "verbs: [\"*\"]")
        let r = try F.report(yaml)
        let a = try #require(r.agents.first)
        #expect(!a.drift.matches)
        #expect(a.drift.excess.count == 1)
        let x = a.drift.excess[0]
        #expect(x.rule == PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["pods", "pods/log"]))
        // Broken down as Covers does: one part per (group, resource, verb); the approved verbs do not cover "*".
        #expect(
            x.uncovered == [
                PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["pods"]),
                PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["pods/log"]),
            ]
        )
        #expect(a.drift.missing.isEmpty)  // "*" covers get, list, watch
        #expect(r.verdict.status == .nonCompliant)

        // The other way round, a narrower live rule is covered.
        let wide = F.baseline([
            BaselineGrant(namespace: F.namespace, rules: [PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["pods", "pods/log"])])
        ])
        let r2 = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: wide)])
        #expect(r2.agents[0].drift.excess.isEmpty)

        // resourceNames: an approved rule limited to names does not cover the unlimited live rule.
        let named = F.baseline([
            BaselineGrant(
                namespace: F.namespace,
                rules: [
                    PolicyRule(verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "pods/log"], resourceNames: ["coding-agent"])
                ]
            )
        ])
        let r3 = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: named)])
        #expect(r3.agents[0].drift.excess.first?.uncovered.count == 6)
    }

    @Test func baselineScopes() throws {
        // A grant for another namespace covers nothing here; "*" covers every namespace.
        let elsewhere = F.baseline([BaselineGrant(namespace: "other", rules: F.approvedGrants[0].rules)])
        let r1 = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: elsewhere)])
        #expect(r1.agents[0].drift.excess.count == 1)
        #expect(r1.agents[0].drift.missing.count == 1)
        #expect(r1.agents[0].drift.missing[0].scope == "other")
        let everywhere = F.baseline([BaselineGrant(namespace: "*", rules: F.approvedGrants[0].rules)])
        let r2 = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: everywhere)])
        #expect(r2.agents[0].drift.excess.isEmpty)
        // ... but a "*" baseline grant needs a cluster-wide live grant: the RoleBinding does not satisfy it.
        #expect(r2.agents[0].drift.missing.count == 1)

        // A cluster-wide live grant needs "*": a namespace grant of the same rules does not cover it.
        let crb =
            F.cleanYAML + """

                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: pod-reader}
                rules: [{apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: coder-everywhere}
                subjects: [{kind: ServiceAccount, name: coding-agent, namespace: ai-agents}]
                roleRef: {kind: ClusterRole, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
                """
        let r3 = try F.report(crb)
        let x = try #require(r3.agents[0].drift.excess.first)
        #expect(x.scope == "*" && x.bindingName == "coder-everywhere" && x.uncovered.count == 6)
    }

    @Test func missingApprovedPermission() throws {
        var grants = F.approvedGrants
        grants[0].rules.append(PolicyRule(verbs: ["create", "get"], apiGroups: ["apps"], resources: ["deployments"]))
        let r = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: F.baseline(grants))])
        let a = try #require(r.agents.first)
        #expect(a.drift.excess.isEmpty)
        #expect(a.drift.missing.count == 1)
        #expect(a.drift.missing[0].grantIndex == 0 && a.drift.missing[0].ruleIndex == 1)
        #expect(
            a.drift.missing[0].missing == [
                PolicyRule(verbs: ["create"], apiGroups: ["apps"], resources: ["deployments"]),
                PolicyRule(verbs: ["get"], apiGroups: ["apps"], resources: ["deployments"]),
            ]
        )
        let f = try #require(r.findings("DRIFT-002").first)
        #expect(f.severity == .low)
        #expect(f.message.contains("create deployments.apps"))
        // Low: reported, but the verdict stands.
        #expect(r.verdict.status == .compliant)
    }

    @Test func platformDefaultsAreNotDrift() throws {
        // The bootstrap policy grants every ServiceAccount discovery and self reviews.
        var s = try F.snapshot(F.cleanYAML)
        let bootstrap = try SnapshotFixtureFiles.bootstrapSnapshot()
        s.rbac.merge(bootstrap.rbac)
        let r = AttestationBuilder.build(F.input(s, agents: [F.agentInput()]))
        let a = try #require(r.agents.first)
        #expect(a.permissions.contains { $0.bindingName == "system:discovery" && $0.subject == .group("system:authenticated") })
        #expect(a.permissions.contains { $0.bindingName == "system:service-account-issuer-discovery" })
        #expect(a.drift.excess.isEmpty, "\(a.drift.excess)")
        #expect(a.verdict == .compliant)
        // The cluster as a whole: system:masters holds cluster-admin, at info.
        #expect(r.verdict.status == .compliant)
        #expect(r.findings("ATT-008").map(\.severity) == [.info])
    }

    @Test func clusterAdminEquivalentsAgainstTheBootstrapPolicy() throws {
        var s = try SnapshotFixtureFiles.bootstrapSnapshot()
        s.rbac.clusterRoles += [
            ClusterRole(
                name: "super",
                rules: [
                    PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
                    PolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
                ]
            ),
            ClusterRole(name: "almost", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]),
        ]
        s.rbac.clusterRoleBindings += [
            ClusterRoleBinding(name: "mallory-super", subjects: [.user("mallory")], roleRef: .clusterRole("super")),
            ClusterRoleBinding(name: "almost-admin", subjects: [.user("eve")], roleRef: .clusterRole("almost")),
            ClusterRoleBinding(
                name: "ci-admin",
                subjects: [.serviceAccount(namespace: "ci", name: "deployer")],
                roleRef: .clusterRole("cluster-admin")
            ),
        ]
        let r = AttestationBuilder.build(F.input(s, agents: []))
        #expect(r.clusterFindings.clusterAdminRoles == ["cluster-admin", "super"])
        let f = r.findings("ATT-008")
        #expect(f.count == 3)
        let masters = try #require(f.first { $0.message.contains("system:masters") })
        #expect(masters.severity == .info)
        #expect(masters.object == FindingObject(kind: "ClusterRoleBinding", name: "cluster-admin"))
        #expect(r.clusterFindings.clusterAdminBindings.first { $0.subject == .group("system:masters") }?.builtIn == true)
        #expect(f.first { $0.object?.name == "mallory-super" }?.severity == .critical)
        #expect(f.first { $0.object?.name == "ci-admin" }?.severity == .critical)
        #expect(!f.contains { $0.object?.name == "almost-admin" })
        #expect(r.verdict.status == .nonCompliant)
        #expect(r.verdict.reasons.first?.findingIDs == ["ATT-008"])

        // Only the built-in holder: compliant.
        let builtIn = AttestationBuilder.build(F.input(try SnapshotFixtureFiles.bootstrapSnapshot(), agents: []))
        #expect(builtIn.verdict.status == .compliant)
        #expect(builtIn.findings("ATT-008").count == 1)
    }

    @Test func exceptionsMarkFindingsAndChangeTheVerdict() throws {
        let yaml =
            F.cleanYAML + """

                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: helper, namespace: ai-agents, labels: {app: coding-agent}}
                spec:
                  serviceAccountName: coding-agent
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: main
                    image: registry.example.com/helper@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}}
                    resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: "1", memory: 1Gi}}
                """
        let without = try F.report(yaml)
        #expect(without.verdict.status == .nonCompliant)
        #expect(without.allFindings.map(\.id) == ["WDN-POD-012"])

        let exception = GuardrailException(
            id: 41,
            ruleID: "WDN-POD-012",
            objectScope: "Pod/ai-agents/helper",
            justification: "writes its cache to the root filesystem",
            expiresAt: F.later
        )
        let with = try F.report(yaml, agents: [F.agentInput(exceptions: [exception])])
        let f = try #require(with.allFindings.first)
        #expect(f.excepted && f.exceptionID == 41)
        #expect(with.verdict.status == .compliant)
        #expect(with.summary.findings.excepted == 1 && with.summary.findings.medium == 0)
        #expect(f.fingerprint == without.allFindings[0].fingerprint)

        // Expired or out of scope: not applied.
        let expired = GuardrailException(id: 42, ruleID: "WDN-POD-012", justification: "old", expiresAt: F.now.addingTimeInterval(-1))
        let other = GuardrailException(
            id: 43,
            ruleID: "WDN-POD-012",
            objectScope: "Pod/ai-agents/someone-else",
            justification: "x",
            expiresAt: F.later
        )
        let r = try F.report(yaml, agents: [F.agentInput(exceptions: [expired, other])])
        #expect(r.verdict.status == .nonCompliant && !r.allFindings[0].excepted)

        // Attestation findings cannot be excepted.
        let overdue = GuardrailException(id: 44, ruleID: "ATT-002", justification: "x", expiresAt: F.later)
        let r2 = try F.report(F.cleanYAML, agents: [F.agentInput(exceptions: [overdue], review: .overdue)])
        #expect(r2.findings("ATT-002").map(\.excepted) == [false])
        #expect(r2.verdict.status == .nonCompliant)
    }

    @Test func agentStandingFindings() throws {
        // No approved baseline (a proposed one does not count).
        let proposed = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: F.baseline(status: .proposed))])
        #expect(proposed.findings("ATT-001").map(\.severity) == [.high])
        #expect(proposed.agents[0].baseline.status == .missing && !proposed.agents[0].drift.compared)
        #expect(proposed.verdict.status == .nonCompliant)
        let none = try F.report(F.cleanYAML, agents: [F.agentInput(baseline: nil)])
        #expect(none.findings("ATT-001").count == 1 && none.verdict.status == .nonCompliant)

        // Reviews.
        #expect(try F.report(F.cleanYAML, agents: [F.agentInput(review: .overdue)]).findings("ATT-002").map(\.severity) == [.high])
        let due = try F.report(F.cleanYAML, agents: [F.agentInput(review: .due)])
        #expect(due.findings("ATT-003").map(\.severity) == [.low] && due.verdict.status == .compliant)
        #expect(try F.report(F.cleanYAML, agents: [F.agentInput(review: .notScheduled)]).findings("ATT-004").map(\.severity) == [.low])

        // Suspended but still live: high; suspended and inert: info.
        let suspended = try F.report(F.cleanYAML, agents: [F.agentInput(F.agent(status: .suspended))])
        #expect(suspended.findings("ATT-005").map(\.severity) == [.high])
        #expect(suspended.verdict.status == .nonCompliant)
        let inert = F.cleanYAML.replacingOccurrences(of: "subjects: [{kind: ServiceAccount, name: coding-agent}]", with: "subjects: []")
            .replacingOccurrences(of: "serviceAccountName: coding-agent", with: "serviceAccountName: other")
        let r = try F.report(inert, agents: [F.agentInput(F.agent(status: .suspended), baseline: F.baseline([]))])
        #expect(r.findings("ATT-005").map(\.severity) == [.info])

        // ServiceAccount missing from the snapshot (its bindings remain).
        let gone = try F.report(
            F.cleanYAML.replacingOccurrences(
                of: "metadata: {name: coding-agent, namespace: ai-agents}\n",
                with: "metadata: {name: renamed, namespace: ai-agents}\n"
            )
        )
        #expect(!gone.agents[0].serviceAccountPresent)
        #expect(gone.findings("ATT-006").map(\.severity) == [.high])
        #expect(gone.findings("ATT-006")[0].message.contains("bindings still grant"))
        #expect(gone.clusterFindings.missingServiceAccounts == ["ai-agents/coding-agent"])
        #expect(gone.clusterFindings.shadowAgents.map(\.name) == ["renamed"])
    }

    @Test func shadowAgentsByLabel() throws {
        let yaml =
            F.cleanYAML + """

                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: tagged, namespace: elsewhere, labels: {warden.dev/agent: "true"}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: bots, labels: {warden.dev/agent: "yes"}}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: bot, namespace: bots}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: bots}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: default-can-read, namespace: bots}
                subjects: [{kind: ServiceAccount, name: default}]
                roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: unrelated, namespace: elsewhere}
                """
        let r = try F.report(yaml)
        let shadows = r.clusterFindings.shadowAgents
        #expect(
            shadows.map { "\($0.namespace)/\($0.name) \($0.reason)" } == [
                "bots/bot namespace-labelled", "bots/default namespace-labelled", "elsewhere/tagged labelled",
            ]
        )
        // default is reported because a binding names it (its role is missing, so it holds nothing).
        #expect(shadows.first { $0.name == "default" }?.hasPermissions == false)
        // Without permissions: medium.
        #expect(r.findings("ATT-007").map(\.severity) == [.medium, .medium, .medium])
        #expect(r.verdict.status == .nonCompliant)
    }

    @Test func transitiveExposure() throws {
        let yaml =
            F.cleanYAML.replacingOccurrences(
                of: "verbs: [\"get\", \"list\", \"watch\"]",
                with: """
                    verbs: ["get", "list", "watch"]
                    - apiGroups: ["apps"]
                      resources: ["deployments"]
                      verbs: ["create", "update", "patch"]
                    """
            ) + """

                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: deployer, namespace: ai-agents}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: secrets-admin, namespace: ai-agents}
                rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: deployer-secrets, namespace: ai-agents}
                subjects: [{kind: ServiceAccount, name: deployer}]
                roleRef: {kind: Role, name: secrets-admin, apiGroup: rbac.authorization.k8s.io}
                """
        var grants = F.approvedGrants
        grants[0].rules.append(PolicyRule(verbs: ["create", "update", "patch"], apiGroups: ["apps"], resources: ["deployments"]))
        let r = try F.report(yaml, agents: [F.agentInput(baseline: F.baseline(grants))])
        let a = try #require(r.agents.first)
        #expect(a.drift.matches)
        let scope = try #require(a.exposure.scopes.first)
        #expect(a.exposure.scopes.count == 1)
        #expect(scope.scope == F.namespace)
        #expect(scope.serviceAccounts == ["coding-agent", "default", "deployer"])
        #expect(scope.grants.map(\.resources) == [["deployments"]])
        #expect(scope.grants[0].bindingName == "coding-agent-binding" && scope.grants[0].ruleIndex == 1)
        #expect(scope.withPermissions == 2)
        #expect(scope.escalations == ["ai-agents/deployer"] && scope.escalationCount == 1)
        let summary = try #require(r.serviceAccounts.first { $0.serviceAccount == "ai-agents/deployer" })
        #expect(summary.capabilities == ["WDN-RBAC-010@ai-agents"])
        #expect(
            summary.rules == [ScopedRules(scope: F.namespace, rules: [PolicyRule(verbs: ["get", "list"], apiGroups: [""], resources: ["secrets"])])]
        )
        // Findings: the guardrail (reused) and the escalation.
        let workload = try #require(r.findings("WDN-RBAC-026").first)
        #expect(workload.serviceAccounts == ["coding-agent", "default", "deployer"])
        let escalation = try #require(r.findings("ATT-009").first)
        #expect(escalation.severity == .high)
        #expect(escalation.message.contains("ai-agents/deployer (WDN-RBAC-010@ai-agents)"))
        #expect(escalation.object == FindingObject(kind: "Namespace", name: F.namespace))
    }

    @Test func guardrailsMatchGuardrailCheckOnThePlaybook() throws {
        let names = [
            "01-namespace.yaml", "02-serviceaccount.yaml", "03-role.yaml", "04-rolebinding.yaml",
            "05-pod.yaml", "06-networkpolicy.yaml", "07-audit-policy.yaml",
        ]
        let files = try names.map { ManifestFile(uri: $0, bytes: try F.fixtureBytes($0)) }
        let parsed = try GuardrailInput.parse(files)
        let agent = AgentIdentity(namespace: "ai-agents", serviceAccount: "coding-agent")
        let expected = GuardrailCheck.run(input: parsed, agent: agent, expectations: .default, grants: nil).findings
        let authorizer = parsed.snapshot.makeAuthorizer()
        let index = AttestationIndex(
            snapshot: parsed.snapshot,
            extraAuditPolicies: parsed.auditPolicies.map(\.body),
            agentLabelKey: "warden.dev/agent"
        )
        let mine = AttestationGuardrails.run(
            agent: agent,
            permissions: authorizer.effectivePermissions(of: agent.identity),
            index: index,
            expectations: .default,
            aggregatedClusterRoles: []
        ).findings
        func key(_ f: Finding) -> String { "\(f.ruleID)|\(f.object?.scope ?? "")|\(f.field ?? "")|\(f.message)|\(f.severity)" }
        #expect(Set(mine.map(key)) == Set(expected.map(key)))
        #expect(Set(mine.map(\.ruleID)) == ["WDN-AUD-001", "WDN-NET-001", "WDN-NS-002", "WDN-POD-017", "WDN-RBAC-026"])

        // Through the builder: the same five, plus the attestation's own.
        let r = AttestationBuilder.build(
            F.input(
                parsed.snapshot,
                agents: [F.agentInput(baseline: nil)],
                auditPolicies: parsed.auditPolicies.map(\.body)
            )
        )
        #expect(Set(r.allFindings.map(\.id)) == ["WDN-AUD-001", "WDN-NET-001", "WDN-NS-002", "WDN-POD-017", "WDN-RBAC-026", "ATT-001"])
    }

    @Test func deterministicCanonicalJSONAndRoundTrip() throws {
        let input = F.input(try F.snapshot(F.cleanYAML + F.driftYAML), agents: [F.agentInput()])
        let a = AttestationBuilder.build(input)
        let b = AttestationBuilder.build(input)
        let bytes = try a.canonicalJSON()
        #expect(bytes == (try b.canonicalJSON()))
        #expect(try a.digest() == b.digest())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"generatedAt\":\"2026-11-18T"))
        #expect(text.hasPrefix("{\"agents\":"))
        // The piecewise encoding is exactly CanonicalJSON's, also with awkward strings.
        #expect(bytes == (try CanonicalJSON.encode(a)))
        #expect(try a.digest() == CanonicalJSON.digest(a))
        var odd = a
        odd.cluster = "pr\"od\\/\u{1}\u{7f}\n\u{2028}é😀"
        odd.agents[0].agent.owner = "<o'hara & \"co\">\t"
        odd.agents.append(odd.agents[0])
        odd.serviceAccounts.append(ServiceAccountSummary(serviceAccount: "a/b\u{0}", bindings: 1, rules: [], capabilities: []))
        #expect(try odd.canonicalJSON() == CanonicalJSON.encode(odd))
        let empty = AttestationBuilder.build(F.input(try F.snapshot(F.cleanYAML), agents: []))
        #expect(try empty.canonicalJSON() == CanonicalJSON.encode(empty))
        let decoded = try AttestationReport.decode(bytes)
        #expect(decoded == a)
        #expect(try decoded.canonicalJSON() == bytes)
        // Fingerprints are unique within a report.
        let fps = a.allFindings.map(\.fingerprint)
        #expect(Set(fps).count == fps.count)
    }

    @Test func reusesAGivenAuthorizerAndManyAgents() throws {
        let s = try F.snapshot(F.cleanYAML + F.driftYAML)
        let authorizer = s.makeAuthorizer()
        var agents = [F.agentInput()]
        for i in 2...40 {
            agents.append(F.agentInput(F.agent(id: Int64(i), name: "bot-\(i)", serviceAccount: "bot-\(i)"), baseline: nil))
        }
        var input = F.input(s, agents: agents.reversed())
        input.authorizer = authorizer
        let r = AttestationBuilder.build(input)
        #expect(r.agents.map(\.agent.id) == Array(1...40))
        #expect(r.agents.dropFirst().allSatisfy { !$0.serviceAccountPresent && $0.verdict == .nonCompliant })
        var serial = input
        serial.options.parallelism = 1
        #expect(AttestationBuilder.build(serial) == r)
    }
}
