import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func listGuardrails(_ input: Operations.ListGuardrails.Input) async throws -> Operations.ListGuardrails.Output {
        .ok(.init(body: .json(.init(items: app.guardrails.catalog.map(Self.schema)))))
    }

    func checkGuardrails(_ input: Operations.CheckGuardrails.Input) async throws -> Operations.CheckGuardrails.Output {
        guard let raw = RawBody.current, !raw.bytes.isEmpty else {
            throw Problem.badRequest("the body is required: manifests as multi-document YAML or a JSON List")
        }
        _ = try Self.snapshotMediaType(raw.contentType)
        do {
            let findings = try await app.guardrails.check(manifests: raw.bytes, agentID: input.query.agentId)
            return .ok(.init(body: .json(Self.checkResult(findings))))
        } catch let error as SnapshotError {
            throw Self.problem(error, slug: "invalid-manifests", title: "The manifests are malformed")
        }
    }

    func createException(_ input: Operations.CreateException.Input) async throws -> Operations.CreateException.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let record = try await app.guardrails.createException(
            agentID: input.path.id,
            .init(
                ruleID: body.ruleId,
                objectScope: body.objectScope,
                fieldScope: body.fieldScope,
                justification: body.justification,
                expiresAt: body.expiresAt
            ),
            context: RequestScope.current.changeContext
        )
        return .created(.init(body: .json(Self.schema(record, now: now))))
    }

    func listExceptions(_ input: Operations.ListExceptions.Input) async throws -> Operations.ListExceptions.Output {
        let records = try await app.guardrails.exceptions(agentID: input.path.id)
        let now = self.now
        return .ok(.init(body: .json(.init(items: records.map { Self.schema($0, now: now) }))))
    }

    func revokeException(_ input: Operations.RevokeException.Input) async throws -> Operations.RevokeException.Output {
        let record = try await app.guardrails.revokeException(
            agentID: input.path.id,
            id: input.path.exceptionId,
            context: RequestScope.current.changeContext
        )
        return .ok(.init(body: .json(Self.schema(record, now: now))))
    }

    static func checkResult(_ findings: [Finding]) -> Components.Schemas.CheckResult {
        let open = findings.filter { !$0.excepted }
        func count(_ severity: GuardrailSeverity) -> Int { open.filter { $0.severity == severity }.count }
        return .init(
            findings: findings.map(Self.schema),
            summary: .init(
                critical: count(.critical),
                high: count(.high),
                medium: count(.medium),
                low: count(.low),
                excepted: findings.count - open.count
            )
        )
    }

    static func schema(_ record: GuardrailExceptionRecord, now: Date) -> Components.Schemas.GuardrailException {
        .init(
            id: record.id,
            agentId: record.agentID,
            ruleId: record.ruleID,
            objectScope: record.objectScope,
            fieldScope: record.fieldScope,
            justification: record.justification,
            expiresAt: record.expiresAt,
            createdBy: record.createdBy,
            createdAt: record.createdAt,
            revokedBy: record.revokedBy,
            revokedAt: record.revokedAt,
            active: record.isActive(at: now)
        )
    }

    static func schema(_ finding: Finding) -> Components.Schemas.Finding {
        .init(
            ruleId: finding.ruleID,
            severity: .init(rawValue: finding.severity.rawValue)!,
            title: finding.title,
            message: finding.message,
            object: finding.object.map { .init(kind: $0.kind, namespace: $0.namespace, name: $0.name) },
            field: finding.field,
            location: finding.ruleLocation?.description,
            serviceAccounts: finding.serviceAccounts,
            remediation: finding.remediation,
            excepted: finding.excepted,
            exceptionId: finding.exceptionID
        )
    }

    static func schema(_ rule: GuardrailRule) -> Components.Schemas.GuardrailRule {
        .init(
            id: rule.id,
            title: rule.title,
            severity: .init(rawValue: rule.severity.rawValue)!,
            checks: rule.checks,
            remediation: rule.remediation,
            references: .init(cis: rule.references.cis, kubescape: rule.references.kubescape, checkov: rule.references.checkov)
        )
    }
}
