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
        // 1. The evaluator and the namespace index, once.
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
        let reachable = ReachableServiceAccounts(reachableServiceAccounts(partials, index: index), authorizer: authorizer, cores: cores)

        // 4. Escalations, exceptions, fingerprints, verdicts.
        let maxListed = input.options.maxListedEscalations
        let agentReports = ParallelFor.map(count: partials.count, workers: min(cores, partials.count / 8 + 1)) { i in
            finalize(
                partials[i],
                exceptions: agents[i].exceptions,
                now: input.generatedAt,
                index: index,
                capabilities: reachable.capabilities,
                withPermissionsTotal: reachable.summaries.count,
                maxListed: maxListed
            )
        }

        // 5. Cluster-wide, then the verdict and summary.
        let clusterSection = clusterAttestation(
            authorizer: authorizer,
            index: index,
            partials: partials,
            labelKey: input.options.agentLabelKey,
            snapshot: input.snapshotRef,
            cores: cores
        )
        let all = agentReports.flatMap(\.findings) + clusterSection.findings
        let rules = Set(all.map(\.id)).sorted().compactMap { AttestationRules.rule(id: $0) }
        return AttestationReport(
            cluster: input.cluster,
            snapshot: input.snapshotRef,
            generatedAt: input.generatedAt,
            wardenVersion: input.wardenVersion,
            verdict: verdict(agentReports, clusterSection.findings),
            summary: summary(agentReports, clusterSection),
            agents: agentReports,
            clusterFindings: clusterSection,
            serviceAccounts: reachable.summaries,
            rules: rules
        )
    }

    // MARK: - ServiceAccounts the agents can run pods as

    /// Every ServiceAccount some agent can run pods as, sorted, each once however many agents
    /// reach it: all of them as soon as one agent can create workloads cluster-wide.
    static func reachableServiceAccounts(_ partials: [AgentPartial], index: AttestationIndex) -> [ServiceAccountIdentity] {
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
        return Array(Set(targets)).sorted()
    }

    /// The reachable ServiceAccounts that hold permissions: summarised for the report (in
    /// parallel), and their capabilities, which the escalation check compares with each agent's.
    struct ReachableServiceAccounts {
        var summaries: [ServiceAccountSummary] = []
        var capabilities: [ServiceAccountIdentity: Set<AttestationCapability>] = [:]

        init(_ reached: [ServiceAccountIdentity], authorizer: RBACAuthorizer, cores: Int) {
            let summarized = ParallelFor.map(count: reached.count, workers: min(cores, reached.count / 256 + 1)) { i in
                AttestationExposure.summary(reached[i], authorizer.effectivePermissions(of: reached[i]))
            }
            for (i, s) in summarized.enumerated() {
                guard let (summary, caps) = s else { continue }
                summaries.append(summary)
                capabilities[reached[i]] = caps
            }
        }
    }

    // MARK: - Cluster-wide, summary

    /// Shadow agents, missing ServiceAccounts and cluster-admin equivalents, with their findings
    /// fingerprinted (no agent) and sorted.
    static func clusterAttestation(
        authorizer: RBACAuthorizer,
        index: AttestationIndex,
        partials: [AgentPartial],
        labelKey: String,
        snapshot: AttestationSnapshotRef,
        cores: Int
    ) -> ClusterAttestation {
        let cluster = AttestationCluster.run(
            authorizer: authorizer,
            index: index,
            agents: partials.map(\.identity),
            labelKey: labelKey,
            parallelism: cores
        )
        var found = cluster.findings
        if let stale = staleSnapshotFinding(snapshot) { found.append((stale, "")) }
        var clusterFindings: [AttestationFinding] = found.map { f, discriminator in
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
        return ClusterAttestation(
            shadowAgents: cluster.shadows,
            missingServiceAccounts: partials.filter { !$0.present }.map(\.agent.serviceAccountKey),
            clusterAdminRoles: cluster.adminRoles,
            clusterAdminBindings: cluster.adminBindings,
            findings: clusterFindings,
            summary: SeverityCounts(clusterFindings)
        )
    }

    /// A report over an older snapshot attests an earlier cluster: it says so, and cannot be compliant.
    static func staleSnapshotFinding(_ snapshot: AttestationSnapshotRef) -> AttestationFinding? {
        guard let newer = snapshot.newerSnapshotID else { return nil }
        let rule = AttestationRules.rule(.staleSnapshot)
        return AttestationFinding(
            id: rule.id,
            severity: rule.severity,
            message: "the report is over snapshot \(snapshot.id) of cluster \(snapshot.cluster), not its newest (\(newer))",
            remediation: rule.remediation
        )
    }

    static func summary(_ agentReports: [AgentAttestation], _ clusterSection: ClusterAttestation) -> AttestationSummary {
        var total = SeverityCounts()
        for a in agentReports { total.add(a.summary) }
        total.add(clusterSection.summary)
        return AttestationSummary(
            agents: agentReports.count,
            compliantAgents: agentReports.filter { $0.verdict == .compliant }.count,
            nonCompliantAgents: agentReports.filter { $0.verdict == .nonCompliant }.count,
            findings: total,
            cluster: clusterSection.summary,
            byAgent: agentReports.map { AgentSummaryLine(agentID: $0.agent.id, agent: $0.agent.name, verdict: $0.verdict, findings: $0.summary) }
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
        let agent = attestedAgent(input.agent)
        let identity = AgentIdentity(namespace: agent.namespace, serviceAccount: agent.serviceAccount)
        // Computed once per agent: drift, guardrails, exposure and capabilities all read it.
        let perms = authorizer.effectivePermissions(of: identity.identity)
        let isPresent = present.contains(identity.identity)
        let approved = input.baseline.flatMap { $0.status == .approved ? $0 : nil }
        let drift = approved.map { AttestationDrift.compare(permissions: perms, grants: $0.content.grants) } ?? AgentDrift(compared: false)
        let guardrails = AttestationGuardrails.run(
            agent: identity,
            permissions: perms,
            index: index,
            expectations: approved?.content.expectations ?? .default,
            aggregatedClusterRoles: aggregated
        )
        // Guardrail findings first, then drift's; exceptions apply to both.
        var exceptable = guardrails.findings.map { ($0, "") }
        if approved != nil { exceptable += AttestationDrift.findings(drift, agent: identity) }
        let fixed = attestationFindings(
            input,
            agent: agent,
            identity: identity,
            permissions: perms,
            approved: approved,
            agentWorkloads: guardrails.workloads.count,
            present: isPresent
        )
        return AgentPartial(
            agent: agent,
            identity: identity,
            present: isPresent,
            baseline: baselineInfo(approved),
            review: input.review,
            permissions: permissionBindings(perms),
            unresolved: perms.unresolvedBindings,
            drift: drift,
            exposure: exposureScopes(perms, index: index),
            capabilities: AttestationExposure.capabilities(of: perms),
            exceptable: exceptable,
            fixed: fixed
        )
    }

    static func attestedAgent(_ registered: Agent) -> AttestedAgent {
        let fields = registered.fields
        return AttestedAgent(
            id: registered.id,
            name: fields.name,
            namespace: fields.namespace,
            serviceAccount: fields.serviceAccount,
            owner: fields.owner,
            riskTier: fields.riskTier,
            status: fields.status
        )
    }

    /// Every applying binding with all its rules: cluster-wide ones first, then RoleBindings by namespace.
    static func permissionBindings(_ perms: EffectivePermissions) -> [PermissionBinding] {
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
        return permissions
    }

    /// What the report says of the baseline that was compared; `missing` when none is approved.
    static func baselineInfo(_ approved: Baseline?) -> AttestationBaselineInfo {
        guard let b = approved else { return AttestationBaselineInfo(status: .missing) }
        return AttestationBaselineInfo(
            status: .approved,
            version: b.version,
            digest: b.digest.isEmpty ? b.content.digest : b.digest,
            approvedBy: b.decidedBy,
            approvedAt: b.decidedAt,
            acceptedRisk: b.acceptedRisk,
            grants: b.content.grants.count,
            rules: b.content.grants.reduce(0) { $0 + $1.rules.count }
        )
    }

    /// Where the agent can run pods and as whom. A cluster-wide scope lists nobody by name (every
    /// ServiceAccount of the snapshot would be listed once per agent); it counts them.
    static func exposureScopes(_ perms: EffectivePermissions, index: AttestationIndex) -> [ExposureScope] {
        AttestationExposure.workloadGrants(perms).map { scope, grants in
            if scope == BaselineGrant.clusterWide {
                return ExposureScope(scope: scope, grants: grants, serviceAccounts: nil, serviceAccountCount: index.serviceAccounts.count)
            }
            let names = index.serviceAccountNames(in: scope)
            return ExposureScope(scope: scope, grants: grants, serviceAccounts: names, serviceAccountCount: names.count)
        }
    }

    /// The agent-level ATT findings (no baseline, review standing, suspension, ServiceAccount
    /// missing). They cannot be excepted; fingerprints are set in `finalize`.
    static func attestationFindings(
        _ input: AttestationAgentInput,
        agent: AttestedAgent,
        identity: AgentIdentity,
        permissions perms: EffectivePermissions,
        approved: Baseline?,
        agentWorkloads: Int,
        present: Bool
    ) -> [AttestationFinding] {
        let saObject = FindingObject(kind: "ServiceAccount", namespace: identity.namespace, name: identity.serviceAccount)
        func finding(_ id: AttestationRuleID, _ message: String, severity: AttestationSeverity? = nil) -> AttestationFinding {
            let rule = AttestationRules.rule(id)
            return AttestationFinding(
                id: rule.id,
                severity: severity ?? rule.severity,
                message: message,
                remediation: rule.remediation,
                agentID: agent.id,
                agent: agent.name,
                object: saObject
            )
        }
        var fixed: [AttestationFinding] = []
        if approved == nil {
            let why = input.baseline.map { " (version \($0.version) is \($0.status.rawValue))" } ?? ""
            fixed.append(finding(.noBaseline, "agent \(agent.name) (\(identity)) has no approved baseline\(why)"))
        }
        if let (id, message) = reviewFinding(input.review, agent: agent) { fixed.append(finding(id, message)) }
        if agent.status == .suspended {
            let (message, severity) = suspensionFinding(perms, agentWorkloads: agentWorkloads, agent: agent)
            fixed.append(finding(.agentSuspended, message, severity: severity))
        }
        if !present {
            fixed.append(
                finding(
                    .serviceAccountMissing,
                    "agent \(agent.name)'s ServiceAccount \(identity) is not in the snapshot"
                        + (perms.isEmpty ? "" : "; bindings still grant that name permissions")
                )
            )
        }
        return fixed
    }

    /// ATT-002/003/004 from where the agent stands in its review schedule; nil when current.
    static func reviewFinding(_ review: AgentReviewState, agent: AttestedAgent) -> (AttestationRuleID, String)? {
        switch review.standing {
        case .overdue:
            let due = review.nextReviewDue.map { " since \(RFC3339.string(from: $0))" } ?? ""
            return (.reviewOverdue, "agent \(agent.name)'s access review is overdue\(due)")
        case .due:
            let due = review.nextReviewDue.map { " on \(RFC3339.string(from: $0))" } ?? ""
            return (.reviewDue, "agent \(agent.name)'s access review is due\(due)")
        case .notScheduled:
            return (.reviewNotScheduled, "agent \(agent.name) has no access review scheduled")
        case .current:
            return nil
        }
    }

    /// ATT-005 for a suspended agent: at the rule's severity while its ServiceAccount still holds
    /// permissions beyond the platform defaults or runs workloads, else informational.
    static func suspensionFinding(
        _ perms: EffectivePermissions,
        agentWorkloads running: Int,
        agent: AttestedAgent
    ) -> (String, AttestationSeverity?) {
        let live =
            perms.clusterWide.contains { AttestationDrift.grantsBeyondDefaults($0, clusterWide: true) }
            || perms.namespaces.contains { $0.bindings.contains { AttestationDrift.grantsBeyondDefaults($0, clusterWide: false) } }
        guard live || running > 0 else {
            return ("agent \(agent.name) is suspended; its ServiceAccount holds no permissions and runs no workloads", .info)
        }
        var what: [String] = []
        if live { what.append("its ServiceAccount still holds permissions") }
        if running > 0 { what.append("\(running) workload\(running == 1 ? "" : "s") still run as it") }
        return ("agent \(agent.name) is suspended, but \(what.joined(separator: " and "))", nil)
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
        var exposure = p.exposure
        var findings = escalationFindings(
            &exposure,
            of: p,
            capabilities: capabilities,
            withPermissionsTotal: withPermissionsTotal,
            maxListed: maxListed,
            agentKey: agentKey
        )
        findings += exceptableFindings(p, exceptions: exceptions, now: now, agentKey: agentKey)
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

    /// ATT-009 for each exposure scope where the agent can run pods as ServiceAccounts that can do
    /// what it cannot; fills in each scope's counts and listed escalations on the way.
    static func escalationFindings(
        _ exposure: inout [ExposureScope],
        of p: AgentPartial,
        capabilities: [ServiceAccountIdentity: Set<AttestationCapability>],
        withPermissionsTotal: Int,
        maxListed: Int,
        agentKey: String
    ) -> [AttestationFinding] {
        var findings: [AttestationFinding] = []
        for k in exposure.indices {
            let escalating = escalations(
                in: &exposure[k],
                own: p.identity.identity,
                ownCapabilities: p.capabilities,
                capabilities: capabilities,
                withPermissionsTotal: withPermissionsTotal,
                maxListed: maxListed
            )
            if !escalating.isEmpty {
                findings.append(escalationFinding(exposure[k], escalating, agent: p.agent, agentKey: agentKey))
            }
        }
        return findings
    }

    /// The ServiceAccounts of one scope, other than the agent's own, holding capabilities the
    /// agent lacks (with those capabilities), sorted. Records in `scope` how many of its
    /// ServiceAccounts hold permissions, how many escalate, and the first `maxListed` of them.
    static func escalations(
        in scope: inout ExposureScope,
        own: ServiceAccountIdentity,
        ownCapabilities: Set<AttestationCapability>,
        capabilities: [ServiceAccountIdentity: Set<AttestationCapability>],
        withPermissionsTotal: Int,
        maxListed: Int
    ) -> [(ServiceAccountIdentity, [AttestationCapability])] {
        var reachable: [ServiceAccountIdentity]
        if scope.scope == BaselineGrant.clusterWide {
            reachable = Array(capabilities.keys)
            scope.withPermissions = withPermissionsTotal
        } else {
            reachable = (scope.serviceAccounts ?? []).map { ServiceAccountIdentity(namespace: scope.scope, name: $0) }
            reachable = reachable.filter { capabilities[$0] != nil }
            scope.withPermissions = reachable.count
        }
        var escalating: [(ServiceAccountIdentity, [AttestationCapability])] = []
        for t in reachable where t != own {
            let extra = capabilities[t]!.filter { !AttestationExposure.holds(ownCapabilities, $0) }
            if !extra.isEmpty { escalating.append((t, extra.sorted())) }
        }
        escalating.sort { $0.0 < $1.0 }
        scope.escalationCount = escalating.count
        scope.escalations = escalating.prefix(maxListed).map { "\($0.0.namespace)/\($0.0.name)" }
        return escalating
    }

    /// ATT-009 for one scope, located at the scope's first workload grant, naming three examples.
    static func escalationFinding(
        _ exposure: ExposureScope,
        _ escalating: [(ServiceAccountIdentity, [AttestationCapability])],
        agent: AttestedAgent,
        agentKey: String
    ) -> AttestationFinding {
        let scope = exposure.scope
        let rule = AttestationRules.rule(.transitiveEscalation)
        let first = exposure.grants[0]
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
            "agent \(agent.name) can create or change workloads \(whereText) (\(RBACGuardrails.describe(source)) rule \(first.ruleIndex)), "
            + "so it can run pods as \(escalating.count) ServiceAccount\(escalating.count == 1 ? "" : "s") that can do what it cannot: \(examples)\(more)"
        let object = scope == BaselineGrant.clusterWide ? nil : FindingObject(kind: "Namespace", name: scope)
        var f = AttestationFinding(
            id: rule.id,
            severity: rule.severity,
            message: message,
            remediation: rule.remediation,
            agentID: agent.id,
            agent: agent.name,
            object: object,
            location: RBACGuardrails.location(source, ruleIndex: first.ruleIndex)
        )
        f.fingerprint = AttestationFingerprint.make(id: f.id, agent: agentKey, object: object, field: nil, location: nil, discriminator: scope)
        return f
    }

    /// Guardrail and drift findings as report findings, with the agent's exceptions applied and
    /// fingerprinted (drift findings carry a discriminator: the uncovered parts).
    static func exceptableFindings(_ p: AgentPartial, exceptions: [GuardrailException], now: Date, agentKey: String) -> [AttestationFinding] {
        let applied = GuardrailExceptions.apply(exceptions, to: p.exceptable.map(\.0), now: now)
        return zip(applied, p.exceptable).map { f, exceptable in
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
                    discriminator: exceptable.1
                )
            )
        }
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
