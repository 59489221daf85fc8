// The report's ServiceAccount section: what each ServiceAccount some agent can run pods as may do.

/// What a ServiceAccount that some agent can run pods as may do (only those holding permissions
/// are listed).
public struct ServiceAccountSummary: Sendable, Hashable, Codable {
    /// `namespace/name`.
    public var serviceAccount: String
    public var bindings: Int
    /// Distinct rules per scope, cluster-wide ("*") first.
    public var rules: [ScopedRules]
    /// Risky capabilities as `WDN-RBAC-0xx@scope` (the guardrail whose capability the rules grant).
    public var capabilities: [String]

    public init(serviceAccount: String, bindings: Int, rules: [ScopedRules], capabilities: [String]) {
        self.serviceAccount = serviceAccount
        self.bindings = bindings
        self.rules = rules
        self.capabilities = capabilities
    }
}

/// Effective rules of one scope ("*" or a namespace).
public struct ScopedRules: Sendable, Hashable, Codable {
    public var scope: String
    public var rules: [PolicyRule]

    public init(scope: String, rules: [PolicyRule]) {
        self.scope = scope
        self.rules = rules
    }
}
