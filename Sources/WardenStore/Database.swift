import Logging
import Metrics
import PostgresNIO
import Synchronization

/// The PostgreSQL pool every store uses, with its use counted for `/metrics`.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    private let inUse: Gauge
    private let leases: Counter
    private let counter: LeaseCounter

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.inUse = Gauge(label: "warden_db_connections_in_use")
        self.leases = Counter(label: "warden_db_leases_total")
        self.counter = LeaseCounter()
    }

    public func withConnection<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        lease()
        defer { release() }
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch let error as PSQLError {
            throw Self.classify(error)
        }
    }

    /// Every row of a query, decoded: the shape of most reads.
    public func all<R: Sendable>(_ query: PostgresQuery, decode: @Sendable (PostgresRow) throws -> R) async throws -> [R] {
        try await withConnection { connection in try await connection.all(query, logger: logger, decode: decode) }
    }

    /// Every row of a prepared statement, decoded by the statement.
    func all<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] where Statement.Row: Sendable {
        try await withConnection { connection in
            var out: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) {
                out.append(row)
            }
            return out
        }
    }

    /// Runs `body` in one transaction: everything it writes, including its audit events, commits or none does.
    public func withTransaction<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        lease()
        defer { release() }
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            // Callers care about what their closure threw (a conflict, a missing row), not the wrapper.
            if let closureError = error.closureError, error.rollbackError == nil {
                if let psql = closureError as? PSQLError { throw Self.classify(psql) }
                throw closureError
            }
            throw error
        }
    }

    /// PostgreSQL's refusal of a NUL character is the client's mistake, not an outage.
    static func classify(_ error: PSQLError) -> any Error {
        switch error.serverInfo?[.sqlState] {
        case "22021", "22P05": return StoreError.invalidText("text must not contain NUL characters")
        default: return error
        }
    }

    private func lease() {
        leases.increment()
        inUse.record(counter.add(1))
    }

    private func release() {
        inUse.record(counter.add(-1))
    }
}

private final class LeaseCounter: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ delta: Int) -> Int {
        value.add(delta, ordering: .relaxed).newValue
    }
}
