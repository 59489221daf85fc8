import Foundation

// Builds an attestation report from a snapshot and the registered agents. Pure and deterministic:
// the same input gives the same report (and the same canonical bytes).
//
// Work plan, so a cluster of tens of thousands of objects with a thousand agents stays cheap:
// 1. the evaluator is built once (or reused from the input), the snapshot's objects are indexed
//    by namespace once;
// 2. per agent, in parallel (ParallelFor): effective permissions once, drift, workload grants,
//    capabilities, and the guardrails on its own namespace's objects only;
// 3. the ServiceAccounts any agent can run pods as are summarised once (in parallel), however many
//    agents reach them;
// 4. per agent, in parallel: escalations (ATT-009), exceptions, fingerprints, verdict;
// 5. cluster-wide: cluster-admin equivalents, shadow agents; then the verdict and summary.
//
// Verdict rule (`AttestationVerdict.ruleText`): non_compliant iff some finding that is not
// excepted has severity medium or worse. Agent-level ATT findings (no approved baseline, review
// overdue, suspended yet still live, ServiceAccount missing) are high and cannot be excepted, so
// each of them alone makes the report non_compliant. Exceptions (an agent's own, active at
// `generatedAt`) apply to that agent's guardrail and drift findings only.

public enum AttestationBuilder {
    struct AgentPartial: Sendable {
        var agent: AttestedAgent
        var identity: AgentIdentity
        var present: Bool
        var baseline: AttestationBaselineInfo
        var review: AgentReviewState
        var permissions: [PermissionBinding]
        var unresolved: [BindingSource]
        var drift: AgentDrift
        var exposure: [ExposureScope]
        var capabilities: Set<AttestationCapability>
        /// Guardrail and drift findings (exceptions apply), with fingerprint discriminators.
        var exceptable: [(Finding, String)]
        /// Attestation findings (no exceptions), fingerprints not yet set.
        var fixed: [AttestationFinding]
    }

    public static func build(_ input: AttestationInput) -> AttestationReport {
        let authorizer = input.authorizer ?? RBACAuthorizer(input.snapshot.rbac)
        let index = AttestationIndex(
            snapshot: input.snapshot,
            extraAuditPolicies: input.auditPolicies,
            agentLabelKey: input.options.agentLabelKey
        )
        let aggregated = Set(authorizer.state.clusterRoles.filter { $0.aggregationRule != nil }.map(\.name))
        let present = Set(index.serviceAccounts)
        let cores = input.options.parallelism > 0 ? input.options.parallelism : ParallelFor.activeProcessorCount
        let agents = input.agents.sorted { $0.agent.id < $1.agent.id }

        // 2. Per agent.
        let partials = ParallelFor.map(count: agents.count, workers: min(cores, agents.count / 8 + 1)) { i in
            agentPartial(agents[i], authorizer: authorizer, index: index, present: present, aggregated: aggregated)
        }

        // 3. ServiceAccounts the agents can run pods as.
        var everywhere = false
        var namespaces = Set<String>()
        for p in partials {
            for s in p.exposure {
                if s.scope == BaselineGrant.clusterWide { everywhere = true } else { namespaces.insert(s.scope) }
            }
        }
        var targets: [ServiceAccountIdentity] = []
        if everywhere {
            targets = index.serviceAccounts
        } else {
            for ns in namespaces.sorted() {
                targets += index.objects(in: ns).serviceAccounts.map { ServiceAccountIdentity(namespace: $0.namespace, name: $0.name) }
            }
        }
        let reached = Array(Set(targets)).sorted()
        let summarized = ParallelFor.map(count: reached.count, workers: min(cores, reached.count / 256 + 1)) { i in
            AttestationExposure.summary(reached[i], authorizer.effectivePermissions(of: reached[i]))
        }
        var table: [ServiceAccountSummary] = []
        var capabilityTable: [ServiceAccountIdentity: Set<AttestationCapability>] = [:]
        for (i, s) in summarized.enumerated() {
            guard let (summary, caps) = s else { continue }
            table.append(summary)
            capabilityTable[reached[i]] = caps
        }
        let capabilities = capabilityTable
        let withPermissionsTotal = table.count

        // 4. Escalations, exceptions, fingerprints, verdicts.
        let maxListed = input.options.maxListedEscalations
        let agentReports = ParallelFor.map(count: partials.count, workers: min(cores, partials.count / 8 + 1)) { i in
            finalize(
                partials[i],
                exceptions: agents[i].exceptions,
                now: input.generatedAt,
                index: index,
                capabilities: capabilities,
                withPermissionsTotal: withPermissionsTotal,
                maxListed: maxListed
            )
        }

        // 5. Cluster-wide.
        let cluster = AttestationCluster.run(
            authorizer: authorizer,
            index: index,
            agents: partials.map(\.identity),
            labelKey: input.options.agentLabelKey,
            parallelism: cores
        )
        var clusterFindings: [AttestationFinding] = cluster.findings.map { f, discriminator in
            var f = f
            f.fingerprint = AttestationFingerprint.make(
                id: f.id,
                agent: "",
                object: f.object,
                field: f.field,
                location: f.location,
                discriminator: discriminator
            )
            return f
        }
        AttestationFingerprint.disambiguate(&clusterFindings)
        clusterFindings.sort(by: AttestationFinding.precedes)
        let clusterSection = ClusterAttestation(
            shadowAgents: cluster.shadows,
            missingServiceAccounts: partials.filter { !$0.present }.map(\.agent.serviceAccountKey),
            clusterAdminRoles: cluster.adminRoles,
            clusterAdminBindings: cluster.adminBindings,
            findings: clusterFindings,
            summary: SeverityCounts(clusterFindings)
        )

        // Verdict and summary.
        let all = agentReports.flatMap(\.findings) + clusterFindings
        let verdict = self.verdict(agentReports, clusterFindings)
        var total = SeverityCounts()
        for a in agentReports { total.add(a.summary) }
        total.add(clusterSection.summary)
        let summary = AttestationSummary(
            agents: agentReports.count,
            compliantAgents: agentReports.filter { $0.verdict == .compliant }.count,
            nonCompliantAgents: agentReports.filter { $0.verdict == .nonCompliant }.count,
            findings: total,
            cluster: clusterSection.summary,
            byAgent: agentReports.map { AgentSummaryLine(agentID: $0.agent.id, agent: $0.agent.name, verdict: $0.verdict, findings: $0.summary) }
        )
        let rules = Set(all.map(\.id)).sorted().compactMap { AttestationRules.rule(id: $0) }
        return AttestationReport(
            cluster: input.cluster,
            snapshot: input.snapshotRef,
            generatedAt: input.generatedAt,
            wardenVersion: input.wardenVersion,
            verdict: verdict,
            summary: summary,
            agents: agentReports,
            clusterFindings: clusterSection,
            serviceAccounts: table,
            rules: rules
        )
    }

    // MARK: - Per agent

    static func agentPartial(
        _ input: AttestationAgentInput,
        authorizer: RBACAuthorizer,
        index: AttestationIndex,
        present: Set<ServiceAccountIdentity>,
        aggregated: Set<String>
    ) -> AgentPartial {
        let fields = input.agent.fields
        let agent = AttestedAgent(
            id: input.agent.id,
            name: fields.name,
            namespace: fields.namespace,
            serviceAccount: fields.serviceAccount,
            owner: fields.owner,
            riskTier: fields.riskTier,
            status: fields.status
        )
        let identity = AgentIdentity(namespace: fields.namespace, serviceAccount: fields.serviceAccount)
        let perms = authorizer.effectivePermissions(of: identity.identity)
        let isPresent = present.contains(identity.identity)

        // Permissions.
        var permissions: [PermissionBinding] = []
        for b in perms.clusterWide {
            permissions.append(
                PermissionBinding(
                    scope: BaselineGrant.clusterWide,
                    bindingKind: b.source.bindingKind,
                    bindingName: b.source.bindingName,
                    roleKind: b.source.roleKind,
                    roleName: b.source.roleName,
                    subject: b.subject,
                    rules: b.rules
                )
            )
        }
        for ns in perms.namespaces {
            for b in ns.bindings {
                permissions.append(
                    PermissionBinding(
                        scope: ns.namespace,
                        bindingKind: b.source.bindingKind,
                        bindingName: b.source.bindingName,
                        roleKind: b.source.roleKind,
                        roleName: b.source.roleName,
                        subject: AttestationDrift.boundSubject(b.subject, bindingNamespace: ns.namespace),
                        rules: b.rules
                    )
                )
            }
        }

        // Baseline and drift.
        let approved = input.baseline.flatMap { $0.status == .approved ? $0 : nil }
        let baselineInfo: AttestationBaselineInfo
        let drift: AgentDrift
        var exceptable: [(Finding, String)] = []
        if let b = approved {
            baselineInfo = AttestationBaselineInfo(
                status: .approved,
                version: b.version,
                digest: b.digest.isEmpty ? b.content.digest : b.digest,
                approvedBy: b.decidedBy,
                approvedAt: b.decidedAt,
                acceptedRisk: b.acceptedRisk,
                grants: b.content.grants.count,
                rules: b.content.grants.reduce(0) { $0 + $1.rules.count }
            )
            drift = AttestationDrift.compare(permissions: perms, grants: b.content.grants)
            exceptable += AttestationDrift.findings(drift, agent: identity)
        } else {
            baselineInfo = AttestationBaselineInfo(status: .missing)
            drift = AgentDrift(compared: false)
        }

        // Guardrails on its live objects.
        let outcome = AttestationGuardrails.run(
            agent: identity,
            permissions: perms,
            index: index,
            expectations: approved?.content.expectations ?? .default,
            aggregatedClusterRoles: aggregated
        )
        exceptable = outcome.findings.map { ($0, "") } + exceptable

        // Exposure and capabilities.
        let exposure: [ExposureScope] = AttestationExposure.workloadGrants(perms).map { scope, grants in
            if scope == BaselineGrant.clusterWide {
                return ExposureScope(scope: scope, grants: grants, serviceAccounts: nil, serviceAccountCount: index.serviceAccounts.count)
            }
            let names = index.serviceAccountNames(in: scope)
            return ExposureScope(scope: scope, grants: grants, serviceAccounts: names, serviceAccountCount: names.count)
        }
        let capabilities = AttestationExposure.capabilities(of: perms)

        // Attestation findings.
        var fixed: [AttestationFinding] = []
        let saObject = FindingObject(kind: "ServiceAccount", namespace: identity.namespace, name: identity.serviceAccount)
        func add(_ id: AttestationRuleID, _ message: String, severity: AttestationSeverity? = nil) {
            let rule = AttestationRules.rule(id)
            fixed.append(
                AttestationFinding(
                    id: rule.id,
                    severity: severity ?? rule.severity,
                    message: message,
                    remediation: rule.remediation,
                    agentID: agent.id,
                    agent: agent.name,
                    object: saObject
                )
            )
        }
        if approved == nil {
            let why = input.baseline.map { " (version \($0.version) is \($0.status.rawValue))" } ?? ""
            add(.noBaseline, "agent \(agent.name) (\(identity)) has no approved baseline\(why)")
        }
        switch input.review.standing {
        case .overdue:
            let due = input.review.nextReviewDue.map { " since \(RFC3339.string(from: $0))" } ?? ""
            add(.reviewOverdue, "agent \(agent.name)'s access review is overdue\(due)")
        case .due:
            let due = input.review.nextReviewDue.map { " on \(RFC3339.string(from: $0))" } ?? ""
            add(.reviewDue, "agent \(agent.name)'s access review is due\(due)")
        case .notScheduled:
            add(.reviewNotScheduled, "agent \(agent.name) has no access review scheduled")
        case .current:
            break
        }
        if fields.status == .suspended {
            let live =
                perms.clusterWide.contains { AttestationDrift.grantsBeyondDefaults($0, clusterWide: true) }
                || perms.namespaces.contains { $0.bindings.contains { AttestationDrift.grantsBeyondDefaults($0, clusterWide: false) } }
            let running = outcome.workloads.count
            if live || running > 0 {
                var what: [String] = []
                if live { what.append("its ServiceAccount still holds permissions") }
                if running > 0 { what.append("\(running) workload\(running == 1 ? "" : "s") still run as it") }
                add(.agentSuspended, "agent \(agent.name) is suspended, but \(what.joined(separator: " and "))")
            } else {
                add(
                    .agentSuspended,
                    "agent \(agent.name) is suspended; its ServiceAccount holds no permissions and runs no workloads",
                    severity: .info
                )
            }
        }
        if !isPresent {
            add(
                .serviceAccountMissing,
                "agent \(agent.name)'s ServiceAccount \(identity) is not in the snapshot"
                    + (perms.isEmpty ? "" : "; bindings still grant that name permissions")
            )
        }

        return AgentPartial(
            agent: agent,
            identity: identity,
            present: isPresent,
            baseline: baselineInfo,
            review: input.review,
            permissions: permissions,
            unresolved: perms.unresolvedBindings,
            drift: drift,
            exposure: exposure,
            capabilities: capabilities,
            exceptable: exceptable,
            fixed: fixed
        )
    }

    static func finalize(
        _ p: AgentPartial,
        exceptions: [GuardrailException],
        now: Date,
        index: AttestationIndex,
        capabilities: [ServiceAccountIdentity: Set<AttestationCapability>],
        withPermissionsTotal: Int,
        maxListed: Int
    ) -> AgentAttestation {
        let agentKey = p.identity.description
        var findings: [AttestationFinding] = []

        // Escalations.
        var exposure = p.exposure
        let own = p.identity.identity
        let escalationRule = AttestationRules.rule(.transitiveEscalation)
        for k in exposure.indices {
            let scope = exposure[k].scope
            var reachable: [ServiceAccountIdentity]
            if scope == BaselineGrant.clusterWide {
                reachable = Array(capabilities.keys)
                exposure[k].withPermissions = withPermissionsTotal
            } else {
                reachable = (exposure[k].serviceAccounts ?? []).map { ServiceAccountIdentity(namespace: scope, name: $0) }
                reachable = reachable.filter { capabilities[$0] != nil }
                exposure[k].withPermissions = reachable.count
            }
            var escalating: [(ServiceAccountIdentity, [AttestationCapability])] = []
            for t in reachable where t != own {
                let extra = capabilities[t]!.filter { !AttestationExposure.holds(p.capabilities, $0) }
                if !extra.isEmpty { escalating.append((t, extra.sorted())) }
            }
            escalating.sort { $0.0 < $1.0 }
            exposure[k].escalationCount = escalating.count
            exposure[k].escalations = escalating.prefix(maxListed).map { "\($0.0.namespace)/\($0.0.name)" }
            guard !escalating.isEmpty else { continue }
            let first = exposure[k].grants[0]
            let source = BindingSource(
                bindingKind: first.bindingKind,
                bindingNamespace: scope == BaselineGrant.clusterWide ? "" : scope,
                bindingName: first.bindingName,
                roleKind: first.roleKind,
                roleName: first.roleName
            )
            let examples = escalating.prefix(3).map { t, caps in
                "\(t.namespace)/\(t.name) (\(caps.prefix(4).map(\.description).joined(separator: ", "))\(caps.count > 4 ? ", …" : ""))"
            }.joined(separator: "; ")
            let more = escalating.count > 3 ? "; and \(escalating.count - 3) more" : ""
            let whereText = scope == BaselineGrant.clusterWide ? "in every namespace" : "in namespace \(scope)"
            let message =
                "agent \(p.agent.name) can create or change workloads \(whereText) (\(RBACGuardrails.describe(source)) rule \(first.ruleIndex)), "
                + "so it can run pods as \(escalating.count) ServiceAccount\(escalating.count == 1 ? "" : "s") that can do what it cannot: \(examples)\(more)"
            let object = scope == BaselineGrant.clusterWide ? nil : FindingObject(kind: "Namespace", name: scope)
            var f = AttestationFinding(
                id: escalationRule.id,
                severity: escalationRule.severity,
                message: message,
                remediation: escalationRule.remediation,
                agentID: p.agent.id,
                agent: p.agent.name,
                object: object,
                location: RBACGuardrails.location(source, ruleIndex: first.ruleIndex)
            )
            f.fingerprint = AttestationFingerprint.make(id: f.id, agent: agentKey, object: object, field: nil, location: nil, discriminator: scope)
            findings.append(f)
        }

        // Guardrail and drift findings, with exceptions.
        let applied = GuardrailExceptions.apply(exceptions, to: p.exceptable.map(\.0), now: now)
        for (f, (_, discriminator)) in zip(applied, p.exceptable) {
            findings.append(
                AttestationFinding(
                    id: f.ruleID,
                    severity: AttestationSeverity(f.severity),
                    message: f.message,
                    remediation: f.remediation,
                    agentID: p.agent.id,
                    agent: p.agent.name,
                    object: f.object,
                    field: f.field,
                    location: f.ruleLocation,
                    serviceAccounts: f.serviceAccounts,
                    excepted: f.excepted,
                    exceptionID: f.exceptionID,
                    fingerprint: AttestationFingerprint.make(
                        id: f.ruleID,
                        agent: agentKey,
                        object: f.object,
                        field: f.field,
                        location: f.ruleLocation,
                        discriminator: discriminator
                    )
                )
            )
        }
        for var f in p.fixed {
            f.fingerprint = AttestationFingerprint.make(id: f.id, agent: agentKey, object: f.object, field: f.field, location: f.location)
            findings.append(f)
        }
        AttestationFingerprint.disambiguate(&findings)
        findings.sort(by: AttestationFinding.precedes)
        let summary = SeverityCounts(findings)
        return AgentAttestation(
            agent: p.agent,
            verdict: summary.failing > 0 ? .nonCompliant : .compliant,
            serviceAccountPresent: p.present,
            baseline: p.baseline,
            review: p.review,
            permissions: p.permissions,
            unresolvedBindings: p.unresolved,
            drift: p.drift,
            exposure: AgentExposure(scopes: exposure, capabilities: p.capabilities.sorted().map(\.description)),
            findings: findings,
            summary: summary
        )
    }

    // MARK: - Verdict

    static func verdict(_ agents: [AgentAttestation], _ cluster: [AttestationFinding]) -> AttestationVerdict {
        struct Group {
            var worst: AttestationSeverity
            var count = 0
            var agents: [String] = []
            var agentSet = Set<String>()
            var clusterCount = 0
            var fingerprints: [String] = []
        }
        // Groups live in an array and are changed in place (a dictionary value copied out and
        // back would copy its growing fingerprint list every time).
        var groups: [(id: String, group: Group)] = []
        var slot: [String: Int] = [:]
        func add(_ f: AttestationFinding) {
            guard f.isFailing else { return }
            let k: Int
            if let i = slot[f.id] {
                k = i
            } else {
                k = groups.count
                slot[f.id] = k
                groups.append((f.id, Group(worst: f.severity)))
            }
            groups[k].group.worst = max(groups[k].group.worst, f.severity)
            groups[k].group.count += 1
            if let a = f.agent {
                if groups[k].group.agentSet.insert(a).inserted { groups[k].group.agents.append(a) }
            } else {
                groups[k].group.clusterCount += 1
            }
            groups[k].group.fingerprints.append(f.fingerprint)
        }
        for a in agents { for f in a.findings { add(f) } }
        for f in cluster { add(f) }
        let ordered = groups.sorted { a, b in a.group.worst != b.group.worst ? a.group.worst > b.group.worst : a.id < b.id }
        let reasons = ordered.map { id, g -> VerdictReason in
            let title = AttestationRules.rule(id: id)?.title ?? id
            var text = "\(id) \(title): \(g.count) open finding\(g.count == 1 ? "" : "s") (worst \(g.worst.rawValue))"
            var places: [String] = []
            if !g.agents.isEmpty {
                let names = g.agents.prefix(5).joined(separator: ", ")
                places.append("agent\(g.agents.count == 1 ? "" : "s") \(names)" + (g.agents.count > 5 ? " and \(g.agents.count - 5) more" : ""))
            }
            if g.clusterCount > 0 { places.append("\(g.clusterCount) in the cluster") }
            text += " for " + places.joined(separator: "; ")
            return VerdictReason(text: text, findingIDs: [id], fingerprints: g.fingerprints)
        }
        return AttestationVerdict(status: reasons.isEmpty ? .compliant : .nonCompliant, reasons: reasons)
    }
}
