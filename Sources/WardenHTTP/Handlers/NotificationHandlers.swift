import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func createNotificationChannel(
        _ input: Operations.CreateNotificationChannel.Input
    ) async throws
        -> Operations.CreateNotificationChannel.Output
    {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let events = body.events.compactMap { NotificationEvent(rawValue: $0.rawValue) }
        let channel = try await app.notifications.createChannel(
            name: body.name,
            url: body.url,
            secret: body.secret,
            events: events,
            context: RequestScope.current.changeContext
        )
        return .created(.init(body: .json(Self.schema(channel))))
    }

    func listNotificationChannels(
        _ input: Operations.ListNotificationChannels.Input
    ) async throws
        -> Operations.ListNotificationChannels.Output
    {
        .ok(.init(body: .json(.init(items: try await app.notifications.channels().map(Self.schema)))))
    }

    func deleteNotificationChannel(
        _ input: Operations.DeleteNotificationChannel.Input
    ) async throws
        -> Operations.DeleteNotificationChannel.Output
    {
        try await app.notifications.deleteChannel(id: input.path.channelId, context: RequestScope.current.changeContext)
        return .noContent(.init())
    }

    func listDeliveries(_ input: Operations.ListDeliveries.Input) async throws -> Operations.ListDeliveries.Output {
        let limit = try Cursor.limit(input.query.limit)
        let offset = Int(try Cursor.decode(input.query.cursor) ?? 0)
        let status = input.query.status.flatMap { DeliveryStatus(rawValue: $0.rawValue) }
        let page = try await app.notifications.deliveries(status: status, reviewID: input.query.reviewId, limit: limit + 1, offset: offset)
        let items = Array(page.prefix(limit))
        let next = page.count > limit ? Cursor.encode(Int64(offset + limit)) : nil
        return .ok(.init(body: .json(.init(items: items.map(Self.schema), nextCursor: next))))
    }

    func retryDelivery(_ input: Operations.RetryDelivery.Input) async throws -> Operations.RetryDelivery.Output {
        guard let id = UUID(uuidString: input.path.deliveryId) else {
            throw Problem.invalidParameter("deliveryId", "must be a UUID")
        }
        let delivery = try await app.notifications.retry(deliveryID: id, context: RequestScope.current.changeContext)
        return .ok(.init(body: .json(Self.schema(delivery))))
    }

    static func schema(_ channel: NotificationChannel) -> Components.Schemas.NotificationChannel {
        .init(
            id: channel.id,
            name: channel.name,
            url: channel.url,
            events: channel.events.compactMap { .init(rawValue: $0.rawValue) },
            createdBy: channel.createdBy,
            createdAt: channel.createdAt
        )
    }

    static func schema(_ delivery: WebhookDelivery) -> Components.Schemas.Delivery {
        .init(
            id: delivery.id.uuidString.lowercased(),
            channelId: delivery.channelID,
            event: delivery.event,
            reviewId: delivery.reviewID,
            notice: delivery.notice,
            status: .init(rawValue: delivery.status.rawValue) ?? .pending,
            attempts: delivery.attempts,
            maxAttempts: delivery.maxAttempts,
            nextAttemptAt: delivery.nextAttemptAt,
            lastError: delivery.lastError,
            lastStatus: delivery.lastStatus,
            createdAt: delivery.createdAt,
            deliveredAt: delivery.deliveredAt
        )
    }
}
