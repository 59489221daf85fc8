import Foundation
import Testing
import WardenTestSupport

/// `warden serve` as a process behind TLS: it serves HTTPS with the configured certificate,
/// refuses plain HTTP on that port, and exits 0 on SIGTERM after draining.
@Suite("warden serve over TLS and on SIGTERM")
struct ServeTLSTests {
    static func tool(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A self-signed certificate for 127.0.0.1 and localhost, made with openssl as an operator would.
    static func certificate(in dir: String) throws -> (cert: String, key: String) {
        let cert = dir + "/tls.crt"
        let key = dir + "/tls.key"
        let made = try tool(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert,
            ]
        )
        #expect(made.status == 0)
        return (cert, key)
    }

    static func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try tool("/usr/bin/curl", ["-fsS", "--max-time", "3"] + arguments)
    }

    @Test(.timeLimit(.minutes(2))) func servesHTTPSOnlyAndDrainsOnSIGTERM() async throws {
        let db = try await TestDatabase.make()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (cert, key) = try Self.certificate(in: dir)
        let databaseURL = "postgres://\(db.url.username):\(db.url.password ?? "")@\(db.url.host):\(db.url.port)/\(db.url.database)?sslmode=disable"
        let token = try WardenCLI.run(
            ["token", "create", "--name", "tls-check", "--role", "admin"],
            environment: ["WARDEN_DATABASE_URL": databaseURL]
        )
        #expect(token.status == 0, "\(token.output)")
        let secret = token.output.trimmingCharacters(in: .whitespacesAndNewlines)

        let port = SchedulerReplicaTests.freePort()
        let process = try SchedulerReplicaTests.serve(
            db,
            log: dir + "/serve.log",
            environment: ["WARDEN_PORT": String(port), "WARDEN_TLS_CERT": cert, "WARDEN_TLS_KEY": key]
        )
        defer { if process.isRunning { process.terminate() } }
        var up = false
        for _ in 0..<100 where !up {
            up = try Self.curl(["--cacert", cert, "https://127.0.0.1:\(port)/healthz"]).status == 0
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up, "\((try? String(contentsOfFile: dir + "/serve.log", encoding: .utf8)) ?? "")")
        let whoami = try Self.curl(["--cacert", cert, "-H", "Authorization: Bearer \(secret)", "https://127.0.0.1:\(port)/v1/whoami"])
        #expect(whoami.output.contains(#""name":"tls-check""#), "\(whoami.output)")
        #expect(try Self.curl(["http://127.0.0.1:\(port)/healthz"]).status != 0, "plain HTTP must not be served on a TLS listener")

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "serve exited \(process.terminationStatus) on SIGTERM")
    }
}
