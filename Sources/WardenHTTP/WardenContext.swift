import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import WardenCore
import WardenStore

/// Scheduler and delivery settings, read from the environment by the `warden` command.
public struct SchedulerSettings: Sendable {
    /// Seconds between planning passes inside `warden serve`; 0 turns the in-process scheduler off.
    public var interval: Int = 60
    /// Seconds between looks for deliveries that are due.
    public var deliveryInterval: Int = 5
    /// Seconds a claimed delivery is held before another replica may take it.
    public var deliveryLease: Int = 60
    public var backoff = RetryBackoff()

    public init() {}
}

/// Everything behind the API that lives as long as the process: the stores, the snapshot cache,
/// the outbound HTTP client, and the review scheduler that shares them.
public final class WardenContext: Sendable {
    public let database: Database
    public let clock: any WallClock
    public let scheduler: ReviewScheduler
    /// The attestation signing key and the public keys published beside it; nil when none is configured.
    public let keyRing: AttestationKeyRing?
    let audit: AuditLog
    let snapshots: SnapshotStore
    let snapshotCache: SnapshotCache
    let agents: AgentStore
    let baselines: BaselineStore
    let reviews: ReviewStore
    let notifications: NotificationStore
    let attestations: AttestationStore
    let httpClient: HTTPClient

    public init(
        database: Database, clock: any WallClock = SystemWallClock(), scheduler settings: SchedulerSettings = .init(),
        keyRing: AttestationKeyRing? = nil, logger: Logger
    ) {
        self.database = database
        self.clock = clock
        self.keyRing = keyRing
        let audit = AuditLog(database: database, clock: clock)
        self.audit = audit
        let snapshots = SnapshotStore(database: database, audit: audit, clock: clock)
        self.snapshots = snapshots
        let cache = SnapshotCache(store: snapshots)
        self.snapshotCache = cache
        self.agents = AgentStore(database: database, audit: audit, clock: clock)
        let baselines = BaselineStore(database: database, audit: audit, clock: clock)
        self.baselines = baselines
        let reviews = ReviewStore(database: database, audit: audit, clock: clock, deliveryAttempts: settings.backoff.maxAttempts)
        self.reviews = reviews
        let notifications = NotificationStore(database: database, audit: audit, clock: clock)
        self.notifications = notifications
        self.attestations = AttestationStore(database: database, audit: audit, clock: clock)
        // Webhook receivers are told where to answer; following a redirect would send the signed body elsewhere.
        let client = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))))
        self.httpClient = client
        let deliverer = WebhookDeliverer(
            store: notifications, client: client, clock: clock, backoff: settings.backoff, lease: TimeInterval(settings.deliveryLease),
            logger: logger)
        self.scheduler = ReviewScheduler(
            reviews: reviews, deliverer: deliverer,
            evidence: { agent in try await Self.evidence(for: agent, baselines: baselines, snapshots: snapshots, cache: cache) },
            logger: logger)
    }

    /// What a review of `agent` covers: its approved baseline and, where its cluster has a
    /// snapshot, the permissions its ServiceAccount holds there.
    static func evidence(for agent: Agent, baselines: BaselineStore, snapshots: SnapshotStore, cache: SnapshotCache) async throws -> ReviewEvidence {
        let baseline = try await baselines.current(agentID: agent.id)?.baseline
        guard let record = try await snapshots.latest(cluster: agent.fields.cluster) else {
            return ReviewEvidence(baseline: baseline, snapshot: nil, effectivePermissions: nil)
        }
        let entry = try await cache.entry(id: record.id)
        let permissions = entry.authorizer.effectivePermissions(
            of: ServiceAccountIdentity(namespace: agent.fields.namespace, name: agent.fields.serviceAccount))
        return ReviewEvidence(
            baseline: baseline, snapshot: .init(id: record.id, digest: record.digest, uploadedAt: record.createdAt),
            effectivePermissions: permissions)
    }

    func evidence(for agent: Agent) async throws -> ReviewEvidence {
        try await Self.evidence(for: agent, baselines: baselines, snapshots: snapshots, cache: snapshotCache)
    }

    public func shutdown() async throws {
        try await httpClient.shutdown()
    }
}
