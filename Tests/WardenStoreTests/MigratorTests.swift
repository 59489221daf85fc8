import Foundation
import PostgresNIO
import Testing
import WardenStore
import WardenTestSupport

@Suite("Migrations")
struct MigratorTests {
    @Test func appliesOnceInOrderAndRecordsChecksums() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let migrations = try Migration.bundled()
        #expect(migrations.first?.version == 1)
        let migrator = Migrator(database: db.database, migrations: migrations)
        #expect(try await migrator.pendingProblem() != nil)
        #expect(try await migrator.migrate() == migrations.map(\.version))
        #expect(try await migrator.migrate() == [])
        #expect(try await migrator.pendingProblem() == nil)
        let rows = try await db.database.client.query("SELECT version, checksum FROM schema_migrations ORDER BY version").collect()
        #expect(rows.count == migrations.count)
    }

    @Test func replicasStartingTogetherApplyEachMigrationOnce() async throws {
        let db = try await TestDatabase.make(migrated: false)
        let migrations = try Migration.bundled()
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { try await Migrator(database: db.database, migrations: migrations).migrate() }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(results.flatMap { $0 }.sorted() == migrations.map(\.version))
    }

    @Test func aChangedAppliedMigrationStopsStartUp() async throws {
        let db = try await TestDatabase.make()
        var migrations = try Migration.bundled()
        migrations[0] = Migration(version: migrations[0].version, name: migrations[0].name, sql: migrations[0].sql + "\n-- edited")
        let migrator = Migrator(database: db.database, migrations: migrations)
        await #expect(throws: MigrationError.self) { try await migrator.migrate() }
        #expect(try await migrator.pendingProblem()?.contains("has changed since it was applied") == true)
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let db = try await TestDatabase.make()
        var migrations = try Migration.bundled()
        migrations.append(Migration(version: 9999, name: "broken", sql: "CREATE TABLE half_done (id int);\nSELECT no_such_function();"))
        await #expect(throws: (any Error).self) { try await Migrator(database: db.database, migrations: migrations).migrate() }
        let exists = try await db.database.client.query("SELECT to_regclass('public.half_done') IS NOT NULL").collect()
        #expect(try exists.first?.decode(Bool.self) == false)
    }

    @Test func databaseURLsAreParsedStrictly() throws {
        let url = try DatabaseURL(parsing: "postgres://warden:p%40ss@db.example:6543/warden?sslmode=verify-full")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.password == "p@ss")
        #expect(url.sslMode == .verifyFull)
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "mysql://x@y/z") }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "postgres://x@y/z?sslmode=sometimes") }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "postgres://x@y/") }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "postgres://x@y/z?timeout=3") }
    }
}
