import Foundation
import Testing

@testable import WardenCore

enum GuardrailFixtures {
    static let playbookFiles = [
        "01-namespace.yaml", "02-serviceaccount.yaml", "03-role.yaml", "04-rolebinding.yaml",
        "05-pod.yaml", "06-networkpolicy.yaml", "07-audit-policy.yaml",
    ]

    static func files(_ names: [String] = playbookFiles) throws -> [ManifestFile] {
        try names.map { ManifestFile(uri: $0, bytes: try SnapshotFixtureFiles.bytes($0)) }
    }

    /// All playbook examples as one multi-document YAML stream.
    static func combined(_ names: [String] = playbookFiles) throws -> [UInt8] {
        var out: [UInt8] = []
        for name in names {
            out += Array("---\n".utf8)
            out += try SnapshotFixtureFiles.bytes(name)
            out += Array("\n".utf8)
        }
        return out
    }

    static let agent = AgentIdentity(namespace: "ai-agents", serviceAccount: "coding-agent")
}

@Suite("Guardrails on the playbook's examples")
struct PlaybookGuardrailTests {
    /// What the playbook gets wrong: the Role may create and update deployments (so the agent can run
    /// pods as any ServiceAccount in ai-agents); the image is a mutable tag; there is no ResourceQuota;
    /// the pod has no labels, so the NetworkPolicy (app: coding-agent) does not select it; the audit
    /// policy's "pods" does not cover the pods/log subresource the agent may read.
    static let expected = ["WDN-AUD-001", "WDN-NET-001", "WDN-NS-002", "WDN-POD-017", "WDN-RBAC-026"]

    @Test func exactFindingsForTheAgent() throws {
        let report = try GuardrailCheck.run(files: GuardrailFixtures.files(), agent: GuardrailFixtures.agent)
        #expect(report.ruleIDs == Self.expected, "\(report.findings.map(\.description))")
        #expect(report.findings.count == 5)

        let workload = try #require(report.findings.first { $0.ruleID == "WDN-RBAC-026" })
        #expect(workload.serviceAccounts == ["coding-agent", "default"])
        #expect(workload.object == FindingObject(kind: "Role", namespace: "ai-agents", name: "coding-agent-role"))
        #expect(workload.field == "/rules/1")
        #expect(workload.ruleLocation?.ruleIndex == 1)
        #expect(workload.ruleLocation?.bindingName == "coding-agent-binding")
        #expect(workload.file == "03-role.yaml")
        #expect(workload.line == 2)
        #expect(workload.severity == .high)

        let image = try #require(report.findings.first { $0.ruleID == "WDN-POD-017" })
        #expect(image.field == "/spec/containers/0/image")
        #expect(image.file == "05-pod.yaml")

        let net = try #require(report.findings.first { $0.ruleID == "WDN-NET-001" })
        #expect(net.object == FindingObject(kind: "Pod", namespace: "ai-agents", name: "coding-agent"))
        #expect(net.message.contains("agent-network-policy"))

        let audit = try #require(report.findings.first { $0.ruleID == "WDN-AUD-001" })
        #expect(audit.message.contains("pods/log"))
        #expect(!audit.message.contains("deployments"))
        #expect(audit.field == "/rules")
        #expect(audit.file == "07-audit-policy.yaml")

        #expect(report.failing(atOrAbove: .high).map(\.ruleID).sorted() == ["WDN-AUD-001", "WDN-NET-001", "WDN-RBAC-026"])
        #expect(report.summary.high == 3 && report.summary.medium == 1 && report.summary.low == 1)
    }

    @Test func inferredAgentGivesTheSameFindings() throws {
        let report = try GuardrailCheck.run(manifests: GuardrailFixtures.combined())
        #expect(report.agents == [GuardrailFixtures.agent])
        #expect(report.ruleIDs == Self.expected, "\(report.findings.map(\.description))")
        #expect(report.findings.allSatisfy { $0.file == nil })
    }

    @Test func labelledPodWithQuotaAndFullAuditOnlyKeepsTheDeploymentFinding() throws {
        var text = String(decoding: try GuardrailFixtures.combined(), as: UTF8.self)
        text = text.replacingOccurrences(
            of: "  name: coding-agent\n  namespace: ai-agents\nspec:\n  serviceAccountName",
            with: "  name: coding-agent\n  namespace: ai-agents\n  labels:\n    app: coding-agent\nspec:\n  serviceAccountName"
        )
        text = text.replacingOccurrences(
            of: "image: my-agent:latest",
            with: "image: my-agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        )
        text = text.replacingOccurrences(
            of: #"resources: ["pods", "services", "configmaps"]"#,
            with: #"resources: ["pods", "pods/log", "services", "configmaps"]"#
        )
        text += """
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: agents
              namespace: ai-agents
            spec:
              hard: {pods: "10"}

            """
        let report = try GuardrailCheck.run(manifests: Array(text.utf8), agent: GuardrailFixtures.agent)
        #expect(report.ruleIDs == ["WDN-RBAC-026"], "\(report.findings.map(\.description))")
    }

    @Test func gvisorExpectationIsMet() throws {
        var e = GuardrailExpectations.default
        e.podSecurity.runtimeClassName = "gvisor"
        let report = try GuardrailCheck.run(files: GuardrailFixtures.files(), agent: GuardrailFixtures.agent, expectations: e)
        #expect(!report.ruleIDs.contains("WDN-POD-014"))
        e.podSecurity.runtimeClassName = "kata"
        let other = try GuardrailCheck.run(files: GuardrailFixtures.files(), agent: GuardrailFixtures.agent, expectations: e)
        #expect(other.findings.first { $0.ruleID == "WDN-POD-014" }?.field == "/spec/runtimeClassName")
    }
}
