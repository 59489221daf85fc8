import Foundation

/// A report built and signed for the id reserved for it: the canonical bytes that were digested,
/// the DSSE envelope over an in-toto statement naming that digest, and what lists show of it.
public struct SignedAttestation: Sendable {
    public var id: Int64
    public var report: [UInt8]
    public var reportDigest: String
    public var overview: AttestationOverview
    public var envelope: [UInt8]
    public var keyid: String
    /// When it was generated: the time the report and its predicate state.
    public var generatedAt: Date

    /// Builds the report from `input` (whose `generatedAt` is the one time of the whole operation)
    /// and signs it with the ring's active key.
    public static func issue(_ input: AttestationInput, id: Int64, ring: AttestationKeyRing) throws -> SignedAttestation {
        let report = AttestationBuilder.build(input)
        let bytes = try report.canonicalJSON()
        let predicate = AttestationPredicate(
            verdict: report.verdict.status.rawValue,
            generatedAt: report.generatedAt,
            reportId: id,
            cluster: input.cluster,
            reportCanonicalJSON: bytes,
            baselines: input.agents.compactMap { agent in
                agent.baseline.map { .init(agentId: agent.agent.id, version: $0.version, digest: $0.digest) }
            },
            snapshot: .init(id: input.snapshotRef.id, uploadedAt: input.snapshotRef.uploadedAt)
        )
        let statement = InTotoStatement(predicate: predicate, snapshotSHA256Hex: input.snapshotRef.sha256)
        let envelope = try ring.sign(statement: statement)
        return SignedAttestation(
            id: id,
            report: bytes,
            reportDigest: "sha256:" + SHA256Digest.hex(bytes),
            overview: AttestationOverview(report),
            envelope: try envelope.jsonBytes(),
            keyid: ring.signingKey.keyid,
            generatedAt: input.generatedAt
        )
    }
}
