import Crypto
import Foundation

/// One entry of the append-only audit trail.
public struct AuditEvent: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var tokenID: Int64?
    public var action: String
    public var targetType: String
    public var targetID: String
    public var requestID: String
    public var stateDigest: String
    public var previousHash: String
    public var hash: String

    public init(
        id: Int64,
        at: Date,
        actor: String,
        tokenID: Int64?,
        action: String,
        targetType: String,
        targetID: String,
        requestID: String,
        stateDigest: String,
        previousHash: String,
        hash: String
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.tokenID = tokenID
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.requestID = requestID
        self.stateDigest = stateDigest
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// What a change tells the audit trail; the chain position and hashes are added when it is appended.
public struct AuditRecord: Sendable, Hashable {
    public var actor: String
    public var tokenID: Int64?
    public var action: String
    public var targetType: String
    public var targetID: String
    public var requestID: String
    public var stateDigest: String

    public init(actor: String, tokenID: Int64?, action: String, targetType: String, targetID: String, requestID: String, stateDigest: String) {
        self.actor = actor
        self.tokenID = tokenID
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.requestID = requestID
        self.stateDigest = stateDigest
    }
}

/// The hash chain: each event's hash covers its own fields and the hash before it.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The hash of an event, over an unambiguous encoding of every field (a JSON array of strings).
    public static func hash(
        id: Int64,
        at: Date,
        record: AuditRecord,
        previousHash: String
    ) -> String {
        let fields: [String] = [
            "warden.audit.v1", String(id), RFC3339.string(from: at), record.actor,
            record.tokenID.map(String.init) ?? "", record.action, record.targetType, record.targetID,
            record.requestID, record.stateDigest, previousHash,
        ]
        let bytes = (try? CanonicalJSON.encode(fields)) ?? []
        return SHA256.hash(data: bytes).hexString
    }

    /// Seals a record as the event after `previous` (nil for the first event).
    public static func seal(_ record: AuditRecord, at: Date, after previous: (id: Int64, hash: String)?) -> AuditEvent {
        let id = (previous?.id ?? 0) + 1
        let previousHash = previous?.hash ?? genesisHash
        return AuditEvent(
            id: id,
            at: at,
            actor: record.actor,
            tokenID: record.tokenID,
            action: record.action,
            targetType: record.targetType,
            targetID: record.targetID,
            requestID: record.requestID,
            stateDigest: record.stateDigest,
            previousHash: previousHash,
            hash: hash(id: id, at: at, record: record, previousHash: previousHash)
        )
    }
}

extension AuditEvent {
    var record: AuditRecord {
        AuditRecord(
            actor: actor,
            tokenID: tokenID,
            action: action,
            targetType: targetType,
            targetID: targetID,
            requestID: requestID,
            stateDigest: stateDigest
        )
    }
}

/// Checks a stored trail event by event, so millions of events need no more memory than one page.
public struct AuditChainVerifier: Sendable {
    public private(set) var checked: Int64 = 0
    public private(set) var firstBrokenID: Int64?
    public private(set) var problem: String?
    private var last: (id: Int64, hash: String)?

    public init() {}

    public var isValid: Bool { firstBrokenID == nil }

    /// Feeds the next event in id order.
    public mutating func check(_ event: AuditEvent) {
        checked += 1
        guard firstBrokenID == nil else { return }
        let expectedID = (last?.id ?? 0) + 1
        let expectedPrevious = last?.hash ?? AuditChain.genesisHash
        if event.id != expectedID {
            fail(at: min(event.id, expectedID), "event \(expectedID) is missing")
        } else if event.previousHash != expectedPrevious {
            fail(at: event.id, "event \(event.id) does not link to the event before it")
        } else if AuditChain.hash(id: event.id, at: event.at, record: event.record, previousHash: event.previousHash) != event.hash {
            fail(at: event.id, "event \(event.id) was changed after it was written")
        }
        last = (event.id, event.hash)
    }

    /// Compares the end of the chain with the separately kept head, which catches removal of the newest events.
    public mutating func finish(head: (id: Int64, hash: String)?) {
        guard firstBrokenID == nil else { return }
        switch (head, last) {
        case (nil, nil):
            return
        case let (head?, last?) where head.id == last.id && head.hash == last.hash:
            return
        case let (head?, last):
            fail(at: min(head.id, (last?.id ?? 0) + 1), "the trail does not end at event \(head.id), the newest one written")
        case (nil, _?):
            fail(at: 1, "the record of the newest event is missing")
        }
    }

    private mutating func fail(at id: Int64, _ message: String) {
        firstBrokenID = id
        problem = message
    }
}
