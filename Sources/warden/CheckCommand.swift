import ArgumentParser
import Foundation
import WardenCore

/// `warden check`: guardrail checks on manifests, offline (no server or database).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Checks Kubernetes manifests against Warden's agent guardrails (RBAC, Pod Security, NetworkPolicy, audit).",
        discussion: """
            FILES are multi-document YAML or JSON (a List, an array or one object); - reads stdin.
            Without --namespace/--service-account, agents are inferred from the ServiceAccount subjects of bindings.
            Exits 0 when no finding at or above --fail-on remains (excepted findings do not count), 1 when one does,
            and 2 when an input cannot be read or parsed.
            """
    )

    @Option(name: [.customShort("n"), .long], help: "The agent's namespace (with --service-account).")
    var namespace: String?

    @Option(name: .customLong("service-account"), help: "The agent's ServiceAccount name (with --namespace).")
    var serviceAccount: String?

    @Option(help: "Output format: text, json or sarif.")
    var format: String = "text"

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding at or above this severity remains: low, medium, high or critical.")
    var failOn: String = "high"

    @Option(help: "A JSON file of expectations ({\"podSecurity\": {...}, \"egress\": [...]}); the defaults otherwise.")
    var expectations: String?

    @Option(help: "A JSON file with an array of exceptions ({id, ruleID, objectScope, fieldScope, justification, expiresAt, revokedAt}).")
    var exceptions: String?

    @Argument(help: "Manifest files, or - for stdin.")
    var files: [String] = []

    func validate() throws {
        guard GuardrailOutput.Format(rawValue: format) != nil else {
            throw ArgumentParser.ValidationError("--format must be text, json or sarif, not '\(format)'")
        }
        guard GuardrailSeverity(rawValue: failOn) != nil else {
            throw ArgumentParser.ValidationError("--fail-on must be low, medium, high or critical, not '\(failOn)'")
        }
        guard (namespace == nil) == (serviceAccount == nil) else {
            throw ArgumentParser.ValidationError("--namespace and --service-account go together")
        }
        guard !files.isEmpty else { throw ArgumentParser.ValidationError("at least one file (or -) is required") }
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data(("warden check: " + message + "\n").utf8))
        return ExitCode(2)
    }

    static func read(_ path: String) throws(ExitCode) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw fail("cannot read \(path): \(error.localizedDescription)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from path: String, what: String) throws(ExitCode) -> T {
        let bytes = try read(path)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch {
            throw fail("\(path) is not valid \(what): \(error)")
        }
    }

    func run() throws {
        let format = GuardrailOutput.Format(rawValue: format)!
        let failOn = GuardrailSeverity(rawValue: failOn)!
        var expected = GuardrailExpectations.default
        if let path = expectations {
            expected = try Self.decode(GuardrailExpectations.self, from: path, what: "expectations")
            do {
                try expected.validate()
            } catch {
                throw Self.fail("\(path): " + error.issues.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; "))
            }
        }
        var excepts: [GuardrailException] = []
        if let path = exceptions {
            excepts = try Self.decode([GuardrailException].self, from: path, what: "exceptions")
        }
        var manifests: [ManifestFile] = []
        for path in files {
            manifests.append(ManifestFile(uri: path == "-" ? nil : path, bytes: try Self.read(path)))
        }
        let agent = namespace.map { AgentIdentity(namespace: $0, serviceAccount: serviceAccount ?? "") }
        var report: GuardrailReport
        do {
            report = try GuardrailCheck.run(files: manifests, agent: agent, expectations: expected)
        } catch {
            throw Self.fail(error.description)
        }
        if !excepts.isEmpty { report = report.applying(excepts, now: Date()) }
        let output = GuardrailOutput.render(report, format: format)
        FileHandle.standardOutput.write(Data(output.utf8))
        if !report.failing(atOrAbove: failOn).isEmpty { throw ExitCode(1) }
    }
}
