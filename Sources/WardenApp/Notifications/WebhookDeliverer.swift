import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import WardenCore
import WardenStore

/// Sends queued deliveries: claims what is due, POSTs it signed, records the outcome.
public struct WebhookDeliverer: Sendable {
    let store: NotificationStore
    /// Where deliveries may go.
    let destinations: WebhookDestinations
    let resolver: any HostResolver
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
        let (status, failure) = await send(request)
        do {
            if let failure {
                let retryAt: Date? =
                    delivery.attempt >= delivery.maxAttempts
                    ? nil : clock.now().addingTimeInterval(backoff.delay(afterAttempt: delivery.attempt, unit: Double.random(in: 0..<1)))
                try await store.markAttemptFailed(id: delivery.id, failure: failure, status: status, retryAt: retryAt)
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

    /// Checks where the request would go, then sends it there and nowhere else: the host as
    /// written, then every address it resolves to, must be allowed (one bad address refuses the
    /// lot, so a name cannot mix a public address with an internal one), and the connection is
    /// made to a checked address, never to what a second lookup might answer. The status, if
    /// the receiver answered, and what went wrong, as a class.
    func send(_ request: HTTPClientRequest) async -> (status: Int?, failure: DeliveryFailure?) {
        // The host exactly as AsyncHTTPClient reads it from the URL, so that the pin below applies to it.
        guard let url = URL(string: request.url), let written = url.host, !written.isEmpty else { return (nil, .failed) }
        let host = written.hasPrefix("[") && written.hasSuffix("]") ? String(written.dropFirst().dropLast()) : written
        if destinations.refusal(host: host) != nil { return (nil, .refused) }
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            guard let resolved = try? await resolver.addresses(of: host), !resolved.isEmpty else { return (nil, .unresolved) }
            addresses = resolved
        }
        if !destinations.allowsByName(host), addresses.contains(where: { destinations.refusal(address: $0) != nil }) {
            return (nil, .refused)
        }
        var outcome: (status: Int?, failure: DeliveryFailure?) = (nil, .failed)
        for address in addresses {
            do {
                let status = try await post(request, host: host, pinnedTo: address)
                return (status, (200..<300).contains(status) ? nil : .http(status: status))
            } catch {
                let (failure, nothingSent) = Self.classify(error)
                outcome = (nil, failure)
                // Another address is tried only when this one could not be reached, so nothing is sent twice.
                if !nothingSent { break }
            }
        }
        return outcome
    }

    /// POSTs over a client of its own whose only route to `host` is `address`: AsyncHTTPClient's
    /// DNS override connects there, keeps the URL's host in the Host header, and for https sends
    /// it as the TLS server name and verifies the certificate against it. No connection outlives
    /// the delivery.
    func post(_ request: HTTPClientRequest, host: String, pinnedTo address: IPAddress) async throws -> Int {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(10))
        )
        configuration.dnsOverride = [host: address.description]
        // A connection that fails fails the attempt at once; the delivery's own backoff retries it.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            try? await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The class of an error, and whether it came before anything was sent (so another address may be tried).
    static func classify(_ error: any Error) -> (DeliveryFailure, nothingSent: Bool) {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout: return (.timeout, true)
            case .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout: return (.timeout, false)
            case .tlsHandshakeTimeout: return (.tlsFailed, false)
            case .redirectLimitReached, .redirectCycleDetected: return (.tooManyRedirects, false)
            case .remoteConnectionClosed: return (.connectionClosed, false)
            default: return (.failed, false)
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return (.timeout, true) }
            return (.connectionClosed, false)
        case is NIOConnectionError:
            return (.connectFailed, true)
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL: return (.connectFailed, true)
            case ETIMEDOUT: return (.timeout, false)
            default: return (.connectionClosed, false)
            }
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return (.tlsFailed, false)
        default:
            return (.failed, false)
        }
    }
}
