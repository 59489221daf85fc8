import Foundation
import OpenAPIRuntime
import WardenCore
import WardenStore

extension WardenAPI {
    func listGuardrails(_ input: Operations.ListGuardrails.Input) async throws -> Operations.ListGuardrails.Output {
        .ok(.init(body: .json(.init(items: GuardrailCatalog.rules.map(Self.schema)))))
    }

    func checkGuardrails(_ input: Operations.CheckGuardrails.Input) async throws -> Operations.CheckGuardrails.Output {
        guard let raw = RawBody.current, !raw.bytes.isEmpty else {
            throw Problem.badRequest("the body is required: manifests as multi-document YAML or a JSON List")
        }
        _ = try Self.snapshotMediaType(raw.contentType)
        var agentIdentity: AgentIdentity?
        var expectations = GuardrailExpectations.default
        var grants: [BaselineGrant]?
        var exceptions: [ExceptionStore.Record] = []
        if let agentID = input.query.agentId {
            let agent = try await agents.get(id: agentID)
            agentIdentity = AgentIdentity(namespace: agent.fields.namespace, serviceAccount: agent.fields.serviceAccount)
            if let current = try await baselines.current(agentID: agentID) {
                expectations = current.baseline.content.expectations
                grants = current.baseline.content.grants
            }
            exceptions = try await exceptionStore.list(agentID: agentID)
        }
        let report = try Self.runCheck(raw.bytes, agent: agentIdentity, expectations: expectations, grants: grants)
        let findings = GuardrailExceptions.apply(exceptions.map(Self.domain), to: report.findings, now: clock.now())
        return .ok(.init(body: .json(Self.checkResult(findings))))
    }

    /// The check, with malformed manifests turned into a problem that points at the item.
    static func runCheck(
        _ bytes: [UInt8], agent: AgentIdentity?, expectations: GuardrailExpectations, grants: [BaselineGrant]?
    ) throws(Problem) -> GuardrailReport {
        do throws(SnapshotError) {
            return try GuardrailCheck.run(manifests: bytes, agent: agent, expectations: expectations, grants: grants)
        } catch {
            throw Problem(
                status: .badRequest, slug: "invalid-manifests", title: "The manifests are malformed",
                detail: error.issues.prefix(3).map(\.description).joined(separator: "; "),
                errors: error.issues.map { FieldIssue(pointer: Self.pointer(for: $0), detail: $0.message) })
        }
    }

    func createException(_ input: Operations.CreateException.Input) async throws -> Operations.CreateException.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let now = clock.now()
        var issues = IssueCollector()
        if GuardrailCatalog.rules.first(where: { $0.id == body.ruleId }) == nil {
            issues.add("/ruleId", "is not a guardrail id; GET /v1/guardrails lists them")
        }
        if body.justification.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.add("/justification", "must say why the finding is acceptable")
        }
        if body.expiresAt <= now {
            issues.add("/expiresAt", "must be in the future")
        } else if body.expiresAt > now.addingTimeInterval(TimeInterval(maxExceptionDays) * 86_400) {
            issues.add("/expiresAt", "must be at most \(maxExceptionDays) days from now")
        }
        if let field = body.fieldScope, !field.hasPrefix("/") { issues.add("/fieldScope", "must be a JSON pointer starting with /") }
        try issues.throwIfAny()
        let record = try await exceptionStore.create(
            agentID: input.path.id, ruleID: body.ruleId, objectScope: body.objectScope, fieldScope: body.fieldScope,
            justification: body.justification, expiresAt: body.expiresAt, context: RequestScope.current.changeContext)
        return .created(.init(body: .json(Self.schema(record, now: now))))
    }

    func listExceptions(_ input: Operations.ListExceptions.Input) async throws -> Operations.ListExceptions.Output {
        _ = try await agents.get(id: input.path.id)
        let now = clock.now()
        return .ok(.init(body: .json(.init(items: try await exceptionStore.list(agentID: input.path.id).map { Self.schema($0, now: now) }))))
    }

    func revokeException(_ input: Operations.RevokeException.Input) async throws -> Operations.RevokeException.Output {
        let record = try await exceptionStore.revoke(
            agentID: input.path.id, id: input.path.exceptionId, context: RequestScope.current.changeContext)
        return .ok(.init(body: .json(Self.schema(record, now: clock.now()))))
    }

    static func checkResult(_ findings: [Finding]) -> Components.Schemas.CheckResult {
        let open = findings.filter { !$0.excepted }
        func count(_ severity: GuardrailSeverity) -> Int { open.filter { $0.severity == severity }.count }
        return .init(
            findings: findings.map(Self.schema),
            summary: .init(
                critical: count(.critical), high: count(.high), medium: count(.medium), low: count(.low),
                excepted: findings.count - open.count))
    }

    static func domain(_ record: ExceptionStore.Record) -> GuardrailException {
        GuardrailException(
            id: record.id, ruleID: record.ruleID, objectScope: record.objectScope, fieldScope: record.fieldScope,
            justification: record.justification, expiresAt: record.expiresAt, revokedAt: record.revokedAt)
    }

    static func schema(_ record: ExceptionStore.Record, now: Date) -> Components.Schemas.GuardrailException {
        .init(
            id: record.id, agentId: record.agentID, ruleId: record.ruleID, objectScope: record.objectScope, fieldScope: record.fieldScope,
            justification: record.justification, expiresAt: record.expiresAt, createdBy: record.createdBy, createdAt: record.createdAt,
            revokedBy: record.revokedBy, revokedAt: record.revokedAt, active: record.revokedAt == nil && record.expiresAt > now)
    }

    static func schema(_ finding: Finding) -> Components.Schemas.Finding {
        .init(
            ruleId: finding.ruleID, severity: .init(rawValue: finding.severity.rawValue)!, title: finding.title,
            message: finding.message,
            object: finding.object.map { .init(kind: $0.kind, namespace: $0.namespace, name: $0.name) },
            field: finding.field, location: finding.ruleLocation?.description, serviceAccounts: finding.serviceAccounts,
            remediation: finding.remediation, excepted: finding.excepted, exceptionId: finding.exceptionID)
    }

    static func schema(_ rule: GuardrailRule) -> Components.Schemas.GuardrailRule {
        .init(
            id: rule.id, title: rule.title, severity: .init(rawValue: rule.severity.rawValue)!, checks: rule.checks,
            remediation: rule.remediation,
            references: .init(cis: rule.references.cis, kubescape: rule.references.kubescape, checkov: rule.references.checkov))
    }
}
