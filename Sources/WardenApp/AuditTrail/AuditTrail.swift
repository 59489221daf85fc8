import WardenCore
import WardenStore

/// Reading the hash-chained audit trail and checking it.
public struct AuditTrail: Sendable {
    let log: AuditLog

    /// Oldest first; `afterID` is the cursor.
    public func list(_ filter: AuditLog.Filter, afterID: Int64, limit: Int) async throws -> [AuditEvent] {
        try await log.list(filter, afterID: afterID, limit: limit)
    }

    public func verify() async throws -> AuditChainVerifier {
        try await log.verify()
    }
}
