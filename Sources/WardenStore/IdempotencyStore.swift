import Foundation
import PostgresNIO
import WardenCore

/// Remembers the response to a POST sent with an `Idempotency-Key`, per principal, for 24 hours.
public struct IdempotencyStore: Sendable {
    public static let retention: TimeInterval = 24 * 3600
    /// A claim older than this whose request never finished (its server died) may be taken over.
    public static let abandonedAfter: TimeInterval = 120

    let database: Database
    let clock: any WallClock

    public struct StoredResponse: Sendable, Equatable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]

        public init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public enum Claim: Sendable, Equatable {
        /// This request is the first with the key: run it, then `complete` or `release`.
        case claimed
        case replay(StoredResponse)
        /// The key was used with a different request.
        case mismatch
        /// The first request with this key is still running.
        case inProgress
    }

    public func claim(principal: String, key: String, requestHash: [UInt8]) async throws -> Claim {
        let now = clock.now()
        let expired = now.addingTimeInterval(-Self.retention)
        let abandoned = now.addingTimeInterval(-Self.abandonedAfter)
        return try await database.withTransaction { connection in
            try await connection.query(
                """
                DELETE FROM idempotency_keys WHERE principal = \(principal) AND key = \(key)
                  AND (created_at < \(expired) OR (status IS NULL AND created_at < \(abandoned)))
                """,
                logger: database.logger
            )
            let inserted = try await connection.query(
                """
                INSERT INTO idempotency_keys (principal, key, request_hash, created_at)
                VALUES (\(principal), \(key), \(Data(requestHash)), \(now))
                ON CONFLICT DO NOTHING RETURNING 1
                """,
                logger: database.logger
            ).collect()
            if !inserted.isEmpty { return .claimed }
            let rows = try await connection.query(
                "SELECT request_hash, status, headers::text, body FROM idempotency_keys WHERE principal = \(principal) AND key = \(key)",
                logger: database.logger
            ).collect()
            guard let row = rows.first else { return .inProgress }
            let (hash, status, headers, body) = try row.decode((Data, Int?, String?, Data?).self)
            guard Array(hash) == requestHash else { return .mismatch }
            guard let status else { return .inProgress }
            let headerMap = headers.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
            return .replay(StoredResponse(status: status, headers: headerMap, body: Array(body ?? Data())))
        }
    }

    public func complete(principal: String, key: String, response: StoredResponse) async throws {
        let headers = String(decoding: try CanonicalJSON.encode(response.headers), as: UTF8.self)
        try await database.withConnection { connection in
            try await connection.query(
                """
                UPDATE idempotency_keys SET status = \(response.status), headers = \(headers)::jsonb, body = \(Data(response.body))
                WHERE principal = \(principal) AND key = \(key)
                """,
                logger: database.logger
            )
        }
    }

    /// Forgets a claim whose request failed on the server's side, so the client's retry runs it again.
    public func release(principal: String, key: String) async throws {
        try await database.withConnection { connection in
            try await connection.query(
                "DELETE FROM idempotency_keys WHERE principal = \(principal) AND key = \(key) AND status IS NULL",
                logger: database.logger
            )
        }
    }

    /// Removes keys past their retention. Nothing calls it on a schedule yet: the hardening issue (#16) has the scheduler do so.
    public func purgeExpired() async throws {
        let expired = clock.now().addingTimeInterval(-Self.retention)
        try await database.withConnection { connection in
            try await connection.query("DELETE FROM idempotency_keys WHERE created_at < \(expired)", logger: database.logger)
        }
    }
}
