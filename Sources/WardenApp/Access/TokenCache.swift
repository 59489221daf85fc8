import Foundation
import Synchronization
import WardenCore

/// Recently authenticated tokens, for a couple of seconds, so that a burst of requests with one
/// token costs one database lookup instead of one each. Revoking through this server clears it at
/// once; another replica notices a revocation within `lifetime`. Expiry is checked on every hit.
public final class TokenCache: Sendable {
    private struct Entry {
        var principal: Principal
        var cachedAt: Date
    }

    let lifetime: TimeInterval
    private let capacity: Int
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    public init(lifetime: TimeInterval = 2, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func principal(forHash hash: [UInt8], now: Date) -> Principal? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            let fresh = now.timeIntervalSince(entry.cachedAt) < lifetime && now >= entry.cachedAt
            let unexpired = entry.principal.expiresAt.map { now < $0 } ?? true
            guard fresh && unexpired else {
                entries[hash] = nil
                return nil
            }
            return entry.principal
        }
    }

    func remember(_ principal: Principal, forHash hash: [UInt8], now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(principal: principal, cachedAt: now)
        }
    }

    /// After a revocation: forget everything rather than look for the one token.
    public func clear() {
        entries.withLock { $0.removeAll() }
    }
}
