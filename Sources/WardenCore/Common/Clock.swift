import Foundation

/// Where Warden reads the time. Injected everywhere, so tests move time forward instead of waiting.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real time, truncated to whole milliseconds so a time survives a round trip through
/// PostgreSQL (microseconds) and RFC 3339 text unchanged, which hashes depend on.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
