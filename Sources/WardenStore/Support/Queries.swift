import Logging
import PostgresNIO

// The three shapes nearly every read takes: every row, the row that must exist, the row that may.

extension PostgresConnection {
    /// Every row of a query, decoded, inside the caller's transaction.
    func all<R>(_ query: PostgresQuery, logger: Logger, decode: (PostgresRow) throws -> R) async throws -> [R] {
        var out: [R] = []
        for try await row in try await self.query(query, logger: logger) {
            out.append(try decode(row))
        }
        return out
    }

    /// The first row, decoded, or nil when there is none.
    func first<R>(_ query: PostgresQuery, logger: Logger, decode: (PostgresRow) throws -> R) async throws -> R? {
        guard let row = try await self.query(query, logger: logger).collect().first else { return nil }
        return try decode(row)
    }

    /// The row a query must return; `missing` says what its absence means to the client.
    func one<R>(
        _ query: PostgresQuery,
        logger: Logger,
        orThrow missing: @autoclosure () -> StoreError,
        decode: (PostgresRow) throws -> R
    ) async throws -> R {
        guard let value = try await first(query, logger: logger, decode: decode) else { throw missing() }
        return value
    }

    /// The row an INSERT or UPDATE ... RETURNING must give back: none is a bug, not the client's doing.
    func returning<R>(_ query: PostgresQuery, logger: Logger, decode: (PostgresRow) throws -> R) async throws -> R {
        try await one(query, logger: logger, orThrow: .corruptRow("a write returned no row: \(query.sql.prefix(60))"), decode: decode)
    }
}

extension Database {
    /// The first row, decoded, or nil when there is none.
    func first<R: Sendable>(_ query: PostgresQuery, decode: @Sendable (PostgresRow) throws -> R) async throws -> R? {
        try await withConnection { connection in try await connection.first(query, logger: logger, decode: decode) }
    }

    /// The row a query must return; `missing` says what its absence means to the client.
    func one<R: Sendable>(
        _ query: PostgresQuery,
        orThrow missing: @autoclosure () -> StoreError,
        decode: @Sendable (PostgresRow) throws -> R
    ) async throws -> R {
        guard let value = try await first(query, decode: decode) else { throw missing() }
        return value
    }
}
