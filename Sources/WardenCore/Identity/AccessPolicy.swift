/// Which roles may call which operation, keyed by the operationId in openapi.yaml.
///
/// One table, so the authorization matrix can be read (and tested) in one place. An
/// operation missing from the table is refused to everyone: new endpoints are closed
/// until someone decides who may call them.
public enum AccessPolicy {
    /// Operations that need no token at all.
    public static let anonymous: Set<String> = [
        "getHealth", "getReadiness", "getMetrics", "getOpenAPIDocument",
    ]

    private static let everyone: Set<TokenRole> = Set(TokenRole.allCases)
    private static let readers: Set<TokenRole> = [.admin, .reviewer, .auditor]
    private static let adminOnly: Set<TokenRole> = [.admin]
    private static let auditReaders: Set<TokenRole> = [.admin, .auditor]
    /// Those who propose, approve and review what agents are granted.
    private static let deciders: Set<TokenRole> = [.admin, .reviewer]

    public static let table: [String: Set<TokenRole>] = [
        "getWhoAmI": everyone,
        "createToken": adminOnly,
        "listTokens": adminOnly,
        "revokeToken": adminOnly,
        "createAgent": adminOnly,
        "listAgents": readers,
        "getAgent": readers,
        "updateAgent": adminOnly,
        "retireAgent": adminOnly,
        "listAuditEvents": auditReaders,
        "verifyAuditEvents": auditReaders,
        // A collector may upload only for the clusters named on its token; the handler checks that.
        "createSnapshot": [.admin, .collector],
        "listSnapshots": readers,
        "getSnapshot": readers,
        "getSnapshotContent": readers,
        "reviewSubjectAccess": readers,
        "canI": readers,
        "whoCan": readers,
        "getPermissions": readers,
        "listGuardrails": everyone,
        "checkGuardrails": everyone,
        "proposeBaseline": deciders,
        "listBaselines": readers,
        "getBaseline": readers,
        "approveBaseline": deciders,
        "rejectBaseline": deciders,
        "getCurrentBaseline": readers,
        "getAgentManifests": readers,
        "createException": deciders,
        "listExceptions": readers,
        "revokeException": deciders,
        "getReviewPolicy": adminOnly,
        "updateReviewPolicy": adminOnly,
        "openReview": deciders,
        "listReviews": readers,
        "getReview": readers,
        // The handler also refuses the agent's owner: four eyes.
        "decideReview": deciders,
        "createNotificationChannel": adminOnly,
        "listNotificationChannels": adminOnly,
        "deleteNotificationChannel": adminOnly,
        "listDeliveries": adminOnly,
        "retryDelivery": adminOnly,
        "createAttestation": readers,
        "listAttestations": readers,
        "getAttestation": readers,
        "getAttestationEnvelope": readers,
        "diffAttestations": readers,
        "verifyAttestation": readers,
        "listAttestationKeys": readers,
    ]

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Authenticated, but this role may not call the operation.
        case forbidden(allowedRoles: Set<TokenRole>)
    }

    public static func decide(operation: String, role: TokenRole) -> Decision {
        let allowed = table[operation] ?? []
        return allowed.contains(role) ? .allowed : .forbidden(allowedRoles: allowed)
    }
}
