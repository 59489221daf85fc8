import Foundation
import Logging
import PostgresNIO
import WardenCore

public struct TokenStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    static let columns =
        "id, name, role, clusters, prefix, created_at, created_by, expires_at, revoked_at, last_used_at, created_by_token_id"
    /// Serialises token creation, so two creations cannot both find a name free.
    static let nameLockKey: Int64 = 0x5741_5244_454E_544B

    /// Stores the hash of a new secret and returns the record; the secret itself is the caller's to show once.
    /// `TokenNameRules` judges the name against the tokens in use, under a lock; the token
    /// records the token of the context as its creator.
    public func create(
        name: String,
        role: TokenRole,
        clusters: [String],
        expiresAt: Date?,
        secret: TokenSecret,
        context: ChangeContext
    ) async throws -> TokenRecord {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let logger = database.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.nameLockKey))", logger: logger)
            let active = try await connection.all(
                "SELECT id, name FROM api_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(now)) ORDER BY id",
                logger: logger
            ) { row in try row.decode((Int64, String).self) }
            let lineage = try await TokenRows.lineage(of: active.map(\.0), on: connection, logger: logger)
            try TokenNameRules.check(
                name: name,
                creator: context.tokenID == nil ? nil : context.actor,
                active: active.map { (id: $0.0, name: $0.1) },
                lineage: lineage
            )
            let record = try await connection.returning(
                """
                INSERT INTO api_tokens (name, role, clusters, secret_hash, prefix, created_at, created_by, created_by_token_id, expires_at)
                VALUES (\(name), \(role.rawValue), \(clusters), \(Data(secret.hash)), \(secret.displayPrefix), \(now),
                        \(context.actor), \(context.tokenID), \(expiresAt))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger,
                decode: Self.decode
            )
            try await audit.append(
                context.record(
                    action: "token.create",
                    targetType: "token",
                    targetID: String(record.id),
                    stateDigest: try CanonicalJSON.digest(record)
                ),
                on: connection
            )
            return record
        }
    }

    /// The principal behind a secret, if the token exists, is not revoked and has not expired.
    public func authenticate(_ secret: TokenSecret) async throws -> Principal? {
        let now = clock.now()
        let rows = try await database.all(TokenBySecretHash(hash: secret.hash, now: now))
        guard let row = rows.first else { return nil }
        let (id, name, roleText, clusters, lastUsed, expiresAt) = row
        guard let role = TokenRole(rawValue: roleText) else { return nil }
        // Recording every use would turn each read into a write; once a minute is enough to see stale tokens.
        if lastUsed.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            _ = try await database.withConnection { connection in
                try await connection.query("UPDATE api_tokens SET last_used_at = \(now) WHERE id = \(id)", logger: database.logger)
            }
        }
        return Principal(tokenID: id, name: name, role: role, clusters: clusters, expiresAt: expiresAt)
    }

    public func get(id: Int64) async throws -> TokenRecord {
        try await database.one(
            "SELECT \(unescaped: Self.columns) FROM api_tokens WHERE id = \(id)",
            orThrow: .notFound(what: "token", id: String(id)),
            decode: Self.decode
        )
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(beforeID: Int64?, limit: Int) async throws -> [TokenRecord] {
        try await database.all(
            """
            SELECT \(unescaped: Self.columns) FROM api_tokens
            WHERE (\(beforeID)::bigint IS NULL OR id < \(beforeID)) ORDER BY id DESC LIMIT \(limit)
            """,
            decode: Self.decode
        )
    }

    /// Revokes at once; revoking an already revoked token changes nothing and records nothing.
    public func revoke(id: Int64, context: ChangeContext) async throws -> TokenRecord {
        let now = clock.now()
        return try await database.withTransaction { connection in
            try await audit.applyOnce(
                on: connection,
                change: """
                    UPDATE api_tokens SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL
                    RETURNING \(unescaped: Self.columns)
                    """,
                current: "SELECT \(unescaped: Self.columns) FROM api_tokens WHERE id = \(id)",
                notFound: .notFound(what: "token", id: String(id)),
                decode: Self.decode
            ) { record in
                context.record(action: "token.revoke", targetType: "token", targetID: String(id), stateDigest: try CanonicalJSON.digest(record))
            }
        }
    }

    static func decode(_ row: PostgresRow) throws -> TokenRecord {
        let (id, name, role, clusters, prefix, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt, createdByTokenID) =
            try row.decode((Int64, String, String, [String], String, Date, String, Date?, Date?, Date?, Int64?).self)
        guard let role = TokenRole(rawValue: role) else { throw StoreError.corruptRow("api_tokens \(id) has role '\(role)'") }
        return TokenRecord(
            id: id,
            name: name,
            role: role,
            clusters: clusters,
            prefix: prefix,
            createdAt: createdAt,
            createdBy: createdBy,
            createdByTokenID: createdByTokenID,
            expiresAt: expiresAt,
            revokedAt: revokedAt,
            lastUsedAt: lastUsedAt
        )
    }
}

/// Token lineage as any transaction reads it: the four-eyes rules of baselines, reviews and
/// agents compare identities, and a token counts as every token up the chain that created it.
enum TokenRows {
    /// For each of `tokenIDs`, the names of the tokens that created it, nearest first.
    static func lineage(of tokenIDs: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> TokenLineage {
        guard !tokenIDs.isEmpty else { return TokenLineage() }
        let rows = try await connection.all(
            """
            WITH RECURSIVE chain (origin, creator, depth) AS (
                SELECT t.id, t.created_by_token_id, 0 FROM api_tokens t WHERE t.id = ANY(\(tokenIDs))
              UNION ALL
                SELECT c.origin, t.created_by_token_id, c.depth + 1 FROM chain c JOIN api_tokens t ON t.id = c.creator
            )
            SELECT c.origin, t.name FROM chain c JOIN api_tokens t ON t.id = c.creator ORDER BY c.origin, c.depth
            """,
            logger: logger
        ) { row in try row.decode((Int64, String).self) }
        var creators: [Int64: [String]] = [:]
        for (origin, name) in rows { creators[origin, default: []].append(name) }
        return TokenLineage(creators: creators)
    }
}
