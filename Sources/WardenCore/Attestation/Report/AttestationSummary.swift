// Counts: per severity, per agent, and for the whole report.

public struct AttestationSummary: Sendable, Hashable, Codable {
    public var agents: Int
    public var compliantAgents: Int
    public var nonCompliantAgents: Int
    /// Every finding (agents and cluster).
    public var findings: SeverityCounts
    public var cluster: SeverityCounts
    public var byAgent: [AgentSummaryLine]

    public init(
        agents: Int,
        compliantAgents: Int,
        nonCompliantAgents: Int,
        findings: SeverityCounts,
        cluster: SeverityCounts,
        byAgent: [AgentSummaryLine]
    ) {
        self.agents = agents
        self.compliantAgents = compliantAgents
        self.nonCompliantAgents = nonCompliantAgents
        self.findings = findings
        self.cluster = cluster
        self.byAgent = byAgent
    }
}

public struct AgentSummaryLine: Sendable, Hashable, Codable {
    public var agentID: Int64
    public var agent: String
    public var verdict: AttestationVerdictStatus
    public var findings: SeverityCounts

    public init(agentID: Int64, agent: String, verdict: AttestationVerdictStatus, findings: SeverityCounts) {
        self.agentID = agentID
        self.agent = agent
        self.verdict = verdict
        self.findings = findings
    }
}

/// Counts of findings. The per-severity counts exclude excepted findings.
public struct SeverityCounts: Sendable, Hashable, Codable {
    public var total: Int
    public var excepted: Int
    public var critical: Int
    public var high: Int
    public var medium: Int
    public var low: Int
    public var info: Int

    public init(total: Int = 0, excepted: Int = 0, critical: Int = 0, high: Int = 0, medium: Int = 0, low: Int = 0, info: Int = 0) {
        self.total = total
        self.excepted = excepted
        self.critical = critical
        self.high = high
        self.medium = medium
        self.low = low
        self.info = info
    }

    public init<S: Sequence>(_ findings: S) where S.Element == AttestationFinding {
        self.init()
        for f in findings { add(f) }
    }

    public mutating func add(_ f: AttestationFinding) {
        total += 1
        if f.excepted {
            excepted += 1
            return
        }
        switch f.severity {
        case .critical: critical += 1
        case .high: high += 1
        case .medium: medium += 1
        case .low: low += 1
        case .info: info += 1
        }
    }

    public mutating func add(_ other: SeverityCounts) {
        total += other.total
        excepted += other.excepted
        critical += other.critical
        high += other.high
        medium += other.medium
        low += other.low
        info += other.info
    }

    public func count(_ s: AttestationSeverity) -> Int {
        switch s {
        case .critical: return critical
        case .high: return high
        case .medium: return medium
        case .low: return low
        case .info: return info
        }
    }

    /// Open (not excepted) findings of medium severity or worse.
    public var failing: Int { critical + high + medium }
}
