/// The events a notification channel can subscribe to.
public enum NotificationEvent: String, Sendable, Hashable, Codable, CaseIterable {
    case reviewOpened = "review.opened"
    case reviewReminder = "review.reminder"
    case reviewOverdue = "review.overdue"
    case reviewEscalated = "review.escalated"
    case reviewCompleted = "review.completed"
}
