import WardenCore
import WardenStore

/// What every layer of one request may need to know about it, carried as a task local so the
/// generated handler signatures stay exactly as the contract defines them.
struct RequestScope: Sendable {
    var requestID: String
    var path: String
    var principal: Principal?

    @TaskLocal static var current = RequestScope(requestID: "none", path: "/", principal: nil)

    /// The caller; only operations in `AccessPolicy.anonymous` run without one.
    var requiredPrincipal: Principal {
        get throws {
            guard let principal else { throw Problem.unauthorized("this operation needs a bearer token") }
            return principal
        }
    }

    var changeContext: ChangeContext {
        ChangeContext(actor: principal?.name ?? "anonymous", tokenID: principal?.tokenID, requestID: requestID)
    }
}
