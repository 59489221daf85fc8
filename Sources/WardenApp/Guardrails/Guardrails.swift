import Foundation
import WardenCore
import WardenStore

/// Checking manifests against the guardrails, and the justified, expiring exceptions to them.
public struct Guardrails: Sendable {
    let stores: Stores
    /// The longest an exception may last.
    let maxExceptionDays: Int

    public var catalog: [GuardrailRule] { GuardrailCatalog.rules }

    /// Checks manifests, for an agent when one is named (its baseline's expectations and grants,
    /// and its exceptions); throws the parser's `SnapshotError` when they do not parse.
    public func check(manifests: [UInt8], agentID: Int64?) async throws -> [Finding] {
        guard let agentID else {
            return try GuardrailCheck.run(manifests: manifests, agent: nil, expectations: .default, grants: nil).findings
        }
        let agent = try await stores.agents.get(id: agentID)
        let current = try await stores.baselines.current(agentID: agentID)?.baseline.content
        let exceptions = try await stores.exceptions.list(agentID: agentID).map(\.exception)
        let report = try GuardrailCheck.run(
            manifests: manifests,
            agent: AgentIdentity(namespace: agent.fields.namespace, serviceAccount: agent.fields.serviceAccount),
            expectations: current?.expectations ?? .default,
            grants: current?.grants
        )
        return GuardrailExceptions.apply(exceptions, to: report.findings, now: stores.clock.now())
    }

    public struct NewException: Sendable {
        public var ruleID: String
        public var objectScope: String?
        public var fieldScope: String?
        public var justification: String
        public var expiresAt: Date

        public init(ruleID: String, objectScope: String?, fieldScope: String?, justification: String, expiresAt: Date) {
            self.ruleID = ruleID
            self.objectScope = objectScope
            self.fieldScope = fieldScope
            self.justification = justification
            self.expiresAt = expiresAt
        }
    }

    public func createException(agentID: Int64, _ new: NewException, context: ChangeContext) async throws -> GuardrailExceptionRecord {
        try validate(new, now: stores.clock.now())
        return try await stores.exceptions.create(
            agentID: agentID,
            ruleID: new.ruleID,
            objectScope: new.objectScope,
            fieldScope: new.fieldScope,
            justification: new.justification,
            expiresAt: new.expiresAt,
            context: context
        )
    }

    private func validate(_ new: NewException, now: Date) throws {
        var issues = IssueCollector()
        if GuardrailCatalog.rules.first(where: { $0.id == new.ruleID }) == nil {
            issues.add("/ruleId", "is not a guardrail id; GET /v1/guardrails lists them")
        }
        if new.justification.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.add("/justification", "must say why the finding is acceptable")
        }
        if new.expiresAt <= now {
            issues.add("/expiresAt", "must be in the future")
        } else if new.expiresAt > now.addingTimeInterval(TimeInterval(maxExceptionDays) * 86_400) {
            issues.add("/expiresAt", "must be at most \(maxExceptionDays) days from now")
        }
        if let field = new.fieldScope, !field.hasPrefix("/") { issues.add("/fieldScope", "must be a JSON pointer starting with /") }
        try issues.throwIfAny()
    }

    /// Every exception of the agent, newest first, expired and revoked ones too.
    public func exceptions(agentID: Int64) async throws -> [GuardrailExceptionRecord] {
        _ = try await stores.agents.get(id: agentID)
        return try await stores.exceptions.list(agentID: agentID)
    }

    public func revokeException(agentID: Int64, id: Int64, context: ChangeContext) async throws -> GuardrailExceptionRecord {
        try await stores.exceptions.revoke(agentID: agentID, id: id, context: context)
    }
}
