/// Runs the guardrails that apply to a proposed baseline.
public enum GuardrailEvaluation {
    /// The RBAC guardrails over the grants, for the agent's ServiceAccount. When a snapshot of the
    /// agent's cluster is at hand, its ServiceAccounts say whom workload creation would let the agent
    /// run as; without one, only the agent's own ServiceAccount and `default` are known to exist.
    public static func baselineFindings(_ content: BaselineContent, agent: AgentFields, snapshot: Snapshot?) -> [Finding] {
        var accounts: [String: [String]] = [:]
        if let snapshot {
            for account in snapshot.serviceAccounts { accounts[account.namespace, default: []].append(account.name) }
        }
        for namespace in Set(content.grants.map(\.namespace) + [agent.namespace]) where namespace != BaselineGrant.clusterWide {
            var names = Set(accounts[namespace] ?? [])
            names.insert("default")
            if namespace == agent.namespace { names.insert(agent.serviceAccount) }
            accounts[namespace] = names.sorted()
        }
        return RBACGuardrails.check(
            baseline: content.grants,
            agent: AgentIdentity(namespace: agent.namespace, serviceAccount: agent.serviceAccount),
            serviceAccounts: accounts
        )
    }
}
