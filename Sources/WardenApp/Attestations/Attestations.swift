import Foundation
import WardenCore
import WardenStore

/// Signed attestation reports: issuing one over a snapshot, reading, comparing and verifying them.
public struct Attestations: Sendable {
    let stores: Stores
    let snapshots: Snapshots
    let keyRing: AttestationKeyRing?

    /// Builds, signs and stores a report of `cluster` over its latest snapshot, or over `snapshotID`.
    /// One time stamps the whole operation: the report, its signed predicate and its row. A report
    /// over an older snapshot says so (ATT-010, and `newerSnapshotId` in the predicate); an auditor
    /// (`by`, nil for the command line) may attest only the newest.
    public func issue(cluster: String, snapshotID: Int64?, by principal: Principal? = nil, context: ChangeContext) async throws -> AttestationRecord {
        guard let ring = keyRing else {
            throw UseCaseError.noSigningKey("this server has no attestation signing key; set WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE")
        }
        let snapshot = try await snapshotToAttest(cluster: cluster, requested: snapshotID)
        let newest = try await snapshots.latest(cluster: cluster)
        let newer = newest.flatMap { $0.id == snapshot.id ? nil : $0.id }
        if let newer, principal?.role == .auditor {
            throw UseCaseError.forbidden(
                "an auditor attests only the cluster's newest snapshot (\(newer)); leave snapshotId out, or ask an admin or reviewer"
            )
        }
        let input = try await AttestationInputCollector(stores: stores, snapshots: snapshots)
            .input(cluster: cluster, snapshot: snapshot, newerSnapshotID: newer, at: stores.clock.now())
        let id = try await stores.attestations.reserveID()
        let signed = try SignedAttestation.issue(input, id: id, ring: ring)
        return try await stores.attestations.insert(signed, snapshot: snapshot, context: context)
    }

    private func snapshotToAttest(cluster: String, requested: Int64?) async throws -> SnapshotRecord {
        guard let requested else {
            guard let latest = try await snapshots.latest(cluster: cluster) else {
                throw UseCaseError.conflict("cluster \(cluster) has no snapshot yet; POST one to /v1/clusters/\(cluster)/snapshots first")
            }
            return latest
        }
        let record = try await snapshots.get(id: requested)
        guard record.cluster == cluster else {
            throw ValidationError(pointer: "/snapshotId", detail: "snapshot \(requested) is of cluster \(record.cluster), not \(cluster)")
        }
        return record
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(cluster: String?, beforeID: Int64?, limit: Int) async throws -> [AttestationRecord] {
        try await stores.attestations.list(cluster: cluster, beforeID: beforeID, limit: limit)
    }

    /// The report's canonical bytes, exactly as signed.
    public func reportBytes(id: Int64) async throws -> [UInt8] {
        try await stores.attestations.report(id: id).bytes
    }

    /// The report, decoded (for the formats other than JSON).
    public func report(id: Int64) async throws -> AttestationReport {
        let (_, bytes) = try await stores.attestations.report(id: id)
        do {
            return try CanonicalJSON.decode(AttestationReport.self, from: bytes)
        } catch {
            throw StoreError.corruptRow("attestation \(id) no longer decodes: \(error)")
        }
    }

    public func envelope(id: Int64) async throws -> [UInt8] {
        try await stores.attestations.envelope(id: id)
    }

    /// What changed from report `against` to report `id`, both of one cluster.
    public func diff(id: Int64, against: Int64) async throws -> AttestationReportDiff {
        let (newer, newBytes) = try await stores.attestations.report(id: id)
        let (older, oldBytes) = try await stores.attestations.report(id: against)
        guard newer.cluster == older.cluster else {
            throw ValidationError(pointer: "against", detail: "report \(older.id) is of cluster \(older.cluster), not \(newer.cluster)")
        }
        let from = try CanonicalJSON.decode(AttestationReport.self, from: oldBytes)
        let to = try CanonicalJSON.decode(AttestationReport.self, from: newBytes)
        return AttestationDiff.diff(from: from, to: to)
    }

    /// The keys reports are signed and were signed with; empty when none is configured.
    public var publishedKeys: [AttestationKeyRing.PublishedKey] { keyRing?.publishedKeys ?? [] }

    /// An envelope checked against the published keys, and whether the report it names is the one stored.
    public func verify(_ envelope: DSSEEnvelope) async throws -> (result: VerificationResult, matchesStoredReport: Bool?) {
        guard let ring = keyRing else {
            throw UseCaseError.noSigningKey("this server publishes no attestation keys to verify against")
        }
        let result = ring.verify(envelope: envelope)
        guard let predicate = result.statement?.predicate else { return (result, nil) }
        guard let stored = try? await stores.attestations.get(id: predicate.reportId) else { return (result, false) }
        return (result, stored.reportDigest == "sha256:" + (predicate.reportDigest["sha256"] ?? ""))
    }
}
