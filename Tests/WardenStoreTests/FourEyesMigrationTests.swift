import Foundation
import PostgresNIO
import Testing
import WardenStore
import WardenTestSupport

@Suite("Migration 0007: four eyes between people")
struct FourEyesMigrationTests {
    /// A database as 0006 left it, with a token alice made for "mallory", a version and an exception
    /// alice made, a review mallory revoked (suspending the agent), and the audit trail of all that.
    static func before() async throws -> TestDatabase {
        let db = try await TestDatabase.make(migrated: false)
        _ = try await Migrator(database: db.database, migrations: try Migration.bundled().filter { $0.version < 7 }).migrate()
        for sql in [
            """
            INSERT INTO api_tokens (id, name, role, secret_hash, prefix, created_at, created_by) VALUES
              (1, 'alice', 'admin', decode(repeat('01', 32), 'hex'), 'wdn_aaaaaa', now(), 'warden-cli'),
              (2, 'mallory', 'reviewer', decode(repeat('02', 32), 'hex'), 'wdn_bbbbbb', now(), 'alice')
            """,
            """
            INSERT INTO agents (id, name, cluster, namespace, service_account, owner, purpose, risk_tier, status, created_at, updated_at)
            VALUES (1, 'coder', 'prod', 'agents', 'coder', 'team-a', 'writes code', 'high', 'suspended', now(), now())
            """,
            """
            INSERT INTO baselines (agent_id, version, status, grants, expectations, justification, findings, digest, proposed_by, proposed_at)
            VALUES (1, 1, 'proposed', '[]', '{}', 'reads pods', '[]', 'sha256:00', 'alice', now())
            """,
            """
            INSERT INTO guardrail_exceptions (id, agent_id, rule_id, justification, expires_at, created_by, created_at)
            VALUES (1, 1, 'WDN-RBAC-014', 'break glass', now() + interval '1 day', 'alice', now())
            """,
            """
            INSERT INTO reviews (id, agent_id, status, trigger, opened_by, opened_at, due_at, evidence, decision, reviewer, notes, decided_at)
            VALUES (1, 1, 'completed', 'on_demand', 'alice', now(), now(), '{}', 'revoke', 'mallory', 'unused', now())
            """,
            """
            INSERT INTO audit_events (id, at, actor, token_id, action, target_type, target_id, request_id, state_digest, previous_hash, hash) VALUES
              (1, now(), 'warden-cli', NULL, 'token.create', 'token', '1', 'r1', 'd', 'p', 'h1'),
              (2, now(), 'alice', 1, 'token.create', 'token', '2', 'r2', 'd', 'h1', 'h2'),
              (3, now(), 'alice', 1, 'baseline.propose', 'baseline', '1/1', 'r3', 'd', 'h2', 'h3'),
              (4, now(), 'alice', 1, 'exception.create', 'exception', '1', 'r4', 'd', 'h3', 'h4'),
              (5, now(), 'mallory', 2, 'review.revoke', 'review', '1', 'r5', 'd', 'h4', 'h5')
            """,
        ] {
            try await db.execute(sql)
        }
        return db
    }

    static func column(_ db: TestDatabase, _ sql: String) async throws -> [Int64?] {
        try await db.database.client.query(PostgresQuery(unsafeSQL: sql)).collect().map { try $0.decode(Int64?.self) }
    }

    @Test func earlierActsGetTheirTokensFromTheAuditTrail() async throws {
        let db = try await Self.before()
        _ = try await Migrator(database: db.database, migrations: try Migration.bundled()).migrate()
        #expect(try await Self.column(db, "SELECT created_by_token_id FROM api_tokens ORDER BY id") == [nil, 1])
        #expect(try await Self.column(db, "SELECT proposed_by_token_id FROM baselines") == [1])
        #expect(try await Self.column(db, "SELECT created_by_token_id FROM guardrail_exceptions") == [1])
        #expect(try await Self.column(db, "SELECT reviewer_token_id FROM reviews") == [2])
        // The suspended agent counts as suspended by the review that revoked it.
        #expect(try await Self.column(db, "SELECT suspended_by_review FROM agents") == [1])
        // Who acted, once recorded, never changes.
        for sql in [
            "UPDATE api_tokens SET created_by_token_id = NULL WHERE id = 2", "UPDATE baselines SET proposed_by_token_id = 2",
            "UPDATE guardrail_exceptions SET created_by_token_id = 2", "UPDATE reviews SET reviewer_token_id = 1",
        ] {
            await #expect(throws: (any Error).self) { try await db.execute(sql) }
        }
        // A creator is older than what it creates.
        await #expect(throws: (any Error).self) { try await db.execute("UPDATE api_tokens SET created_by_token_id = 2 WHERE id = 1") }
    }
}
