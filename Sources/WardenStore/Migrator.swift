import Foundation
import Logging
import PostgresNIO
import WardenCore

/// A numbered SQL file from `Migrations/`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    public var checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256Digest.hex(sql.utf8)
    }

    /// The migrations shipped inside the binary, in order.
    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError(description: "the Migrations resource is missing from this build")
        }
        return try load(from: directory)
    }

    /// Files named `NNNN_name.sql`, ordered by number; anything else in the folder is ignored.
    public static func load(from directory: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [Migration] = []
        for file in names where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationError(description: "migration file \(file) must be named NNNN_name.sql")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError(description: "two migrations are numbered \(a.version): \(a.name) and \(b.name)")
        }
        return migrations
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public var description: String
}

/// Applies migrations in order, each in its own transaction, under an advisory lock so that
/// replicas starting together take turns instead of racing.
public struct Migrator: Sendable {
    /// An arbitrary constant that no other part of Warden uses as a lock key ("WARDEN01").
    static let lockKey: Int64 = 0x5741_5244_454E_3031

    let database: Database
    let migrations: [Migration]

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Applies what is pending and returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await database.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: database.logger)
            do {
                let applied = try await apply(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: database.logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: database.logger)
                throw error
            }
        }
    }

    /// Nil when the database holds exactly the migrations of this build; otherwise what is wrong.
    public func pendingProblem() async throws -> String? {
        try await database.withConnection { connection in
            let exists =
                try await connection.query(
                    "SELECT to_regclass('public.schema_migrations') IS NOT NULL",
                    logger: database.logger
                ).collect().first?.decode(Bool.self) ?? false
            guard exists else { return "no migrations have been applied" }
            let applied = try await appliedChecksums(on: connection)
            if let problem = mismatch(applied) { return problem }
            let pending = migrations.filter { applied[$0.version] == nil }
            return pending.isEmpty ? nil : "\(pending.count) migration(s) not applied yet, from \(pending[0].version)"
        }
    }

    private func apply(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """,
            logger: database.logger
        )
        let applied = try await appliedChecksums(on: connection)
        if let problem = mismatch(applied) { throw MigrationError(description: problem) }
        var done: [Int] = []
        for migration in migrations where applied[migration.version] == nil {
            try await connection.withTransaction(logger: database.logger) { tx in
                for statement in SQLScript.statements(migration.sql) {
                    try await tx.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
                }
                try await tx.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: database.logger
                )
            }
            database.logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            done.append(migration.version)
        }
        return done
    }

    private func appliedChecksums(on connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String)] {
        var result: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations",
            logger: database.logger
        ).decode((Int, String, String).self) {
            result[version] = (name, checksum)
        }
        return result
    }

    private func mismatch(_ applied: [Int: (name: String, checksum: String)]) -> String? {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                return "the database has migration \(version) (\(record.name)), which this build of Warden does not know; run a newer Warden"
            }
            if migration.checksum != record.checksum {
                return
                    "migration \(version)_\(migration.name).sql has changed since it was applied (checksum \(record.checksum.prefix(12)) in the database, \(migration.checksum.prefix(12)) in this build); restore the original file and add a new migration instead"
            }
        }
        return nil
    }
}
