import Foundation
import WardenCore
import WardenStore

/// Webhook channels, and the deliveries queued for them.
public struct Notifications: Sendable {
    let store: NotificationStore

    public func createChannel(
        name: String,
        url: String,
        secret: String,
        events: [NotificationEvent],
        context: ChangeContext
    ) async throws -> NotificationChannel {
        var issues = IssueCollector()
        if name.trimmingCharacters(in: .whitespaces).isEmpty { issues.add("/name", "must not be empty") }
        if let problem = Self.webhookURLProblem(url) { issues.add("/url", problem) }
        if secret.count < 16 { issues.add("/secret", "must be at least 16 characters") }
        if events.isEmpty { issues.add("/events", "must name at least one event") }
        try issues.throwIfAny()
        let unique = Array(Set(events)).sorted { $0.rawValue < $1.rawValue }
        return try await store.createChannel(name: name, url: url, secret: secret, events: unique, context: context)
    }

    /// An absolute http(s) URL with a host and no credentials in it.
    static func webhookURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return "must be an absolute http or https URL"
        }
        guard let host = url.host, !host.isEmpty else { return "must name a host" }
        if url.user != nil || url.password != nil { return "must not carry credentials; the secret signs each delivery" }
        if url.fragment != nil { return "must not have a fragment" }
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
