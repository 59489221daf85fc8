import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let query = input.query
        let limit = try Cursor.limit(query.limit)
        let after = try Cursor.decode(query.cursor) ?? 0
        var filter = AuditLog.Filter(actor: query.actor, since: query.since)
        if let target = query.target {
            let parts = target.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let type = parts.first, !type.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw Problem.invalidParameter("target", "must be type or type/id, for example agent/12")
            }
            filter.targetType = type
            filter.targetID = parts.count == 2 ? parts[1] : nil
        }
        let page = try await app.auditTrail.list(filter, afterID: after, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func verifyAuditEvents(_ input: Operations.VerifyAuditEvents.Input) async throws -> Operations.VerifyAuditEvents.Output {
        let result = try await app.auditTrail.verify()
        return .ok(
            .init(
                body: .json(
                    .init(valid: result.isValid, events: result.checked, firstBrokenId: result.firstBrokenID, detail: result.problem)
                )
            )
        )
    }

    static func schema(_ event: AuditEvent) -> Components.Schemas.AuditEvent {
        .init(
            id: event.id,
            at: event.at,
            actor: event.actor,
            tokenId: event.tokenID,
            action: event.action,
            targetType: event.targetType,
            targetId: event.targetID,
            requestId: event.requestID,
            stateDigest: event.stateDigest,
            previousHash: event.previousHash,
            hash: event.hash
        )
    }
}
