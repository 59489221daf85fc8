import Foundation

/// A stored snapshot's description; its objects are fetched separately.
public struct SnapshotRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var cluster: String
    /// `sha256:<hex>` of the uploaded bytes after gzip decoding.
    public var digest: String
    public var mediaType: String
    public var objectCounts: [String: Int]
    public var sizeBytes: Int64
    public var createdAt: Date
    public var createdBy: String

    public init(
        id: Int64,
        cluster: String,
        digest: String,
        mediaType: String,
        objectCounts: [String: Int],
        sizeBytes: Int64,
        createdAt: Date,
        createdBy: String
    ) {
        self.id = id
        self.cluster = cluster
        self.digest = digest
        self.mediaType = mediaType
        self.objectCounts = objectCounts
        self.sizeBytes = sizeBytes
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
