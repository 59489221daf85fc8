import Foundation

/// Exponential backoff with full jitter, so receivers that failed together are not retried together.
public struct RetryBackoff: Sendable, Hashable {
    public var base: TimeInterval
    public var cap: TimeInterval
    public var maxAttempts: Int

    public init(base: TimeInterval = 10, cap: TimeInterval = 3600, maxAttempts: Int = 8) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The delay before attempt `attempt + 1`, after `attempt` failed ones; `unit` in [0, 1) is the jitter.
    public func delay(afterAttempt attempt: Int, unit: Double) -> TimeInterval {
        let ceiling = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        // Half fixed, half random: never immediately, never all at once.
        return ceiling / 2 + ceiling / 2 * min(max(unit, 0), 1)
    }
}
