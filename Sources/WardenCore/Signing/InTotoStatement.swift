import Foundation

/// An in-toto Statement v1 (github.com/in-toto/attestation, spec/v1/statement.md) carrying
/// Warden's attestation predicate:
/// `{"_type": "https://in-toto.io/Statement/v1", "subject": [...], "predicateType": "...", "predicate": {...}}`.
public struct InTotoStatement: Codable, Sendable, Hashable {
    public static let statementType = "https://in-toto.io/Statement/v1"

    /// Always `InTotoStatement.statementType` for statements Warden writes and accepts.
    public var type: String
    public var subject: [InTotoSubject]
    public var predicateType: String
    public var predicate: AttestationPredicate

    public init(subject: [InTotoSubject], predicate: AttestationPredicate) {
        self.type = Self.statementType
        self.subject = subject
        self.predicateType = AttestationPredicate.predicateType
        self.predicate = predicate
    }

    /// Warden's attestation of one report: the subject is the snapshot the report judged,
    /// named `snapshot/<cluster>/<id>`, with the SHA-256 of its bytes.
    public init(predicate: AttestationPredicate, snapshotSHA256Hex: String) {
        self.init(
            subject: [
                InTotoSubject(name: InTotoSubject.snapshotName(cluster: predicate.cluster, id: predicate.snapshot.id), sha256Hex: snapshotSHA256Hex)
            ],
            predicate: predicate
        )
    }

    /// As `init(predicate:snapshotSHA256Hex:)`, hashing the snapshot bytes as uploaded
    /// (after gzip decoding, as `SnapshotRecord.digest` is computed).
    public init(predicate: AttestationPredicate, snapshotBytes: [UInt8]) {
        self.init(predicate: predicate, snapshotSHA256Hex: SHA256Digest.hex(snapshotBytes))
    }

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }

    /// The payload Warden signs: canonical JSON (sorted keys, no white space).
    public func canonicalJSON() throws -> [UInt8] {
        try CanonicalJSON.encode(self)
    }
}

/// A statement subject (an in-toto ResourceDescriptor with `name` and `digest`).
public struct InTotoSubject: Codable, Sendable, Hashable {
    public var name: String
    /// Algorithm to lower-case hex digest, e.g. `["sha256": "..."]`.
    public var digest: [String: String]

    public init(name: String, digest: [String: String]) {
        self.name = name
        self.digest = digest
    }

    public init(name: String, sha256Hex: String) {
        self.init(name: name, digest: ["sha256": sha256Hex])
    }

    public static func snapshotName(cluster: String, id: Int64) -> String {
        "snapshot/\(cluster)/\(id)"
    }
}

/// The predicate of a Warden attestation report, `predicateType`
/// `https://warden.dev/attestation/report/v1`.
public struct AttestationPredicate: Codable, Sendable, Hashable {
    /// Version 1 of the predicate. A change that breaks readers of these fields gets a new
    /// URI (`.../report/v2`) and a new constant; adding optional fields does not.
    public static let predicateTypeV1 = "https://warden.dev/attestation/report/v1"
    /// The predicate type Warden writes now.
    public static let predicateType = predicateTypeV1

    /// The report's verdict as the report states it.
    public var verdict: String
    /// When the report was generated, RFC 3339 in UTC (`2026-11-27T22:06:40.123Z`).
    public var generatedAt: String
    public var reportId: Int64
    public var cluster: String
    /// `["sha256": hex]` of the report's canonical JSON bytes.
    public var reportDigest: [String: String]
    public var baselines: [BaselineReference]
    public var snapshot: SnapshotReference
    public var warden: WardenReference

    public init(
        verdict: String,
        generatedAt: String,
        reportId: Int64,
        cluster: String,
        reportDigest: [String: String],
        baselines: [BaselineReference],
        snapshot: SnapshotReference,
        warden: WardenReference = WardenReference()
    ) {
        self.verdict = verdict
        self.generatedAt = generatedAt
        self.reportId = reportId
        self.cluster = cluster
        self.reportDigest = reportDigest
        self.baselines = baselines
        self.snapshot = snapshot
        self.warden = warden
    }

    /// Computes `reportDigest` from the report's canonical JSON bytes and formats the time.
    public init(
        verdict: String,
        generatedAt: Date,
        reportId: Int64,
        cluster: String,
        reportCanonicalJSON: [UInt8],
        baselines: [BaselineReference],
        snapshot: SnapshotReference,
        warden: WardenReference = WardenReference()
    ) {
        self.init(
            verdict: verdict,
            generatedAt: RFC3339.string(from: generatedAt),
            reportId: reportId,
            cluster: cluster,
            reportDigest: ["sha256": SHA256Digest.hex(reportCanonicalJSON)],
            baselines: baselines,
            snapshot: snapshot,
            warden: warden
        )
    }

    /// One approved baseline the report compared against.
    public struct BaselineReference: Codable, Sendable, Hashable {
        public var agentId: Int64
        public var version: Int
        /// The baseline's stored content digest, as stored (`Baseline.digest`, `sha256:<hex>`).
        public var digest: String

        public init(agentId: Int64, version: Int, digest: String) {
            self.agentId = agentId
            self.version = version
            self.digest = digest
        }
    }

    /// The snapshot the report judged.
    public struct SnapshotReference: Codable, Sendable, Hashable {
        public var id: Int64
        /// RFC 3339 in UTC.
        public var uploadedAt: String

        public init(id: Int64, uploadedAt: String) {
            self.id = id
            self.uploadedAt = uploadedAt
        }

        public init(id: Int64, uploadedAt: Date) {
            self.init(id: id, uploadedAt: RFC3339.string(from: uploadedAt))
        }
    }

    public struct WardenReference: Codable, Sendable, Hashable {
        public var version: String

        public init(version: String = WardenVersion.string) {
            self.version = version
        }
    }
}
