import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func proposeBaseline(_ input: Operations.ProposeBaseline.Input) async throws -> Operations.ProposeBaseline.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let content = BaselineContent(
            grants: body.grants.map { BaselineGrant(namespace: $0.namespace, rules: $0.rules.map(Self.policyRule)) },
            expectations: Self.expectations(podSecurity: body.podSecurity, egress: body.egress),
            justification: body.justification
        )
        let view = try await app.baselines.propose(agentID: input.path.id, content: content, context: RequestScope.current.changeContext)
        return .created(
            .init(
                headers: .init(location: "/v1/agents/\(input.path.id)/baselines/\(view.baseline.version)"),
                body: .json(Self.schema(view))
            )
        )
    }

    func listBaselines(_ input: Operations.ListBaselines.Input) async throws -> Operations.ListBaselines.Output {
        .ok(.init(body: .json(.init(items: try await app.baselines.list(agentID: input.path.id).map(Self.schema)))))
    }

    func getBaseline(_ input: Operations.GetBaseline.Input) async throws -> Operations.GetBaseline.Output {
        .ok(.init(body: .json(Self.schema(try await app.baselines.get(agentID: input.path.id, version: input.path.version)))))
    }

    func getCurrentBaseline(_ input: Operations.GetCurrentBaseline.Input) async throws -> Operations.GetCurrentBaseline.Output {
        .ok(.init(body: .json(Self.schema(try await app.baselines.current(agentID: input.path.id)))))
    }

    func approveBaseline(_ input: Operations.ApproveBaseline.Input) async throws -> Operations.ApproveBaseline.Output {
        var request: Components.Schemas.ApprovalRequest?
        if case .json(let body) = input.body { request = body }
        let scope = RequestScope.current
        let view = try await app.baselines.approve(
            agentID: input.path.id,
            version: input.path.version,
            acceptRisk: request?.acceptRisk ?? false,
            reason: request?.reason,
            by: try scope.requiredPrincipal,
            context: scope.changeContext
        )
        return .ok(.init(body: .json(Self.schema(view))))
    }

    func rejectBaseline(_ input: Operations.RejectBaseline.Input) async throws -> Operations.RejectBaseline.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let scope = RequestScope.current
        let view = try await app.baselines.reject(
            agentID: input.path.id,
            version: input.path.version,
            reason: body.reason,
            by: try scope.requiredPrincipal,
            context: scope.changeContext
        )
        return .ok(.init(body: .json(Self.schema(view))))
    }

    func getAgentManifests(_ input: Operations.GetAgentManifests.Input) async throws -> Operations.GetAgentManifests.Output {
        .ok(.init(body: .yaml(HTTPBody(try await app.baselines.manifests(agentID: input.path.id)))))
    }

    static func problem(_ refusal: BaselineDecisionRules.Refusal) -> Problem {
        switch refusal {
        case .notProposed(let status):
            return .conflict("this version is \(status.rawValue); only a proposed version can be approved or rejected")
        case .sameAsProposer(let decider, let proposer, let why):
            return Problem(
                status: .forbidden,
                slug: "four-eyes",
                title: "Four eyes are required",
                detail: "\(proposer) proposed this version, \(Self.sameAs(decider, proposer, why))so someone else must approve or reject it"
            )
        case .unacceptedCriticalFindings(let ids, let disregarded):
            var detail = "critical findings without an exception: \(Set(ids).sorted().joined(separator: ", "))"
            if !disregarded.isEmpty {
                let listed = disregarded.map { "\($0.id) (\($0.ruleID))" }.joined(separator: ", ")
                detail +=
                    "; exceptions made by the proposer of this version do not clear its critical findings, so \(disregarded.count == 1 ? "exception" : "exceptions") \(listed) \(disregarded.count == 1 ? "does" : "do") not count"
                let reasons = Set(disregarded.map(\.why)).filter { if case .sameName(let a, let b) = $0 { a != b } else { true } }
                if !reasons.isEmpty { detail += " (\(reasons.map(\.description).sorted().joined(separator: "; ")))" }
            }
            return Problem(
                status: .conflict,
                slug: "critical-findings",
                title: "The version has critical findings",
                detail: detail + "; add exceptions made by someone else, propose a narrower version, or approve with acceptRisk and a reason"
            )
        case .riskReasonMissing:
            return Problem.validation(ValidationError(pointer: "/reason", detail: "accepting risk needs a reason on record"))
        }
    }

    /// "X counts as Y: why; " for a problem's detail, or nothing when the two names are the same string.
    static func sameAs(_ who: String, _ other: String, _ why: Identity.SamePerson) -> String {
        if case .sameName(let a, let b) = why, a == b { return "" }
        return "and \(who) counts as the same person (\(why)), "
    }

    static func schema(_ view: Baselines.View) -> Components.Schemas.Baseline {
        let b = view.baseline
        return .init(
            agentId: b.agentID,
            version: b.version,
            status: .init(rawValue: b.status.rawValue)!,
            grants: b.content.grants.map { .init(namespace: $0.namespace, rules: $0.rules.map(Self.schema)) },
            podSecurity: Self.schema(b.content.expectations.podSecurity),
            egress: b.content.expectations.egress.map(Self.schema),
            justification: b.content.justification,
            digest: b.digest,
            findings: view.findings.map(Self.schema),
            proposedBy: b.proposedBy,
            proposedAt: b.proposedAt,
            decidedBy: b.decidedBy,
            decidedAt: b.decidedAt,
            decisionReason: b.decisionReason,
            acceptedRisk: b.acceptedRisk,
            supersededAt: b.supersededAt
        )
    }

    static func policyRule(_ rule: Components.Schemas.PolicyRule) -> PolicyRule {
        PolicyRule(
            verbs: rule.verbs ?? [],
            apiGroups: rule.apiGroups ?? [],
            resources: rule.resources ?? [],
            resourceNames: rule.resourceNames ?? [],
            nonResourceURLs: rule.nonResourceURLs ?? []
        )
    }

    static func expectations(
        podSecurity: Components.Schemas.PodSecurityExpectation?,
        egress: [Components.Schemas.EgressDestination]?
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
            profile: .restricted,
            readOnlyRootFilesystem: podSecurity.readOnlyRootFilesystem,
            requireResources: podSecurity.requireResources,
            runtimeClassName: podSecurity.runtimeClassName
        )
    }

    static func schema(_ destination: EgressDestination) -> Components.Schemas.EgressDestination {
        .init(
            cidr: destination.cidr,
            ports: destination.ports.map { .init(_protocol: .init(rawValue: $0.protocol) ?? .tcp, port: $0.port) }
        )
    }
}
