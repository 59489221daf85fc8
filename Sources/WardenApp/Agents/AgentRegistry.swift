import WardenCore
import WardenStore

/// Registering agents, finding them, and changing them.
public struct AgentRegistry: Sendable {
    let store: AgentStore

    public func register(_ fields: AgentFields, context: ChangeContext) async throws -> Agent {
        try fields.validate()
        return try await store.create(fields, context: context)
    }

    /// Oldest first; `afterID` is the cursor.
    public func list(_ filter: AgentStore.Filter, afterID: Int64, limit: Int) async throws -> [Agent] {
        try await store.list(filter, afterID: afterID, limit: limit)
    }

    public func get(id: Int64) async throws -> Agent {
        try await store.get(id: id)
    }

    /// Applies `change` if the agent is still at `expectedVersion` (nil: whatever its version).
    public func change(id: Int64, expectedVersion: Int64?, _ change: AgentChange, context: ChangeContext) async throws -> Agent {
        try await store.update(id: id, expectedVersion: expectedVersion, change: change, context: context)
    }
}
