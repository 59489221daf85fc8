/// A change a person asks of a registered agent, applied to the fields as stored under the
/// agent's row lock (the store runs `apply` there), so the rule sees what it changes.
public enum AgentChange: Sendable, Equatable {
    case patch(AgentPatch)
    case retire

    public enum Refusal: Error, Sendable, Equatable {
        /// Retiring is final; register the agent again instead.
        case retired
        /// Four eyes: a review suspended the agent, and whoever reactivates it may be the person
        /// it must not be (`counterpart`).
        case reactivationBySamePerson(reactivator: String, counterpart: Counterpart, suspension: ReviewSuspension, why: Identity.SamePerson)
    }

    /// Who may not reactivate an agent a review suspended.
    public enum Counterpart: Sendable, Equatable {
        /// The agent's owner (before or after the change).
        case owner(String)
        /// The reviewer whose revoke suspended it.
        case revokingReviewer(String)
    }

    /// How a review suspended an agent; the store keeps it with the agent until its status next changes.
    public struct ReviewSuspension: Sendable, Equatable {
        public var reviewID: Int64
        /// The reviewer whose revoke suspended it; nil when it was suspended because nobody decided in time.
        public var revokedBy: Attribution?

        public init(reviewID: Int64, revokedBy: Attribution?) {
            self.reviewID = reviewID
            self.revokedBy = revokedBy
        }
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

    /// Whether the change is a reactivation: suspended to active.
    public static func reactivates(from current: AgentFields, to changed: AgentFields) -> Bool {
        current.status == .suspended && changed.status == .active
    }

    /// Reactivating an agent a review suspended needs a second person: someone who is neither its
    /// owner (as it was, nor as the change makes it) nor the reviewer whose revoke suspended it,
    /// compared as `Identity` does (names normalised, tokens counting as their creators).
    /// Suspensions by hand, or at registration, are undone by any admin.
    public static func checkReactivation(
        from current: AgentFields,
        to changed: AgentFields,
        suspension: ReviewSuspension?,
        by reactivator: Identity,
        revoker: Identity?
    ) throws(Refusal) {
        guard reactivates(from: current, to: changed), let suspension else { return }
        for owner in Set([current.owner, changed.owner]).sorted() {
            if let why = reactivator.samePerson(asNamed: owner) {
                throw .reactivationBySamePerson(reactivator: reactivator.name, counterpart: .owner(owner), suspension: suspension, why: why)
            }
        }
        if let revoker, let why = reactivator.samePerson(as: revoker) {
            throw .reactivationBySamePerson(
                reactivator: reactivator.name,
                counterpart: .revokingReviewer(revoker.name),
                suspension: suspension,
                why: why
            )
        }
    }

    /// Whether the change moves the agent to another ServiceAccount (its cluster, namespace or
    /// name): the approved baseline was approved for the old one, so it stops being in force and
    /// the agent needs a version approved again.
    public static func withdrawsApproval(from current: AgentFields, to changed: AgentFields) -> Bool {
        current.cluster != changed.cluster || current.namespace != changed.namespace || current.serviceAccount != changed.serviceAccount
    }
}
