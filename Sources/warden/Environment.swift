import Foundation
import WardenHTTP
import WardenStore

/// Settings read from WARDEN_* variables. A bad value stops start-up with one line naming it.
struct WardenEnvironment {
    var databaseURL: DatabaseURL
    var server: ServerSettings
    var scheduler = SchedulerSettings()

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ env: [String: String] = ProcessInfo.processInfo.environment, needsServer: Bool) throws -> WardenEnvironment {
        guard let urlText = env["WARDEN_DATABASE_URL"], !urlText.isEmpty else {
            throw Invalid(description: "WARDEN_DATABASE_URL is not set; for example postgres://warden:secret@127.0.0.1:5432/warden?sslmode=disable")
        }
        let databaseURL: DatabaseURL
        do {
            databaseURL = try DatabaseURL(parsing: urlText)
        } catch {
            throw Invalid(description: error.description)
        }
        var server = ServerSettings()
        var scheduler = SchedulerSettings()
        for (name, range, apply) in [
            ("WARDEN_SCHEDULER_INTERVAL_SECONDS", 0...86_400, { (v: Int) in scheduler.interval = v }),
            ("WARDEN_DELIVERY_INTERVAL_SECONDS", 1...3600, { (v: Int) in scheduler.deliveryInterval = v }),
            ("WARDEN_DELIVERY_LEASE_SECONDS", 1...3600, { (v: Int) in scheduler.deliveryLease = v }),
        ] as [(String, ClosedRange<Int>, (Int) -> Void)] {
            guard let text = env[name] else { continue }
            guard let value = Int(text), range.contains(value) else {
                throw Invalid(description: "\(name) must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            apply(value)
        }
        guard needsServer else { return WardenEnvironment(databaseURL: databaseURL, server: server, scheduler: scheduler) }
        if let host = env["WARDEN_HOST"], !host.isEmpty { server.host = host }
        if let port = env["WARDEN_PORT"] {
            guard let value = Int(port), (1...65535).contains(value) else {
                throw Invalid(description: "WARDEN_PORT must be a port number from 1 to 65535, not '\(port)'")
            }
            server.port = value
        }
        if let text = env["WARDEN_MAX_BODY_BYTES"] {
            guard let value = Int(text), value >= 1024 else {
                throw Invalid(description: "WARDEN_MAX_BODY_BYTES must be a whole number of bytes, at least 1024, not '\(text)'")
            }
            server.bodyLimits.ordinary = value
        }
        if let text = env["WARDEN_MAX_SNAPSHOT_BYTES"] {
            guard let value = Int(text), value >= 1024 else {
                throw Invalid(description: "WARDEN_MAX_SNAPSHOT_BYTES must be a whole number of bytes, at least 1024, not '\(text)'")
            }
            server.bodyLimits.snapshot = value
        }
        if let text = env["WARDEN_MAX_EXCEPTION_DAYS"] {
            guard let value = Int(text), (1...3650).contains(value) else {
                throw Invalid(description: "WARDEN_MAX_EXCEPTION_DAYS must be a whole number of days from 1 to 3650, not '\(text)'")
            }
            server.maxExceptionDays = value
        }
        let cert = env["WARDEN_TLS_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let key = env["WARDEN_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (nil, nil):
            break
        case let (cert?, key?):
            for (name, path) in [("WARDEN_TLS_CERT", cert), ("WARDEN_TLS_KEY", key)] where !FileManager.default.isReadableFile(atPath: path) {
                throw Invalid(description: "\(name) names \(path), which cannot be read")
            }
            server.tlsCertificatePath = cert
            server.tlsKeyPath = key
        default:
            throw Invalid(description: "set both WARDEN_TLS_CERT and WARDEN_TLS_KEY for TLS, or neither")
        }
        return WardenEnvironment(databaseURL: databaseURL, server: server, scheduler: scheduler)
    }
}
