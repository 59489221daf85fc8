import ArgumentParser
import Foundation
import WardenCore

/// `warden verify --key FILE ENVELOPE`: checks a signed attestation offline, with no server.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an attestation envelope (DSSE) offline against a public key.",
        discussion: """
            Exit status: 0 verified, 1 not verified (bad signature, unknown key, wrong payload type), 2 unusable input.
            The key is a PEM public key (GET /v1/attestation-keys, the pem field) or its 64-character hex form.
            With --report, also checks that the report file (the JSON form of GET /v1/attestations/ID) is the one signed.
            """
    )

    @Option(name: .long, help: "A file with the public key: PEM, or the raw Ed25519 key as hex.")
    var key: String

    @Option(name: .long, help: "The report's canonical JSON, to check against the statement's reportDigest.")
    var report: String?

    @Argument(help: "The envelope file (GET /v1/attestations/ID/envelope), or - for standard input.")
    var envelope: String

    func run() async throws {
        let keyText: String
        do {
            keyText = try String(contentsOfFile: key, encoding: .utf8)
        } catch {
            throw fail("cannot read the key file \(key)", status: 2)
        }
        let envelopeBytes: [UInt8]
        if envelope == "-" {
            envelopeBytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: envelope) else {
                throw fail("cannot read the envelope file \(envelope)", status: 2)
            }
            envelopeBytes = Array(data)
        }
        let result = EnvelopeVerification.verify(envelopeJSON: envelopeBytes, keyPEMorHex: keyText)
        guard result.verified, let statement = result.statement else {
            let unusable: Bool
            switch result.failure {
            case .invalidKey, .malformedEnvelope: unusable = true
            default: unusable = false
            }
            throw fail("not verified: \(result.reason ?? "unknown reason")", status: unusable ? 2 : 1)
        }
        let predicate = statement.predicate
        if let report {
            guard let data = FileManager.default.contents(atPath: report) else { throw fail("cannot read the report file \(report)", status: 2) }
            let digest = SHA256Digest.hex(Array(data))
            guard digest == predicate.reportDigest["sha256"] else {
                throw fail(
                    "not verified: the report's sha256 \(digest) is not the signed reportDigest \(predicate.reportDigest["sha256"] ?? "")",
                    status: 1
                )
            }
        }
        print(
            "verified: keyid \(result.keyid ?? ""), report \(predicate.reportId) of cluster \(predicate.cluster), verdict \(predicate.verdict), "
                + "snapshot \(statement.subject.first.map { "\($0.name) sha256:\($0.digest["sha256"] ?? "")" } ?? "")"
                + (report != nil ? ", report digest matches" : "")
        )
    }

    private func fail(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("warden verify: \(message)\n".utf8))
        return ExitCode(status)
    }
}
