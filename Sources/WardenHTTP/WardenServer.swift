import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus
import ServiceLifecycle
import WardenApp
import WardenCore
import WardenStore

/// Listener settings, read from the environment by the `warden` command.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var bodyLimits: BodyLimits
    /// PEM files; both or neither.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        bodyLimits: BodyLimits = .init(),
        tlsCertificatePath: String? = nil,
        tlsKeyPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.bodyLimits = bodyLimits
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
    }
}

/// A listener setting that cannot be used, said in one line.
public struct ServerSetupError: Error, CustomStringConvertible {
    public var description: String
}

/// PEM files, whatever their names end in: NIOSSL would read a `.key` file as DER.
func loadTLS(certificate: String, key: String) throws(ServerSetupError) -> TLSConfiguration {
    let chain: [NIOSSLCertificate]
    do {
        chain = try NIOSSLCertificate.fromPEMFile(certificate)
    } catch {
        throw ServerSetupError(description: "WARDEN_TLS_CERT \(certificate) is not a PEM certificate chain (\(error))")
    }
    guard !chain.isEmpty else { throw ServerSetupError(description: "WARDEN_TLS_CERT \(certificate) holds no certificate") }
    let privateKey: NIOSSLPrivateKey
    do {
        privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
    } catch {
        throw ServerSetupError(description: "WARDEN_TLS_KEY \(key) is not a PEM private key (\(error))")
    }
    return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
}

/// Assembles the HTTP application: the generated API, its middleware and the stores behind it.
public enum WardenServer {
    public static func makeApplication(
        settings: ServerSettings,
        app: Warden,
        metrics: PrometheusCollectorRegistry,
        logger: Logger,
        services: [any Service] = [],
        beforeServing: (@Sendable () async throws -> Void)? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let database = app.stores.database
        let migrator = Migrator(database: database, migrations: try Migration.bundled())
        let api = WardenAPI(app: app, readiness: ReadinessProbe(database: database, migrator: migrator), metrics: metrics, logger: logger)

        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestMiddleware(logger: logger, limits: settings.bodyLimits))
        try api.registerHandlers(
            on: router,
            serverURL: URL(string: "/")!,
            configuration: Configuration(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [
                HeaderEncodingMiddleware(),
                ProblemMiddleware(logger: logger),
                AuthMiddleware(access: app.access),
                EmptyBodyMiddleware(),
                IdempotencyMiddleware(store: app.stores.idempotency),
                RawBodyMiddleware(operations: ["createSnapshot", "checkGuardrails"]),
                RawResponseMiddleware(operations: ["getAttestation", "getAttestationEnvelope", "diffAttestations"]),
            ]
        )

        var server: HTTPServerBuilder = .http1()
        if let certificate = settings.tlsCertificatePath, let key = settings.tlsKeyPath {
            server = try .tls(.http1(), tlsConfiguration: try loadTLS(certificate: certificate, key: key))
        }
        var app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            services: services,
            onServerRunning: onServerRunning,
            logger: logger
        )
        if let beforeServing {
            app.beforeServerStarts(perform: beforeServing)
        }
        return app
    }
}
