import Foundation

/// What a list of reports shows of each, without inflating the report: stored beside it.
public struct AttestationOverview: Sendable, Hashable, Codable {
    /// Open findings by severity (the report's summary without its totals).
    public struct Findings: Sendable, Hashable, Codable {
        public var critical: Int
        public var high: Int
        public var medium: Int
        public var low: Int
        public var info: Int

        public init(critical: Int = 0, high: Int = 0, medium: Int = 0, low: Int = 0, info: Int = 0) {
            self.critical = critical
            self.high = high
            self.medium = medium
            self.low = low
            self.info = info
        }
    }

    public var verdict: AttestationVerdictStatus
    public var reasons: [String]
    public var findings: Findings
    public var agents: Int
    public var nonCompliantAgents: Int

    public init(verdict: AttestationVerdictStatus, reasons: [String], findings: Findings, agents: Int, nonCompliantAgents: Int) {
        self.verdict = verdict
        self.reasons = reasons
        self.findings = findings
        self.agents = agents
        self.nonCompliantAgents = nonCompliantAgents
    }

    public init(_ report: AttestationReport) {
        let counts = report.summary.findings
        self.init(
            verdict: report.verdict.status,
            reasons: report.verdict.reasons.map(\.text),
            findings: Findings(critical: counts.critical, high: counts.high, medium: counts.medium, low: counts.low, info: counts.info),
            agents: report.summary.agents,
            nonCompliantAgents: report.summary.nonCompliantAgents
        )
    }
}

/// A stored, signed report as lists and look-ups return it (its bytes are fetched on their own).
public struct AttestationRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var cluster: String
    public var snapshotID: Int64
    public var snapshotDigest: String
    public var overview: AttestationOverview
    public var reportDigest: String
    public var keyid: String
    public var createdBy: String
    public var createdAt: Date

    public init(
        id: Int64,
        cluster: String,
        snapshotID: Int64,
        snapshotDigest: String,
        overview: AttestationOverview,
        reportDigest: String,
        keyid: String,
        createdBy: String,
        createdAt: Date
    ) {
        self.id = id
        self.cluster = cluster
        self.snapshotID = snapshotID
        self.snapshotDigest = snapshotDigest
        self.overview = overview
        self.reportDigest = reportDigest
        self.keyid = keyid
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
