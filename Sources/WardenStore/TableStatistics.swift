import PostgresNIO

/// How large each of Warden's tables is, for `/metrics`: every table has a retention, and these
/// figures show whether it holds.
public struct TableStatistics: Sendable {
    let database: Database

    public struct Table: Sendable, Hashable {
        public var name: String
        /// The table with its indexes and TOAST, in bytes.
        public var bytes: Int64
        /// PostgreSQL's estimate, as of its last ANALYZE (cheap, unlike count(*)).
        public var estimatedRows: Int64
    }

    public func tables() async throws -> [Table] {
        try await database.all(
            """
            SELECT c.relname::text, pg_total_relation_size(c.oid), GREATEST(c.reltuples, 0)::int8
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
            ORDER BY c.relname
            """
        ) { row in
            let (name, bytes, rows) = try row.decode((String, Int64, Int64).self)
            return Table(name: name, bytes: bytes, estimatedRows: rows)
        }
    }
}
