import Logging
import NIOPosix
import NIOSSL
import PostgresNIO

extension DatabaseURL {
    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Opens and closes one connection. The pool retries forever by design, which is right for a
    /// server whose database blips, and wrong for start-up with a typo in the URL: this fails fast.
    public func probe(logger: Logger) async throws(Unreachable) {
        do {
            let tls: PostgresConnection.Configuration.TLS = try tlsConfiguration.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
            var configuration = PostgresConnection.Configuration(
                host: host,
                port: port,
                username: username,
                password: password,
                database: database,
                tls: tls
            )
            configuration.options.connectTimeout = .seconds(10)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            let reason: String
            if let error = error as? PSQLError {
                reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            } else {
                reason = "\(error)"
            }
            throw Unreachable(description: "cannot reach PostgreSQL at \(host):\(port)/\(database): \(reason)")
        }
    }
}
