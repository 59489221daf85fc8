import Foundation
import PostgresNIO
import WardenCore

public struct SnapshotStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    static let columns = "id, cluster, digest, media_type, object_counts::text, size_bytes, created_at, created_by"

    /// Stores the uploaded bytes (after any gzip decoding) compressed anew; they never change afterwards.
    public func create(
        cluster: String,
        bytes: [UInt8],
        mediaType: String,
        objectCounts: [String: Int],
        context: ChangeContext
    ) async throws -> SnapshotRecord {
        let now = clock.now()
        let digest = "sha256:" + SHA256Digest.hex(bytes)
        let compressed = try Gzip.compress(bytes)
        let counts = String(decoding: try CanonicalJSON.encode(objectCounts), as: UTF8.self)
        return try await database.withTransaction { connection in
            let record = try await connection.returning(
                """
                INSERT INTO snapshots (cluster, digest, media_type, object_counts, size_bytes, content_gzip, created_at, created_by)
                VALUES (\(cluster), \(digest), \(mediaType), \(counts)::jsonb, \(Int64(bytes.count)), \(Data(compressed)), \(now), \(context.actor))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger,
                decode: Self.decode
            )
            try await audit.append(
                context.record(action: "snapshot.create", targetType: "snapshot", targetID: String(record.id), stateDigest: record.digest),
                on: connection
            )
            return record
        }
    }

    public func get(id: Int64) async throws -> SnapshotRecord {
        try await database.one(
            "SELECT \(unescaped: Self.columns) FROM snapshots WHERE id = \(id)",
            orThrow: Self.notFound(id),
            decode: Self.decode
        )
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(cluster: String, beforeID: Int64?, limit: Int) async throws -> [SnapshotRecord] {
        try await database.all(
            """
            SELECT \(unescaped: Self.columns) FROM snapshots
            WHERE cluster = \(cluster) AND (\(beforeID)::bigint IS NULL OR id < \(beforeID))
            ORDER BY id DESC LIMIT \(limit)
            """,
            decode: Self.decode
        )
    }

    public func latest(cluster: String) async throws -> SnapshotRecord? {
        try await list(cluster: cluster, beforeID: nil, limit: 1).first
    }

    /// The uploaded bytes, decompressed, checked against the stored digest.
    public func content(id: Int64) async throws -> (record: SnapshotRecord, bytes: [UInt8]) {
        let record = try await get(id: id)
        let compressed = try await database.one(
            "SELECT content_gzip FROM snapshots WHERE id = \(id)",
            orThrow: Self.notFound(id)
        ) { try $0.decode(Data.self) }
        let bytes = try Gzip.decompress(Array(compressed), limit: Int(record.sizeBytes))
        guard "sha256:" + SHA256Digest.hex(bytes) == record.digest else {
            throw StoreError.corruptRow("snapshot \(id) no longer matches its digest")
        }
        return (record, bytes)
    }

    static func notFound(_ id: Int64) -> StoreError { .notFound(what: "snapshot", id: String(id)) }

    static func decode(_ row: PostgresRow) throws -> SnapshotRecord {
        let (id, cluster, digest, mediaType, counts, size, createdAt, createdBy) =
            try row.decode((Int64, String, String, String, String, Int64, Date, String).self)
        guard let objectCounts = try? JSONDecoder().decode([String: Int].self, from: Data(counts.utf8)) else {
            throw StoreError.corruptRow("snapshots \(id)")
        }
        return SnapshotRecord(
            id: id,
            cluster: cluster,
            digest: digest,
            mediaType: mediaType,
            objectCounts: objectCounts,
            sizeBytes: size,
            createdAt: createdAt,
            createdBy: createdBy
        )
    }
}
