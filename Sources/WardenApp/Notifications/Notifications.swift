import Foundation
import WardenCore
import WardenStore

/// Webhook channels, and the deliveries queued for them.
public struct Notifications: Sendable {
    let store: NotificationStore
    let destinations: WebhookDestinations

    public func createChannel(
        name: String,
        url: String,
        secret: String,
        events: [NotificationEvent],
        context: ChangeContext
    ) async throws -> NotificationChannel {
        var issues = IssueCollector()
        if name.trimmingCharacters(in: .whitespaces).isEmpty { issues.add("/name", "must not be empty") }
        if let problem = Self.webhookURLProblem(url, destinations: destinations) { issues.add("/url", problem) }
        if secret.count < 16 { issues.add("/secret", "must be at least 16 characters") }
        if events.isEmpty { issues.add("/events", "must name at least one event") }
        try issues.throwIfAny()
        let unique = Array(Set(events)).sorted { $0.rawValue < $1.rawValue }
        return try await store.createChannel(name: name, url: url, secret: secret, events: unique, context: context)
    }

    /// An absolute http(s) URL with a host webhooks may reach as written, and no credentials in it.
    /// A host name that passes is checked again, with every address it resolves to, at each delivery.
    static func webhookURLProblem(_ text: String, destinations: WebhookDestinations) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return "must be an absolute http or https URL"
        }
        guard let host = url.host, !host.isEmpty else { return "must name a host" }
        if url.user != nil || url.password != nil { return "must not carry credentials; the secret signs each delivery" }
        if url.fragment != nil { return "must not have a fragment" }
        switch destinations.refusal(host: host) {
        case nil: break
        case .notAHost?: return "must name a host"
        case let refusal?: return "\(refusal): webhooks go there only if an operator allows it in WARDEN_WEBHOOK_ALLOW"
        }
        return nil
    }

    public func channels() async throws -> [NotificationChannel] {
        try await store.listChannels()
    }

    public func deleteChannel(id: Int64, context: ChangeContext) async throws {
        try await store.deleteChannel(id: id, context: context)
    }

    /// Newest first.
    public func deliveries(status: DeliveryStatus?, reviewID: Int64?, limit: Int, offset: Int) async throws -> [WebhookDelivery] {
        try await store.listDeliveries(status: status, reviewID: reviewID, limit: limit, offset: offset)
    }

    public func retry(deliveryID: UUID, context: ChangeContext) async throws -> WebhookDelivery {
        try await store.retry(id: deliveryID, context: context)
    }
}
