/// A change a person asks of a registered agent, applied to the fields as stored under the
/// agent's row lock (the store runs `apply` there), so the rule sees what it changes.
public enum AgentChange: Sendable, Equatable {
    case patch(AgentPatch)
    case retire

    public enum Refusal: Error, Sendable, Equatable {
        /// Retiring is final; register the agent again instead.
        case retired
    }

    /// The audit trail's name for the change.
    public var action: String {
        switch self {
        case .patch: "agent.update"
        case .retire: "agent.retire"
        }
    }

    /// The fields after the change; a patch is validated as a registration would be.
    public func apply(to current: AgentFields) throws -> AgentFields {
        switch self {
        case .patch(let patch):
            guard current.status != .retired else { throw Refusal.retired }
            let changed = current.applying(patch)
            try changed.validate()
            return changed
        case .retire:
            var retired = current
            retired.status = .retired
            return retired
        }
    }
}
