import Synchronization

/// Reads by key that arrive while earlier reads are in flight are answered together by one query,
/// so a burst of requests costs PostgreSQL a handful of statements instead of one each.
///
/// It is not a cache: a read only ever joins a batch that has not started yet, so every answer
/// reflects everything committed before the read was asked for. While fewer than `maxInFlight`
/// queries run, a read queries at once by itself, so a quiet server pays no delay for this.
final class BatchedLookup<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Fetch = @Sendable ([Key]) async throws -> [Key: Value]
    private typealias Waiter = CheckedContinuation<Value?, any Error>

    private struct State {
        var pending: [Key: [Waiter]] = [:]
        /// Pending keys in the order they were first asked for, so a full batch takes the oldest
        /// and no key waits behind newer ones.
        var order: [Key] = []
        var inFlight = 0
        var reads = 0

        mutating func add(_ waiter: Waiter, for key: Key) {
            if pending[key] == nil { order.append(key) }
            pending[key, default: []].append(waiter)
            reads += 1
        }

        mutating func take(_ limit: Int) -> [Key: [Waiter]] {
            guard order.count > limit else {
                defer { (pending, order) = ([:], []) }
                return pending
            }
            var batch: [Key: [Waiter]] = [:]
            for key in order.prefix(limit) {
                batch[key] = pending.removeValue(forKey: key)
            }
            order.removeFirst(limit)
            return batch
        }
    }

    private let state = Mutex(State())
    private let fetch: Fetch
    private let maxInFlight: Int
    private let maxBatch: Int

    /// - Parameters:
    ///   - maxInFlight: queries running at once; more arrivals wait for the next one. One was
    ///     better than two in bench/load.sh (larger batches, fewer PostgreSQL wake-ups).
    ///   - maxBatch: keys in one query.
    init(maxInFlight: Int = 1, maxBatch: Int = 200, fetch: @escaping Fetch) {
        precondition(maxInFlight > 0 && maxBatch > 0)
        self.maxInFlight = maxInFlight
        self.maxBatch = maxBatch
        self.fetch = fetch
    }

    /// The value for `key` as of a query that started after this call, or nil if there is none.
    func value(for key: Key) async throws -> Value? {
        // With room for another query and nobody waiting, this read queries by itself, in its own
        // task: a quiet server pays nothing for batching, not even a hop to another task.
        let alone = state.withLock { state in
            guard state.inFlight < maxInFlight && state.pending.isEmpty else { return false }
            state.inFlight += 1
            state.reads += 1
            return true
        }
        if alone {
            defer { finished() }
            return try await fetch([key])[key]
        }
        return try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let batch = state.withLock { state -> [Key: [Waiter]]? in
                state.add(waiter, for: key)
                guard state.inFlight < maxInFlight else { return nil }
                state.inFlight += 1
                return state.take(maxBatch)
            }
            if let batch {
                Task { await self.run(batch) }
            }
        }
    }

    /// Reads asked for so far.
    var reads: Int { state.withLock { $0.reads } }

    /// Answers `batch`, then whatever gathered meanwhile, until nothing is waiting.
    private func run(_ first: [Key: [Waiter]]) async {
        var batch = first
        while true {
            do {
                let values = try await fetch(Array(batch.keys))
                for (key, waiters) in batch {
                    for waiter in waiters { waiter.resume(returning: values[key]) }
                }
            } catch {
                for waiters in batch.values {
                    for waiter in waiters { waiter.resume(throwing: error) }
                }
            }
            guard let next = takeNext() else { return }
            batch = next
        }
    }

    /// A query ended: the reads that gathered meanwhile go next, or the slot is free.
    private func takeNext() -> [Key: [Waiter]]? {
        state.withLock { state -> [Key: [Waiter]]? in
            guard !state.pending.isEmpty else {
                state.inFlight -= 1
                return nil
            }
            return state.take(maxBatch)
        }
    }

    /// After a read that queried by itself: whoever waited for its slot is answered by a new task.
    private func finished() {
        if let next = takeNext() {
            Task { await self.run(next) }
        }
    }
}
