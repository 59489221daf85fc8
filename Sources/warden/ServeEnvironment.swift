import Foundation
import WardenHTTP

extension ServerSettings {
    /// The listener's settings from WARDEN_* variables: address, body limits, TLS.
    static func load(_ env: [String: String], snapshotLimit: Int) throws -> ServerSettings {
        var server = ServerSettings()
        server.bodyLimits.snapshot = snapshotLimit
        if let host = env["WARDEN_HOST"], !host.isEmpty { server.host = host }
        if let port = env["WARDEN_PORT"] {
            guard let value = Int(port), (1...65535).contains(value) else {
                throw WardenEnvironment.Invalid(description: "WARDEN_PORT must be a port number from 1 to 65535, not '\(port)'")
            }
            server.port = value
        }
        if let text = env["WARDEN_MAX_BODY_BYTES"] {
            guard let value = Int(text), value >= 1024 else {
                throw WardenEnvironment.Invalid(description: "WARDEN_MAX_BODY_BYTES must be a whole number of bytes, at least 1024, not '\(text)'")
            }
            server.bodyLimits.ordinary = value
        }
        try loadTLS(env, into: &server)
        return server
    }

    private static func loadTLS(_ env: [String: String], into server: inout ServerSettings) throws {
        let cert = env["WARDEN_TLS_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let key = env["WARDEN_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (nil, nil):
            break
        case let (cert?, key?):
            for (name, path) in [("WARDEN_TLS_CERT", cert), ("WARDEN_TLS_KEY", key)] where !FileManager.default.isReadableFile(atPath: path) {
                throw WardenEnvironment.Invalid(description: "\(name) names \(path), which cannot be read")
            }
            server.tlsCertificatePath = cert
            server.tlsKeyPath = key
        default:
            throw WardenEnvironment.Invalid(description: "set both WARDEN_TLS_CERT and WARDEN_TLS_KEY for TLS, or neither")
        }
    }
}
