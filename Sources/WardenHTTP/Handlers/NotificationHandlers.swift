import Foundation
import OpenAPIRuntime
import WardenCore
import WardenStore

extension WardenAPI {
    func createNotificationChannel(_ input: Operations.CreateNotificationChannel.Input) async throws
        -> Operations.CreateNotificationChannel.Output
    {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        var issues = IssueCollector()
        if body.name.trimmingCharacters(in: .whitespaces).isEmpty { issues.add("/name", "must not be empty") }
        if let problem = Self.webhookURLProblem(body.url) { issues.add("/url", problem) }
        if body.secret.count < 16 { issues.add("/secret", "must be at least 16 characters") }
        if body.events.isEmpty { issues.add("/events", "must name at least one event") }
        try issues.throwIfAny()
        let events = Array(Set(body.events.compactMap { NotificationEvent(rawValue: $0.rawValue) })).sorted { $0.rawValue < $1.rawValue }
        let channel = try await notifications.createChannel(
            name: body.name, url: body.url, secret: body.secret, events: events, context: RequestScope.current.changeContext)
        return .created(.init(body: .json(Self.schema(channel))))
    }

    func listNotificationChannels(_ input: Operations.ListNotificationChannels.Input) async throws
        -> Operations.ListNotificationChannels.Output
    {
        .ok(.init(body: .json(.init(items: try await notifications.listChannels().map(Self.schema)))))
    }

    func deleteNotificationChannel(_ input: Operations.DeleteNotificationChannel.Input) async throws
        -> Operations.DeleteNotificationChannel.Output
    {
        try await notifications.deleteChannel(id: input.path.channelId, context: RequestScope.current.changeContext)
        return .noContent(.init())
    }

    func listDeliveries(_ input: Operations.ListDeliveries.Input) async throws -> Operations.ListDeliveries.Output {
        let limit = try Cursor.limit(input.query.limit)
        let offset = Int(try Cursor.decode(input.query.cursor) ?? 0)
        let status = input.query.status.flatMap { NotificationStore.DeliveryStatus(rawValue: $0.rawValue) }
        let page = try await notifications.listDeliveries(status: status, reviewID: input.query.reviewId, limit: limit + 1, offset: offset)
        let items = Array(page.prefix(limit))
        let next = page.count > limit ? Cursor.encode(Int64(offset + limit)) : nil
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func retryDelivery(_ input: Operations.RetryDelivery.Input) async throws -> Operations.RetryDelivery.Output {
        guard let id = UUID(uuidString: input.path.deliveryId) else {
            throw Problem.invalidParameter("deliveryId", "must be a UUID")
        }
        let delivery = try await notifications.retry(id: id, context: RequestScope.current.changeContext)
        return .ok(.init(body: .json(Self.schema(delivery))))
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

    static func schema(_ channel: NotificationStore.Channel) -> Components.Schemas.NotificationChannel {
        .init(
            id: channel.id, name: channel.name, url: channel.url,
            events: channel.events.compactMap { .init(rawValue: $0.rawValue) }, createdBy: channel.createdBy, createdAt: channel.createdAt)
    }

    static func schema(_ delivery: NotificationStore.Delivery) -> Components.Schemas.Delivery {
        .init(
            id: delivery.id.uuidString.lowercased(), channelId: delivery.channelID, event: delivery.event, reviewId: delivery.reviewID,
            notice: delivery.notice, status: .init(rawValue: delivery.status.rawValue) ?? .pending, attempts: delivery.attempts,
            maxAttempts: delivery.maxAttempts, nextAttemptAt: delivery.nextAttemptAt, lastError: delivery.lastError,
            lastStatus: delivery.lastStatus, createdAt: delivery.createdAt, deliveredAt: delivery.deliveredAt)
    }
}
