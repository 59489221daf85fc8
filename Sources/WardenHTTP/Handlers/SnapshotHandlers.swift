import Foundation
import OpenAPIRuntime
import WardenCore
import WardenStore

extension WardenAPI {
    func createSnapshot(_ input: Operations.CreateSnapshot.Input) async throws -> Operations.CreateSnapshot.Output {
        let principal = try RequestScope.current.requiredPrincipal
        let cluster = try Self.cluster(input.path.cluster)
        if principal.role == .collector && !principal.clusters.contains(cluster) {
            throw Problem.forbidden("this collector token may upload snapshots only for: \(principal.clusters.joined(separator: ", "))")
        }
        guard let raw = RawBody.current, !raw.bytes.isEmpty else {
            throw Problem.badRequest("the body is required: the output of kubectl get ... -o json, or YAML documents")
        }
        let mediaType = try Self.snapshotMediaType(raw.contentType)
        let bytes: [UInt8]
        switch raw.contentEncoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case nil, "", "identity":
            bytes = raw.bytes
        case "gzip":
            do {
                bytes = try Gzip.decompress(raw.bytes, limit: bodyLimits.snapshot)
            } catch is Gzip.TooLarge {
                throw Problem.tooLarge(limit: bodyLimits.snapshot)
            } catch {
                throw Problem.badRequest("the body is not valid gzip")
            }
        case let other?:
            throw Problem.unsupportedMediaType("Content-Encoding \(other) is not supported; use gzip or none")
        }
        let snapshot = try Self.parseSnapshot(bytes, declared: mediaType)
        let record = try await snapshots.create(
            cluster: cluster, bytes: bytes, mediaType: mediaType, objectCounts: snapshot.objectCounts,
            context: RequestScope.current.changeContext)
        await snapshotCache.insert(.init(record: record, snapshot: snapshot, authorizer: snapshot.makeAuthorizer()))
        return .created(.init(headers: .init(location: "/v1/snapshots/\(record.id)"), body: .json(Self.schema(record))))
    }

    func listSnapshots(_ input: Operations.ListSnapshots.Input) async throws -> Operations.ListSnapshots.Output {
        let cluster = try Self.cluster(input.path.cluster)
        let limit = try Cursor.limit(input.query.limit)
        let before = try Cursor.decode(input.query.cursor)
        let page = try await snapshots.list(cluster: cluster, beforeID: before, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func getSnapshot(_ input: Operations.GetSnapshot.Input) async throws -> Operations.GetSnapshot.Output {
        .ok(.init(body: .json(Self.schema(try await snapshots.get(id: input.path.id)))))
    }

    func getSnapshotContent(_ input: Operations.GetSnapshotContent.Input) async throws -> Operations.GetSnapshotContent.Output {
        let (_, bytes) = try await snapshots.content(id: input.path.id)
        let list: [UInt8]
        do {
            list = try SnapshotParser().listJSON(bytes)
        } catch {
            throw StoreError.corruptRow("stored snapshot \(input.path.id) no longer parses")
        }
        // The generated response type is Codable, so the List goes through it once; for very large
        // snapshots this costs a few seconds, and it is an export, not a hot path.
        let payload = try JSONDecoder().decode(Operations.GetSnapshotContent.Output.Ok.Body.JsonPayload.self, from: Data(list))
        return .ok(.init(body: .json(payload)))
    }

    static func cluster(_ value: String) throws -> String {
        if let problem = ClusterName.problem(value) { throw Problem.invalidParameter("cluster", problem) }
        return value
    }

    static func snapshotMediaType(_ header: String?) throws -> String {
        guard let header else {
            throw Problem.unsupportedMediaType("send Content-Type: application/json (kubectl -o json) or application/yaml")
        }
        let type = header.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/json": return "application/json"
        case "application/yaml", "application/x-yaml", "text/yaml": return "application/yaml"
        default: throw Problem.unsupportedMediaType("Content-Type \(type) is not a snapshot; use application/json or application/yaml")
        }
    }

    /// Parses, turning each issue into a pointer the client can follow (item index and field).
    static func parseSnapshot(_ bytes: [UInt8], declared mediaType: String) throws -> Snapshot {
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }
        let looksJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if mediaType == "application/json" && !looksJSON {
            throw Problem.badRequest("the body is declared application/json but does not start with { or [")
        }
        do {
            return try Snapshot(parsing: bytes)
        } catch {
            let issues = error.issues.map { issue in
                FieldIssue(pointer: Self.pointer(for: issue), detail: issue.message)
            }
            throw Problem(
                status: .badRequest, slug: "invalid-snapshot", title: "The snapshot is malformed",
                detail: error.issues.prefix(3).map(\.description).joined(separator: "; "), errors: issues)
        }
    }

    static func pointer(for issue: SnapshotIssue) -> String {
        if issue.pointer.hasPrefix("/items/") || issue.itemIndex == nil { return issue.pointer }
        return "/items/\(issue.itemIndex!)" + issue.pointer
    }

    static func schema(_ record: SnapshotRecord) -> Components.Schemas.Snapshot {
        .init(
            id: record.id, cluster: record.cluster, digest: record.digest,
            mediaType: record.mediaType == "application/yaml" ? .applicationYaml : .applicationJson,
            objectCounts: .init(additionalProperties: record.objectCounts), sizeBytes: record.sizeBytes,
            createdAt: record.createdAt, createdBy: record.createdBy)
    }
}
