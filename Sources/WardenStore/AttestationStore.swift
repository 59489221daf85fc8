import Foundation
import PostgresNIO
import WardenCore

/// Stored, signed attestation reports. The report bytes are kept exactly as digested and signed.
public struct AttestationStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    public init(database: Database, audit: AuditLog, clock: any WallClock) {
        self.database = database
        self.audit = audit
        self.clock = clock
    }

    /// What listing shows of a report, without inflating it.
    public struct Summary: Sendable, Hashable, Codable {
        public var verdict: String
        public var reasons: [String]
        public var findings: [String: Int]
        public var agents: Int
        public var nonCompliantAgents: Int

        public init(verdict: String, reasons: [String], findings: [String: Int], agents: Int, nonCompliantAgents: Int) {
            self.verdict = verdict
            self.reasons = reasons
            self.findings = findings
            self.agents = agents
            self.nonCompliantAgents = nonCompliantAgents
        }
    }

    public struct Record: Sendable, Hashable, Codable {
        public var id: Int64
        public var cluster: String
        public var snapshotID: Int64
        public var snapshotDigest: String
        public var summary: Summary
        public var reportDigest: String
        public var keyid: String
        public var createdBy: String
        public var createdAt: Date
    }

    /// What a new report is made of, once its id is known (the signed statement names the id).
    public struct Signed: Sendable {
        public var report: [UInt8]
        public var reportDigest: String
        public var summary: Summary
        public var envelope: [UInt8]
        public var keyid: String

        public init(report: [UInt8], reportDigest: String, summary: Summary, envelope: [UInt8], keyid: String) {
            self.report = report
            self.reportDigest = reportDigest
            self.summary = summary
            self.envelope = envelope
            self.keyid = keyid
        }
    }

    static let columns = "id, cluster, snapshot_id, snapshot_digest, summary::text, report_digest, keyid, created_by, created_at"

    /// Reserves an id, lets `sign` build and sign the report for it, and stores the result.
    public func create(
        cluster: String, snapshot: SnapshotRecord, context: ChangeContext, sign: @Sendable (Int64, Date) async throws -> Signed
    ) async throws -> Record {
        let now = clock.now()
        let id = try await database.withConnection { connection in
            try await connection.query("SELECT nextval('attestations_id_seq')", logger: database.logger).collect().first!.decode(Int64.self)
        }
        let signed = try await sign(id, now)
        let summary = String(decoding: try CanonicalJSON.encode(signed.summary), as: UTF8.self)
        let compressed = try Gzip.compress(signed.report)
        return try await database.withTransaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO attestations (id, cluster, snapshot_id, snapshot_digest, verdict, summary, report_gzip, report_size,
                                          report_digest, envelope, keyid, created_by, created_at)
                VALUES (\(id), \(cluster), \(snapshot.id), \(snapshot.digest), \(signed.summary.verdict), \(summary)::jsonb,
                        \(Data(compressed)), \(Int64(signed.report.count)), \(signed.reportDigest),
                        \(String(decoding: signed.envelope, as: UTF8.self)), \(signed.keyid), \(context.actor), \(now))
                RETURNING \(unescaped: Self.columns)
                """, logger: database.logger
            ).collect()
            guard let row = rows.first else { throw StoreError.corruptRow("INSERT INTO attestations returned nothing") }
            let record = try Self.decode(row)
            try await audit.append(
                context.record(action: "attestation.create", targetType: "attestation", targetID: String(id), stateDigest: signed.reportDigest),
                on: connection)
            return record
        }
    }

    public func get(id: Int64) async throws -> Record {
        let rows = try await database.withConnection { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM attestations WHERE id = \(id)", logger: database.logger).collect()
        }
        guard let row = rows.first else { throw StoreError.notFound(what: "attestation", id: String(id)) }
        return try Self.decode(row)
    }

    /// The canonical report bytes, checked against their digest.
    public func report(id: Int64) async throws -> (record: Record, bytes: [UInt8]) {
        let rows = try await database.withConnection { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.columns), report_gzip, report_size FROM attestations WHERE id = \(id)", logger: database.logger
            ).collect()
        }
        guard let row = rows.first else { throw StoreError.notFound(what: "attestation", id: String(id)) }
        let record = try Self.decode(row)
        let columns = row.makeRandomAccess()
        let compressed = try columns[9].decode(Data.self)
        let size = try columns[10].decode(Int64.self)
        let bytes = try Gzip.decompress(Array(compressed), limit: Int(size))
        guard "sha256:" + SHA256Digest.hex(bytes) == record.reportDigest else {
            throw StoreError.corruptRow("attestation \(id) no longer matches its digest")
        }
        return (record, bytes)
    }

    public func envelope(id: Int64) async throws -> [UInt8] {
        let rows = try await database.withConnection { connection in
            try await connection.query("SELECT envelope FROM attestations WHERE id = \(id)", logger: database.logger).collect()
        }
        guard let row = rows.first else { throw StoreError.notFound(what: "attestation", id: String(id)) }
        return Array(try row.decode(String.self).utf8)
    }

    /// Newest first; `beforeID` is the cursor.
    public func list(cluster: String?, beforeID: Int64?, limit: Int) async throws -> [Record] {
        try await database.withConnection { connection in
            var out: [Record] = []
            for try await row in try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM attestations
                WHERE (\(cluster)::text IS NULL OR cluster = \(cluster)) AND (\(beforeID)::bigint IS NULL OR id < \(beforeID))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: database.logger)
            {
                out.append(try Self.decode(row))
            }
            return out
        }
    }

    static func decode(_ row: PostgresRow) throws -> Record {
        let c = row.makeRandomAccess()
        let id = try c[0].decode(Int64.self)
        guard let summary = try? CanonicalJSON.decode(Summary.self, from: Array(try c[4].decode(String.self).utf8)) else {
            throw StoreError.corruptRow("attestations \(id)")
        }
        return Record(
            id: id, cluster: try c[1].decode(String.self), snapshotID: try c[2].decode(Int64.self), snapshotDigest: try c[3].decode(String.self),
            summary: summary, reportDigest: try c[5].decode(String.self), keyid: try c[6].decode(String.self),
            createdBy: try c[7].decode(String.self), createdAt: try c[8].decode(Date.self))
    }
}
