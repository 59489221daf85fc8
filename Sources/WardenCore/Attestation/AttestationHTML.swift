import Foundation

/// The report as one self-contained HTML page: no scripts, no external assets (inline CSS and
/// inline SVG; a Content-Security-Policy forbids loading anything), every text escaped (names
/// come from the cluster and are never trusted). Verdict and summary first, then a bar chart of
/// open findings by severity and one by agent, the cluster-wide findings, then one section per
/// agent (findings, permissions, drift, exposure, review).
public enum AttestationHTML {
    /// Escapes text for HTML element content and quoted attribute values; C0 controls other than
    /// tab, LF and CR become U+FFFD.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(ch)
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    static let colors: [AttestationSeverity: String] = [
        .critical: "#7f1d1d", .high: "#dc2626", .medium: "#d97706", .low: "#2563eb", .info: "#6b7280",
    ]

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:24px;color:#111827;background:#fff}
        h1{font-size:24px;margin:0 0 8px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
        h3{font-size:15px;margin:18px 0 6px}table{border-collapse:collapse;width:100%;margin:6px 0 12px}
        th,td{border:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top;word-break:break-word}th{background:#f9fafb}
        code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
        .verdict{display:inline-block;padding:6px 14px;border-radius:6px;font-weight:700;color:#fff;font-size:18px}
        .compliant{background:#15803d}.non_compliant{background:#b91c1c}
        .sev{display:inline-block;padding:1px 6px;border-radius:4px;color:#fff;font-size:12px;font-weight:600}
        .sev-critical{background:#7f1d1d}.sev-high{background:#dc2626}.sev-medium{background:#d97706}.sev-low{background:#2563eb}.sev-info{background:#6b7280}
        .excepted{opacity:.6}.muted{color:#6b7280}.charts{display:flex;flex-wrap:wrap;gap:24px}.facts td:first-child{width:180px;color:#4b5563}
        details{margin:6px 0}summary{cursor:pointer}figure{margin:0}.nowrap{white-space:nowrap}.pre{white-space:pre-wrap}.sev{white-space:nowrap}
        """

    public static func render(_ report: AttestationReport) -> String {
        var h = ""
        h.reserveCapacity(64 * 1024)
        let e = escape
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>Warden attestation: \(e(report.cluster))</title>\n<style>\(css)</style>\n</head>\n<body>\n"

        // Verdict and summary.
        let v = report.verdict.status
        h += "<header>\n<h1>Attestation of cluster \(e(report.cluster))</h1>\n"
        h += "<p><span class=\"verdict \(v.rawValue)\">\(v == .compliant ? "COMPLIANT" : "NON-COMPLIANT")</span></p>\n"
        h += "<table class=\"facts\">\n"
        h += row(["Snapshot", "#\(report.snapshot.id), uploaded \(RFC3339.string(from: report.snapshot.uploadedAt))"])
        h += "<tr><td>Snapshot SHA-256</td><td class=\"mono\">\(e(report.snapshot.sha256))</td></tr>\n"
        h += row(["Generated", RFC3339.string(from: report.generatedAt)])
        h += row(["Warden", "\(report.wardenVersion) (report schema \(report.schema))"])
        let s = report.summary
        h += row(["Agents", "\(s.agents): \(s.compliantAgents) compliant, \(s.nonCompliantAgents) non-compliant"])
        h += row([
            "Findings",
            "\(s.findings.total) (\(s.findings.excepted) excepted): "
                + AttestationSeverity.descending.map { "\(s.findings.count($0)) \($0)" }.joined(separator: ", "),
        ])
        h += "</table>\n</header>\n"

        h += "<section id=\"verdict\">\n<h2>Verdict</h2>\n<p class=\"muted\">\(e(report.verdict.rule))</p>\n"
        if report.verdict.reasons.isEmpty {
            h += "<p>No open finding of medium severity or worse.</p>\n"
        } else {
            h += "<ul>\n"
            for r in report.verdict.reasons { h += "<li>\(e(r.text))</li>\n" }
            h += "</ul>\n"
        }
        h += "</section>\n"

        // Charts.
        h += "<section id=\"charts\">\n<h2>Open findings</h2>\n<div class=\"charts\">\n"
        h += severityChart(s.findings)
        h += agentChart(report)
        h += "</div>\n</section>\n"

        // Cluster.
        let c = report.clusterFindings
        h += "<section id=\"cluster\">\n<h2>Cluster</h2>\n"
        h += "<p>\(c.shadowAgents.count) shadow agent(s), \(c.missingServiceAccounts.count) registered agent(s) without a ServiceAccount, "
        h +=
            "\(c.clusterAdminBindings.count) cluster-admin-equivalent binding subject(s) (roles: \(e(c.clusterAdminRoles.joined(separator: ", "))))</p>\n"
        h += findingsTable(c.findings)
        h += "</section>\n"

        // Agents.
        h += "<section id=\"agents\">\n"
        for a in report.agents { h += agentSection(a) }
        h += "</section>\n"

        // Reachable ServiceAccounts.
        if !report.serviceAccounts.isEmpty {
            h += "<section id=\"service-accounts\">\n<h2>ServiceAccounts agents can run pods as</h2>\n"
            h += "<details><summary>\(report.serviceAccounts.count) ServiceAccount(s) holding permissions</summary>\n"
            h += "<table>\n<tr><th>ServiceAccount</th><th>Bindings</th><th>Capabilities</th><th>Rules</th></tr>\n"
            for sa in report.serviceAccounts {
                let rules = sa.rules.map { "\($0.scope): " + $0.rules.map(\.description).joined(separator: " ") }.joined(separator: "\n")
                h +=
                    "<tr><td class=\"mono\">\(e(sa.serviceAccount))</td><td>\(sa.bindings)</td><td class=\"mono\">\(e(sa.capabilities.joined(separator: " ")))</td>"
                h += "<td class=\"mono pre\">\(e(rules))</td></tr>\n"
            }
            h += "</table>\n</details>\n</section>\n"
        }
        h += "<footer class=\"muted\"><p>Generated by Warden \(e(report.wardenVersion)).</p></footer>\n</body>\n</html>\n"
        return h
    }

    static func row(_ cells: [String]) -> String {
        "<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
    }

    static func badge(_ s: AttestationSeverity) -> String { "<span class=\"sev sev-\(s.rawValue)\">\(s.rawValue)</span>" }

    static func findingsTable(_ findings: [AttestationFinding]) -> String {
        guard !findings.isEmpty else { return "<p class=\"muted\">No findings.</p>\n" }
        let e = escape
        var h = "<table>\n<tr><th>Severity</th><th>Id</th><th>Object</th><th>Finding</th><th>Remediation</th></tr>\n"
        for f in findings {
            let object = (f.object?.scope ?? "") + (f.field ?? "")
            let excepted = f.excepted ? " <em>(excepted by exception #\(f.exceptionID.map(String.init) ?? "?"))</em>" : ""
            h += "<tr\(f.excepted ? " class=\"excepted\"" : "")><td>\(badge(f.severity))</td><td class=\"mono nowrap\">\(e(f.id))</td>"
            h += "<td class=\"mono\">\(e(object))</td><td>\(e(f.message))\(excepted)</td><td>\(e(f.remediation))</td></tr>\n"
        }
        return h + "</table>\n"
    }

    static func agentSection(_ a: AgentAttestation) -> String {
        let e = escape
        var h = "<section class=\"agent\" id=\"agent-\(a.agent.id)\">\n"
        h +=
            "<h2>Agent \(e(a.agent.name)) <span class=\"sev \(a.verdict == .compliant ? "compliant" : "non_compliant")\">\(a.verdict == .compliant ? "compliant" : "non-compliant")</span></h2>\n"
        h += "<table class=\"facts\">\n"
        h += row(["ServiceAccount", a.agent.serviceAccountKey + (a.serviceAccountPresent ? "" : " (missing from the snapshot)")])
        h += row(["Owner, risk tier, status", "\(a.agent.owner), \(a.agent.riskTier.rawValue), \(a.agent.status.rawValue)"])
        let b = a.baseline
        let baselineText =
            b.status == .approved
            ? "version \(b.version.map(String.init) ?? "?") approved\(b.approvedBy.map { " by \($0)" } ?? "")\(b.approvedAt.map { " at \(RFC3339.string(from: $0))" } ?? ""); \(b.grants ?? 0) grant(s), \(b.rules ?? 0) rule(s); \(b.digest ?? "")"
            : "none approved"
        h += row(["Baseline", baselineText])
        let r = a.review
        var reviewText = r.standing.rawValue
        if let d = r.nextReviewDue { reviewText += ", next due \(RFC3339.string(from: d))" }
        if let d = r.lastReviewedAt { reviewText += ", last reviewed \(RFC3339.string(from: d))" }
        if let d = r.lastDecision { reviewText += " (\(d))" }
        if let id = r.openReviewID { reviewText += ", open review #\(id)" }
        h += row(["Review", reviewText])
        h += row([
            "Findings",
            "\(a.summary.total) (\(a.summary.excepted) excepted): "
                + AttestationSeverity.descending.map { "\(a.summary.count($0)) \($0)" }.joined(separator: ", "),
        ])
        h += "</table>\n"

        h += "<h3>Findings</h3>\n" + findingsTable(a.findings)

        h += "<h3>Permissions</h3>\n"
        if a.permissions.isEmpty {
            h += "<p class=\"muted\">The ServiceAccount holds no permissions.</p>\n"
        } else {
            h += "<table>\n<tr><th>Scope</th><th>Binding</th><th>Role</th><th>Through</th><th>Rules</th></tr>\n"
            for p in a.permissions {
                h += "<tr><td class=\"mono\">\(e(p.scope))</td><td class=\"mono\">\(e(p.bindingKind.rawValue + " " + p.bindingName))</td>"
                h += "<td class=\"mono\">\(e(p.roleKind + " " + p.roleName))</td><td class=\"mono\">\(e(p.subject.description))</td>"
                h += "<td class=\"mono pre\">\(e(p.rules.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: "\n")))</td></tr>\n"
            }
            h += "</table>\n"
        }
        if !a.unresolvedBindings.isEmpty {
            h += "<p>Bindings to missing roles: \(e(a.unresolvedBindings.map(\.description).joined(separator: "; ")))</p>\n"
        }

        h += "<h3>Drift from the approved baseline</h3>\n"
        if !a.drift.compared {
            h += "<p>No approved baseline to compare with.</p>\n"
        } else if a.drift.matches {
            h += "<p>Live permissions match the approved baseline.</p>\n"
        } else {
            if !a.drift.excess.isEmpty {
                h += "<table>\n<tr><th>Excess in</th><th>Binding</th><th>Role, rule</th><th>Not approved</th></tr>\n"
                for x in a.drift.excess {
                    h +=
                        "<tr><td class=\"mono\">\(e(x.scope))</td><td class=\"mono\">\(e(x.bindingKind.rawValue + " " + x.bindingName + (x.subject.kind == Subject.groupKind ? " (Group \(x.subject.name))" : "")))</td>"
                    h +=
                        "<td class=\"mono\">\(e("\(x.roleKind) \(x.roleName) #\(x.ruleIndex)"))</td><td class=\"mono pre\">\(e(x.uncovered.map(AttestationDrift.describe).joined(separator: "\n")))</td></tr>\n"
                }
                h += "</table>\n"
            }
            if !a.drift.missing.isEmpty {
                h += "<table>\n<tr><th>Missing in</th><th>Baseline grant, rule</th><th>Not granted</th></tr>\n"
                for m in a.drift.missing {
                    h += "<tr><td class=\"mono\">\(e(m.scope))</td><td class=\"mono\">\(m.grantIndex), \(m.ruleIndex)</td>"
                    h += "<td class=\"mono pre\">\(e(m.missing.map(AttestationDrift.describe).joined(separator: "\n")))</td></tr>\n"
                }
                h += "</table>\n"
            }
        }

        h += "<h3>Exposure</h3>\n"
        if a.exposure.scopes.isEmpty {
            h += "<p>The agent cannot create or change workloads.</p>\n"
        } else {
            h += "<table>\n<tr><th>Where</th><th>Through</th><th>Can run pods as</th><th>Can escalate to</th></tr>\n"
            for x in a.exposure.scopes {
                let via = x.grants.map {
                    "\($0.bindingKind.rawValue) \($0.bindingName) (\($0.roleKind) \($0.roleName) #\($0.ruleIndex)): \($0.verbs.joined(separator: ",")) \($0.resources.joined(separator: ","))"
                }.joined(separator: "\n")
                let who = x.serviceAccounts.map { $0.joined(separator: ", ") } ?? "every ServiceAccount (\(x.serviceAccountCount))"
                var esc = x.escalations.joined(separator: ", ")
                if x.escalationCount > x.escalations.count { esc += " and \(x.escalationCount - x.escalations.count) more" }
                h +=
                    "<tr><td class=\"mono\">\(e(x.scope))</td><td class=\"mono pre\">\(e(via))</td><td class=\"mono\">\(e(who)) <span class=\"muted\">(\(x.withPermissions) with permissions)</span></td>"
                h += "<td class=\"mono\">\(e(esc))</td></tr>\n"
            }
            h += "</table>\n"
        }
        if !a.exposure.capabilities.isEmpty {
            h += "<p>Capabilities held: <span class=\"mono\">\(e(a.exposure.capabilities.joined(separator: " ")))</span></p>\n"
        }
        return h + "</section>\n"
    }

    // MARK: - Charts (inline SVG, no xmlns needed inside HTML)

    static func severityChart(_ counts: SeverityCounts) -> String {
        let sevs = AttestationSeverity.descending
        let maxCount = max(1, sevs.map(counts.count).max() ?? 1)
        let barMax = 300.0
        let rowH = 26
        let left = 80
        let height = rowH * sevs.count + 30
        var h = "<figure><svg role=\"img\" aria-labelledby=\"sev-title\" width=\"440\" height=\"\(height)\" viewBox=\"0 0 440 \(height)\">\n"
        h += "<title id=\"sev-title\">Open findings by severity</title>\n"
        h += "<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"600\">By severity</text>\n"
        for (i, s) in sevs.enumerated() {
            let y = 24 + i * rowH
            let n = counts.count(s)
            let w = Int((Double(n) / Double(maxCount) * barMax).rounded())
            h += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(s.rawValue)</text>"
            h += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(max(w, n > 0 ? 2 : 0))\" height=\"18\" fill=\"\(colors[s]!)\"></rect>"
            h += "<text x=\"\(left + w + 6)\" y=\"\(y + 14)\" font-size=\"12\">\(n)</text>\n"
        }
        return h + "</svg></figure>\n"
    }

    static let maxAgentsCharted = 20

    static func agentChart(_ report: AttestationReport) -> String {
        let ranked = report.agents.filter { $0.summary.total - $0.summary.excepted > 0 }.sorted { a, b in
            let x = a.summary
            let y = b.summary
            if x.failing != y.failing { return x.failing > y.failing }
            let (ox, oy) = (x.total - x.excepted, y.total - y.excepted)
            if ox != oy { return ox > oy }
            return a.agent.id < b.agent.id
        }
        let shown = Array(ranked.prefix(maxAgentsCharted))
        let sevs = AttestationSeverity.descending
        let maxCount = max(1, shown.map { $0.summary.total - $0.summary.excepted }.max() ?? 1)
        let barMax = 320.0
        let rowH = 22
        let left = 190
        let height = max(60, rowH * shown.count + 44)
        var h = "<figure><svg role=\"img\" aria-labelledby=\"agent-title\" width=\"580\" height=\"\(height)\" viewBox=\"0 0 580 \(height)\">\n"
        h += "<title id=\"agent-title\">Open findings by agent</title>\n"
        let caption = ranked.count > shown.count ? "By agent (top \(shown.count) of \(ranked.count))" : "By agent"
        h += "<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"600\">\(caption)</text>\n"
        if shown.isEmpty { h += "<text x=\"0\" y=\"40\" font-size=\"12\">No open findings.</text>\n" }
        for (i, a) in shown.enumerated() {
            let y = 24 + i * rowH
            var name = a.agent.name
            if name.count > 26 { name = String(name.prefix(25)) + "…" }
            h += "<text x=\"0\" y=\"\(y + 13)\" font-size=\"12\">\(escape(name))</text>"
            var x = Double(left)
            for s in sevs {
                let n = a.summary.count(s)
                guard n > 0 else { continue }
                let w = max(1.0, Double(n) / Double(maxCount) * barMax)
                h +=
                    "<rect x=\"\(Int(x.rounded()))\" y=\"\(y)\" width=\"\(Int(w.rounded()))\" height=\"16\" fill=\"\(colors[s]!)\"><title>\(n) \(s.rawValue)</title></rect>"
                x += w
            }
            h += "<text x=\"\(Int(x.rounded()) + 6)\" y=\"\(y + 13)\" font-size=\"12\">\(a.summary.total - a.summary.excepted)</text>\n"
        }
        // Legend.
        let ly = height - 12
        var lx = 0
        for s in sevs {
            h +=
                "<rect x=\"\(lx)\" y=\"\(ly - 9)\" width=\"10\" height=\"10\" fill=\"\(colors[s]!)\"></rect><text x=\"\(lx + 14)\" y=\"\(ly)\" font-size=\"11\">\(s.rawValue)</text>"
            lx += 72
        }
        return h + "\n</svg></figure>\n"
    }
}
