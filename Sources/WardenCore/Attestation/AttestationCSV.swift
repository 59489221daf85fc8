/// Findings as CSV (RFC 4180, see `CSV` in Common/CSV.swift): a header row, then one finding per row, agents' findings
/// in report order, then the cluster's. Every data cell is protected against spreadsheet formula
/// injection (`CSV.row`: a leading `'` before `=`, `+`, `-`, `@`, tab or CR), since
/// names and messages quote objects from the cluster.
public enum AttestationCSV {
    public static let header = [
        "severity", "id", "title", "agent_id", "agent", "namespace", "service_account", "object", "field",
        "message", "remediation", "excepted", "exception_id", "fingerprint",
    ]

    public static func render(_ report: AttestationReport) -> String {
        var out = CSV.row(header)
        var titles: [String: String] = [:]
        for r in report.rules { titles[r.id] = r.title }
        func line(_ f: AttestationFinding, _ agent: AttestedAgent?) {
            let object = f.object.map(\.scope) ?? ""
            out += CSV.row([
                f.severity.rawValue, f.id, titles[f.id] ?? AttestationRules.rule(id: f.id)?.title ?? "",
                f.agentID.map(String.init) ?? "", agent?.name ?? f.agent ?? "", agent?.namespace ?? "", agent?.serviceAccount ?? "",
                object, f.field ?? "", f.message, f.remediation, f.excepted ? "true" : "false",
                f.exceptionID.map(String.init) ?? "", f.fingerprint,
            ])
        }
        for a in report.agents { for f in a.findings { line(f, a.agent) } }
        for f in report.clusterFindings.findings { line(f, nil) }
        return out
    }
}
