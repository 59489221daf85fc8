import Foundation
import WardenApp
import WardenCore
import WardenStore

/// Settings read from WARDEN_* variables. A bad value stops start-up with one line naming it.
/// The listener's own settings are `serve`'s (ServeEnvironment.swift), so no other command needs HTTP.
struct WardenEnvironment {
    var databaseURL: DatabaseURL
    var app: AppSettings
    /// The variables as read, for settings a command reads on its own.
    var variables: [String: String]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// `needsServer`: the settings only a running server uses, and the signing key; `needsSigningKey`:
    /// the signing key alone (`warden attest`).
    static func load(
        _ env: [String: String] = ProcessInfo.processInfo.environment,
        needsServer: Bool,
        needsSigningKey: Bool = false
    ) throws -> WardenEnvironment {
        guard let urlText = env["WARDEN_DATABASE_URL"], !urlText.isEmpty else {
            throw Invalid(description: "WARDEN_DATABASE_URL is not set; for example postgres://warden:secret@127.0.0.1:5432/warden?sslmode=disable")
        }
        let databaseURL: DatabaseURL
        do {
            databaseURL = try DatabaseURL(parsing: urlText)
        } catch {
            throw Invalid(description: error.description)
        }
        var app = AppSettings()
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
        app.scheduler = scheduler
        if needsServer || needsSigningKey { app.keyRing = try loadKeyRing(env) }
        if needsServer { try loadServerLimits(env, into: &app) }
        return WardenEnvironment(databaseURL: databaseURL, app: app, variables: env)
    }

    /// Limits the use cases enforce on a server's requests.
    static func loadServerLimits(_ env: [String: String], into app: inout AppSettings) throws {
        if let text = env["WARDEN_MAX_SNAPSHOT_BYTES"] {
            guard let value = Int(text), value >= 1024 else {
                throw Invalid(description: "WARDEN_MAX_SNAPSHOT_BYTES must be a whole number of bytes, at least 1024, not '\(text)'")
            }
            app.snapshotLimit = value
        }
        if let text = env["WARDEN_MAX_EXCEPTION_DAYS"] {
            guard let value = Int(text), (1...3650).contains(value) else {
                throw Invalid(description: "WARDEN_MAX_EXCEPTION_DAYS must be a whole number of days from 1 to 3650, not '\(text)'")
            }
            app.maxExceptionDays = value
        }
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
