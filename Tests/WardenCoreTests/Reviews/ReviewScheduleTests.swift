import Foundation
import Testing

@testable import WardenCore

@Suite("Review calendar")
struct ReviewScheduleTests {
    let due = Date(timeIntervalSince1970: 1_800_000_000)
    let day = ReviewSchedule.day
    let policy = ReviewPolicy.default

    func keys(at offsetDays: Double, _ policy: ReviewPolicy = .default) -> [String] {
        ReviewSchedule.plan(due: due, now: due.addingTimeInterval(offsetDays * day), policy: policy).notices.map(\.key)
    }

    @Test func defaultsFollowTheIssue() throws {
        #expect(policy.intervalDays == TierIntervals(critical: 30, high: 90, medium: 180, low: 365))
        #expect(policy.reminderOffsetsDays == [14, 7, 3, 1, 0])
        #expect(policy.overdueRepeatDays == 1 && policy.escalateAfterDays == 7 && policy.noResponse == .noChange)
        try policy.validate()
    }

    @Test func remindersOnlyTheLatestStageReached() {
        #expect(keys(at: -15).isEmpty)
        #expect(keys(at: -14) == ["reminder:14"])
        #expect(keys(at: -8) == ["reminder:14"])
        #expect(keys(at: -7) == ["reminder:7"])
        // A scheduler that was down from -14 to -2 sends the one stage it is in, not a burst.
        #expect(keys(at: -2) == ["reminder:3"])
        // Due on the day: the day-0 reminder, not yet overdue.
        #expect(keys(at: 0) == ["reminder:0"])
    }

    @Test func overdueRepeatsAndEscalatesOnce() {
        #expect(keys(at: 0.5) == ["reminder:0"])
        #expect(keys(at: 1) == ["reminder:0", "overdue:1"])
        #expect(keys(at: 3.2) == ["reminder:0", "overdue:3"])
        #expect(keys(at: 6.9).contains("escalated") == false)
        #expect(keys(at: 7) == ["reminder:0", "overdue:7", "escalated"])
        #expect(keys(at: 30) == ["reminder:0", "overdue:30", "escalated"])
        var weekly = policy
        weekly.overdueRepeatDays = 7
        weekly.escalateAfterDays = 0
        #expect(keys(at: 6, weekly) == ["reminder:0", "escalated"])
        #expect(keys(at: 14, weekly) == ["reminder:0", "overdue:2", "escalated"])
    }

    @Test func nextCheckIsTheNextBoundaryNeverThePast() {
        let plan = ReviewSchedule.plan(due: due, now: due.addingTimeInterval(-10 * day), policy: policy)
        #expect(plan.nextCheck == due.addingTimeInterval(-7 * day))
        let overdue = ReviewSchedule.plan(due: due, now: due.addingTimeInterval(2.5 * day), policy: policy)
        #expect(overdue.nextCheck == due.addingTimeInterval(3 * day))
        for offset in stride(from: -20.0, through: 20, by: 0.25) {
            let now = due.addingTimeInterval(offset * day)
            #expect(ReviewSchedule.plan(due: due, now: now, policy: policy).nextCheck > now)
        }
    }

    @Test func standingAndNextDue() {
        let approved = due
        #expect(ReviewSchedule.nextDue(after: approved, tier: .critical, override: nil, policy: policy) == approved.addingTimeInterval(30 * day))
        #expect(ReviewSchedule.nextDue(after: approved, tier: .low, override: 91, policy: policy) == approved.addingTimeInterval(91 * day))
        #expect(ReviewSchedule.standing(nextReviewDue: nil, openReviewDue: nil, now: due, policy: policy) == .notScheduled)
        #expect(ReviewSchedule.standing(nextReviewDue: due, openReviewDue: nil, now: due.addingTimeInterval(-20 * day), policy: policy) == .current)
        #expect(ReviewSchedule.standing(nextReviewDue: due, openReviewDue: nil, now: due.addingTimeInterval(-3 * day), policy: policy) == .due)
        #expect(ReviewSchedule.standing(nextReviewDue: due, openReviewDue: due, now: due.addingTimeInterval(1), policy: policy) == .overdue)
    }

    @Test func policyValidationNamesEveryField() {
        let bad = ReviewPolicy(
            intervalDays: TierIntervals(critical: 0, high: 90, medium: 180, low: 4000),
            reminderOffsetsDays: [7, 7, -1],
            overdueRepeatDays: 0,
            escalateAfterDays: 400,
            noResponse: .suspend
        )
        #expect(throws: ValidationError.self) { try bad.validate() }
        do { try bad.validate() } catch {
            let pointers = Set(error.issues.map(\.pointer))
            #expect(
                pointers == [
                    "/intervalDays/critical", "/intervalDays/low", "/reminderOffsetsDays/2", "/reminderOffsetsDays",
                    "/overdueRepeatDays", "/escalateAfterDays",
                ]
            )
        }
    }

    @Test func webhookSignatureMatchesTheDocumentedFormula() {
        let body = Array(#"{"event":"review.reminder"}"#.utf8)
        let header = WebhookSignature.sign(body: body, secret: "s3cret-s3cret-s3cret", timestamp: 1_800_000_000)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(WebhookSignature.verify(header: header, body: body, secret: "s3cret-s3cret-s3cret", now: Date(timeIntervalSince1970: 1_800_000_100)))
        #expect(
            !WebhookSignature.verify(
                header: header,
                body: body + [0x20],
                secret: "s3cret-s3cret-s3cret",
                now: Date(timeIntervalSince1970: 1_800_000_100)
            )
        )
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "other-secret-xxxxxxx", now: Date(timeIntervalSince1970: 1_800_000_100)))
        // Too old: a captured delivery cannot be replayed later.
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "s3cret-s3cret-s3cret", now: Date(timeIntervalSince1970: 1_800_001_000)))
    }

    @Test func backoffGrowsWithJitterUpToTheCap() {
        let backoff = RetryBackoff(base: 10, cap: 3600, maxAttempts: 8)
        #expect(backoff.delay(afterAttempt: 1, unit: 0) == 5)
        #expect(backoff.delay(afterAttempt: 1, unit: 0.999) < 10)
        #expect(backoff.delay(afterAttempt: 4, unit: 0) == 40)
        #expect(backoff.delay(afterAttempt: 20, unit: 1) == 3600)
    }

    @Test func csvQuotesAndDefusesFormulas() {
        #expect(CSV.row(["a", "b,c", "say \"hi\"", "line\nbreak"]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\"\r\n")
        #expect(CSV.field("=1+1") == "'=1+1")
        #expect(CSV.field("-x") == "'-x")
        #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
    }
}
