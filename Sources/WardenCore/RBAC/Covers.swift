// Port of k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go (`Covers`).

public enum RuleCoverage {
    /// Whether `ownerRules` cover every action of `servantRules`, and the atomic sub-rules that
    /// are not covered (upstream `validation.Covers`).
    public static func covers(ownerRules: [PolicyRule], servantRules: [PolicyRule]) -> (covered: Bool, uncovered: [PolicyRule]) {
        var uncovered: [PolicyRule] = []
        for servant in servantRules {
            for sub in breakdown(servant) where !ownerRules.contains(where: { ruleCovers(owner: $0, subRule: sub) }) {
                uncovered.append(sub)
            }
        }
        return (uncovered.isEmpty, uncovered)
    }

    /// Whether `ownerRules` cover the single `servantRule`.
    public static func covers(ownerRules: [PolicyRule], servantRule: PolicyRule) -> Bool {
        covers(ownerRules: ownerRules, servantRules: [servantRule]).covered
    }

    /// Upstream `BreakdownRule`: one rule per (group, resource, verb[, resourceName]) and per
    /// (nonResourceURL, verb).
    public static func breakdown(_ rule: PolicyRule) -> [PolicyRule] {
        var subrules: [PolicyRule] = []
        for group in rule.apiGroups {
            for resource in rule.resources {
                for verb in rule.verbs {
                    if !rule.resourceNames.isEmpty {
                        for name in rule.resourceNames {
                            subrules.append(PolicyRule(verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name]))
                        }
                    } else {
                        subrules.append(PolicyRule(verbs: [verb], apiGroups: [group], resources: [resource]))
                    }
                }
            }
        }
        // Non-resource URLs are unique because they only combine with verbs.
        for url in rule.nonResourceURLs {
            for verb in rule.verbs {
                subrules.append(PolicyRule(verbs: [verb], nonResourceURLs: [url]))
            }
        }
        return subrules
    }

    /// Upstream `ruleCovers`: does `owner` (any shape) cover `subRule` (at most one verb,
    /// resource, resourceName)?
    public static func ruleCovers(owner: PolicyRule, subRule: PolicyRule) -> Bool {
        let verbMatches = has(owner.verbs, RuleMatching.verbAll) || hasAll(owner.verbs, subRule.verbs)
        let groupMatches = has(owner.apiGroups, RuleMatching.apiGroupAll) || hasAll(owner.apiGroups, subRule.apiGroups)
        let resourceMatches = resourceCoversAll(owner.resources, subRule.resources)
        let nonResourceURLMatches = nonResourceURLsCoversAll(owner.nonResourceURLs, subRule.nonResourceURLs)
        let resourceNameMatches: Bool
        if subRule.resourceNames.isEmpty {
            resourceNameMatches = owner.resourceNames.isEmpty
        } else {
            resourceNameMatches = owner.resourceNames.isEmpty || hasAll(owner.resourceNames, subRule.resourceNames)
        }
        return verbMatches && groupMatches && resourceMatches && resourceNameMatches && nonResourceURLMatches
    }

    /// Upstream `nonResourceURLCovers`.
    public static func nonResourceURLCovers(owner: String, requested: String) -> Bool {
        if bytesEqual(owner, requested) { return true }
        return bytesHasSuffix(owner, "*") && bytesHasPrefix(requested, RuleMatching.trimTrailingStars(owner))
    }

    static func has(_ set: [String], _ ele: String) -> Bool {
        set.contains { bytesEqual($0, ele) }
    }

    static func hasAll(_ set: [String], _ contains: [String]) -> Bool {
        contains.allSatisfy { has(set, $0) }
    }

    static func resourceCoversAll(_ setResources: [String], _ coversResources: [String]) -> Bool {
        if has(setResources, RuleMatching.resourceAll) || hasAll(setResources, coversResources) { return true }
        for path in coversResources {
            if has(setResources, path) { continue }
            // if we're not a subresource, then we definitely don't match.
            guard let slash = path.utf8.firstIndex(of: UInt8(ascii: "/")) else { return false }
            let sub = String(Substring(path.utf8[path.utf8.index(after: slash)...]))
            if !has(setResources, "*/" + sub) { return false }
        }
        return true
    }

    static func nonResourceURLsCoversAll(_ set: [String], _ covers: [String]) -> Bool {
        covers.allSatisfy { path in set.contains { nonResourceURLCovers(owner: $0, requested: path) } }
    }
}
