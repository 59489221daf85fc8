import WardenCore
import WardenStore

/// Cluster snapshots: uploading one, finding a cluster's latest, and the parsed form every RBAC
/// question and report works on (parsed once, kept in `SnapshotCache`).
public struct Snapshots: Sendable {
    let store: SnapshotStore
    let cache: SnapshotCache
    /// The most bytes a snapshot may have once decompressed.
    let limit: Int

    /// What an upload carries besides its bytes.
    public struct Upload: Sendable {
        public var cluster: String
        public var mediaType: SnapshotMediaType
        public var gzipped: Bool

        public init(cluster: String, mediaType: SnapshotMediaType, gzipped: Bool) {
            self.cluster = cluster
            self.mediaType = mediaType
            self.gzipped = gzipped
        }
    }

    /// Stores a snapshot after checking who may upload it and that it parses; throws the parser's
    /// `SnapshotError` with every issue when it does not.
    public func upload(_ upload: Upload, body: [UInt8], by principal: Principal, context: ChangeContext) async throws -> SnapshotRecord {
        try checkMayUpload(cluster: upload.cluster, principal: principal)
        let bytes = upload.gzipped ? try decompress(body) : body
        try upload.mediaType.checkLooksRight(bytes)
        let snapshot = try Snapshot(parsing: bytes)
        let record = try await store.create(
            cluster: upload.cluster,
            bytes: bytes,
            mediaType: upload.mediaType.rawValue,
            objectCounts: snapshot.objectCounts,
            context: context
        )
        await cache.insert(.init(record: record, snapshot: snapshot, authorizer: snapshot.makeAuthorizer()))
        return record
    }

    /// Collector tokens upload for the clusters they name only. HTTP asks before reading the body.
    public func checkMayUpload(cluster: String, principal: Principal) throws {
        if principal.role == .collector && !principal.clusters.contains(cluster) {
            throw UseCaseError.forbidden(
                "this collector token may upload snapshots only for: \(principal.clusters.joined(separator: ", "))"
            )
        }
    }

    private func decompress(_ body: [UInt8]) throws -> [UInt8] {
        do {
            return try Gzip.decompress(body, limit: limit)
        } catch is Gzip.TooLarge {
            throw UseCaseError.tooLarge(limit: limit)
        } catch {
            throw UseCaseError.badRequest("the body is not valid gzip")
        }
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(cluster: String, beforeID: Int64?, limit: Int) async throws -> [SnapshotRecord] {
        try await store.list(cluster: cluster, beforeID: beforeID, limit: limit)
    }

    public func get(id: Int64) async throws -> SnapshotRecord {
        try await store.get(id: id)
    }

    public func latest(cluster: String) async throws -> SnapshotRecord? {
        try await store.latest(cluster: cluster)
    }

    /// The snapshot parsed, with its RBAC evaluator.
    public func parsed(id: Int64) async throws -> SnapshotCache.Entry {
        try await cache.entry(id: id)
    }

    /// The newest snapshot of a cluster, parsed; nil when the cluster has none.
    public func latestParsed(cluster: String) async throws -> SnapshotCache.Entry? {
        guard let record = try await store.latest(cluster: cluster) else { return nil }
        return try await cache.entry(id: record.id)
    }

    /// The stored snapshot as one `kind: List` JSON document.
    public func listJSON(id: Int64) async throws -> [UInt8] {
        let (_, bytes) = try await store.content(id: id)
        do {
            return try SnapshotParser().listJSON(bytes)
        } catch {
            throw StoreError.corruptRow("stored snapshot \(id) no longer parses")
        }
    }
}

/// The two forms a snapshot is uploaded in.
public enum SnapshotMediaType: String, Sendable {
    case json = "application/json"
    case yaml = "application/yaml"

    /// JSON that does not even start like JSON is refused before the parser tries YAML on it.
    func checkLooksRight(_ bytes: [UInt8]) throws {
        guard self == .json else { return }
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            throw UseCaseError.badRequest("the body is declared application/json but does not start with { or [")
        }
    }
}
