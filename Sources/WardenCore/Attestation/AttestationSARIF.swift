import Foundation

/// The report's findings as SARIF 2.1.0, for code-scanning tools: one run whose driver lists every
/// rule (guardrail catalogue, then drift and attestation rules) and one result per finding.
/// Levels: critical and high → error, medium → warning, low and info → note. Results name the
/// Kubernetes object in `logicalLocations` (and the agent's ServiceAccount), carry the finding's
/// fingerprint as `partialFingerprints["wardenAttestation/v1"]`, and excepted findings carry an
/// accepted external suppression naming the exception.
public enum AttestationSARIF {
    public static let informationURI = "https://warden.dev/attestations"

    public static func level(_ s: AttestationSeverity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    /// GitHub's `security-severity` scale.
    static func securitySeverity(_ s: AttestationSeverity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        case .info: return "0.0"
        }
    }

    public static func value(_ report: AttestationReport) -> JSONValue {
        let rules = AttestationRules.all
        var ruleIndex: [String: Int] = [:]
        var ruleValues: [JSONValue] = []
        for (i, r) in rules.enumerated() {
            ruleIndex[r.id] = i
            ruleValues.append([
                "id": .string(r.id),
                "name": .string(r.name),
                "shortDescription": ["text": .string(r.title)],
                "fullDescription": ["text": .string(r.description)],
                "help": ["text": .string("\(r.description)\n\nRemediation: \(r.remediation)")],
                "defaultConfiguration": ["level": .string(level(r.severity))],
                "properties": [
                    "category": .string(r.category), "security-severity": .string(securitySeverity(r.severity)),
                    "tags": ["security", "kubernetes", .string(r.category)],
                ],
            ])
        }
        // Rules a report may carry that the catalogue lacks (a newer report): listed after.
        for r in report.rules where ruleIndex[r.id] == nil {
            ruleIndex[r.id] = ruleValues.count
            ruleValues.append([
                "id": .string(r.id), "name": .string(r.name), "shortDescription": ["text": .string(r.title)],
                "help": ["text": .string(r.remediation)], "defaultConfiguration": ["level": .string(level(r.severity))],
            ])
        }
        var agents: [Int64: AttestedAgent] = [:]
        for a in report.agents { agents[a.agent.id] = a.agent }

        var results: [JSONValue] = []
        for f in report.allFindings {
            var result: [String: JSONValue] = [
                "ruleId": .string(f.id),
                "level": .string(level(f.severity)),
                "message": ["text": .string(f.message)],
                "partialFingerprints": ["wardenAttestation/v1": .string(f.fingerprint)],
            ]
            if let i = ruleIndex[f.id] { result["ruleIndex"] = .int(Int64(i)) }
            var logical: [JSONValue] = []
            if let o = f.object {
                logical.append(["name": .string(o.name), "fullyQualifiedName": .string(o.scope + (f.field ?? "")), "kind": .string(o.kind)])
            }
            let agent = f.agentID.flatMap { agents[$0] }
            if let agent {
                let sa = "ServiceAccount/\(agent.namespace)/\(agent.serviceAccount)"
                if f.object?.scope != sa {
                    logical.append(["name": .string(agent.serviceAccount), "fullyQualifiedName": .string(sa), "kind": "ServiceAccount"])
                }
            }
            if logical.isEmpty {
                logical.append(["name": .string(report.cluster), "fullyQualifiedName": .string("cluster/\(report.cluster)"), "kind": "cluster"])
            }
            result["locations"] = [["logicalLocations": .array(logical)]]
            var props: [String: JSONValue] = ["severity": .string(f.severity.rawValue), "remediation": .string(f.remediation)]
            if let agent {
                props["agent"] = .string(agent.name)
                props["agentId"] = .int(agent.id)
            }
            if let field = f.field { props["field"] = .string(field) }
            if let loc = f.location { props["ruleLocation"] = .string(loc.description) }
            if let sas = f.serviceAccounts { props["serviceAccounts"] = .array(sas.map { .string($0) }) }
            result["properties"] = .object(props)
            if f.excepted {
                result["suppressions"] = [
                    [
                        "kind": "external", "status": "accepted",
                        "justification": .string("Warden exception #\(f.exceptionID.map(String.init) ?? "?")"),
                    ]
                ]
            }
            results.append(.object(result))
        }
        return [
            "$schema": .string(GuardrailOutput.sarifSchema),
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "Warden",
                            "version": .string(report.wardenVersion),
                            "semanticVersion": .string(report.wardenVersion),
                            "informationUri": .string(informationURI),
                            "rules": .array(ruleValues),
                        ]
                    ],
                    "automationDetails": ["id": .string("warden-attestation/\(report.cluster)/\(report.snapshot.id)")],
                    "results": .array(results),
                    "properties": [
                        "cluster": .string(report.cluster),
                        "snapshotId": .int(report.snapshot.id),
                        "snapshotSha256": .string(report.snapshot.sha256),
                        "generatedAt": .string(RFC3339.string(from: report.generatedAt)),
                        "verdict": .string(report.verdict.status.rawValue),
                    ],
                ]
            ],
        ]
    }

    /// SARIF JSON text (keys sorted), with a final newline.
    public static func render(_ report: AttestationReport) -> String {
        value(report).jsonString + "\n"
    }
}
