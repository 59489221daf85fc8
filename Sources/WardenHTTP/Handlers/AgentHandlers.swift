import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func createAgent(_ input: Operations.CreateAgent.Input) async throws -> Operations.CreateAgent.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let fields = AgentFields(
            name: body.name,
            cluster: body.cluster,
            namespace: body.namespace,
            serviceAccount: body.serviceAccount,
            owner: body.owner,
            purpose: body.purpose,
            riskTier: RiskTier(body.riskTier),
            status: body.status.map { $0 == .suspended ? .suspended : .active } ?? .active,
            labels: body.labels?.additionalProperties ?? [:],
            escalationContact: body.escalationContact,
            reviewIntervalDays: body.reviewIntervalDays,
            nextReviewDue: body.nextReviewDue
        )
        let agent = try await app.agents.register(fields, context: RequestScope.current.changeContext)
        return .created(
            .init(headers: .init(location: "/v1/agents/\(agent.id)", eTag: agent.etag), body: .json(Self.schema(agent)))
        )
    }

    func listAgents(_ input: Operations.ListAgents.Input) async throws -> Operations.ListAgents.Output {
        let query = input.query
        let limit = try Cursor.limit(query.limit)
        let after = try Cursor.decode(query.cursor) ?? 0
        var labels: [String: String] = [:]
        for (index, item) in (query.label ?? []).enumerated() {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw Problem.invalidParameter("label[\(index)]", "must be key=value")
            }
            labels[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        let filter = AgentStore.Filter(
            cluster: query.cluster,
            namespace: query.namespace,
            owner: query.owner,
            riskTier: query.riskTier.map(RiskTier.init),
            status: query.status.map(AgentStatus.init),
            labels: labels
        )
        let page = try await app.agents.list(filter, afterID: after, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func getAgent(_ input: Operations.GetAgent.Input) async throws -> Operations.GetAgent.Output {
        let agent = try await app.agents.get(id: input.path.id)
        return .ok(.init(headers: .init(eTag: agent.etag), body: .json(Self.schema(agent))))
    }

    func updateAgent(_ input: Operations.UpdateAgent.Input) async throws -> Operations.UpdateAgent.Output {
        guard case .applicationMergePatchJson(let body) = input.body else {
            throw Problem.unsupportedMediaType("send application/merge-patch+json")
        }
        let version = try Self.expectedVersion(input.headers.ifMatch, id: input.path.id)
        let patch = try AgentPatch.parse(body.additionalProperties.value)
        let agent = try await app.agents.change(
            id: input.path.id,
            expectedVersion: version,
            .patch(patch),
            context: RequestScope.current.changeContext
        )
        return .ok(.init(headers: .init(eTag: agent.etag), body: .json(Self.schema(agent))))
    }

    func retireAgent(_ input: Operations.RetireAgent.Input) async throws -> Operations.RetireAgent.Output {
        let version = try input.headers.ifMatch.map { try Self.expectedVersion($0, id: input.path.id) }
        let agent = try await app.agents.change(
            id: input.path.id,
            expectedVersion: version ?? nil,
            .retire,
            context: RequestScope.current.changeContext
        )
        return .ok(.init(headers: .init(eTag: agent.etag), body: .json(Self.schema(agent))))
    }

    /// The version an `If-Match` names; nil for `*`. A tag for another resource or version is stale (412).
    static func expectedVersion(_ header: String?, id: Int64) throws -> Int64? {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem.preconditionRequired("send If-Match with the ETag from GET /v1/agents/\(id)")
        }
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains("*") { return nil }
        for tag in tags {
            let inner = tag.hasPrefix("\"") && tag.hasSuffix("\"") && tag.count >= 2 ? tag.dropFirst().dropLast() : tag[...]
            let parts = inner.split(separator: "-")
            if parts.count == 2, Int64(parts[0]) == id, let version = Int64(parts[1]) { return version }
        }
        // A tag that cannot match any version of this agent: the precondition fails.
        return -1
    }

    static func problem(_ refusal: AgentChange.Refusal) -> Problem {
        switch refusal {
        case .retired:
            return .conflict("a retired agent cannot be changed")
        case .reactivationBySamePerson(let reactivator, let counterpart, let suspension, let why):
            let cause = suspension.revokedBy.map { "when \($0.name) revoked it" } ?? "when nobody decided it in time"
            let (role, name) =
                switch counterpart {
                case .owner(let owner): ("its owner", owner)
                case .revokingReviewer(let reviewer): ("the reviewer who revoked it", reviewer)
                }
            return Problem(
                status: .forbidden,
                slug: "four-eyes",
                title: "Four eyes are required",
                detail:
                    "review \(suspension.reviewID) suspended this agent \(cause), \(Self.sameAs(reactivator, name, why))so someone other than \(role), \(name), must reactivate it"
            )
        }
    }

    static func schema(_ agent: Agent) -> Components.Schemas.Agent {
        let f = agent.fields
        return .init(
            id: agent.id,
            name: f.name,
            cluster: f.cluster,
            namespace: f.namespace,
            serviceAccount: f.serviceAccount,
            owner: f.owner,
            purpose: f.purpose,
            riskTier: .init(f.riskTier),
            status: .init(f.status),
            labels: .init(additionalProperties: f.labels),
            escalationContact: f.escalationContact,
            reviewIntervalDays: f.reviewIntervalDays,
            nextReviewDue: f.nextReviewDue,
            createdAt: agent.createdAt,
            updatedAt: agent.updatedAt,
            version: agent.version
        )
    }
}

extension RiskTier {
    init(_ tier: Components.Schemas.RiskTier) {
        switch tier {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }
}

extension Components.Schemas.RiskTier {
    init(_ tier: RiskTier) {
        switch tier {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }
}

extension AgentStatus {
    init(_ status: Components.Schemas.AgentStatus) {
        switch status {
        case .active: self = .active
        case .suspended: self = .suspended
        case .retired: self = .retired
        }
    }
}

extension Components.Schemas.AgentStatus {
    init(_ status: AgentStatus) {
        switch status {
        case .active: self = .active
        case .suspended: self = .suspended
        case .retired: self = .retired
        }
    }
}
