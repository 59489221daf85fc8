import Foundation
import NIOSSL
import PostgresNIO

/// `WARDEN_DATABASE_URL`: `postgres://user:pass@host:port/db?sslmode=disable|require|verify-full`.
public struct DatabaseURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable
        /// Encrypted, without checking the server's certificate (as libpq's `require`).
        case require
        /// Encrypted, with the certificate checked against the system roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(host: String, port: Int, username: String, password: String?, database: String, sslMode: SSLMode) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }

    public init(parsing text: String) throws(Invalid) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw Invalid(description: "WARDEN_DATABASE_URL must look like postgres://user:password@host:5432/database?sslmode=disable")
        }
        guard let host = components.host, !host.isEmpty else {
            throw Invalid(description: "WARDEN_DATABASE_URL has no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Invalid(description: "WARDEN_DATABASE_URL has no user name")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw Invalid(description: "WARDEN_DATABASE_URL has no database name after the host")
        }
        var mode = SSLMode.disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = SSLMode(rawValue: value) else {
                    throw Invalid(description: "WARDEN_DATABASE_URL sslmode must be one of disable, require, verify-full")
                }
                mode = parsed
            default:
                throw Invalid(description: "WARDEN_DATABASE_URL has an unknown parameter '\(item.name)'; only sslmode is understood")
            }
        }
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database,
            sslMode: mode
        )
    }

    /// What sslmode asks of TLS, in the one form both the pool and the start-up probe take.
    var tlsConfiguration: TLSConfiguration? {
        switch sslMode {
        case .disable:
            return nil
        case .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            return config
        case .verifyFull:
            return .makeClientConfiguration()
        }
    }

    public func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = tlsConfiguration.map { .require($0) } ?? .disable
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = 20
        configuration.options.minimumConnections = 2
        return configuration
    }

    /// The same URL pointing at another database on the same server (tests make one each).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }
}
