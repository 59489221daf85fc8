import Crypto
import Foundation

// The attestation report: plain Codable data (its sections are in the files beside this one).
// Its canonical form is `CanonicalJSON` (sorted keys, times RFC 3339 UTC with milliseconds), so
// two equal reports always give the same bytes and the same digest. Optional fields are omitted
// when absent.

public struct AttestationReport: Sendable, Hashable, Codable {
    public static let currentSchema = "warden.dev/attestation/v1"

    public var schema: String
    public var cluster: String
    public var snapshot: AttestationSnapshotRef
    public var generatedAt: Date
    public var wardenVersion: String
    public var verdict: AttestationVerdict
    public var summary: AttestationSummary
    /// Sorted by agent id.
    public var agents: [AgentAttestation]
    public var clusterFindings: ClusterAttestation
    /// ServiceAccounts some agent can run pods as that hold permissions, sorted.
    public var serviceAccounts: [ServiceAccountSummary]
    /// The rules behind the report's findings, sorted by id.
    public var rules: [AttestationRule]

    public init(
        schema: String = AttestationReport.currentSchema,
        cluster: String,
        snapshot: AttestationSnapshotRef,
        generatedAt: Date,
        wardenVersion: String,
        verdict: AttestationVerdict,
        summary: AttestationSummary,
        agents: [AgentAttestation],
        clusterFindings: ClusterAttestation,
        serviceAccounts: [ServiceAccountSummary],
        rules: [AttestationRule]
    ) {
        self.schema = schema
        self.cluster = cluster
        self.snapshot = snapshot
        self.generatedAt = generatedAt
        self.wardenVersion = wardenVersion
        self.verdict = verdict
        self.summary = summary
        self.agents = agents
        self.clusterFindings = clusterFindings
        self.serviceAccounts = serviceAccounts
        self.rules = rules
    }

    /// Every finding: per agent (in agent order), then cluster-level.
    public var allFindings: [AttestationFinding] { agents.flatMap(\.findings) + clusterFindings.findings }

    /// The canonical JSON bytes: exactly `CanonicalJSON.encode(self)` (a test checks it), but
    /// assembled from separately encoded parts, agents and ServiceAccount summaries in parallel,
    /// so the encoder's intermediate tree never holds the whole report (a large report would
    /// otherwise need several times its size in memory while encoding).
    public func canonicalJSON() throws -> [UInt8] {
        func parts<T: Encodable & Sendable>(_ items: [T]) throws -> [[UInt8]] {
            let workers = min(ParallelFor.activeProcessorCount, items.count / 32 + 1)
            return try ParallelFor.map(count: items.count, workers: workers) { i in
                Result { try CanonicalJSON.encode(items[i]) }
            }.map { try $0.get() }
        }
        let agentParts = try parts(agents)
        let accountParts = try parts(serviceAccounts)
        // Members in the order JSONEncoder's sortedKeys puts them.
        let members: [(String, [[UInt8]]?, [UInt8]?)] = [
            ("agents", agentParts, nil),
            ("cluster", nil, try CanonicalJSON.encode(cluster)),
            ("clusterFindings", nil, try CanonicalJSON.encode(clusterFindings)),
            ("generatedAt", nil, try CanonicalJSON.encode(generatedAt)),
            ("rules", nil, try CanonicalJSON.encode(rules)),
            ("schema", nil, try CanonicalJSON.encode(schema)),
            ("serviceAccounts", accountParts, nil),
            ("snapshot", nil, try CanonicalJSON.encode(snapshot)),
            ("summary", nil, try CanonicalJSON.encode(summary)),
            ("verdict", nil, try CanonicalJSON.encode(verdict)),
            ("wardenVersion", nil, try CanonicalJSON.encode(wardenVersion)),
        ]
        var size = 2
        for (key, array, value) in members {
            size += key.utf8.count + 4 + (value?.count ?? 0) + (array?.reduce(2) { $0 + $1.count + 1 } ?? 0)
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        out.append(UInt8(ascii: "{"))
        for (i, (key, array, value)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out += key.utf8
            out += "\":".utf8
            if let value {
                out += value
            } else if let array {
                out.append(UInt8(ascii: "["))
                for (j, p) in array.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    out += p
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `sha256:<hex>` of the canonical JSON (equal to `CanonicalJSON.digest(self)`).
    public func digest() throws -> String {
        "sha256:" + SHA256.hash(data: try canonicalJSON()).hexString
    }
}
