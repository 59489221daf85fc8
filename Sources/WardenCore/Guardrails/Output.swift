import Foundation

/// Renders guardrail reports as text, JSON or SARIF 2.1.0. Pure functions.
public enum GuardrailOutput {
    public enum Format: String, Sendable, CaseIterable, Codable {
        case text, json, sarif
    }

    public static func render(_ report: GuardrailReport, format: Format) -> String {
        switch format {
        case .text: return text(report)
        case .json: return json(report)
        case .sarif: return sarif(report)
        }
    }

    // MARK: Text

    /// One line per finding, grouped by rule (worst first), each rule with its remediation.
    public static func text(_ report: GuardrailReport) -> String {
        var out = ""
        var order: [String] = []
        var groups: [String: [Finding]] = [:]
        for f in report.findings {
            if groups[f.ruleID] == nil { order.append(f.ruleID) }
            groups[f.ruleID, default: []].append(f)
        }
        for id in order {
            let fs = groups[id]!
            let first = fs[0]
            out += "\(first.severity.rawValue.uppercased()) \(id) \(first.title)\n"
            for f in fs {
                var line = "  - "
                if f.excepted { line += "[excepted by #\(f.exceptionID.map(String.init) ?? "?")] " }
                if f.severity != first.severity { line += "[\(f.severity)] " }
                line += f.message
                var at: [String] = []
                if let file = f.file { at.append(f.line.map { "\(file):\($0)" } ?? file) }
                if let o = f.object { at.append(o.scope + (f.field ?? "")) }
                if !at.isEmpty { line += " (\(at.joined(separator: " ")))" }
                out += line + "\n"
            }
            out += "  fix: \(first.remediation)\n"
        }
        let s = report.summary
        out += "\(s.total) finding\(s.total == 1 ? "" : "s"): \(s.critical) critical, \(s.high) high, \(s.medium) medium, \(s.low) low"
        if s.excepted > 0 { out += ", \(s.excepted) excepted" }
        out += "\n"
        return out
    }

    // MARK: JSON

    public static func json(_ report: GuardrailReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(report) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: SARIF

    public static let sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    public static let informationURI = "https://warden.dev/guardrails"

    /// SARIF level: error for critical and high, warning for medium, note for low.
    public static func sarifLevel(_ s: GuardrailSeverity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low: return "note"
        }
    }

    /// GitHub code scanning's `security-severity` (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0).
    public static func securitySeverity(_ s: GuardrailSeverity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        }
    }

    public static func sarifValue(_ report: GuardrailReport, rules: [GuardrailRule] = GuardrailCatalog.rules) -> JSONValue {
        var ruleIndex: [String: Int] = [:]
        let ruleValues: [JSONValue] = rules.enumerated().map { i, r in
            ruleIndex[r.id] = i
            let refs = r.references.map(\.description)
            let helpText =
                "\(r.description)\n\nRemediation: \(r.remediation)" + (refs.isEmpty ? "" : "\n\nReferences: \(refs.joined(separator: ", "))")
            return .object([
                "id": .string(r.id),
                "name": .string(r.name),
                "shortDescription": ["text": .string(r.title)],
                "fullDescription": ["text": .string(r.description)],
                "help": [
                    "text": .string(helpText),
                    "markdown": .string(
                        "**\(r.title)**\n\n\(r.description)\n\n**Remediation:** \(r.remediation)"
                            + (refs.isEmpty ? "" : "\n\n**References:** \(refs.joined(separator: ", "))")
                    ),
                ],
                "helpUri": .string("\(informationURI)#\(r.id.lowercased())"),
                "defaultConfiguration": ["level": .string(sarifLevel(r.severity))],
                "properties": [
                    "security-severity": .string(securitySeverity(r.severity)),
                    "tags": .array(["security", "kubernetes", .string(r.category)]),
                    "references": .array(refs.map { .string($0) }),
                    "precision": "high",
                ],
            ])
        }
        let results: [JSONValue] = report.findings.map { f in
            var result: [String: JSONValue] = [
                "ruleId": .string(f.ruleID),
                "level": .string(sarifLevel(f.severity)),
                "message": ["text": .string(f.message + "\nRemediation: " + f.remediation)],
            ]
            if let i = ruleIndex[f.ruleID] { result["ruleIndex"] = .int(Int64(i)) }
            var location: [String: JSONValue] = [:]
            if let file = f.file {
                location["physicalLocation"] = [
                    "artifactLocation": ["uri": .string(file)],
                    "region": ["startLine": .int(Int64(f.line ?? 1))],
                ]
            }
            var logical: [JSONValue] = []
            if let o = f.object {
                logical.append(["name": .string(o.name), "fullyQualifiedName": .string(o.scope + (f.field ?? "")), "kind": "object"])
            } else if let rl = f.ruleLocation {
                logical.append(["name": .string(rl.description), "fullyQualifiedName": .string(rl.description), "kind": "object"])
            }
            if !logical.isEmpty { location["logicalLocations"] = .array(logical) }
            if !location.isEmpty { result["locations"] = [.object(location)] }
            var props: [String: JSONValue] = ["severity": .string(f.severity.rawValue)]
            if let field = f.field { props["field"] = .string(field) }
            if let a = f.agent { props["agent"] = .string(a.username) }
            if let sas = f.serviceAccounts { props["serviceAccounts"] = .array(sas.map { .string($0) }) }
            result["properties"] = .object(props)
            let fingerprint = [f.ruleID, f.object?.scope ?? "", f.field ?? "", f.ruleLocation?.description ?? "", f.agent?.username ?? ""]
                .joined(separator: "|")
            result["partialFingerprints"] = ["wardenFinding/v1": .string(fingerprint)]
            if f.excepted {
                result["suppressions"] = [
                    [
                        "kind": "external", "status": "accepted",
                        "justification": .string("Warden exception #\(f.exceptionID.map(String.init) ?? "?")"),
                    ]
                ]
            }
            return .object(result)
        }
        return [
            "$schema": .string(sarifSchema),
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "Warden",
                            "informationUri": .string(informationURI),
                            "version": .string(WardenVersion.string),
                            "semanticVersion": .string(WardenVersion.string),
                            "rules": .array(ruleValues),
                        ]
                    ],
                    "results": .array(results),
                    "columnKind": "unicodeCodePoints",
                ]
            ],
        ]
    }

    public static func sarif(_ report: GuardrailReport) -> String {
        sarifValue(report).jsonString + "\n"
    }
}
