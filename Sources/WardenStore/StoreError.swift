/// Outcomes of a store operation that a client caused and can act on. Everything else is a bug or an outage.
public enum StoreError: Error, Sendable, Equatable {
    case notFound(what: String, id: String)
    /// A unique constraint held: the thing exists already.
    case conflict(String)
    /// The `If-Match` tag no longer matches the stored version.
    case preconditionFailed(current: String)
    /// Text PostgreSQL cannot store (a NUL character): still the client's input, caught at the last line.
    case invalidText(String)
    /// A stored row breaks an invariant the schema should have kept: a bug, never the client's doing.
    case corruptRow(String)
}
