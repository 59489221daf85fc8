// How an agent's live permissions differ from its approved baseline (see `AttestationDrift`).

public struct AgentDrift: Sendable, Hashable, Codable {
    /// False when there is no approved baseline to compare with.
    public var compared: Bool
    public var excess: [ExcessPermission]
    public var missing: [MissingPermission]

    public init(compared: Bool, excess: [ExcessPermission] = [], missing: [MissingPermission] = []) {
        self.compared = compared
        self.excess = excess
        self.missing = missing
    }

    public var matches: Bool { compared && excess.isEmpty && missing.isEmpty }
}

/// A live rule (one binding, one rule index) partly or wholly beyond the baseline.
public struct ExcessPermission: Sendable, Hashable, Codable {
    public var scope: String
    public var bindingKind: BindingKind
    public var bindingName: String
    public var roleKind: String
    public var roleName: String
    public var subject: Subject
    public var ruleIndex: Int
    public var rule: PolicyRule
    /// The broken-down parts of `rule` (one verb, group, resource[, name] or URL each) that no
    /// baseline rule for the scope covers.
    public var uncovered: [PolicyRule]

    public init(
        scope: String,
        bindingKind: BindingKind,
        bindingName: String,
        roleKind: String,
        roleName: String,
        subject: Subject,
        ruleIndex: Int,
        rule: PolicyRule,
        uncovered: [PolicyRule]
    ) {
        self.scope = scope
        self.bindingKind = bindingKind
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.subject = subject
        self.ruleIndex = ruleIndex
        self.rule = rule
        self.uncovered = uncovered
    }
}

/// An approved rule that live permissions do not (wholly) cover.
public struct MissingPermission: Sendable, Hashable, Codable {
    public var grantIndex: Int
    /// The baseline grant's namespace, or "*".
    public var scope: String
    public var ruleIndex: Int
    public var rule: PolicyRule
    /// The broken-down parts not granted.
    public var missing: [PolicyRule]

    public init(grantIndex: Int, scope: String, ruleIndex: Int, rule: PolicyRule, missing: [PolicyRule]) {
        self.grantIndex = grantIndex
        self.scope = scope
        self.ruleIndex = ruleIndex
        self.rule = rule
        self.missing = missing
    }
}
