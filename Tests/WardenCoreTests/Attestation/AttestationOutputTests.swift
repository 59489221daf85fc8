import Foundation
import Testing

@testable import WardenCore

@Suite("Attestation diff and renderers")
struct AttestationOutputTests {
    typealias F = AttestationFixtures

    static func drifting() throws -> AttestationReport { try F.report(F.cleanYAML + F.driftYAML) }

    // MARK: Diff

    @Test func diffShowsWhatGotBetterAndWorse() throws {
        let bad = try Self.drifting()
        let good = try F.report(F.cleanYAML, generatedAt: F.later)
        let better = AttestationDiff.diff(from: bad, to: good)
        #expect(better.verdictChange == .improved && better.direction == .improved)
        #expect(better.new.isEmpty && better.regressions == 0)
        #expect(better.resolved.count == bad.allFindings.count)
        #expect(Set(better.resolved.map(\.id)).isSuperset(of: ["DRIFT-001", "WDN-POD-001", "ATT-007"]))
        #expect(better.agentChanges.map { "\($0.agent) \($0.from!.rawValue)->\($0.to!.rawValue)" } == ["coder non_compliant->compliant"])
        #expect(better.countsDelta.total == -bad.summary.findings.total)

        let worse = AttestationDiff.diff(from: good, to: bad)
        #expect(worse.verdictChange == .worsened && worse.direction == .worsened)
        #expect(worse.new.count == bad.allFindings.count && worse.resolved.isEmpty)

        // Same content, later: fingerprints match, nothing changed.
        let again = try F.report(F.cleanYAML + F.driftYAML, generatedAt: F.later)
        let same = AttestationDiff.diff(from: bad, to: again)
        #expect(same.direction == .unchanged && same.resolved.isEmpty && same.new.isEmpty && same.agentChanges.isEmpty)

        // One finding fixed, one excepted, one new: mixed.
        let fixedPod =
            (F.cleanYAML + F.driftYAML).replacingOccurrences(
                of: "metadata: {name: rogue, namespace: ai-agents, labels: {app: rogue}}",
                with: "metadata: {name: rogue, namespace: ai-agents, labels: {app: coding-agent}}"
            )
            + "\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: newcomer, namespace: ai-agents}\n"
        let exception = GuardrailException(
            id: 9,
            ruleID: "WDN-RBAC-010",
            objectScope: "Role/ai-agents/secret-reader",
            justification: "reads its deploy key",
            expiresAt: F.later
        )
        let mixed = AttestationDiff.diff(from: bad, to: try F.report(fixedPod, agents: [F.agentInput(exceptions: [exception])]))
        #expect(mixed.direction == .mixed && mixed.verdictChange == .unchanged)
        #expect(mixed.resolved.map(\.id) == ["WDN-NET-001"])
        #expect(mixed.new.map { $0.object?.name } == ["newcomer"])
        #expect(mixed.newlyExcepted.map(\.id) == ["WDN-RBAC-010"])
    }

    // MARK: CSV

    @Test func csvWriterQuotesAndNeutralisesFormulas() {
        #expect(
            CSV.row(["plain", "a,b", "say \"hi\"", "line\nbreak", "cr\rhere"])
                == "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\rhere\"\r\n"
        )
        #expect(CSV.row(["=SUM(A1:A2)", "+1", "-2", "@cmd", "\tx", "ok=1"]) == "'=SUM(A1:A2),'+1,'-2,'@cmd,'\tx,ok=1\r\n")
        #expect(CSV.row(["=HYPERLINK(\"http://x\",\"y\")"]) == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n")
        #expect(CSV.plainRow(["=1", "a\"b"]) == "=1,\"a\"\"b\"\r\n")
        #expect(CSV.neutralizeFormula("-x") == "'-x" && CSV.neutralizeFormula("x-") == "x-")
        #expect(CSV.document(header: ["a", "b"], rows: [["1", "2"]]) == "a,b\r\n1,2\r\n")
    }

    /// A minimal RFC 4180 reader, to check the output parses back.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var i = text.unicodeScalars.startIndex
        let s = text.unicodeScalars
        while i < s.endIndex {
            let c = s[i]
            if quoted {
                if c == "\"" {
                    let n = s.index(after: i)
                    if n < s.endIndex && s[n] == "\"" {
                        field += "\""
                        i = n
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r" {
                let n = s.index(after: i)
                if n < s.endIndex && s[n] == "\n" {
                    row.append(field)
                    rows.append(row)
                    row = []
                    field = ""
                    i = n
                } else {
                    field += "\r"
                }
            } else {
                field.unicodeScalars.append(c)
            }
            i = s.index(after: i)
        }
        return rows
    }

    @Test func csvReport() throws {
        var r = try Self.drifting()
        r.agents[0].findings[0].message = "=HYPERLINK(\"http://evil.example\",\"click\"), then\r\nmore"
        let csv = AttestationCSV.render(r)
        #expect(
            csv.hasPrefix(
                "severity,id,title,agent_id,agent,namespace,service_account,object,field,message,remediation,excepted,exception_id,fingerprint\r\n"
            )
        )
        #expect(csv.hasSuffix("\r\n"))
        let rows = Self.parseCSV(csv)
        #expect(rows.count == r.allFindings.count + 1)
        #expect(rows.allSatisfy { $0.count == AttestationCSV.header.count })
        #expect(rows[1][9] == "'=HYPERLINK(\"http://evil.example\",\"click\"), then\r\nmore")
        #expect(rows[1][4] == "coder" && rows[1][5] == "ai-agents" && rows[1][6] == "coding-agent")
        #expect(rows.dropFirst().allSatisfy { row in row.allSatisfy { !["=", "+", "-", "@"].contains($0.first.map(String.init) ?? "") } })
        let shadow = try #require(rows.first { $0[1] == "ATT-007" })
        #expect(shadow[3].isEmpty && shadow[7] == "ServiceAccount/ai-agents/idle-bot")
    }

    // MARK: HTML

    @Test func htmlEscapesEverythingAndIsSelfContained() throws {
        let evil = "<script>alert(\"x\")</script>"
        let agent = F.agent(name: evil, owner: "o'hara & <b>co</b>")
        var r = try F.report(F.cleanYAML + F.driftYAML, agents: [F.agentInput(agent)])
        r.clusterFindings.findings[0].message = "<img src=x onerror=alert(1)>"
        let html = AttestationHTML.render(r)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("o&#39;hara &amp; &lt;b&gt;co&lt;/b&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        // Self-contained: no tag loads or links anything outside the page.
        let lower = html.lowercased()
        let tags = try NSRegularExpression(pattern: "<[a-z][^>]*>").matches(in: lower, range: NSRange(lower.startIndex..., in: lower))
            .map { String(lower[Range($0.range, in: lower)!]) }
        #expect(tags.count > 100)
        for tag in tags {
            #expect(!tag.contains("src="), "\(tag)")
            #expect(tag.range(of: #"href\s*=\s*["']?\s*(https?:|//)"#, options: .regularExpression) == nil, "\(tag)")
            #expect(!["<script", "<link", "<iframe", "<object", "<embed", "<img"].contains { tag.hasPrefix($0) }, "\(tag)")
        }
        for bad in ["url(", "@import", "http://", "https://"] { #expect(!lower.contains(bad), "found \(bad)") }
        #expect(lower.contains("content-security-policy"))
        #expect(lower.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.contains("NON-COMPLIANT"))
        // Verdict and summary before the charts, charts before the agents.
        let order = ["id=\"verdict\"", "id=\"charts\"", "id=\"cluster\"", "id=\"agents\""].map { html.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
        #expect(html.contains("By severity") && html.contains("By agent"))
        #expect(AttestationHTML.escape("a\u{0}b\u{7}c") == "a\u{FFFD}b\u{FFFD}c")
    }

    // MARK: Markdown

    @Test func markdownEscapes() throws {
        let r = try F.report(F.cleanYAML + F.driftYAML, agents: [F.agentInput(F.agent(name: "x|y*<b>"))])
        let md = AttestationMarkdown.render(r)
        #expect(md.hasPrefix("# Attestation of cluster prod\n\n**Verdict: NON-COMPLIANT**"))
        #expect(md.contains("## Agent x\\|y\\*&lt;b&gt; (non_compliant)"))
        #expect(!md.contains("<b>"))
        #expect(md.contains("### Drift") && md.contains("### Exposure") && md.contains("### Permissions"))
        #expect(md.contains("| high | DRIFT-001 |"))
    }

    // MARK: SARIF

    @Test func sarifStructure() throws {
        let exception = GuardrailException(id: 5, ruleID: "WDN-POD-003", justification: "legacy", expiresAt: F.later)
        let r = try F.report(F.cleanYAML + F.driftYAML, agents: [F.agentInput(exceptions: [exception])])
        let text = AttestationSARIF.render(r)
        let doc = try JSONDocument(parsing: text).root.value
        #expect(doc["$schema"]?.stringValue?.hasSuffix("sarif-schema-2.1.0.json") == true)
        #expect(doc["version"] == "2.1.0")
        let run = try #require(doc["runs"]?[0])
        let driver = try #require(run["tool"]?["driver"])
        #expect(driver["name"] == "Warden")
        #expect(driver["version"] == "0.1.0")
        #expect(driver["informationUri"]?.stringValue?.hasPrefix("https://") == true)
        let rules = try #require(driver["rules"]?.arrayValue)
        let ruleIDs = rules.compactMap { $0["id"]?.stringValue }
        #expect(Set(ruleIDs).count == ruleIDs.count)
        #expect(ruleIDs.contains("DRIFT-001") && ruleIDs.contains("ATT-007") && ruleIDs.contains("WDN-POD-001"))
        for rule in rules {
            #expect(rule["shortDescription"]?["text"]?.stringValue?.isEmpty == false)
            #expect(rule["help"]?["text"]?.stringValue?.contains("Remediation:") == true)
            #expect(["error", "warning", "note"].contains(rule["defaultConfiguration"]?["level"]?.stringValue ?? ""))
        }
        let results = try #require(run["results"]?.arrayValue)
        #expect(results.count == r.allFindings.count)
        for (res, f) in zip(results, r.allFindings) {
            #expect(res["ruleId"]?.stringValue == f.id)
            #expect(res["ruleIndex"]?.intValue.map { ruleIDs[Int($0)] } == f.id)
            #expect(res["level"]?.stringValue == AttestationSARIF.level(f.severity))
            #expect(res["message"]?["text"]?.stringValue == f.message)
            let logical = try #require(res["locations"]?[0]?["logicalLocations"]?.arrayValue)
            #expect(!logical.isEmpty)
            if let o = f.object { #expect(logical[0]["fullyQualifiedName"]?.stringValue == o.scope + (f.field ?? "")) }
            #expect(res["partialFingerprints"]?["wardenAttestation/v1"]?.stringValue == f.fingerprint)
            #expect((res["suppressions"] != nil) == f.excepted)
        }
        let suppressed = try #require(results.first { $0["suppressions"] != nil })
        #expect(suppressed["ruleId"] == "WDN-POD-003")
        #expect(suppressed["suppressions"]?[0]?["status"] == "accepted")
        #expect(AttestationSARIF.level(.critical) == "error" && AttestationSARIF.level(.high) == "error")
        #expect(AttestationSARIF.level(.medium) == "warning" && AttestationSARIF.level(.low) == "note" && AttestationSARIF.level(.info) == "note")
    }
}
