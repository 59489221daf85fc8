import Foundation
import OpenAPIRuntime
import WardenCore
import WardenStore

extension WardenAPI {
    func proposeBaseline(_ input: Operations.ProposeBaseline.Input) async throws -> Operations.ProposeBaseline.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let agent = try await agents.get(id: input.path.id)
        let content = BaselineContent(
            grants: body.grants.map { BaselineGrant(namespace: $0.namespace, rules: $0.rules.map(Self.policyRule)) },
            expectations: Self.expectations(podSecurity: body.podSecurity, egress: body.egress),
            justification: body.justification)
        try content.validate()
        let findings = try await GuardrailEvaluation.baselineFindings(content, agent: agent.fields, snapshot: latestSnapshot(of: agent))
        let stored = try await baselines.propose(
            agentID: agent.id, content: content, findingsJSON: try Self.json(findings), context: RequestScope.current.changeContext)
        let exceptions = try await exceptionStore.list(agentID: agent.id)
        return .created(
            .init(
                headers: .init(location: "/v1/agents/\(agent.id)/baselines/\(stored.baseline.version)"),
                body: .json(try Self.schema(stored, exceptions: exceptions, now: clock.now()))))
    }

    func listBaselines(_ input: Operations.ListBaselines.Input) async throws -> Operations.ListBaselines.Output {
        _ = try await agents.get(id: input.path.id)
        let rows = try await baselines.list(agentID: input.path.id)
        let exceptions = try await exceptionStore.list(agentID: input.path.id)
        let now = clock.now()
        return .ok(.init(body: .json(.init(items: try rows.map { try Self.schema($0, exceptions: exceptions, now: now) }))))
    }

    func getBaseline(_ input: Operations.GetBaseline.Input) async throws -> Operations.GetBaseline.Output {
        let row = try await baselines.get(agentID: input.path.id, version: input.path.version)
        let exceptions = try await exceptionStore.list(agentID: input.path.id)
        return .ok(.init(body: .json(try Self.schema(row, exceptions: exceptions, now: clock.now()))))
    }

    func getCurrentBaseline(_ input: Operations.GetCurrentBaseline.Input) async throws -> Operations.GetCurrentBaseline.Output {
        _ = try await agents.get(id: input.path.id)
        guard let row = try await baselines.current(agentID: input.path.id) else {
            throw Problem.notFound("agent \(input.path.id) has no approved baseline")
        }
        let exceptions = try await exceptionStore.list(agentID: input.path.id)
        return .ok(.init(body: .json(try Self.schema(row, exceptions: exceptions, now: clock.now()))))
    }

    func approveBaseline(_ input: Operations.ApproveBaseline.Input) async throws -> Operations.ApproveBaseline.Output {
        var request: Components.Schemas.ApprovalRequest?
        if case .json(let body) = input.body { request = body }
        let acceptRisk = request?.acceptRisk ?? false
        let reason = request?.reason
        let approver = try RequestScope.current.requiredPrincipal.name
        let exceptions = try await exceptionStore.list(agentID: input.path.id)
        let now = clock.now()
        let row = try await baselines.decide(
            agentID: input.path.id, version: input.path.version, approve: true, reason: reason, acceptedRisk: acceptRisk,
            context: RequestScope.current.changeContext
        ) { row in
            let findings = try Self.findings(row, exceptions: exceptions, now: now)
            let critical = findings.filter { $0.severity == .critical && !$0.excepted }.map(\.ruleID)
            do throws(BaselineDecisionRules.Refusal) {
                try BaselineDecisionRules.checkApproval(
                    of: row.baseline, by: approver, unexceptedCriticalRuleIDs: critical, acceptRisk: acceptRisk, reason: reason)
            } catch {
                throw Self.problem(error)
            }
        }
        return .ok(.init(body: .json(try Self.schema(row, exceptions: exceptions, now: now))))
    }

    func rejectBaseline(_ input: Operations.RejectBaseline.Input) async throws -> Operations.RejectBaseline.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        guard !body.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.validation(ValidationError(pointer: "/reason", detail: "must say why the version is rejected"))
        }
        let decider = try RequestScope.current.requiredPrincipal.name
        let row = try await baselines.decide(
            agentID: input.path.id, version: input.path.version, approve: false, reason: body.reason, acceptedRisk: false,
            context: RequestScope.current.changeContext
        ) { row in
            do throws(BaselineDecisionRules.Refusal) {
                try BaselineDecisionRules.checkDecision(of: row.baseline, by: decider)
            } catch {
                throw Self.problem(error)
            }
        }
        let exceptions = try await exceptionStore.list(agentID: input.path.id)
        return .ok(.init(body: .json(try Self.schema(row, exceptions: exceptions, now: clock.now()))))
    }

    func getAgentManifests(_ input: Operations.GetAgentManifests.Input) async throws -> Operations.GetAgentManifests.Output {
        let agent = try await agents.get(id: input.path.id)
        guard let row = try await baselines.current(agentID: agent.id) else {
            throw Problem.notFound("agent \(agent.id) has no approved baseline to generate manifests from")
        }
        let yaml: String
        do {
            yaml = try LeastPrivilegeManifests.yaml(agent: agent.fields, baseline: row.baseline)
        } catch let refusal as LeastPrivilegeManifests.Refusal {
            throw Problem.conflict(refusal.description)
        }
        return .ok(.init(body: .yaml(HTTPBody(yaml))))
    }

    /// The newest snapshot of the agent's cluster, whose ServiceAccounts tell what workload creation lets it become.
    func latestSnapshot(of agent: Agent) async throws -> Snapshot? {
        guard let record = try await snapshots.latest(cluster: agent.fields.cluster) else { return nil }
        return try await snapshotCache.entry(id: record.id).snapshot
    }

    static func problem(_ refusal: BaselineDecisionRules.Refusal) -> Problem {
        switch refusal {
        case .notProposed(let status):
            return .conflict("this version is \(status.rawValue); only a proposed version can be approved or rejected")
        case .sameAsProposer(let name):
            return Problem(
                status: .forbidden, slug: "four-eyes", title: "Four eyes are required",
                detail: "\(name) proposed this version, so someone else must approve or reject it")
        case .unacceptedCriticalFindings(let ids):
            return Problem(
                status: .conflict, slug: "critical-findings", title: "The version has critical findings",
                detail: "critical findings without an exception: \(Set(ids).sorted().joined(separator: ", ")); add exceptions, propose a narrower version, or approve with acceptRisk and a reason")
        case .riskReasonMissing:
            return Problem.validation(ValidationError(pointer: "/reason", detail: "accepting risk needs a reason on record"))
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
    }

    static func findings(_ row: BaselineStore.Row, exceptions: [ExceptionStore.Record], now: Date) throws -> [Finding] {
        let stored = try JSONDecoder().decode([Finding].self, from: Data(row.findingsJSON.utf8))
        return GuardrailExceptions.apply(exceptions.map(Self.domain), to: stored, now: now)
    }

    static func schema(_ row: BaselineStore.Row, exceptions: [ExceptionStore.Record], now: Date) throws -> Components.Schemas.Baseline {
        let b = row.baseline
        return .init(
            agentId: b.agentID, version: b.version, status: .init(rawValue: b.status.rawValue)!,
            grants: b.content.grants.map { .init(namespace: $0.namespace, rules: $0.rules.map(Self.schema)) },
            podSecurity: Self.schema(b.content.expectations.podSecurity), egress: b.content.expectations.egress.map(Self.schema),
            justification: b.content.justification, digest: b.digest,
            findings: try findings(row, exceptions: exceptions, now: now).map(Self.schema), proposedBy: b.proposedBy,
            proposedAt: b.proposedAt, decidedBy: b.decidedBy, decidedAt: b.decidedAt, decisionReason: b.decisionReason,
            acceptedRisk: b.acceptedRisk, supersededAt: b.supersededAt)
    }

    static func policyRule(_ rule: Components.Schemas.PolicyRule) -> PolicyRule {
        PolicyRule(
            verbs: rule.verbs ?? [], apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [],
            resourceNames: rule.resourceNames ?? [], nonResourceURLs: rule.nonResourceURLs ?? [])
    }

    static func expectations(
        podSecurity: Components.Schemas.PodSecurityExpectation?, egress: [Components.Schemas.EgressDestination]?
    ) -> GuardrailExpectations {
        var expectations = GuardrailExpectations.default
        if let podSecurity {
            if let value = podSecurity.readOnlyRootFilesystem { expectations.podSecurity.readOnlyRootFilesystem = value }
            if let value = podSecurity.requireResources { expectations.podSecurity.requireResources = value }
            expectations.podSecurity.runtimeClassName = podSecurity.runtimeClassName
        }
        if let egress {
            expectations.egress = egress.map {
                EgressDestination(cidr: $0.cidr, ports: $0.ports.map { NetworkPort(protocol: $0._protocol.rawValue, port: $0.port) })
            }
        }
        return expectations
    }

    static func schema(_ podSecurity: PodSecurityExpectation) -> Components.Schemas.PodSecurityExpectation {
        .init(
            profile: .restricted, readOnlyRootFilesystem: podSecurity.readOnlyRootFilesystem,
            requireResources: podSecurity.requireResources, runtimeClassName: podSecurity.runtimeClassName)
    }

    static func schema(_ destination: EgressDestination) -> Components.Schemas.EgressDestination {
        .init(
            cidr: destination.cidr,
            ports: destination.ports.map { .init(_protocol: .init(rawValue: $0.protocol) ?? .tcp, port: $0.port) })
    }
}
