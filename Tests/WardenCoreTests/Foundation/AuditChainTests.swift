import Foundation
import Testing
import WardenCore

@Suite struct AuditChainTests {
    func chain(_ count: Int) -> [AuditEvent] {
        var events: [AuditEvent] = []
        for i in 0..<count {
            let record = AuditRecord(
                actor: "alice",
                tokenID: 1,
                action: "agent.create",
                targetType: "agent",
                targetID: String(i),
                requestID: "r\(i)",
                stateDigest: "sha256:00"
            )
            let previous = events.last.map { (id: $0.id, hash: $0.hash) }
            events.append(AuditChain.seal(record, at: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)), after: previous))
        }
        return events
    }

    func verify(_ events: [AuditEvent], head: (Int64, String)?) -> AuditChainVerifier {
        var verifier = AuditChainVerifier()
        for event in events { verifier.check(event) }
        verifier.finish(head: head)
        return verifier
    }

    @Test func anIntactChainVerifies() {
        let events = chain(5)
        #expect(events.first?.previousHash == AuditChain.genesisHash)
        #expect(events.map(\.id) == [1, 2, 3, 4, 5])
        let result = verify(events, head: (5, events[4].hash))
        #expect(result.isValid)
        #expect(result.checked == 5)
    }

    @Test func anEditedFieldIsFound() {
        var events = chain(5)
        events[2].actor = "mallory"
        #expect(verify(events, head: (5, events[4].hash)).firstBrokenID == 3)
    }

    @Test func aRehashedEditBreaksTheNextLink() {
        var events = chain(5)
        events[1].action = "agent.delete"
        events[1].hash =
            AuditChain.seal(
                AuditRecord(
                    actor: "alice",
                    tokenID: 1,
                    action: "agent.delete",
                    targetType: "agent",
                    targetID: "1",
                    requestID: "r1",
                    stateDigest: "sha256:00"
                ),
                at: events[1].at,
                after: (1, events[0].hash)
            ).hash
        #expect(verify(events, head: (5, events[4].hash)).firstBrokenID == 3)
    }

    @Test func removedEventsAreFound() {
        var events = chain(5)
        events.remove(at: 1)
        #expect(verify(events, head: (5, events.last!.hash)).firstBrokenID == 2)
        let truncated = Array(chain(5).prefix(3))
        #expect(verify(truncated, head: (5, chain(5)[4].hash)).firstBrokenID == 4)
        #expect(verify([], head: nil).isValid)
    }

    @Test func timesHashTheSameAfterARoundTripThroughMicroseconds() {
        let date = Date(timeIntervalSince1970: 1_764_281_200.123)
        let micro = Date(timeIntervalSince1970: Double(Int64((date.timeIntervalSince1970 * 1_000_000).rounded())) / 1_000_000)
        #expect(RFC3339.string(from: date) == RFC3339.string(from: micro))
        #expect(RFC3339.string(from: date) == "2025-11-27T22:06:40.123Z")
    }
}
