import Foundation
import WardenCore

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

/// What the use cases are configured with, besides the database.
public struct AppSettings: Sendable {
    public var scheduler = SchedulerSettings()
    /// The longest an exception to a guardrail may last.
    public var maxExceptionDays = 90
    /// The most bytes a snapshot may have once decompressed.
    public var snapshotLimit = 256 << 20
    /// The attestation signing key and the public keys published beside it; nil when none is configured.
    public var keyRing: AttestationKeyRing?

    public init(
        scheduler: SchedulerSettings = .init(),
        maxExceptionDays: Int = 90,
        snapshotLimit: Int = 256 << 20,
        keyRing: AttestationKeyRing? = nil
    ) {
        self.scheduler = scheduler
        self.maxExceptionDays = maxExceptionDays
        self.snapshotLimit = snapshotLimit
        self.keyRing = keyRing
    }
}
