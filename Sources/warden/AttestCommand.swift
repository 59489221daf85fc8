import ArgumentParser
import Foundation
import WardenApp
import WardenCore
import WardenStore

/// `warden attest`: issues and stores a signed report through the same use case as
/// `POST /v1/clusters/{cluster}/attestations`, so a CronJob can attest nightly without a token.
struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Issue, sign and store an attestation report of a cluster over its latest (or a named) snapshot.",
        discussion: """
            Needs WARDEN_DATABASE_URL and the signing key (WARDEN_SIGNING_KEY or WARDEN_SIGNING_KEY_FILE), as `serve` does.
            Prints the report in --format to --output (or standard output), and its id and verdict to standard error.
            Exit status 0 whatever the verdict (a nightly CronJob must not retry, and so store, a report it made);
            non-zero when no report was stored.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, html, markdown, csv, sarif
    }

    @Option(help: "The cluster, as snapshots are uploaded for it.")
    var cluster: String

    @Option(help: "A snapshot id of that cluster; its latest snapshot otherwise.")
    var snapshot: Int64?

    @Option(help: "json (the signed canonical bytes), html, markdown, csv or sarif.")
    var format: Format = .json

    @Option(help: "Write the report here instead of standard output.")
    var output: String?

    func validate() throws {
        if let problem = ClusterName.problem(cluster) { throw ValidationError("--cluster: \(problem)") }
    }

    func run() async throws {
        let env = try loadEnvironment(needsServer: false, needsSigningKey: true)
        let format = self.format
        let (record, rendered) = try await withWarden(env) { warden in
            let record = try await warden.attestations.issue(
                cluster: cluster,
                snapshotID: snapshot,
                context: .commandLine(requestID: "cli-attest-\(UUID().uuidString.lowercased())")
            )
            return (record, try await Self.render(record.id, as: format, with: warden.attestations))
        }
        try write(rendered)
        FileHandle.standardError.write(
            Data("warden attest: report \(record.id) of cluster \(record.cluster), verdict \(record.overview.verdict.rawValue)\n".utf8)
        )
    }

    static func render(_ id: Int64, as format: Format, with attestations: Attestations) async throws -> [UInt8] {
        if format == .json { return try await attestations.reportBytes(id: id) }
        let report = try await attestations.report(id: id)
        switch format {
        case .json: preconditionFailure("handled above")
        case .html: return Array(AttestationHTML.render(report).utf8)
        case .markdown: return Array(AttestationMarkdown.render(report).utf8)
        case .csv: return Array(AttestationCSV.render(report).utf8)
        case .sarif: return Array(AttestationSARIF.render(report).utf8)
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
            throw ValidationError("cannot write \(output)")
        }
    }
}
