import HTTPTypes
import OpenAPIRuntime
import WardenCore
import WardenStore

/// Makes a POST carrying `Idempotency-Key` safe to retry: the first response (success or
/// client error) is stored and replayed; the same key with a different body is refused.
struct IdempotencyMiddleware: ServerMiddleware {
    static let keyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!
    /// The response headers worth replaying; the rest (dates, request ids) belong to the retry.
    static let keptHeaders: [HTTPField.Name] = [.location, .eTag, .contentType, .wwwAuthenticate]

    let store: IdempotencyStore

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard request.method == .post, let key = request.headerFields[Self.keyHeader] else {
            return try await next(request, body, metadata)
        }
        guard (1...255).contains(key.utf8.count) else {
            throw Problem.invalidParameter("Idempotency-Key", "must be 1 to 255 characters")
        }
        let principal = try RequestScope.current.requiredPrincipal.name
        // The body was already bounded by the size limit when Hummingbird received it.
        let bytes: [UInt8] = if let body { try await [UInt8](collecting: body, upTo: .max) } else { [] }
        let fingerprint = SHA256Digest.bytes(Array("\(request.method.rawValue) \(request.path ?? "")\n".utf8) + bytes)

        switch try await store.claim(principal: principal, key: key, requestHash: fingerprint) {
        case .replay(let stored):
            var headers = HTTPFields()
            for (name, value) in stored.headers {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            headers[Self.replayedHeader] = "true"
            return (HTTPResponse(status: .init(code: stored.status), headerFields: headers), HTTPBody(stored.body))
        case .mismatch:
            throw Problem.unprocessable(
                "idempotency-key-reused",
                "Idempotency-Key reused",
                "this Idempotency-Key was used with a different request; use a new key for a new request"
            )
        case .inProgress:
            throw Problem.conflict("a request with this Idempotency-Key is still being processed; retry shortly")
        case .claimed:
            break
        }

        let (response, responseBytes) = try await runFirst(request, bytes, metadata, next: next, principal: principal, key: key)
        if response.status.kind == .serverError {
            try? await store.release(principal: principal, key: key)
        } else {
            var kept: [String: String] = [:]
            for name in Self.keptHeaders {
                if let value = response.headerFields[name] { kept[name.canonicalName] = value }
            }
            try await store.complete(
                principal: principal,
                key: key,
                response: .init(status: response.status.code, headers: kept, body: responseBytes)
            )
        }
        return (response, HTTPBody(responseBytes))
    }

    /// Runs the request for real; a client error it throws is rendered here so that it is stored and replayed too.
    private func runFirst(
        _ request: HTTPRequest,
        _ bytes: [UInt8],
        _ metadata: ServerRequestMetadata,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        principal: String,
        key: String
    ) async throws -> (HTTPResponse, [UInt8]) {
        do {
            let (head, responseBody) = try await next(request, HTTPBody(bytes), metadata)
            let collected: [UInt8] = if let responseBody { try await [UInt8](collecting: responseBody, upTo: .max) } else { [] }
            return (head, collected)
        } catch {
            let problem = ProblemMapping.problem(for: error)
            guard problem.status.kind == .clientError else {
                try? await store.release(principal: principal, key: key)
                throw error
            }
            let (head, problemBody) = ProblemResponse.make(problem)
            let collected: [UInt8] = if let problemBody { try await [UInt8](collecting: problemBody, upTo: .max) } else { [] }
            return (head, collected)
        }
    }
}
