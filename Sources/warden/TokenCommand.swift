import ArgumentParser
import Foundation
import WardenApp
import WardenCore
import WardenStore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create and revoke API tokens directly in the database.",
        subcommands: [Create.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print only its secret.")

        @Option(help: "The principal: the person or job the token belongs to.")
        var name: String

        @Option(help: "admin, reviewer, auditor or collector.")
        var role: String

        @Option(name: .customLong("cluster"), help: "For collectors: a cluster it may upload snapshots for (repeatable).")
        var clusters: [String] = []

        @Option(help: "Days until the token expires.")
        var expiresInDays: Int?

        func run() async throws {
            guard let role = TokenRole(rawValue: role) else {
                throw ValidationError("--role must be one of admin, reviewer, auditor, collector")
            }
            let request: TokenRequest
            do {
                request = try TokenRequest(name: name, role: role, clusters: clusters, expiresInDays: expiresInDays)
            } catch {
                throw ValidationError(error.summary)
            }
            let env = try loadEnvironment(needsServer: false)
            let secret = try await withWarden(env) { warden in
                try await warden.access.issue(request, context: .commandLine(requestID: "cli-\(UUID().uuidString.lowercased())")).secret
            }
            print(secret.value)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")

        @Argument(help: "The token's id.")
        var id: Int64

        func run() async throws {
            let env = try loadEnvironment(needsServer: false)
            let record = try await withWarden(env) { warden in
                do {
                    return try await warden.access.revoke(id: id, context: .commandLine(requestID: "cli-\(UUID().uuidString.lowercased())"))
                } catch StoreError.notFound {
                    throw ValidationError("there is no token with id \(id)")
                }
            }
            print("revoked token \(record.id) (\(record.name), \(record.role.rawValue))")
        }
    }
}
