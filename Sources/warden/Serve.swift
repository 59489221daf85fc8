import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import WardenApp
import WardenCore
import WardenHTTP
import WardenStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP API.")

    @Flag(help: "Do not apply pending migrations on start.")
    var noMigrate = false

    func run() async throws {
        Self.chooseEventLoopCount(ProcessInfo.processInfo.environment)
        let env = try loadEnvironment(needsServer: true)
        let server = try loadServerSettings(env)
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "warden")
        try await probe(env.databaseURL, logger: logger)
        let client = PostgresClient(configuration: env.databaseURL.clientConfiguration(), backgroundLogger: logger)
        let warden = WardenApp.Warden(database: Database(client: client, logger: logger), settings: env.app, logger: logger)
        if env.app.keyRing == nil {
            logger.warning("no attestation signing key (WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE): attestations cannot be created")
        }
        let app = try exitOnSetupError {
            try WardenServer.makeApplication(
                settings: server,
                app: warden,
                metrics: registry,
                logger: logger,
                beforeServing: { try await Self.migrateOrWarn(warden.stores.database, migrate: !noMigrate, logger: logger) }
            )
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client),
            .init(service: app, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let scheduler = warden.schedulerService(logger: logger) { services.append(.init(service: scheduler)) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await warden.run { _ in try await group.run() }
    }

    /// Applies pending migrations, or with --no-migrate says that /readyz reports 503 until someone does.
    static func migrateOrWarn(_ database: Database, migrate: Bool, logger: Logger) async throws {
        let migrator = Migrator(database: database, migrations: try Migration.bundled())
        if migrate {
            try await migrator.migrate()
        } else if let problem = try await migrator.pendingProblem() {
            logger.warning("the database is not fully migrated; /readyz reports 503 until it is", metadata: ["problem": "\(problem)"])
        }
    }
}

extension Serve {
    /// NIO's event loops only move bytes here; the handlers run on Swift's own pool, which has a
    /// thread per core. On 2 cores one loop served GET /v1/agents/{id} about 10% faster than two
    /// (bench/load.sh, alternating runs), since a read then crosses fewer threads; so `serve`
    /// takes half the cores for loops unless NIO_SINGLETON_GROUP_LOOP_COUNT says otherwise.
    /// Runs before anything uses NIO: the count cannot change once the loops exist.
    static func chooseEventLoopCount(_ environment: [String: String]) {
        guard (environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] ?? "").isEmpty else { return }
        NIOSingletons.groupLoopCountSuggestion = max(1, System.coreCount / 2)
    }
}

/// Listener settings that cannot be used (an unreadable TLS key, say) stop start-up with one line.
func exitOnSetupError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ServerSetupError {
        FileHandle.standardError.write(Data("warden: configuration: \(error.description)\n".utf8))
        throw ExitCode(78)
    }
}

/// The listener's settings, or one line naming the bad variable.
func loadServerSettings(_ env: WardenEnvironment) throws -> ServerSettings {
    do {
        return try ServerSettings.load(env.variables, snapshotLimit: env.app.snapshotLimit)
    } catch let error as WardenEnvironment.Invalid {
        FileHandle.standardError.write(Data("warden: configuration: \(error.description)\n".utf8))
        throw ExitCode(78)
    }
}
