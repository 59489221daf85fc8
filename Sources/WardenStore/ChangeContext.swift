import WardenCore

/// Who is making a change and under which request, for the audit trail.
public struct ChangeContext: Sendable {
    public var actor: String
    public var tokenID: Int64?
    public var requestID: String

    public init(actor: String, tokenID: Int64?, requestID: String) {
        self.actor = actor
        self.tokenID = tokenID
        self.requestID = requestID
    }

    /// Changes made from the command line (`warden token create`) rather than through the API.
    public static func commandLine(requestID: String) -> ChangeContext {
        ChangeContext(actor: "warden-cli", tokenID: nil, requestID: requestID)
    }

    /// The act as the four-eyes rules see it.
    public var attribution: Attribution { Attribution(name: actor, tokenID: tokenID) }

    func record(action: String, targetType: String, targetID: String, stateDigest: String) -> AuditRecord {
        AuditRecord(
            actor: actor,
            tokenID: tokenID,
            action: action,
            targetType: targetType,
            targetID: targetID,
            requestID: requestID,
            stateDigest: stateDigest
        )
    }
}
