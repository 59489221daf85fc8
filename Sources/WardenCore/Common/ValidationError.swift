/// One field that failed validation: a JSON pointer (RFC 6901) into the request and why.
public struct FieldIssue: Sendable, Hashable, Codable {
    public var pointer: String
    public var detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

/// Input that is well-formed but not acceptable. Carries every bad field at once, so a
/// client fixes them in one round trip instead of one per request.
public struct ValidationError: Error, Sendable, Hashable {
    public var issues: [FieldIssue]

    public init(_ issues: [FieldIssue]) {
        self.issues = issues
    }

    public init(pointer: String, detail: String) {
        self.issues = [FieldIssue(pointer: pointer, detail: detail)]
    }

    public var summary: String {
        issues.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; ")
    }
}

/// Collects issues while validating, then throws them together.
public struct IssueCollector: Sendable {
    public private(set) var issues: [FieldIssue] = []

    public init() {}

    public mutating func add(_ pointer: String, _ detail: String) {
        issues.append(FieldIssue(pointer: pointer, detail: detail))
    }

    public func throwIfAny() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues) }
    }
}

/// Escapes a key for use as one JSON pointer reference token (RFC 6901 section 3).
public func jsonPointerEscape(_ token: String) -> String {
    token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
}
