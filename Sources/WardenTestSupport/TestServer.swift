import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
import WardenApp
import WardenCore
import WardenHTTP
import WardenStore

/// Metrics can be bootstrapped once per process; every test server shares this registry.
public let testMetrics: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// The key test servers sign attestations with (tests verify against its public half).
public let testSigningKey = SigningKey.generate()

/// Tokens of every role, made directly in the store.
public struct TestTokens: Sendable {
    public var admin: String
    public var reviewer: String
    public var auditor: String
    public var collector: String
    public var secondAdmin: String

    public func token(for role: TokenRole) -> String {
        switch role {
        case .admin: admin
        case .reviewer: reviewer
        case .auditor: auditor
        case .collector: collector
        }
    }
}

/// The use cases over a fresh database, on a manual clock, as the composition root builds them.
public struct TestApp: Sendable {
    public let db: TestDatabase
    public let clock: ManualClock
    public let app: Warden

    public static func make(
        scheduler: SchedulerSettings = .init(),
        snapshotLimit: Int = 256 << 20,
        keyRing: AttestationKeyRing? = nil
    ) async throws -> TestApp {
        let db = try await TestDatabase.make()
        let clock = ManualClock(Date())
        var logger = Logger(label: "warden-test")
        logger.logLevel = .error
        let settings = AppSettings(
            scheduler: scheduler,
            snapshotLimit: snapshotLimit,
            keyRing: keyRing ?? AttestationKeyRing(signingKey: testSigningKey)
        )
        return TestApp(db: db, clock: clock, app: Warden(database: db.database, clock: clock, settings: settings, logger: logger))
    }

    /// A token made through the use case, as `warden token create` makes one.
    public func token(_ name: String, _ role: TokenRole, clusters: [String] = []) async throws -> String {
        let request = try TokenRequest(name: name, role: role, clusters: clusters, expiresInDays: nil)
        return try await app.access.issue(request, context: ChangeContext(actor: "test-setup", tokenID: nil, requestID: "setup")).secret.value
    }
}

/// A real Warden HTTP server on a loopback port, backed by a fresh database.
public struct TestServer: Sendable {
    public let db: TestDatabase
    public let tokens: TestTokens
    public let clock: ManualClock
    public let app: Warden
    public var scheduler: ReviewScheduler { app.scheduler }

    public static func make(
        settings: ServerSettings = ServerSettings(host: "127.0.0.1", port: 0),
        scheduler: SchedulerSettings = .init()
    ) async throws -> (TestServer, some ApplicationProtocol) {
        let test = try await TestApp.make(scheduler: scheduler, snapshotLimit: settings.bodyLimits.snapshot)
        let tokens = TestTokens(
            admin: try await test.token("alice", .admin),
            reviewer: try await test.token("rita", .reviewer),
            auditor: try await test.token("otto", .auditor),
            collector: try await test.token("cronjob", .collector, clusters: ["prod"]),
            secondAdmin: try await test.token("bob", .admin)
        )
        var logger = Logger(label: "warden-test")
        logger.logLevel = .error
        let application = try WardenServer.makeApplication(settings: settings, app: test.app, metrics: testMetrics, logger: logger)
        return (TestServer(db: test.db, tokens: tokens, clock: test.clock, app: test.app), application)
    }
}

/// Runs `body` against a live server on a real socket.
public func withLiveServer(
    settings: ServerSettings = ServerSettings(host: "127.0.0.1", port: 0),
    scheduler: SchedulerSettings = .init(),
    _ body: @Sendable (TestServer, any TestClientProtocol) async throws -> Void
) async throws {
    let (server, application) = try await TestServer.make(settings: settings, scheduler: scheduler)
    try await server.app.run { _ in
        try await application.test(.live) { client in
            try await body(server, client)
        }
    }
}

extension TestClientProtocol {
    /// A request with a bearer token and an optional JSON body.
    public func call(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String?,
        json: String? = nil,
        contentType: String = "application/json",
        headers extra: [String: String] = [:]
    ) async throws -> TestResponse {
        try await call(method, path, token: token, bytes: json.map { Array($0.utf8) }, contentType: contentType, headers: extra)
    }

    /// A request with raw bytes as its body.
    public func call(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String?,
        bytes: [UInt8]?,
        contentType: String = "application/json",
        headers extra: [String: String] = [:]
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if bytes != nil { headers[.contentType] = contentType }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await executeRequest(
            uri: path,
            method: method,
            headers: headers,
            body: bytes.map { ByteBuffer(bytes: $0) }
        )
    }
}

extension TestResponse {
    public var text: String { String(buffer: body) }

    /// The body as a JSON object (or nil).
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
