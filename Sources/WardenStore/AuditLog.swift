import Foundation
import PostgresNIO
import WardenCore

/// Appends to and reads the hash-chained audit trail.
public struct AuditLog: Sendable {
    /// Serialises appends across every replica, so ids have no gaps and each event links to the one before.
    static let lockKey: Int64 = 0x5741_5244_454E_4155

    let database: Database
    let clock: any WallClock

    /// Appends inside the caller's transaction, so the change and its record commit together.
    @discardableResult
    public func append(_ record: AuditRecord, on connection: PostgresConnection) async throws -> AuditEvent {
        let logger = database.logger
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
        var head: (id: Int64, hash: String)?
        for try await (id, hash) in try await connection.query(
            "SELECT last_id, last_hash FROM audit_head",
            logger: logger
        ).decode((Int64, String).self) {
            head = (id, hash)
        }
        let event = AuditChain.seal(record, at: clock.now(), after: head)
        try await connection.query(
            """
            INSERT INTO audit_events (id, at, actor, token_id, action, target_type, target_id, request_id,
                                      state_digest, previous_hash, hash)
            VALUES (\(event.id), \(event.at), \(event.actor), \(event.tokenID), \(event.action), \(event.targetType),
                    \(event.targetID), \(event.requestID), \(event.stateDigest), \(event.previousHash), \(event.hash))
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (true, \(event.id), \(event.hash))
            ON CONFLICT (singleton) DO UPDATE SET last_id = EXCLUDED.last_id, last_hash = EXCLUDED.last_hash
            """,
            logger: logger
        )
        return event
    }

    public struct Filter: Sendable {
        public var actor: String?
        public var targetType: String?
        public var targetID: String?
        public var since: Date?

        public init(actor: String? = nil, targetType: String? = nil, targetID: String? = nil, since: Date? = nil) {
            self.actor = actor
            self.targetType = targetType
            self.targetID = targetID
            self.since = since
        }
    }

    /// Events after `afterID`, oldest first.
    public func list(_ filter: Filter, afterID: Int64, limit: Int) async throws -> [AuditEvent] {
        try await database.all(
            """
            SELECT \(unescaped: Self.columns) FROM audit_events
            WHERE id > \(afterID)
              AND (\(filter.actor)::text IS NULL OR actor = \(filter.actor))
              AND (\(filter.targetType)::text IS NULL OR target_type = \(filter.targetType))
              AND (\(filter.targetID)::text IS NULL OR target_id = \(filter.targetID))
              AND (\(filter.since)::timestamptz IS NULL OR at >= \(filter.since))
            ORDER BY id LIMIT \(limit)
            """,
            decode: Self.decode
        )
    }

    /// Walks the whole trail in pages and checks every link and hash.
    public func verify(pageSize: Int = 5000) async throws -> AuditChainVerifier {
        var verifier = AuditChainVerifier()
        var after: Int64 = 0
        var lastSeen: Int64 = -1
        while after != lastSeen {
            lastSeen = after
            let page = try await database.withConnection { connection in
                var events: [AuditEvent] = []
                for try await row in try await connection.query(
                    "SELECT \(unescaped: Self.columns) FROM audit_events WHERE id > \(after) ORDER BY id LIMIT \(pageSize)",
                    logger: database.logger
                ) {
                    events.append(try Self.decode(row))
                }
                return events
            }
            for event in page { verifier.check(event) }
            if let last = page.last { after = last.id }
        }
        let head = try await database.withConnection { connection in
            var head: (id: Int64, hash: String)?
            for try await (id, hash) in try await connection.query(
                "SELECT last_id, last_hash FROM audit_head",
                logger: database.logger
            ).decode((Int64, String).self) {
                head = (id, hash)
            }
            return head.map { HeadBox(id: $0.id, hash: $0.hash) }
        }
        verifier.finish(head: head.map { ($0.id, $0.hash) })
        return verifier
    }

    private struct HeadBox: Sendable {
        var id: Int64
        var hash: String
    }

    static let columns = "id, at, actor, token_id, action, target_type, target_id, request_id, state_digest, previous_hash, hash"

    static func decode(_ row: PostgresRow) throws -> AuditEvent {
        let (id, at, actor, tokenID, action, targetType, targetID, requestID, stateDigest, previousHash, hash) =
            try row.decode((Int64, Date, String, Int64?, String, String, String, String, String, String, String).self)
        return AuditEvent(
            id: id,
            at: at,
            actor: actor,
            tokenID: tokenID,
            action: action,
            targetType: targetType,
            targetID: targetID,
            requestID: requestID,
            stateDigest: stateDigest,
            previousHash: previousHash,
            hash: hash
        )
    }
}

extension AuditLog {
    /// A one-way change such as a revocation, inside the caller's transaction: `change` (an
    /// UPDATE ... RETURNING guarded by the state it leaves) either touches the row, and the change
    /// is recorded, or it does not, and the row is either already in that state (returned as it is,
    /// nothing recorded) or missing (`notFound`).
    func applyOnce<R: Encodable>(
        on connection: PostgresConnection,
        change: PostgresQuery,
        current: PostgresQuery,
        notFound: StoreError,
        decode: (PostgresRow) throws -> R,
        record: (R) throws -> AuditRecord
    ) async throws -> R {
        if let result = try await connection.first(change, logger: database.logger, decode: decode) {
            try await append(try record(result), on: connection)
            return result
        }
        return try await connection.one(current, logger: database.logger, orThrow: notFound, decode: decode)
    }
}
