import ArgumentParser
import Foundation
import WardenCore

/// Options shared by the offline RBAC commands.
struct SnapshotFileOptions: ParsableArguments {
    @Option(name: .customLong("snapshot"), help: "A snapshot file: kubectl get ... -o json output, or YAML documents.")
    var path: String

    func load() throws -> Snapshot {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try Snapshot(parsing: bytes)
        } catch {
            throw ValidationError("\(path) is not a valid snapshot: \(error.issues.prefix(3).map(\.description).joined(separator: "; "))")
        }
    }
}

/// What is being asked about, in the words of `kubectl auth can-i`.
struct RequestOptions: ParsableArguments {
    @Option(name: [.customShort("n"), .long], help: "The namespace; none for a cluster-wide request.")
    var namespace: String = ""

    @Option(help: "A subresource, such as exec or log.")
    var subresource: String = ""

    @Argument(help: "The verb: get, list, create, ...")
    var verb: String

    @Argument(help: "TYPE[.GROUP][/NAME], or a non-resource URL such as /healthz.")
    var resource: String

    func attributes() throws -> RequestAttributes {
        do {
            return try ResourceSpecifier.attributes(verb: verb, specifier: resource, subresource: subresource, namespace: namespace)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

struct CanI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "can-i",
        abstract: "Whether a subject may do something in a snapshot, as the RBAC authorizer decides (no server needed).",
        discussion: "Exits 0 when allowed and 1 when not. A ServiceAccount user gets its implicit groups."
    )

    @OptionGroup var snapshot: SnapshotFileOptions

    @Option(name: .customLong("as"), help: "The user, for example system:serviceaccount:NS:NAME.")
    var user: String

    @Option(name: .customLong("as-group"), help: "An extra group (repeatable).")
    var groups: [String] = []

    @Flag(help: "Print the decision and grants as JSON.")
    var json = false

    @OptionGroup var request: RequestOptions

    func run() throws {
        let attributes = try request.attributes()
        var groups = self.groups
        let implicit = ServiceAccountIdentity.parse(user)?.implicitGroups ?? [ServiceAccountIdentity.authenticatedGroup]
        for group in implicit where !groups.contains(group) { groups.append(group) }
        let decision = try snapshot.load().makeAuthorizer().authorize(AccessRequest(user: user, groups: groups, attributes: attributes))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(decision), as: UTF8.self))
        } else {
            print(decision.allowed ? "yes" : "no")
            for grant in decision.grants { print("  \(grant)") }
        }
        if !decision.allowed { throw ExitCode(1) }
    }
}

struct WhoCan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-can",
        abstract: "Every subject that may do something in a snapshot, with the grants (no server needed)."
    )

    @OptionGroup var snapshot: SnapshotFileOptions

    @Flag(help: "Print the subjects and grants as JSON.")
    var json = false

    @OptionGroup var request: RequestOptions

    func run() throws {
        let attributes = try request.attributes()
        let loaded = try snapshot.load()
        let subjects = loaded.makeAuthorizer().whoCan(attributes, serviceAccounts: loaded.serviceAccounts)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(subjects), as: UTF8.self))
            return
        }
        for entry in subjects {
            print("\(entry.subject)")
            for grant in entry.grants { print("  \(grant.source)") }
        }
    }
}
