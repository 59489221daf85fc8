import Foundation

/// A JSON merge patch (RFC 7396) over an agent's changeable fields.
///
/// Built from the decoded JSON object so that "absent" and "null" stay distinct, which
/// generated Codable types cannot do.
public struct AgentPatch: Sendable, Equatable {
    public var name: String?
    public var cluster: String?
    public var namespace: String?
    public var serviceAccount: String?
    public var owner: String?
    public var purpose: String?
    public var riskTier: RiskTier?
    public var status: AgentStatus?
    /// A key mapped to nil removes that label; `clearLabels` is set when `labels` itself was null.
    public var labels: [String: String?] = [:]
    public var clearLabels = false
    /// For the optional fields: absent is nil, JSON null is `.some(nil)`.
    public var escalationContact: String??
    public var reviewIntervalDays: Int??
    public var nextReviewDue: Date??

    public init() {}

    /// Reads a decoded JSON object, refusing unknown fields and wrong types with a pointer to each.
    public static func parse(_ object: [String: (any Sendable)?]) throws(ValidationError) -> AgentPatch {
        var patch = AgentPatch()
        var issues = IssueCollector()
        func string(_ key: String) -> String? {
            guard let raw = object[key] else { return nil }
            guard let value = raw as? String else {
                issues.add("/\(key)", raw == nil ? "cannot be removed" : "must be a string")
                return nil
            }
            return value
        }
        for key in object.keys.sorted() {
            switch key {
            case "name": patch.name = string(key)
            case "cluster": patch.cluster = string(key)
            case "namespace": patch.namespace = string(key)
            case "serviceAccount": patch.serviceAccount = string(key)
            case "owner": patch.owner = string(key)
            case "purpose": patch.purpose = string(key)
            case "riskTier":
                if let text = string(key) {
                    if let tier = RiskTier(rawValue: text) {
                        patch.riskTier = tier
                    } else {
                        issues.add("/riskTier", "must be one of \(RiskTier.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                }
            case "status":
                if let text = string(key) {
                    if let status = AgentStatus(rawValue: text), status != .retired {
                        patch.status = status
                    } else {
                        issues.add("/status", "must be active or suspended (DELETE retires an agent)")
                    }
                }
            case "labels":
                switch object[key] {
                case .some(.none):
                    patch.clearLabels = true
                case .some(.some(let value)):
                    guard let map = value as? [String: (any Sendable)?] else {
                        issues.add("/labels", "must be an object")
                        break
                    }
                    for (labelKey, labelValue) in map {
                        if let labelValue {
                            if let text = labelValue as? String {
                                patch.labels[labelKey] = .some(text)
                            } else {
                                issues.add("/labels/\(jsonPointerEscape(labelKey))", "must be a string or null")
                            }
                        } else {
                            patch.labels[labelKey] = .some(nil)
                        }
                    }
                case .none:
                    break
                }
            case "escalationContact":
                switch object[key] {
                case .some(.none): patch.escalationContact = .some(nil)
                case .some(.some(let value)):
                    if let text = value as? String {
                        patch.escalationContact = text
                    } else {
                        issues.add("/escalationContact", "must be a string or null")
                    }
                case .none: break
                }
            case "reviewIntervalDays":
                switch object[key] {
                case .some(.none): patch.reviewIntervalDays = .some(nil)
                case .some(.some(let value)):
                    if let days = Self.integer(value), (1...ReviewPolicy.maxIntervalDays).contains(days) {
                        patch.reviewIntervalDays = days
                    } else {
                        issues.add("/reviewIntervalDays", "must be a whole number of days from 1 to \(ReviewPolicy.maxIntervalDays), or null")
                    }
                case .none: break
                }
            case "nextReviewDue":
                switch object[key] {
                case .some(.none): patch.nextReviewDue = .some(nil)
                case .some(.some(let value)):
                    if let text = value as? String, let date = RFC3339.date(from: text) {
                        patch.nextReviewDue = date
                    } else {
                        issues.add("/nextReviewDue", "must be an RFC 3339 date-time or null")
                    }
                case .none: break
                }
            case "id", "createdAt", "updatedAt", "version":
                issues.add("/\(jsonPointerEscape(key))", "is set by Warden and cannot be changed")
            default:
                issues.add("/\(jsonPointerEscape(key))", "is not a field of an agent")
            }
        }
        try issues.throwIfAny()
        return patch
    }

    public var isEmpty: Bool { self == AgentPatch() }

    /// JSON numbers arrive as Int or Double depending on the decoder; booleans are not numbers here.
    static func integer(_ value: any Sendable) -> Int? {
        if value is Bool { return nil }
        if let int = value as? Int { return int }
        if let double = value as? Double, double.rounded() == double, abs(double) < 1e9 { return Int(double) }
        return nil
    }
}

extension AgentFields {
    public func applying(_ patch: AgentPatch) -> AgentFields {
        var result = self
        if let name = patch.name { result.name = name }
        if let cluster = patch.cluster { result.cluster = cluster }
        if let namespace = patch.namespace { result.namespace = namespace }
        if let serviceAccount = patch.serviceAccount { result.serviceAccount = serviceAccount }
        if let owner = patch.owner { result.owner = owner }
        if let purpose = patch.purpose { result.purpose = purpose }
        if let riskTier = patch.riskTier { result.riskTier = riskTier }
        if let status = patch.status { result.status = status }
        if let contact = patch.escalationContact { result.escalationContact = contact }
        if let days = patch.reviewIntervalDays { result.reviewIntervalDays = days }
        if let due = patch.nextReviewDue { result.nextReviewDue = due }
        if patch.clearLabels { result.labels = [:] }
        for (key, value) in patch.labels {
            result.labels[key] = value
        }
        return result
    }
}
