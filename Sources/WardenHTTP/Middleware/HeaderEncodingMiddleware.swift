import HTTPTypes
import OpenAPIRuntime
import WardenCore

/// swift-openapi-runtime writes response header values URI-encoded (`"1-2"` becomes `%221-2%22`),
/// which breaks `ETag` and `Location` for every client that copies them verbatim. This restores
/// the literal values the contract describes.
struct HeaderEncodingMiddleware: ServerMiddleware {
    static let literalHeaders: [HTTPField.Name] = [.location, .eTag]

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, responseBody) = try await next(request, body, metadata)
        for name in Self.literalHeaders {
            if let value = response.headerFields[name], value.utf8.contains(UInt8(ascii: "%")) {
                response.headerFields[name] = PercentEncoding.decoded(value) ?? value
            }
        }
        return (response, responseBody)
    }
}
