import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import WardenCore
import WardenStore

/// Sends queued deliveries: claims what is due, POSTs it signed, records the outcome.
public struct WebhookDeliverer: Sendable {
    let store: NotificationStore
    let client: HTTPClient
    let clock: any WallClock
    let backoff: RetryBackoff
    /// How long a claim lasts; a replica that dies mid-delivery gives its claims back after this.
    let lease: TimeInterval
    let logger: Logger

    /// Delivers everything due now, a batch at a time, concurrently within a batch. Returns how many were attempted.
    @discardableResult
    public func deliverDue(batch: Int = 20) async throws -> Int {
        var attempted = 0
        while true {
            let claimed = try await store.claimDue(limit: batch, lease: lease)
            if claimed.isEmpty { return attempted }
            attempted += claimed.count
            await withTaskGroup(of: Void.self) { group in
                for delivery in claimed {
                    group.addTask { await self.attempt(delivery) }
                }
            }
            if claimed.count < batch { return attempted }
        }
    }

    func attempt(_ delivery: ClaimedDelivery) async {
        let body = Array(delivery.body.utf8)
        let now = clock.now()
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Warden/\(WardenVersion.string)")
        request.headers.add(name: "Warden-Delivery-Id", value: delivery.id.uuidString.lowercased())
        request.headers.add(name: "Warden-Delivery-Attempt", value: String(delivery.attempt))
        request.headers.add(
            name: WebhookSignature.header,
            value: WebhookSignature.sign(body: body, secret: delivery.secret, timestamp: Int64(now.timeIntervalSince1970.rounded(.down)))
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        var status: Int?
        var failure: String?
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(response.status.code) { failure = "the receiver answered \(response.status.code)" }
        } catch {
            failure = "\(error)"
        }
        do {
            if let failure {
                let retryAt: Date? =
                    delivery.attempt >= delivery.maxAttempts
                    ? nil : clock.now().addingTimeInterval(backoff.delay(afterAttempt: delivery.attempt, unit: Double.random(in: 0..<1)))
                try await store.markAttemptFailed(id: delivery.id, error: failure, status: status, retryAt: retryAt)
                logger.warning(
                    "webhook delivery failed",
                    metadata: [
                        "delivery": "\(delivery.id)", "attempt": "\(delivery.attempt)", "error": "\(failure)",
                        "final": "\(retryAt == nil)",
                    ]
                )
            } else {
                try await store.markDelivered(id: delivery.id, status: status ?? 200)
            }
        } catch {
            // The lease runs out and the delivery is tried again: at least once, never lost.
            logger.error("could not record a delivery's outcome", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }
}
