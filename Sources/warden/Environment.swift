import Foundation
import WardenCore
import WardenHTTP
import WardenStore

/// Settings read from WARDEN_* variables. A bad value stops start-up with one line naming it.
struct WardenEnvironment {
    var databaseURL: DatabaseURL
    var server: ServerSettings
    var scheduler = SchedulerSettings()
    var keyRing: AttestationKeyRing?

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
        let keyRing = try loadKeyRing(env)
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
        return WardenEnvironment(databaseURL: databaseURL, server: server, scheduler: scheduler, keyRing: keyRing)
    }

    /// The attestation signing key and earlier public keys still published for verifiers.
    /// `WARDEN_SIGNING_KEY` is the key itself (PKCS#8 PEM or 64-hex seed) or the path of a file
    /// holding it, as the Deployment mounts it; `WARDEN_SIGNING_KEY_FILE` is always a path.
    /// `WARDEN_RETIRED_KEYS_FILE` holds retired public keys (PEM blocks or hex lines).
    /// Errors name the variable, never the key.
    static func loadKeyRing(_ env: [String: String]) throws -> AttestationKeyRing? {
        var inline = env["WARDEN_SIGNING_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        var path = env["WARDEN_SIGNING_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let value = inline, !value.contains("-----BEGIN"), Hex.decode(value.trimmingCharacters(in: .whitespacesAndNewlines))?.count != 32 {
            guard path == nil else { throw Invalid(description: "set WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE, not both") }
            path = value
            inline = nil
        }
        let text: String
        let source: String
        switch (inline, path) {
        case (nil, nil):
            return nil
        case (let inline?, nil):
            text = inline
            source = "WARDEN_SIGNING_KEY"
        case (nil, let path?):
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Invalid(description: "the signing key file \(path) cannot be read")
            }
            text = contents
            source = "the signing key file \(path)"
        default:
            throw Invalid(description: "set WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE, not both")
        }
        var retired: [String] = []
        if let retiredPath = env["WARDEN_RETIRED_KEYS_FILE"], !retiredPath.isEmpty {
            guard let contents = try? String(contentsOfFile: retiredPath, encoding: .utf8) else {
                throw Invalid(description: "WARDEN_RETIRED_KEYS_FILE names \(retiredPath), which cannot be read")
            }
            retired = splitPublicKeys(contents)
        }
        let signing: SigningKey
        do {
            signing = try SigningKey(pemOrSeedHex: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw Invalid(description: "\(source): \(error.description)")
        }
        var keys: [VerificationKey] = []
        for (index, item) in retired.enumerated() {
            do {
                keys.append(try VerificationKey(pemOrHex: item))
            } catch {
                throw Invalid(description: "WARDEN_RETIRED_KEYS_FILE key \(index + 1): \(error.description)")
            }
        }
        return AttestationKeyRing(signingKey: signing, retiredKeys: keys)
    }

    /// PEM blocks, or one hex key a line.
    static func splitPublicKeys(_ text: String) -> [String] {
        var out: [String] = []
        var block: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("-----BEGIN") || !block.isEmpty {
                block.append(line)
                if trimmed.hasPrefix("-----END") {
                    out.append(block.joined(separator: "\n") + "\n")
                    block = []
                }
            } else {
                out.append(trimmed)
            }
        }
        if !block.isEmpty { out.append(block.joined(separator: "\n")) }
        return out
    }
}
