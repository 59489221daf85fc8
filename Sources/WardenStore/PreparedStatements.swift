import Foundation
import PostgresNIO

// The statements on every request's path, prepared once per connection: PostgreSQL then skips
// parsing and planning them, which was most of its time per request in bench/load.sh's profile.

/// Agents by id, for BatchedLookup: one statement answers a whole batch of GET /v1/agents/{id}.
struct AgentsByID: PostgresPreparedStatement {
    static let sql = "SELECT \(AgentStore.columns) FROM agents WHERE id = ANY($1)"
    typealias Row = PostgresRow

    var ids: [Int64]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(ids)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The live token whose secret hashes to `hash`.
struct TokenBySecretHash: PostgresPreparedStatement {
    static let sql = """
        SELECT id, name, role, clusters, last_used_at, expires_at FROM api_tokens
        WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
        """
    typealias Row = (Int64, String, String, [String], Date?, Date?)

    var hash: [UInt8]
    var now: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        try bindings.append(Data(hash))
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
