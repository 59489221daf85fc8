import Foundation
import Logging
import PostgresNIO
import WardenCore
import WardenStore

/// A database of its own for each test, on the PostgreSQL that `scripts/test` starts,
/// so tests run in parallel without seeing each other's rows.
public final class TestDatabase: Sendable {
    public let url: DatabaseURL
    public let database: Database
    let runner: Task<Void, Never>

    /// `WARDEN_TEST_DATABASE_URL` points at a maintenance database of a server the tests may create databases on.
    public static func serverURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["WARDEN_TEST_DATABASE_URL"] else {
            throw TestSetupError(description: "WARDEN_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
        }
        return try DatabaseURL(parsing: text)
    }

    /// A new, empty, fully migrated database.
    public static func make(migrated: Bool = true) async throws -> TestDatabase {
        // Metrics created before the metrics system is bootstrapped would count nothing.
        _ = testMetrics
        let server = try serverURL()
        let name = "wt_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let admin = PostgresClient(configuration: server.clientConfiguration(), backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            group.cancelAll()
        }
        let test = TestDatabase(url: server.with(database: String(name)), logger: logger)
        if migrated {
            try await Migrator(database: test.database, migrations: try Migration.bundled()).migrate()
        }
        return test
    }

    init(url: DatabaseURL, logger: Logger) {
        self.url = url
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: logger)
        self.database = Database(client: client, logger: logger)
        self.runner = Task { await client.run() }
    }

    deinit {
        runner.cancel()
    }

    /// Runs raw SQL as a test would from psql (to tamper with rows, say).
    public func execute(_ sql: String) async throws {
        try await database.client.query(PostgresQuery(unsafeSQL: sql))
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
}

/// A clock tests move by hand.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}
