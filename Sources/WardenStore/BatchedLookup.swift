import Synchronization

/// Reads by key that arrive while earlier reads are in flight are answered together by one query,
/// so a burst of requests costs PostgreSQL a handful of statements instead of one each.
///
/// It is not a cache: a read only ever joins a batch that has not started yet, so every answer
/// reflects everything committed before the read was asked for. While fewer than `maxInFlight`
/// queries run, a read queries at once by itself, so a quiet server pays no delay for this.
final class BatchedLookup<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Fetch = @Sendable ([Key]) async throws -> [Key: Value]
    /// Runs `body` with a fetch bound to what consecutive fetches can share (a leased database
    /// connection), so a busy lookup leases once for a run of batches rather than once a query.
    typealias Session = @Sendable (_ body: (Fetch) async throws -> Void) async throws -> Void
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
    private let session: Session
    private let maxInFlight: Int
    private let maxBatch: Int

    /// - Parameters:
    ///   - maxInFlight: queries running at once; more arrivals wait for the next one. One was
    ///     better than two in bench/load.sh (larger batches, fewer PostgreSQL wake-ups).
    ///   - maxBatch: keys in one query.
    init(maxInFlight: Int = 1, maxBatch: Int = 200, session: @escaping Session) {
        precondition(maxInFlight > 0 && maxBatch > 0)
        self.maxInFlight = maxInFlight
        self.maxBatch = maxBatch
        self.session = session
    }

    /// Fetches that share nothing between them.
    convenience init(maxInFlight: Int = 1, maxBatch: Int = 200, fetch: @escaping Fetch) {
        self.init(maxInFlight: maxInFlight, maxBatch: maxBatch) { body in try await body(fetch) }
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
            var value: Value?
            try await session { fetch in value = try await fetch([key])[key] }
            return value
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

    /// Answers `batch`, then whatever gathered meanwhile, until nothing is waiting. Consecutive
    /// batches share one session; a failed fetch ends it, so the next batch starts a fresh one
    /// (a broken connection fails one batch, not every batch until the load lets up).
    private func run(_ first: [Key: [Waiter]]) async {
        var batch: [Key: [Waiter]]? = first
        while batch != nil {
            do {
                try await session { fetch in
                    while let current = batch {
                        batch = nil
                        do {
                            Self.answer(current, with: try await fetch(Array(current.keys)))
                        } catch {
                            Self.fail(current, with: error)
                            batch = takeNext()
                            return
                        }
                        batch = takeNext()
                    }
                }
            } catch {
                // The session could not start (no connection): the batch it was opened for fails,
                // rather than spinning on a database that is down.
                if let unanswered = batch {
                    Self.fail(unanswered, with: error)
                    batch = takeNext()
                }
            }
        }
    }

    private static func answer(_ batch: [Key: [Waiter]], with values: [Key: Value]) {
        for (key, waiters) in batch {
            for waiter in waiters { waiter.resume(returning: values[key]) }
        }
    }

    private static func fail(_ batch: [Key: [Waiter]], with error: any Error) {
        for waiters in batch.values {
            for waiter in waiters { waiter.resume(throwing: error) }
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
