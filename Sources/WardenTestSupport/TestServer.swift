import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
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

    public func token(for role: Role) -> String {
        switch role {
        case .admin: admin
        case .reviewer: reviewer
        case .auditor: auditor
        case .collector: collector
        }
    }
}

/// A real Warden HTTP server on a loopback port, backed by a fresh database.
public struct TestServer: Sendable {
    public let db: TestDatabase
    public let tokens: TestTokens
    public let clock: ManualClock
    public let context: WardenContext
    public var scheduler: ReviewScheduler { context.scheduler }

    public static func make(
        settings: ServerSettings = ServerSettings(host: "127.0.0.1", port: 0), scheduler: SchedulerSettings = .init()
    ) async throws -> (TestServer, some ApplicationProtocol) {
        let db = try await TestDatabase.make()
        let clock = ManualClock(Date())
        let audit = AuditLog(database: db.database, clock: clock)
        let store = TokenStore(database: db.database, audit: audit, clock: clock)
        let setup = ChangeContext(actor: "test-setup", tokenID: nil, requestID: "setup")
        func make(_ name: String, _ role: Role, _ clusters: [String] = []) async throws -> String {
            let secret = TokenSecret.generate()
            _ = try await store.create(name: name, role: role, clusters: clusters, expiresAt: nil, secret: secret, context: setup)
            return secret.value
        }
        let tokens = TestTokens(
            admin: try await make("alice", .admin),
            reviewer: try await make("rita", .reviewer),
            auditor: try await make("otto", .auditor),
            collector: try await make("cronjob", .collector, ["prod"]),
            secondAdmin: try await make("bob", .admin))
        var logger = Logger(label: "warden-test")
        logger.logLevel = .error
        let context = WardenContext(
            database: db.database, clock: clock, scheduler: scheduler, keyRing: AttestationKeyRing(signingKey: testSigningKey), logger: logger)
        let app = try WardenServer.makeApplication(settings: settings, context: context, metrics: testMetrics, logger: logger)
        return (TestServer(db: db, tokens: tokens, clock: clock, context: context), app)
    }
}

/// Runs `body` against a live server on a real socket.
public func withLiveServer(
    settings: ServerSettings = ServerSettings(host: "127.0.0.1", port: 0), scheduler: SchedulerSettings = .init(),
    _ body: @Sendable (TestServer, any TestClientProtocol) async throws -> Void
) async throws {
    let (server, app) = try await TestServer.make(settings: settings, scheduler: scheduler)
    do {
        try await app.test(.live) { client in
            try await body(server, client)
        }
    } catch {
        try? await server.context.shutdown()
        throw error
    }
    try await server.context.shutdown()
}

extension TestClientProtocol {
    /// A request with a bearer token and an optional JSON body.
    public func call(
        _ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil,
        contentType: String = "application/json", headers extra: [String: String] = [:]
    ) async throws -> TestResponse {
        try await call(method, path, token: token, bytes: json.map { Array($0.utf8) }, contentType: contentType, headers: extra)
    }

    /// A request with raw bytes as its body.
    public func call(
        _ method: HTTPRequest.Method, _ path: String, token: String?, bytes: [UInt8]?,
        contentType: String = "application/json", headers extra: [String: String] = [:]
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if bytes != nil { headers[.contentType] = contentType }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await executeRequest(
            uri: path, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) })
    }
}

extension TestResponse {
    public var text: String { String(buffer: body) }

    /// The body as a JSON object (or nil).
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
