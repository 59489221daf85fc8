import HTTPTypes
import OpenAPIRuntime
import WardenCore
import WardenStore

/// Authenticates the bearer token and checks the role against `AccessPolicy` before the
/// request body is even read, so an unauthenticated caller learns nothing from validation errors.
struct AuthMiddleware: ServerMiddleware {
    let tokens: TokenStore
    let cache: TokenCache
    let clock: any WallClock

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if AccessPolicy.anonymous.contains(operationID) {
            return try await next(request, body, metadata)
        }
        guard let header = request.headerFields[.authorization] else {
            throw Problem.unauthorized("send Authorization: Bearer wdn_...")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("the Authorization header must use the Bearer scheme")
        }
        let secret = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard TokenSecret.isWellFormed(secret), let principal = try await authenticate(TokenSecret(value: secret)) else {
            throw Problem.unauthorized("the token is unknown, expired or revoked")
        }
        if case .forbidden(let allowed) = AccessPolicy.decide(operation: operationID, role: principal.role) {
            let roles = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw Problem.forbidden(
                "a \(principal.role.rawValue) token may not call \(operationID)" + (roles.isEmpty ? "" : "; it needs one of: \(roles)"))
        }
        var scope = RequestScope.current
        scope.principal = principal
        return try await RequestScope.$current.withValue(scope) {
            try await next(request, body, metadata)
        }
    }
}

import Foundation

extension AuthMiddleware {
    private func authenticate(_ secret: TokenSecret) async throws -> Principal? {
        let hash = secret.hash
        let now = clock.now()
        if let cached = cache.principal(forHash: hash, now: now) { return cached }
        guard let principal = try await tokens.authenticate(secret) else { return nil }
        cache.remember(principal, forHash: hash, now: now)
        return principal
    }
}
