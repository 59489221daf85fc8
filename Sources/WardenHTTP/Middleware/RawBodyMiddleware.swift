import HTTPTypes
import OpenAPIRuntime

/// The bytes of an upload exactly as sent, for operations whose body must not go through the
/// generated JSON decoding: a 256 MiB `kubectl get -o json` would cost seconds and gigabytes in
/// `JSONDecoder`, and its digest must be over the bytes themselves. The contract still declares
/// these bodies (as optional, so the generated code accepts the empty body handed on to it).
struct RawBody: Sendable {
    var bytes: [UInt8]
    var contentType: String?
    var contentEncoding: String?

    @TaskLocal static var current: RawBody?
}

struct RawBodyMiddleware: ServerMiddleware {
    let operations: Set<String>

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard operations.contains(operationID) else {
            return try await next(request, body, metadata)
        }
        // Hummingbird already bounded the body by the endpoint's limit.
        let bytes: [UInt8] = if let body { try await [UInt8](collecting: body, upTo: .max) } else { [] }
        let raw = RawBody(
            bytes: bytes,
            contentType: request.headerFields[.contentType],
            contentEncoding: request.headerFields[.contentEncoding]
        )
        var stripped = request
        stripped.headerFields[.contentType] = nil
        stripped.headerFields[.contentEncoding] = nil
        return try await RawBody.$current.withValue(raw) {
            try await next(stripped, nil, metadata)
        }
    }
}
