import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Bytes a handler must send verbatim, for responses whose exact bytes matter: a report's
/// canonical JSON is what its signed digest covers, and sending it through the generated Codable
/// types would re-encode it. The contract still declares the response; the handler returns a
/// placeholder and sets the bytes here.
final class RawResponse: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var bytes: [UInt8]?

    @TaskLocal static var current: RawResponse?

    /// Called by a handler; the middleware sends `bytes` instead of what the handler returns.
    static func send(_ bytes: [UInt8]) {
        guard let box = current else { preconditionFailure("RawResponse.send outside RawResponseMiddleware") }
        box.lock.withLock { box.bytes = bytes }
    }

    fileprivate func take() -> [UInt8]? { lock.withLock { bytes } }
}

struct RawResponseMiddleware: ServerMiddleware {
    let operations: Set<String>

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard operations.contains(operationID) else { return try await next(request, body, metadata) }
        let box = RawResponse()
        var (response, responseBody) = try await RawResponse.$current.withValue(box) { try await next(request, body, metadata) }
        if let bytes = box.take() {
            response.headerFields[.contentLength] = String(bytes.count)
            responseBody = HTTPBody(bytes)
        }
        return (response, responseBody)
    }
}
