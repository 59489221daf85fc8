import Foundation

/// A channel as the API shows it: never with its secret.
public struct NotificationChannel: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var url: String
    public var events: [NotificationEvent]
    public var createdBy: String
    public var createdAt: Date

    public init(id: Int64, name: String, url: String, events: [NotificationEvent], createdBy: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.url = url
        self.events = events
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

public enum DeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, delivered, failed
}

public struct WebhookDelivery: Sendable, Hashable, Codable {
    public var id: UUID
    public var channelID: Int64
    public var event: String
    public var reviewID: Int64?
    public var notice: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var maxAttempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var lastStatus: Int?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(
        id: UUID,
        channelID: Int64,
        event: String,
        reviewID: Int64?,
        notice: String,
        status: DeliveryStatus,
        attempts: Int,
        maxAttempts: Int,
        nextAttemptAt: Date?,
        lastError: String?,
        lastStatus: Int?,
        createdAt: Date,
        deliveredAt: Date?
    ) {
        self.id = id
        self.channelID = channelID
        self.event = event
        self.reviewID = reviewID
        self.notice = notice
        self.status = status
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.lastStatus = lastStatus
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

/// A delivery this process has claimed: everything needed to send it without another query.
public struct ClaimedDelivery: Sendable {
    public var id: UUID
    public var url: String
    public var secret: String
    public var body: String
    /// This attempt's number, from 1.
    public var attempt: Int
    public var maxAttempts: Int

    public init(id: UUID, url: String, secret: String, body: String, attempt: Int, maxAttempts: Int) {
        self.id = id
        self.url = url
        self.secret = secret
        self.body = body
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }
}
