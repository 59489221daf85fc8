/// Refusals a use case makes itself, each of which HTTP shows as one kind of problem. Domain
/// refusals (four eyes, validation, a stored row's conflict) keep their own types.
public enum UseCaseError: Error, Sendable, Equatable {
    case notFound(String)
    case conflict(String)
    /// The caller's token may not do this here (a collector outside its clusters).
    case forbidden(String)
    /// The request cannot be read: its body is not what it says it is.
    case badRequest(String)
    /// The body decompresses to more than `limit` bytes.
    case tooLarge(limit: Int)
    /// This server has no attestation signing key configured.
    case noSigningKey(String)
}
