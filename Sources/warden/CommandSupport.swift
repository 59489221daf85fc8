import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import WardenApp
import WardenCore
import WardenStore

/// Reads the environment or stops with one clear line.
func loadEnvironment(needsServer: Bool, needsSigningKey: Bool = false) throws -> WardenEnvironment {
    do {
        return try WardenEnvironment.load(needsServer: needsServer, needsSigningKey: needsSigningKey)
    } catch let error as WardenEnvironment.Invalid {
        // One line a person or a log shipper can act on; EX_CONFIG tells an init system not to retry blindly.
        FileHandle.standardError.write(Data("warden: configuration: \(error.description)\n".utf8))
        throw ExitCode(78)
    }
}

/// Runs `body` with a database pool that is up for just that long, for one-shot commands.
func withDatabase<R: Sendable>(_ env: WardenEnvironment, _ body: @Sendable (Database) async throws -> R) async throws -> R {
    var logger = Logger(label: "warden")
    // PostgresNIO warns when the first lease races the pool's start; for a one-shot command that is noise.
    logger.logLevel = .error
    try await probe(env.databaseURL, logger: logger)
    let client = PostgresClient(configuration: env.databaseURL.clientConfiguration(), backgroundLogger: logger)
    let database = Database(client: client, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(database)
    }
}

/// Fails start-up with one line when the database cannot be reached at all.
func probe(_ url: DatabaseURL, logger: Logger) async throws {
    do {
        try await url.probe(logger: logger)
    } catch {
        FileHandle.standardError.write(Data("warden: \(error.description)\n".utf8))
        throw ExitCode(69)
    }
}

/// Runs `body` with the use cases over a database pool that is up for just that long, shut down after.
func withWarden<R: Sendable>(
    _ env: WardenEnvironment,
    logLevel: Logger.Level = .warning,
    _ body: @Sendable (WardenApp.Warden) async throws -> R
) async throws -> R {
    try await withDatabase(env) { database in
        var logger = Logger(label: "warden")
        logger.logLevel = logLevel
        return try await WardenApp.Warden(database: database, settings: env.app, logger: logger).run(body)
    }
}
