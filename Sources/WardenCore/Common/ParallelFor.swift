import Dispatch
import Foundation

/// Minimal data-parallel map used for CPU-bound batch evaluation (no I/O).
enum ParallelFor {
    static var activeProcessorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    final class ResultBuffer<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
        let count: Int
        init(count: Int) {
            self.count = count
            base = .allocate(capacity: max(count, 1))
        }
        deinit { base.deallocate() }
    }

    /// `(0..<count).map(body)` computed by `workers` threads on contiguous chunks; order kept.
    static func map<T>(count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        if count == 0 { return [] }
        let workers = max(1, min(workers, count))
        if workers == 1 { return (0..<count).map(body) }
        let buffer = ResultBuffer<T>(count: count)
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let start = w * chunk
            let end = min(count, start + chunk)
            var i = start
            while i < end {
                (buffer.base + i).initialize(to: body(i))
                i += 1
            }
        }
        return Array(unsafeUninitializedCapacity: count) { out, initialized in
            out.baseAddress!.moveInitialize(from: buffer.base, count: count)
            initialized = count
        }
    }
}
