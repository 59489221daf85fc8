import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import WardenCore
import WardenStore

/// The composition root: every store and use case over one database and one clock, built here and
/// shut down here. `warden serve`, the one-shot commands and the tests all start from this.
public final class Warden: Sendable {
    public let stores: Stores
    public let clock: any WallClock
    public let settings: AppSettings
    public let agents: AgentRegistry
    public let access: AccessTokens
    public let snapshots: Snapshots
    public let baselines: Baselines
    public let guardrails: Guardrails
    public let reviews: Reviews
    public let attestations: Attestations
    public let notifications: Notifications
    public let auditTrail: AuditTrail
    public let scheduler: ReviewScheduler
    private let httpClient: HTTPClient

    public init(database: Database, clock: any WallClock = SystemWallClock(), settings: AppSettings = .init(), logger: Logger) {
        let stores = Stores(database: database, clock: clock, deliveryAttempts: settings.scheduler.backoff.maxAttempts)
        self.stores = stores
        self.clock = clock
        self.settings = settings
        let snapshots = Snapshots(store: stores.snapshots, cache: SnapshotCache(store: stores.snapshots), limit: settings.snapshotLimit)
        self.snapshots = snapshots
        self.agents = AgentRegistry(store: stores.agents)
        self.access = AccessTokens(store: stores.tokens, clock: clock)
        self.baselines = Baselines(stores: stores, snapshots: snapshots)
        self.guardrails = Guardrails(stores: stores, maxExceptionDays: settings.maxExceptionDays)
        let evidence = ReviewEvidenceCollector(baselines: stores.baselines, snapshots: snapshots)
        self.reviews = Reviews(stores: stores, evidence: evidence, snapshots: snapshots)
        self.attestations = Attestations(stores: stores, snapshots: snapshots, keyRing: settings.keyRing)
        self.notifications = Notifications(store: stores.notifications)
        self.auditTrail = AuditTrail(log: stores.audit)
        // Webhook receivers are told where to answer; following a redirect would send the signed body elsewhere.
        let client = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        )
        self.httpClient = client
        let deliverer = WebhookDeliverer(
            store: stores.notifications,
            client: client,
            clock: clock,
            backoff: settings.scheduler.backoff,
            lease: TimeInterval(settings.scheduler.deliveryLease),
            logger: logger
        )
        self.scheduler = ReviewScheduler(reviews: stores.reviews, deliverer: deliverer, evidence: evidence, logger: logger)
    }

    /// The in-process scheduler `warden serve` runs, or nil when its interval is 0.
    public func schedulerService(logger: Logger) -> SchedulerService? {
        let settings = settings.scheduler
        guard settings.interval > 0 else { return nil }
        return SchedulerService(
            scheduler: scheduler,
            interval: .seconds(settings.interval),
            deliveryInterval: .seconds(settings.deliveryInterval),
            logger: logger
        )
    }

    /// Runs `body` and shuts down afterwards, whether it threw or not.
    public func run<R: Sendable>(_ body: (Warden) async throws -> R) async throws -> R {
        let result: R
        do {
            result = try await body(self)
        } catch {
            try? await shutdown()
            throw error
        }
        try await shutdown()
        return result
    }

    /// The webhook client must be shut down before it is released.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }
}
