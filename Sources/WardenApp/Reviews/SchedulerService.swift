import Foundation
import Logging
import ServiceLifecycle

/// Runs the review scheduler inside `warden serve`: a planning pass every `interval`, and
/// deliveries (which have their own retry times) every `deliveryInterval`.
public struct SchedulerService: Service {
    let scheduler: ReviewScheduler
    let interval: Duration
    let deliveryInterval: Duration
    let logger: Logger

    public init(scheduler: ReviewScheduler, interval: Duration, deliveryInterval: Duration, logger: Logger) {
        self.scheduler = scheduler
        self.interval = interval
        self.deliveryInterval = deliveryInterval
        self.logger = logger
    }

    public func run() async throws {
        let clock = ContinuousClock()
        // Start after the first delivery interval: `warden serve` migrates while services start.
        var nextPlan = clock.now.advanced(by: min(deliveryInterval, interval))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // Deliveries are looked at every deliveryInterval; planning waits for its own time.
                let wake = min(nextPlan, clock.now.advanced(by: deliveryInterval))
                try await gracefulShutdownCancellable { try await Task.sleep(until: wake, clock: clock) }
            } catch {
                return
            }
            do {
                if clock.now >= nextPlan {
                    nextPlan = clock.now.advanced(by: interval)
                    let report = try await scheduler.plan()
                    if report.opened + report.reviewsPlanned > 0 { logger.info("review scheduler", metadata: ["pass": "\(report)"]) }
                }
                try await scheduler.deliverDue()
            } catch {
                logger.error("review scheduler pass failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Sleeps until done or until graceful shutdown begins, whichever is first.
func gracefulShutdownCancellable(_ body: @escaping @Sendable () async throws -> Void) async throws {
    try await cancelWhenGracefulShutdown { try await body() }
}
