// ClusterRole aggregation (pkg/controller/clusterroleaggregation) and label selectors
// (metav1.LabelSelectorAsSelector semantics).

extension LabelSelectorRequirement {
    /// Whether the requirement is valid as `metav1.LabelSelectorAsSelector` requires
    /// (In/NotIn need values, Exists/DoesNotExist must have none, known operator).
    public var isValid: Bool {
        switch Operator(rawValue: self.operator) {
        case .in?, .notIn?: return !values.isEmpty
        case .exists?, .doesNotExist?: return values.isEmpty
        case nil: return false
        }
    }

    public func matches(_ labels: [String: String]) -> Bool {
        let value = labels[key]
        switch Operator(rawValue: self.operator) {
        case .in?:
            guard let value else { return false }
            return values.contains { bytesEqual($0, value) }
        case .notIn?:
            guard let value else { return true }
            return !values.contains { bytesEqual($0, value) }
        case .exists?:
            return value != nil
        case .doesNotExist?:
            return value == nil
        case nil:
            return false
        }
    }
}

extension LabelSelector {
    /// An invalid selector (bad operator, In without values, ...) selects nothing, because the
    /// upstream controller fails converting it and aggregates nothing.
    public var isValid: Bool { matchExpressions.allSatisfy(\.isValid) }

    /// `metav1.LabelSelectorAsSelector(s).Matches(labels)`. An empty selector matches everything.
    public func matches(_ labels: [String: String]) -> Bool {
        guard isValid else { return false }
        for (k, v) in matchLabels {
            guard let have = labels[k], bytesEqual(have, v) else { return false }
        }
        for e in matchExpressions where !e.matches(labels) { return false }
        return true
    }
}

/// Computes effective ClusterRole rules with aggregation applied.
///
/// Effective rules of a ClusterRole = its own rules followed by the rules of every ClusterRole
/// its `aggregationRule` selects, transitively (a selected role that itself aggregates
/// contributes its effective rules), in a deterministic order: own rules unchanged (so rule
/// indexes of non-aggregated roles are the object's own), then the rules of the selected roles,
/// for each selector in order the selected roles sorted by name (the upstream controller's
/// order), depth first, skipping rules already present (upstream `ruleExists`). The role itself is never selected (as upstream), and
/// cycles terminate.
///
/// Upstream the controller *replaces* the rules of an aggregated role; for `kubectl` output the
/// stored rules already are the aggregated ones, so keeping them is idempotent, and for git
/// manifests (where they are empty or hand-written) keeping them is the conservative choice.
public struct ClusterRoleAggregator: Sendable {
    public let clusterRoles: [ClusterRole]
    /// Effective rules, aligned with `clusterRoles`.
    public let effectiveRules: [[PolicyRule]]
    /// Names of the roles each role aggregated (transitively, in visit order), aligned with `clusterRoles`.
    public let aggregatedFrom: [[String]]

    public init(_ clusterRoles: [ClusterRole]) {
        self.clusterRoles = clusterRoles
        let n = clusterRoles.count
        // Name order of all roles, used to list selected roles deterministically.
        let byName = clusterRoles.indices.sorted {
            let a = clusterRoles[$0].name.utf8
            let b = clusterRoles[$1].name.utf8
            return a.lexicographicallyPrecedes(b) || (a.elementsEqual(b) && $0 < $1)
        }
        // Selected roles for each selector, computed once per distinct selector.
        var selectorCache: [LabelSelector: [Int]] = [:]
        func selected(_ s: LabelSelector) -> [Int] {
            if let c = selectorCache[s] { return c }
            let r = s.isValid ? byName.filter { s.matches(clusterRoles[$0].labels) } : []
            selectorCache[s] = r
            return r
        }
        // Direct edges in deterministic order.
        var edges = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            guard let rule = clusterRoles[i].aggregationRule else { continue }
            var seen = Set<Int>()
            for s in rule.clusterRoleSelectors {
                for j in selected(s) where j != i && seen.insert(j).inserted {
                    edges[i].append(j)
                }
            }
        }
        var effective = [[PolicyRule]](repeating: [], count: n)
        var from = [[String]](repeating: [], count: n)
        var visited = [Bool](repeating: false, count: n)
        for i in 0..<n {
            if edges[i].isEmpty {
                effective[i] = clusterRoles[i].rules
                continue
            }
            // Depth-first pre-order walk over everything reachable from i.
            var order: [Int] = []
            var stack: [(node: Int, next: Int)] = [(i, 0)]
            visited[i] = true
            while !stack.isEmpty {
                let top = stack.count - 1
                let (node, next) = stack[top]
                if next < edges[node].count {
                    stack[top].next += 1
                    let j = edges[node][next]
                    if !visited[j] {
                        visited[j] = true
                        order.append(j)
                        stack.append((j, 0))
                    }
                } else {
                    stack.removeLast()
                }
            }
            // Own rules keep their positions; aggregated rules are appended unless already present.
            var rules = clusterRoles[i].rules
            var seen = Set(rules)
            for j in order {
                for r in clusterRoles[j].rules where seen.insert(r).inserted { rules.append(r) }
            }
            effective[i] = rules
            from[i] = order.map { clusterRoles[$0].name }
            visited[i] = false
            for j in order { visited[j] = false }
        }
        self.effectiveRules = effective
        self.aggregatedFrom = from
    }

    /// Effective rules of the named ClusterRole (first one with that name), nil when missing.
    public func effectiveRules(of name: String) -> [PolicyRule]? {
        guard let i = clusterRoles.firstIndex(where: { bytesEqual($0.name, name) }) else { return nil }
        return effectiveRules[i]
    }

}

extension RBACState {
    /// ClusterRoles with `rules` replaced by their effective (aggregated) rules.
    public var aggregatedClusterRoles: [ClusterRole] {
        let agg = ClusterRoleAggregator(clusterRoles)
        return zip(clusterRoles, agg.effectiveRules).map { role, rules in
            var r = role
            r.rules = rules
            return r
        }
    }
}
