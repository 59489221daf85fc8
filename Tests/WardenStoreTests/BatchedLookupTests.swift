import Synchronization
import Testing

@testable import WardenStore

/// What BatchedLookup promises: every read is answered by a fetch that started after it was
/// asked, reads that wait together share a fetch, and a failed fetch fails exactly its readers.
@Suite struct BatchedLookupTests {
    /// Numbers fetches as they start and lets the test hold them open.
    final class Source: Sendable {
        struct State {
            var started = 0
            var running = 0
            var mostRunning = 0
            var batches: [[Int]] = []
            var held: [CheckedContinuation<Void, Never>] = []
            var holding = false
        }
        let state = Mutex(State())

        func fetch(_ keys: [Int]) async throws -> [Int: Int] {
            let (number, hold) = state.withLock { state in
                state.started += 1
                state.running += 1
                state.mostRunning = max(state.mostRunning, state.running)
                state.batches.append(keys.sorted())
                return (state.started, state.holding)
            }
            if hold {
                await withCheckedContinuation { continuation in state.withLock { $0.held.append(continuation) } }
            } else {
                await Task.yield()
            }
            state.withLock { $0.running -= 1 }
            if keys.contains(-1) { throw Failure() }
            // Odd keys do not exist; an even key's value says which fetch answered it.
            return Dictionary(uniqueKeysWithValues: keys.filter { $0 % 2 == 0 }.map { ($0, number) })
        }

        func hold(_ on: Bool) { state.withLock { $0.holding = on } }
        func release() {
            for c in state.withLock({ s in
                defer { s.held = [] }
                return s.held
            }) { c.resume() }
        }
        var started: Int { state.withLock { $0.started } }
        var heldCount: Int { state.withLock { $0.held.count } }
    }
    struct Failure: Error {}

    @Test func aReadNeverJoinsAFetchThatHasStarted() async throws {
        let source = Source()
        let lookup = BatchedLookup<Int, Int>(maxInFlight: 1) { try await source.fetch($0) }
        source.hold(true)
        async let first = lookup.value(for: 2)
        while source.heldCount < 1 { await Task.yield() }
        // The first fetch is running; this read for the same key must wait for a new one.
        async let second = lookup.value(for: 2)
        async let third = lookup.value(for: 4)
        source.hold(false)
        source.release()
        let (a, b, c) = try await (first, second, third)
        #expect(a == 1)
        #expect(b == 2 && c == 2, "the two later reads share the second fetch")
        #expect(source.started == 2)
    }

    @Test func concurrentReadsShareFetchesWithinTheLimits() async throws {
        let source = Source()
        let lookup = BatchedLookup<Int, Int>(maxInFlight: 2, maxBatch: 16) { try await source.fetch($0) }
        source.hold(true)
        let answers = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
            for key in 0..<400 { group.addTask { (key, try await lookup.value(for: key % 100)) } }
            // Two fetches held open and every read asked: the rest wait, and share what follows.
            while source.heldCount < 2 || lookup.reads < 400 { await Task.yield() }
            source.hold(false)
            source.release()
            return try await group.reduce(into: [(Int, Int?)]()) { $0.append($1) }
        }
        #expect(answers.count == 400)
        for (key, value) in answers {
            #expect((value == nil) == (key % 2 == 1), "odd keys are missing, even keys are found: \(key)")
        }
        let state = source.state.withLock { $0 }
        #expect(state.mostRunning <= 2)
        #expect(state.batches.allSatisfy { $0.count <= 16 && Set($0).count == $0.count })
        // Two held fetches, then at most 100 distinct keys in batches of 16 (7 fetches).
        #expect(state.started <= 9, "reads that waited together shared fetches (\(state.started) fetches)")
    }

    @Test func fullBatchesTakeTheOldestKeysFirst() async throws {
        let source = Source()
        let lookup = BatchedLookup<Int, Int>(maxInFlight: 1, maxBatch: 2) { try await source.fetch($0) }
        source.hold(true)
        var readers = [Task { try await lookup.value(for: 100) }]
        while source.heldCount < 1 { await Task.yield() }
        for (n, key) in [8, 6, 4, 2].enumerated() {
            readers.append(Task { try await lookup.value(for: key) })
            while lookup.reads < n + 2 { await Task.yield() }
        }
        source.hold(false)
        source.release()
        for reader in readers { _ = try await reader.value }
        #expect(source.state.withLock { $0.batches } == [[100], [6, 8], [2, 4]])
    }

    @Test func aFailedFetchFailsItsReadersAndTheNextOneWorks() async throws {
        let source = Source()
        let lookup = BatchedLookup<Int, Int>(maxInFlight: 1) { try await source.fetch($0) }
        source.hold(true)
        let failing = Task { try await lookup.value(for: -1) }
        while source.heldCount < 1 { await Task.yield() }
        source.hold(false)
        source.release()
        await #expect(throws: Failure.self) { try await failing.value }
        #expect(try await lookup.value(for: 6) == 2)
    }

    /// Counts the sessions a lookup opens; the first `failing` of them cannot start.
    final class Sessions: Sendable {
        let opened = Atomic<Int>(0)
        let failing: Int
        init(failing: Int = 0) { self.failing = failing }

        func lookup(_ source: Source, maxBatch: Int = 200) -> BatchedLookup<Int, Int> {
            BatchedLookup<Int, Int>(maxInFlight: 1, maxBatch: maxBatch) { body in
                let number = self.opened.add(1, ordering: .relaxed).newValue
                if number <= self.failing { throw SessionFailure() }
                try await body { try await source.fetch($0) }
            }
        }
        var count: Int { opened.load(ordering: .relaxed) }
    }
    struct SessionFailure: Error {}

    /// Reads that queue behind a running fetch: key 100 runs alone and is held while `keys` queue.
    func queue(_ keys: [Int], behind lookup: BatchedLookup<Int, Int>, _ source: Source) async -> [Task<Int?, any Error>] {
        source.hold(true)
        var readers = [Task { try await lookup.value(for: 100) }]
        while source.heldCount < 1 { await Task.yield() }
        for (n, key) in keys.enumerated() {
            readers.append(Task { try await lookup.value(for: key) })
            while lookup.reads < n + 2 { await Task.yield() }
        }
        source.hold(false)
        source.release()
        return readers
    }

    @Test func consecutiveBatchesShareOneSession() async throws {
        let source = Source()
        let sessions = Sessions()
        let lookup = sessions.lookup(source, maxBatch: 1)
        let readers = await queue([2, 4, 6], behind: lookup, source)
        for reader in readers { _ = try await reader.value }
        #expect(source.state.withLock { $0.batches } == [[100], [2], [4], [6]])
        #expect(sessions.count == 2, "the read alone had its own session; the three batches queued behind it shared one")
    }

    @Test func aFailedFetchEndsItsSessionAndTheNextBatchOpensAnother() async throws {
        let source = Source()
        let sessions = Sessions()
        let lookup = sessions.lookup(source, maxBatch: 1)
        let readers = await queue([-1, 2, 4], behind: lookup, source)
        _ = try await readers[0].value
        await #expect(throws: Failure.self) { try await readers[1].value }
        #expect(try await readers[2].value == 3)
        #expect(try await readers[3].value == 4)
        #expect(sessions.count == 3, "a connection that failed a query is not used for the next batch")
    }

    @Test func aSessionThatCannotStartFailsOnlyTheReadsItWasFor() async throws {
        let source = Source()
        let sessions = Sessions(failing: 1)
        let lookup = sessions.lookup(source)
        await #expect(throws: SessionFailure.self) { try await lookup.value(for: 2) }
        #expect(source.started == 0)
        #expect(try await lookup.value(for: 4) == 1)
        // And in the batched path: the session opened for the queued batch fails it, then the next works.
        let failingLater = Sessions(failing: 0)
        let laterSource = Source()
        let batched = BatchedLookup<Int, Int>(maxInFlight: 1) { body in
            let number = failingLater.opened.add(1, ordering: .relaxed).newValue
            if number == 2 { throw SessionFailure() }
            try await body { try await laterSource.fetch($0) }
        }
        let readers = await queue([2, 4], behind: batched, laterSource)
        _ = try await readers[0].value
        await #expect(throws: SessionFailure.self) { try await readers[1].value }
        await #expect(throws: SessionFailure.self) { try await readers[2].value }
        #expect(try await batched.value(for: 6) == 2)
    }
}
