import Foundation
import WardenCore
import WardenStore

/// API tokens: issuing them, and telling who holds the one a request carries.
public struct AccessTokens: Sendable {
    let store: TokenStore
    let clock: any WallClock
    let cache = TokenCache()

    /// The principal behind a secret, if its token exists, is not revoked and has not expired.
    public func authenticate(_ secret: TokenSecret) async throws -> Principal? {
        let hash = secret.hash
        let now = clock.now()
        if let cached = cache.principal(forHash: hash, now: now) { return cached }
        guard let principal = try await store.authenticate(secret) else { return nil }
        cache.remember(principal, forHash: hash, now: now)
        return principal
    }

    /// A new token; its secret is in the answer and nowhere else.
    public func issue(_ request: TokenRequest, context: ChangeContext) async throws -> (secret: TokenSecret, record: TokenRecord) {
        let secret = TokenSecret.generate()
        let record = try await store.create(
            name: request.name,
            role: request.role,
            clusters: request.clusters,
            expiresAt: request.expiresAt(from: clock.now()),
            secret: secret,
            context: context
        )
        return (secret, record)
    }

    public func get(id: Int64) async throws -> TokenRecord {
        try await store.get(id: id)
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(beforeID: Int64?, limit: Int) async throws -> [TokenRecord] {
        try await store.list(beforeID: beforeID, limit: limit)
    }

    /// Revokes at once on this replica; others notice within the cache's lifetime.
    public func revoke(id: Int64, context: ChangeContext) async throws -> TokenRecord {
        let record = try await store.revoke(id: id, context: context)
        cache.clear()
        return record
    }
}
