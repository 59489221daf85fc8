import Foundation

/// What changed between two attestation reports (usually of the same cluster), findings matched
/// by fingerprint (`AttestationFingerprint`).
public struct AttestationReportDiff: Sendable, Hashable, Codable {
    public enum Direction: String, Sendable, Hashable, Codable {
        case improved, worsened, mixed, unchanged
    }

    public struct Side: Sendable, Hashable, Codable {
        public var snapshotID: Int64
        public var snapshotSHA256: String
        public var generatedAt: Date
        public var verdict: AttestationVerdictStatus
        public var findings: SeverityCounts

        public init(_ r: AttestationReport) {
            snapshotID = r.snapshot.id
            snapshotSHA256 = r.snapshot.sha256
            generatedAt = r.generatedAt
            verdict = r.verdict.status
            findings = r.summary.findings
        }
    }

    /// A finding present in both reports whose severity changed.
    public struct SeverityChange: Sendable, Hashable, Codable {
        public var fingerprint: String
        public var id: String
        public var agent: String?
        public var from: AttestationSeverity
        public var to: AttestationSeverity
        public var message: String
    }

    /// An agent whose verdict changed, or that appears in only one report (nil on the other side).
    public struct AgentChange: Sendable, Hashable, Codable {
        public var agentID: Int64
        public var agent: String
        public var from: AttestationVerdictStatus?
        public var to: AttestationVerdictStatus?
    }

    public var from: Side
    public var to: Side
    /// Overall verdict: improved (non_compliant → compliant), worsened, or unchanged.
    public var verdictChange: Direction
    /// improved when only things got better, worsened when only worse, mixed when both.
    public var direction: Direction
    /// Findings of the old report that are gone (fixed). Better.
    public var resolved: [AttestationFinding]
    /// Findings only in the new report. Worse.
    public var new: [AttestationFinding]
    /// Present in both, excepted now but not before (the new version). Better.
    public var newlyExcepted: [AttestationFinding]
    /// Present in both, excepted before but not now (the new version: an exception expired or was revoked). Worse.
    public var noLongerExcepted: [AttestationFinding]
    public var severityLowered: [SeverityChange]
    public var severityRaised: [SeverityChange]
    public var agentChanges: [AgentChange]
    /// New minus old counts.
    public var countsDelta: SeverityCounts

    /// Better: resolved, newly excepted, lowered, agents turning compliant.
    public var improvements: Int {
        resolved.count + newlyExcepted.count + severityLowered.count
            + agentChanges.filter { $0.from == .nonCompliant && $0.to == .compliant }.count
    }

    /// Worse: new, no longer excepted, raised, agents turning non-compliant.
    public var regressions: Int {
        new.count + noLongerExcepted.count + severityRaised.count
            + agentChanges.filter { $0.from == .compliant && $0.to == .nonCompliant }.count
    }
}

public enum AttestationDiff {
    public static func diff(from old: AttestationReport, to new: AttestationReport) -> AttestationReportDiff {
        let before = old.allFindings
        let after = new.allFindings
        var oldByFP: [String: AttestationFinding] = [:]
        for f in before where oldByFP[f.fingerprint] == nil { oldByFP[f.fingerprint] = f }
        var newByFP: [String: AttestationFinding] = [:]
        for f in after where newByFP[f.fingerprint] == nil { newByFP[f.fingerprint] = f }

        var resolved: [AttestationFinding] = []
        var added: [AttestationFinding] = []
        var newlyExcepted: [AttestationFinding] = []
        var noLongerExcepted: [AttestationFinding] = []
        var lowered: [AttestationReportDiff.SeverityChange] = []
        var raised: [AttestationReportDiff.SeverityChange] = []
        for f in before where newByFP[f.fingerprint] == nil { resolved.append(f) }
        for f in after {
            guard let o = oldByFP[f.fingerprint] else {
                added.append(f)
                continue
            }
            if f.excepted && !o.excepted { newlyExcepted.append(f) }
            if !f.excepted && o.excepted { noLongerExcepted.append(f) }
            if f.severity != o.severity {
                let c = AttestationReportDiff.SeverityChange(
                    fingerprint: f.fingerprint,
                    id: f.id,
                    agent: f.agent,
                    from: o.severity,
                    to: f.severity,
                    message: f.message
                )
                if f.severity < o.severity { lowered.append(c) } else { raised.append(c) }
            }
        }
        resolved.sort(by: AttestationFinding.precedes)
        added.sort(by: AttestationFinding.precedes)
        newlyExcepted.sort(by: AttestationFinding.precedes)
        noLongerExcepted.sort(by: AttestationFinding.precedes)

        // Agents.
        var changes: [AttestationReportDiff.AgentChange] = []
        let oldAgents = Dictionary(old.agents.map { ($0.agent.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newAgents = Dictionary(new.agents.map { ($0.agent.id, $0) }, uniquingKeysWith: { a, _ in a })
        for id in Set(oldAgents.keys).union(newAgents.keys).sorted() {
            let o = oldAgents[id]
            let n = newAgents[id]
            if o?.verdict == n?.verdict { continue }
            changes.append(.init(agentID: id, agent: n?.agent.name ?? o?.agent.name ?? "", from: o?.verdict, to: n?.verdict))
        }

        let verdictChange: AttestationReportDiff.Direction
        switch (old.verdict.status, new.verdict.status) {
        case (.nonCompliant, .compliant): verdictChange = .improved
        case (.compliant, .nonCompliant): verdictChange = .worsened
        default: verdictChange = .unchanged
        }
        let o = old.summary.findings
        let n = new.summary.findings
        let delta = SeverityCounts(
            total: n.total - o.total,
            excepted: n.excepted - o.excepted,
            critical: n.critical - o.critical,
            high: n.high - o.high,
            medium: n.medium - o.medium,
            low: n.low - o.low,
            info: n.info - o.info
        )
        var d = AttestationReportDiff(
            from: .init(old),
            to: .init(new),
            verdictChange: verdictChange,
            direction: .unchanged,
            resolved: resolved,
            new: added,
            newlyExcepted: newlyExcepted,
            noLongerExcepted: noLongerExcepted,
            severityLowered: lowered,
            severityRaised: raised,
            agentChanges: changes,
            countsDelta: delta
        )
        let better = d.improvements > 0 || verdictChange == .improved
        let worse = d.regressions > 0 || verdictChange == .worsened
        d.direction = better && worse ? .mixed : better ? .improved : worse ? .worsened : .unchanged
        return d
    }
}
