import Foundation
import PostgresNIO
import WardenCore

/// Stored, signed attestation reports. The report bytes are kept exactly as digested and signed.
public struct AttestationStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    static let columns = "id, cluster, snapshot_id, snapshot_digest, summary::text, report_digest, keyid, created_by, created_at"

    /// An id for a report about to be built: its signed statement names the id, so it comes first.
    public func reserveID() async throws -> Int64 {
        try await database.one("SELECT nextval('attestations_id_seq')", orThrow: .corruptRow("nextval returned nothing")) {
            try $0.decode(Int64.self)
        }
    }

    /// Stores a report signed for an id from `reserveID`, stamped with the time it was generated.
    public func insert(_ signed: SignedAttestation, snapshot: SnapshotRecord, context: ChangeContext) async throws -> AttestationRecord {
        let overview = String(decoding: try CanonicalJSON.encode(signed.overview), as: UTF8.self)
        let compressed = try Gzip.compress(signed.report)
        return try await database.withTransaction { connection in
            let record = try await connection.returning(
                """
                INSERT INTO attestations (id, cluster, snapshot_id, snapshot_digest, verdict, summary, report_gzip, report_size,
                                          report_digest, envelope, keyid, created_by, created_at)
                VALUES (\(signed.id), \(snapshot.cluster), \(snapshot.id), \(snapshot.digest), \(signed.overview.verdict.rawValue),
                        \(overview)::jsonb, \(Data(compressed)), \(Int64(signed.report.count)), \(signed.reportDigest),
                        \(String(decoding: signed.envelope, as: UTF8.self)), \(signed.keyid), \(context.actor), \(signed.generatedAt))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger,
                decode: Self.decode
            )
            try await audit.append(
                context.record(
                    action: "attestation.create",
                    targetType: "attestation",
                    targetID: String(signed.id),
                    stateDigest: signed.reportDigest
                ),
                on: connection
            )
            return record
        }
    }

    public func get(id: Int64) async throws -> AttestationRecord {
        try await database.one(
            "SELECT \(unescaped: Self.columns) FROM attestations WHERE id = \(id)",
            orThrow: Self.notFound(id),
            decode: Self.decode
        )
    }

    /// The canonical report bytes, checked against their digest.
    public func report(id: Int64) async throws -> (record: AttestationRecord, bytes: [UInt8]) {
        let (record, compressed, size) = try await database.one(
            "SELECT \(unescaped: Self.columns), report_gzip, report_size FROM attestations WHERE id = \(id)",
            orThrow: Self.notFound(id)
        ) { row in
            let columns = row.makeRandomAccess()
            return (try Self.decode(row), try columns[9].decode(Data.self), try columns[10].decode(Int64.self))
        }
        let bytes = try Gzip.decompress(Array(compressed), limit: Int(size))
        guard "sha256:" + SHA256Digest.hex(bytes) == record.reportDigest else {
            throw StoreError.corruptRow("attestation \(id) no longer matches its digest")
        }
        return (record, bytes)
    }

    public func envelope(id: Int64) async throws -> [UInt8] {
        try await database.one("SELECT envelope FROM attestations WHERE id = \(id)", orThrow: Self.notFound(id)) {
            Array(try $0.decode(String.self).utf8)
        }
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(cluster: String?, beforeID: Int64?, limit: Int) async throws -> [AttestationRecord] {
        try await database.all(
            """
            SELECT \(unescaped: Self.columns) FROM attestations
            WHERE (\(cluster)::text IS NULL OR cluster = \(cluster)) AND (\(beforeID)::bigint IS NULL OR id < \(beforeID))
            ORDER BY id DESC LIMIT \(limit)
            """,
            decode: Self.decode
        )
    }

    static func notFound(_ id: Int64) -> StoreError { .notFound(what: "attestation", id: String(id)) }

    static func decode(_ row: PostgresRow) throws -> AttestationRecord {
        let c = row.makeRandomAccess()
        let id = try c[0].decode(Int64.self)
        guard let overview = try? CanonicalJSON.decode(AttestationOverview.self, from: Array(try c[4].decode(String.self).utf8)) else {
            throw StoreError.corruptRow("attestations \(id)")
        }
        return AttestationRecord(
            id: id,
            cluster: try c[1].decode(String.self),
            snapshotID: try c[2].decode(Int64.self),
            snapshotDigest: try c[3].decode(String.self),
            overview: overview,
            reportDigest: try c[5].decode(String.self),
            keyid: try c[6].decode(String.self),
            createdBy: try c[7].decode(String.self),
            createdAt: try c[8].decode(Date.self)
        )
    }
}
