import HTTPTypes
import OpenAPIRuntime

/// An empty request body is no body. The transport always hands the generated code a body, even
/// of zero bytes, and the generated code then tries to decode `""` as JSON; an operation whose body
/// is optional (`POST .../approve`) must accept a bare POST, and one whose body is required should
/// say it is missing rather than that it is malformed.
struct EmptyBodyMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body, [.post, .put, .patch, .delete].contains(request.method) else {
            return try await next(request, body, metadata)
        }
        // Hummingbird has already collected and bounded the body, so this reads memory, not the socket.
        let bytes = try await [UInt8](collecting: body, upTo: .max)
        return try await next(request, bytes.isEmpty ? nil : HTTPBody(bytes), metadata)
    }
}
