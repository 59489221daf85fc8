import Foundation
import PostgresNIO
import WardenCore

/// Webhook channels and the deliveries queued for them.
public struct NotificationStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    static let channelColumns = "id, name, url, events, created_by, created_at"
    static let deliveryColumns = """
        id, channel_id, event, review_id, notice_key, status, attempts, max_attempts, next_attempt_at, last_error, last_status,
        created_at, delivered_at
        """

    public func createChannel(
        name: String,
        url: String,
        secret: String,
        events: [NotificationEvent],
        context: ChangeContext
    ) async throws -> NotificationChannel {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let channel = try await connection.returning(
                """
                INSERT INTO notification_channels (name, url, secret, events, created_by, created_at)
                VALUES (\(name), \(url), \(secret), \(events.map(\.rawValue)), \(context.actor), \(now))
                RETURNING \(unescaped: Self.channelColumns)
                """,
                logger: database.logger,
                decode: Self.decodeChannel
            )
            try await audit.append(
                context.record(
                    action: "channel.create",
                    targetType: "notification-channel",
                    targetID: String(channel.id),
                    stateDigest: try CanonicalJSON.digest(channel)
                ),
                on: connection
            )
            return channel
        }
    }

    public func listChannels() async throws -> [NotificationChannel] {
        try await database.all(
            "SELECT \(unescaped: Self.channelColumns) FROM notification_channels WHERE deleted_at IS NULL ORDER BY id",
            decode: Self.decodeChannel
        )
    }

    /// Stops a channel; its deliveries stay as history, and pending ones are failed.
    public func deleteChannel(id: Int64, context: ChangeContext) async throws {
        let now = clock.now()
        try await database.withTransaction { connection in
            let channel = try await connection.one(
                """
                UPDATE notification_channels SET deleted_at = \(now), deleted_by = \(context.actor)
                WHERE id = \(id) AND deleted_at IS NULL RETURNING \(unescaped: Self.channelColumns)
                """,
                logger: database.logger,
                orThrow: .notFound(what: "notification channel", id: String(id)),
                decode: Self.decodeChannel
            )
            try await connection.query(
                """
                UPDATE deliveries SET status = 'failed', last_error = 'channel deleted'
                WHERE channel_id = \(id) AND status = 'pending'
                """,
                logger: database.logger
            )
            try await audit.append(
                context.record(
                    action: "channel.delete",
                    targetType: "notification-channel",
                    targetID: String(id),
                    stateDigest: try CanonicalJSON.digest(channel)
                ),
                on: connection
            )
        }
    }

    /// Queues a delivery of `notice` to every live channel that wants `event`, inside the caller's
    /// transaction. The unique (channel, review, notice) key makes a second call a no-op.
    func enqueue(
        event: NotificationEvent,
        notice: String,
        review: Review,
        agent: Agent,
        maxAttempts: Int,
        on connection: PostgresConnection
    ) async throws {
        let now = clock.now()
        let channels = try await connection.all(
            "SELECT id FROM notification_channels WHERE deleted_at IS NULL AND \(event.rawValue) = ANY (events) ORDER BY id",
            logger: database.logger
        ) { try $0.decode(Int64.self) }
        for channel in channels {
            let id = UUID()
            let payload = NotificationPayload(
                deliveryId: id.uuidString.lowercased(),
                event: event,
                notice: notice,
                occurredAt: now,
                recipient: NotificationPayload.recipient(for: event, agent: agent),
                review: .init(
                    id: review.id,
                    status: review.status,
                    dueAt: review.dueAt,
                    overdue: review.isOverdue(at: now),
                    decision: review.decision?.decision,
                    reviewer: review.decision?.reviewer
                ),
                agent: .init(agent)
            )
            let body = String(decoding: try CanonicalJSON.encode(payload), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO deliveries (id, channel_id, event, review_id, notice_key, body, status, max_attempts, next_attempt_at, created_at)
                VALUES (\(id), \(channel), \(event.rawValue), \(review.id), \(notice), \(body), 'pending', \(maxAttempts), \(now), \(now))
                ON CONFLICT (channel_id, review_id, notice_key) DO NOTHING
                """,
                logger: database.logger
            )
        }
    }

    /// Claims up to `limit` deliveries that are due, for `lease` seconds. Replicas skip each
    /// other's claims; one that dies leaves its claims to be taken again when the lease runs out.
    public func claimDue(limit: Int, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        let now = clock.now()
        return try await database.withTransaction { connection in
            var out: [ClaimedDelivery] = []
            for try await (id, url, secret, body, attempts, maxAttempts) in try await connection.query(
                """
                WITH due AS (
                    SELECT id FROM deliveries
                    WHERE status = 'pending' AND next_attempt_at <= \(now)
                    ORDER BY next_attempt_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = \(now.addingTimeInterval(lease))
                FROM due, notification_channels c
                WHERE d.id = due.id AND c.id = d.channel_id
                RETURNING d.id, c.url, c.secret, d.body, d.attempts, d.max_attempts
                """,
                logger: database.logger
            ).decode((UUID, String, String, String, Int, Int).self) {
                out.append(ClaimedDelivery(id: id, url: url, secret: secret, body: body, attempt: attempts, maxAttempts: maxAttempts))
            }
            return out
        }
    }

    public func markDelivered(id: UUID, status: Int) async throws {
        let now = clock.now()
        _ = try await database.withConnection { connection in
            try await connection.query(
                """
                UPDATE deliveries SET status = 'delivered', delivered_at = \(now), last_status = \(status), last_error = NULL
                WHERE id = \(id) AND status = 'pending'
                """,
                logger: database.logger
            )
        }
    }

    /// Records a failed attempt: tried again at `retryAt`, or failed for good when nil.
    public func markAttemptFailed(id: UUID, error: String, status: Int?, retryAt: Date?) async throws {
        _ = try await database.withConnection { connection in
            try await connection.query(
                """
                UPDATE deliveries SET last_error = \(String(error.prefix(1000))), last_status = \(status),
                    status = CASE WHEN \(retryAt)::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
                    next_attempt_at = COALESCE(\(retryAt)::timestamptz, next_attempt_at)
                WHERE id = \(id) AND status = 'pending'
                """,
                logger: database.logger
            )
        }
    }

    /// Newest first; `before` is the cursor (created_at, id).
    public func listDeliveries(status: DeliveryStatus?, reviewID: Int64?, limit: Int, offset: Int) async throws -> [WebhookDelivery] {
        try await database.all(
            """
            SELECT \(unescaped: Self.deliveryColumns) FROM deliveries
            WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(reviewID)::bigint IS NULL OR review_id = \(reviewID))
            ORDER BY created_at DESC, id LIMIT \(limit) OFFSET \(offset)
            """,
            decode: Self.decodeDelivery
        )
    }

    /// Puts a failed delivery back in the queue, with the same id and body and a fresh set of attempts.
    public func retry(id: UUID, context: ChangeContext) async throws -> WebhookDelivery {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let current = try await connection.one(
                "SELECT \(unescaped: Self.deliveryColumns) FROM deliveries WHERE id = \(id) FOR UPDATE",
                logger: database.logger,
                orThrow: .notFound(what: "delivery", id: id.uuidString.lowercased()),
                decode: Self.decodeDelivery
            )
            guard current.status == .failed else {
                throw StoreError.conflict("delivery \(id.uuidString.lowercased()) is \(current.status.rawValue); only a failed one can be retried")
            }
            _ = try await connection.one(
                "SELECT 1 FROM notification_channels WHERE id = \(current.channelID) AND deleted_at IS NULL",
                logger: database.logger,
                orThrow: .conflict("the delivery's channel was deleted")
            ) { _ in true }
            let delivery = try await connection.returning(
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = \(now), max_attempts = attempts + \(current.maxAttempts)
                WHERE id = \(id) RETURNING \(unescaped: Self.deliveryColumns)
                """,
                logger: database.logger,
                decode: Self.decodeDelivery
            )
            try await audit.append(
                context.record(
                    action: "delivery.retry",
                    targetType: "delivery",
                    targetID: id.uuidString.lowercased(),
                    stateDigest: try CanonicalJSON.digest(delivery)
                ),
                on: connection
            )
            return delivery
        }
    }

    static func decodeChannel(_ row: PostgresRow) throws -> NotificationChannel {
        let (id, name, url, events, createdBy, createdAt) = try row.decode((Int64, String, String, [String], String, Date).self)
        return NotificationChannel(
            id: id,
            name: name,
            url: url,
            events: events.compactMap(NotificationEvent.init(rawValue:)),
            createdBy: createdBy,
            createdAt: createdAt
        )
    }

    static func decodeDelivery(_ row: PostgresRow) throws -> WebhookDelivery {
        let (id, channelID, event, reviewID, notice, status, attempts, maxAttempts, next, lastError, lastStatus, createdAt, deliveredAt) =
            try row.decode((UUID, Int64, String, Int64?, String, String, Int, Int, Date, String?, Int?, Date, Date?).self)
        guard let status = DeliveryStatus(rawValue: status) else { throw StoreError.corruptRow("deliveries \(id)") }
        return WebhookDelivery(
            id: id,
            channelID: channelID,
            event: event,
            reviewID: reviewID,
            notice: notice,
            status: status,
            attempts: attempts,
            maxAttempts: maxAttempts,
            nextAttemptAt: status == .pending ? next : nil,
            lastError: lastError,
            lastStatus: lastStatus,
            createdAt: createdAt,
            deliveredAt: deliveredAt
        )
    }
}
