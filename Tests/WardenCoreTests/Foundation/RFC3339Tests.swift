import Foundation
import Testing
import WardenCore

@Suite struct RFC3339Tests {
    /// What the arithmetic formatter replaced: Foundation's Gregorian calendar in UTC.
    func foundation(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (q, r) = millis.quotientAndRemainder(dividingBy: 1000)
        let seconds = r < 0 ? q - 1 : q
        let ms = r < 0 ? r + 1000 : r
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, Int(ms))
    }

    @Test func knownInstants() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 4_107_542_399.9996)) == "2100-03-01T00:00:00.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -30_605_126_400)) == "1000-03-01T00:00:00.000Z")
    }

    /// From 1583 to 9999, stepping across day boundaries, leap days and century rules, and at
    /// random instants with milliseconds, it agrees with Foundation. (Before 15 October 1582
    /// Foundation's "gregorian" calendar is Julian; RFC 3339 follows ISO 8601's proleptic
    /// Gregorian calendar, which `knownInstants` checks for year 1 and 1000.)
    @Test func agreesWithFoundationCalendar() {
        let first: Int64 = -12_212_553_600
        let last: Int64 = 253_402_300_799
        var day = first
        while day <= last {
            let date = Date(timeIntervalSince1970: TimeInterval(day))
            #expect(RFC3339.string(from: date) == foundation(date))
            day += 86_400 * 37 + 3_661
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let date = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: first...last, using: &generator)) + Double.random(in: 0..<1))
            #expect(RFC3339.string(from: date) == foundation(date))
        }
    }

    @Test func roundTripsThroughTheParser() {
        let date = Date(timeIntervalSince1970: 1_764_280_000.125)
        #expect(RFC3339.date(from: RFC3339.string(from: date)) == date)
    }
}
