import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
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
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "warden")
        try await probe(env.databaseURL, logger: logger)
        let client = PostgresClient(configuration: env.databaseURL.clientConfiguration(), backgroundLogger: logger)
        let database = Database(client: client, logger: logger)
        let migrate = !noMigrate
        let context = WardenContext(database: database, scheduler: env.scheduler, keyRing: env.keyRing, logger: logger)
        if env.keyRing == nil {
            logger.warning("no attestation signing key (WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE): attestations cannot be created")
        }
        let app = try exitOnSetupError {
            try WardenServer.makeApplication(
            settings: env.server, context: context, metrics: registry, logger: logger,
            beforeServing: {
                let migrator = Migrator(database: database, migrations: try Migration.bundled())
                if migrate {
                    try await migrator.migrate()
                } else if let problem = try await migrator.pendingProblem() {
                    logger.warning("the database is not fully migrated; /readyz reports 503 until it is", metadata: ["problem": "\(problem)"])
                }
            })
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client),
            .init(service: app, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if env.scheduler.interval > 0 {
            services.append(
                .init(service: SchedulerService(
                    scheduler: context.scheduler, interval: .seconds(env.scheduler.interval),
                    deliveryInterval: .seconds(env.scheduler.deliveryInterval), logger: logger)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            try? await context.shutdown()
            throw error
        }
        // The webhook client must be shut down before it is released.
        try await context.shutdown()
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

/// Reads the environment or stops with one clear line.
func loadEnvironment(needsServer: Bool) throws -> WardenEnvironment {
    do {
        return try WardenEnvironment.load(needsServer: needsServer)
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

/// Listener settings that cannot be used (an unreadable TLS key, say) stop start-up with one line.
func exitOnSetupError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ServerSetupError {
        FileHandle.standardError.write(Data("warden: configuration: \(error.description)\n".utf8))
        throw ExitCode(78)
    }
}
