import WardenCore
import WardenStore

/// Parsed snapshots and their evaluators, by id. Snapshots never change, so an entry never goes
/// stale; the cache only bounds memory (a large cluster's snapshot is hundreds of megabytes).
public actor SnapshotCache {
    public struct Entry: Sendable {
        public var record: SnapshotRecord
        public var snapshot: Snapshot
        public var authorizer: RBACAuthorizer
    }

    private let store: SnapshotStore
    private let capacity: Int
    private var entries: [Int64: Entry] = [:]
    private var order: [Int64] = []
    private var loading: [Int64: Task<Entry, any Error>] = [:]

    init(store: SnapshotStore, capacity: Int = 3) {
        self.store = store
        self.capacity = capacity
    }

    public func entry(id: Int64) async throws -> Entry {
        if let entry = entries[id] {
            touch(id)
            return entry
        }
        if let task = loading[id] { return try await task.value }
        let store = self.store
        let task = Task { () throws -> Entry in
            let (record, bytes) = try await store.content(id: id)
            let snapshot: Snapshot
            do throws(SnapshotError) {
                snapshot = try Snapshot(parsing: bytes)
            } catch {
                throw StoreError.corruptRow("stored snapshot \(id) no longer parses: \(error.first)")
            }
            return Entry(record: record, snapshot: snapshot, authorizer: snapshot.makeAuthorizer())
        }
        loading[id] = task
        defer { loading[id] = nil }
        let entry = try await task.value
        insert(entry)
        return entry
    }

    /// Keeps a snapshot that was just parsed on upload, so the first query need not parse it again.
    func insert(_ entry: Entry) {
        entries[entry.record.id] = entry
        touch(entry.record.id)
        while order.count > capacity {
            entries[order.removeFirst()] = nil
        }
    }

    private func touch(_ id: Int64) {
        order.removeAll { $0 == id }
        order.append(id)
    }
}
