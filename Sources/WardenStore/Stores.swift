import WardenCore

/// Every store over one database and one clock, made in one place: the composition root (and a
/// test) asks for `Stores`, never for a store's parts. Stores that must change together in one
/// transaction share SQL through the `*Rows` helpers, not by calling each other.
public struct Stores: Sendable {
    public let database: Database
    public let clock: any WallClock
    public let audit: AuditLog
    public let tokens: TokenStore
    public let agents: AgentStore
    public let snapshots: SnapshotStore
    public let baselines: BaselineStore
    public let exceptions: ExceptionStore
    public let reviews: ReviewStore
    public let notifications: NotificationStore
    public let attestations: AttestationStore
    public let idempotency: IdempotencyStore

    /// `deliveryAttempts`: how many times a queued webhook delivery is tried before it fails.
    public init(database: Database, clock: any WallClock = SystemWallClock(), deliveryAttempts: Int = RetryBackoff().maxAttempts) {
        let audit = AuditLog(database: database, clock: clock)
        let notifications = NotificationStore(database: database, audit: audit, clock: clock)
        self.database = database
        self.clock = clock
        self.audit = audit
        self.tokens = TokenStore(database: database, audit: audit, clock: clock)
        self.agents = AgentStore(database: database, audit: audit, clock: clock)
        self.snapshots = SnapshotStore(database: database, audit: audit, clock: clock)
        self.baselines = BaselineStore(database: database, audit: audit, clock: clock)
        self.exceptions = ExceptionStore(database: database, audit: audit, clock: clock)
        self.reviews = ReviewStore(
            database: database,
            audit: audit,
            clock: clock,
            notifications: notifications,
            deliveryAttempts: deliveryAttempts
        )
        self.notifications = notifications
        self.attestations = AttestationStore(database: database, audit: audit, clock: clock)
        self.idempotency = IdempotencyStore(database: database, clock: clock)
    }
}
