import Foundation

/// The report as Markdown (GitHub flavour): verdict and summary, cluster findings, then one
/// section per agent. Text from the cluster is escaped: Markdown punctuation gets a backslash,
/// `<`, `>` and `&` become entities (so no raw HTML gets through), line breaks become spaces.
public enum AttestationMarkdown {
    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "|", "~"]

    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n", "\t": out += " "
            default:
                if special.contains(ch) { out += "\\" }
                out.append(ch)
            }
        }
        return out
    }

    /// Code spans cannot hold escapes; backticks are replaced and the rest is made inert.
    static func code(_ s: String) -> String {
        let cleaned = String(s.map { $0 == "`" ? "'" : ($0.isNewline ? " " : $0) })
        return "`" + cleaned.replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    static func counts(_ c: SeverityCounts) -> String {
        "\(c.total) (\(c.excepted) excepted): " + AttestationSeverity.descending.map { "\(c.count($0)) \($0)" }.joined(separator: ", ")
    }

    static func table(_ findings: [AttestationFinding]) -> String {
        guard !findings.isEmpty else { return "No findings.\n\n" }
        var m = "| Severity | Id | Object | Finding | Remediation |\n|---|---|---|---|---|\n"
        for f in findings {
            let object = f.object.map { code($0.scope + (f.field ?? "")) } ?? ""
            let excepted = f.excepted ? " *(excepted by exception \\#\(f.exceptionID.map(String.init) ?? "?"))*" : ""
            m += "| \(f.severity.rawValue) | \(f.id) | \(object) | \(escape(f.message))\(excepted) | \(escape(f.remediation)) |\n"
        }
        return m + "\n"
    }

    public static func render(_ report: AttestationReport) -> String {
        var m = "# Attestation of cluster \(escape(report.cluster))\n\n"
        let v = report.verdict.status
        m += "**Verdict: \(v == .compliant ? "COMPLIANT" : "NON-COMPLIANT")**\n\n"
        m +=
            "- Snapshot: \\#\(report.snapshot.id), uploaded \(RFC3339.string(from: report.snapshot.uploadedAt)), SHA-256 \(code(report.snapshot.sha256))\n"
        m += "- Generated: \(RFC3339.string(from: report.generatedAt)) by Warden \(escape(report.wardenVersion))\n"
        let s = report.summary
        m += "- Agents: \(s.agents) (\(s.compliantAgents) compliant, \(s.nonCompliantAgents) non-compliant)\n"
        m += "- Findings: \(counts(s.findings))\n\n"
        m += "## Verdict\n\n\(escape(report.verdict.rule))\n\n"
        for r in report.verdict.reasons { m += "- \(escape(r.text))\n" }
        if !report.verdict.reasons.isEmpty { m += "\n" }

        m += "## Summary by agent\n\n| Agent | Verdict | Critical | High | Medium | Low | Info | Excepted |\n|---|---|---|---|---|---|---|---|\n"
        for line in s.byAgent {
            let c = line.findings
            m +=
                "| \(escape(line.agent)) | \(line.verdict.rawValue) | \(c.critical) | \(c.high) | \(c.medium) | \(c.low) | \(c.info) | \(c.excepted) |\n"
        }
        m += "\n## Cluster\n\n"
        let c = report.clusterFindings
        m += "- Shadow agents: \(c.shadowAgents.count)\n- Registered agents without a ServiceAccount: \(c.missingServiceAccounts.count)\n"
        m += "- Cluster-admin-equivalent roles: \(c.clusterAdminRoles.isEmpty ? "none" : c.clusterAdminRoles.map(code).joined(separator: ", "))\n\n"
        m += table(c.findings)

        for a in report.agents {
            m += "## Agent \(escape(a.agent.name)) (\(a.verdict.rawValue))\n\n"
            m += "- ServiceAccount: \(code(a.agent.serviceAccountKey))\(a.serviceAccountPresent ? "" : " (missing from the snapshot)")\n"
            m += "- Owner: \(escape(a.agent.owner)); risk tier \(a.agent.riskTier.rawValue); status \(a.agent.status.rawValue)\n"
            if a.baseline.status == .approved {
                m += "- Baseline: version \(a.baseline.version.map(String.init) ?? "?") approved"
                m += a.baseline.approvedBy.map { " by \(escape($0))" } ?? ""
                m += a.baseline.approvedAt.map { " at \(RFC3339.string(from: $0))" } ?? ""
                m += a.baseline.digest.map { ", \(code($0))" } ?? ""
                m += "\n"
            } else {
                m += "- Baseline: none approved\n"
            }
            var review = "- Review: \(a.review.standing.rawValue)"
            if let d = a.review.nextReviewDue { review += ", next due \(RFC3339.string(from: d))" }
            if let d = a.review.lastReviewedAt { review += ", last reviewed \(RFC3339.string(from: d))" }
            if let d = a.review.lastDecision { review += " (\(escape(d)))" }
            m += review + "\n- Findings: \(counts(a.summary))\n\n"
            m += "### Findings\n\n" + table(a.findings)
            m += "### Permissions\n\n"
            if a.permissions.isEmpty {
                m += "None.\n\n"
            } else {
                m += "| Scope | Binding | Role | Through | Rules |\n|---|---|---|---|---|\n"
                for p in a.permissions {
                    m +=
                        "| \(code(p.scope)) | \(code(p.bindingKind.rawValue + " " + p.bindingName)) | \(code(p.roleKind + " " + p.roleName)) | \(code(p.subject.description)) | "
                    m += p.rules.map { code($0.description) }.joined(separator: "<br>") + " |\n"
                }
                m += "\n"
            }
            m += "### Drift\n\n"
            if !a.drift.compared {
                m += "No approved baseline to compare with.\n\n"
            } else if a.drift.matches {
                m += "Live permissions match the approved baseline.\n\n"
            } else {
                for x in a.drift.excess {
                    m +=
                        "- Excess \(x.scope == "*" ? "cluster-wide" : "in \(code(x.scope))") through \(code(x.bindingKind.rawValue + " " + x.bindingName)) (\(code(x.roleKind + " " + x.roleName)) rule \(x.ruleIndex)): "
                    m += x.uncovered.map { code(AttestationDrift.describe($0)) }.joined(separator: ", ") + "\n"
                }
                for x in a.drift.missing {
                    m += "- Missing \(x.scope == "*" ? "cluster-wide" : "in \(code(x.scope))") (baseline grant \(x.grantIndex) rule \(x.ruleIndex)): "
                    m += x.missing.map { code(AttestationDrift.describe($0)) }.joined(separator: ", ") + "\n"
                }
                m += "\n"
            }
            m += "### Exposure\n\n"
            if a.exposure.scopes.isEmpty {
                m += "Cannot create or change workloads.\n\n"
            } else {
                for x in a.exposure.scopes {
                    let who = x.serviceAccounts.map { $0.map(code).joined(separator: ", ") } ?? "every ServiceAccount (\(x.serviceAccountCount))"
                    m +=
                        "- \(x.scope == "*" ? "Every namespace" : "Namespace \(code(x.scope))"): can run pods as \(who); \(x.withPermissions) with permissions"
                    if x.escalationCount > 0 {
                        m += "; can escalate to \(x.escalations.map(code).joined(separator: ", "))"
                        if x.escalationCount > x.escalations.count { m += " and \(x.escalationCount - x.escalations.count) more" }
                    }
                    m += "\n"
                }
                m += "\n"
            }
        }
        return m
    }
}
