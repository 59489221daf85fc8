import Foundation

/// An approved, time-limited exception to one guardrail rule.
public struct GuardrailException: Sendable, Hashable, Codable {
    public var id: Int64
    public var ruleID: String
    /// `Kind/namespace/name` or `Kind/name` (cluster-scoped); `*` matches any one part. nil: every object.
    public var objectScope: String?
    /// A JSON pointer prefix inside the object (`/spec/template/spec/containers/1`). nil: every field.
    public var fieldScope: String?
    public var justification: String
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(
        id: Int64,
        ruleID: String,
        objectScope: String? = nil,
        fieldScope: String? = nil,
        justification: String,
        expiresAt: Date,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.ruleID = ruleID
        self.objectScope = objectScope
        self.fieldScope = fieldScope
        self.justification = justification
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// In force at `now`: not expired and not revoked.
    public func isActive(at now: Date) -> Bool {
        if let revokedAt, revokedAt <= now { return false }
        return now < expiresAt
    }

    /// Whether the exception covers `finding` (ignoring time).
    public func matches(_ finding: Finding) -> Bool {
        guard ruleID == finding.ruleID else { return false }
        if let objectScope, !objectScope.isEmpty {
            guard let object = finding.object, Self.scope(objectScope, matches: object) else { return false }
        }
        if let fieldScope, !fieldScope.isEmpty, fieldScope != "/" {
            guard let field = finding.field else { return false }
            let prefix = fieldScope.hasSuffix("/") ? String(fieldScope.dropLast()) : fieldScope
            guard field == prefix || field.hasPrefix(prefix + "/") else { return false }
        }
        return true
    }

    static func scope(_ scope: String, matches object: FindingObject) -> Bool {
        let parts = scope.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let want: [String]
        switch parts.count {
        case 2:
            want = [object.kind, object.name]
            if object.namespace != nil { return false }
        case 3: want = [object.kind, object.namespace ?? "", object.name]
        default: return false
        }
        return zip(parts, want).allSatisfy { $0 == "*" || $0 == $1 }
    }

    /// Checks the fields; issues name them with JSON pointers.
    public func validate() throws(ValidationError) {
        var issues = IssueCollector()
        if GuardrailCatalog.rule(id: ruleID) == nil { issues.add("/ruleID", "unknown guardrail rule '\(ruleID)'") }
        if let objectScope, ![2, 3].contains(objectScope.split(separator: "/", omittingEmptySubsequences: false).count) {
            issues.add("/objectScope", "must be Kind/namespace/name or Kind/name")
        }
        if let fieldScope, !fieldScope.isEmpty, !fieldScope.hasPrefix("/") {
            issues.add("/fieldScope", "must be a JSON pointer starting with /")
        }
        if justification.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.add("/justification", "is required")
        }
        try issues.throwIfAny()
    }
}

public enum GuardrailExceptions {
    /// Marks every finding covered by an exception active at `now` as excepted (with the exception's
    /// id; the lowest id when several match). Expired or revoked exceptions do not apply; findings are
    /// never removed.
    public static func apply(_ exceptions: [GuardrailException], to findings: [Finding], now: Date) -> [Finding] {
        let active = exceptions.filter { $0.isActive(at: now) }.sorted { $0.id < $1.id }
        return findings.map { finding in
            var f = finding
            if let e = active.first(where: { $0.matches(finding) }) {
                f.excepted = true
                f.exceptionID = e.id
            } else {
                f.excepted = false
                f.exceptionID = nil
            }
            return f
        }
    }
}
