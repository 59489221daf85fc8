import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func createSnapshot(_ input: Operations.CreateSnapshot.Input) async throws -> Operations.CreateSnapshot.Output {
        let scope = RequestScope.current
        let principal = try scope.requiredPrincipal
        let cluster = try Self.cluster(input.path.cluster)
        try app.snapshots.checkMayUpload(cluster: cluster, principal: principal)
        guard let raw = RawBody.current, !raw.bytes.isEmpty else {
            throw Problem.badRequest("the body is required: the output of kubectl get ... -o json, or YAML documents")
        }
        let upload = Snapshots.Upload(
            cluster: cluster,
            mediaType: try Self.snapshotMediaType(raw.contentType),
            gzipped: try Self.isGzipped(raw.contentEncoding)
        )
        let record: SnapshotRecord
        do {
            record = try await app.snapshots.upload(upload, body: raw.bytes, by: principal, context: scope.changeContext)
        } catch let error as SnapshotError {
            throw Self.problem(error, slug: "invalid-snapshot", title: "The snapshot is malformed")
        }
        return .created(.init(headers: .init(location: "/v1/snapshots/\(record.id)"), body: .json(Self.schema(record))))
    }

    /// Whether `Content-Encoding` says gzip; anything but gzip or none is refused.
    static func isGzipped(_ header: String?) throws -> Bool {
        switch header?.lowercased().trimmingCharacters(in: .whitespaces) {
        case nil, "", "identity": return false
        case "gzip": return true
        case let other?: throw Problem.unsupportedMediaType("Content-Encoding \(other) is not supported; use gzip or none")
        }
    }

    func listSnapshots(_ input: Operations.ListSnapshots.Input) async throws -> Operations.ListSnapshots.Output {
        let cluster = try Self.cluster(input.path.cluster)
        let limit = try Cursor.limit(input.query.limit)
        let before = try Cursor.decode(input.query.cursor)
        let page = try await app.snapshots.list(cluster: cluster, beforeID: before, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func getSnapshot(_ input: Operations.GetSnapshot.Input) async throws -> Operations.GetSnapshot.Output {
        .ok(.init(body: .json(Self.schema(try await app.snapshots.get(id: input.path.id)))))
    }

    func getSnapshotContent(_ input: Operations.GetSnapshotContent.Input) async throws -> Operations.GetSnapshotContent.Output {
        let list = try await app.snapshots.listJSON(id: input.path.id)
        // The generated response type is Codable, so the List goes through it once; for very large
        // snapshots this costs a few seconds, and it is an export, not a hot path.
        let payload = try JSONDecoder().decode(Operations.GetSnapshotContent.Output.Ok.Body.JsonPayload.self, from: Data(list))
        return .ok(.init(body: .json(payload)))
    }

    static func cluster(_ value: String) throws -> String {
        if let problem = ClusterName.problem(value) { throw Problem.invalidParameter("cluster", problem) }
        return value
    }

    static func snapshotMediaType(_ header: String?) throws -> SnapshotMediaType {
        guard let header else {
            throw Problem.unsupportedMediaType("send Content-Type: application/json (kubectl -o json) or application/yaml")
        }
        let type = header.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/json": return .json
        case "application/yaml", "application/x-yaml", "text/yaml": return .yaml
        default: throw Problem.unsupportedMediaType("Content-Type \(type) is not a snapshot; use application/json or application/yaml")
        }
    }

    /// A parser's refusal as a problem that points at each item and field.
    static func problem(_ error: SnapshotError, slug: String, title: String) -> Problem {
        Problem(
            status: .badRequest,
            slug: slug,
            title: title,
            detail: error.issues.prefix(3).map(\.description).joined(separator: "; "),
            errors: error.issues.map { FieldIssue(pointer: Self.pointer(for: $0), detail: $0.message) }
        )
    }

    static func pointer(for issue: SnapshotIssue) -> String {
        if issue.pointer.hasPrefix("/items/") || issue.itemIndex == nil { return issue.pointer }
        return "/items/\(issue.itemIndex!)" + issue.pointer
    }

    static func schema(_ record: SnapshotRecord) -> Components.Schemas.Snapshot {
        .init(
            id: record.id,
            cluster: record.cluster,
            digest: record.digest,
            mediaType: record.mediaType == "application/yaml" ? .applicationYaml : .applicationJson,
            objectCounts: .init(additionalProperties: record.objectCounts),
            sizeBytes: record.sizeBytes,
            createdAt: record.createdAt,
            createdBy: record.createdBy
        )
    }
}
