import Foundation

/// An exception as stored: who made and revoked it, for which agent.
public struct GuardrailExceptionRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var agentID: Int64
    public var ruleID: String
    public var objectScope: String?
    public var fieldScope: String?
    public var justification: String
    public var expiresAt: Date
    public var createdBy: String
    /// The token `createdBy` acted through; nil when not recorded.
    public var createdByTokenID: Int64?
    public var createdAt: Date
    public var revokedBy: String?
    public var revokedAt: Date?

    public init(
        id: Int64,
        agentID: Int64,
        ruleID: String,
        objectScope: String?,
        fieldScope: String?,
        justification: String,
        expiresAt: Date,
        createdBy: String,
        createdByTokenID: Int64? = nil,
        createdAt: Date,
        revokedBy: String?,
        revokedAt: Date?
    ) {
        self.id = id
        self.agentID = agentID
        self.ruleID = ruleID
        self.objectScope = objectScope
        self.fieldScope = fieldScope
        self.justification = justification
        self.expiresAt = expiresAt
        self.createdBy = createdBy
        self.createdByTokenID = createdByTokenID
        self.createdAt = createdAt
        self.revokedBy = revokedBy
        self.revokedAt = revokedAt
    }

    /// The part the guardrails apply.
    public var exception: GuardrailException {
        GuardrailException(
            id: id,
            ruleID: ruleID,
            objectScope: objectScope,
            fieldScope: fieldScope,
            justification: justification,
            expiresAt: expiresAt,
            revokedAt: revokedAt
        )
    }

    public func isActive(at now: Date) -> Bool { revokedAt == nil && expiresAt > now }

    /// Who made it.
    public var creator: Attribution { Attribution(name: createdBy, tokenID: createdByTokenID) }
}
