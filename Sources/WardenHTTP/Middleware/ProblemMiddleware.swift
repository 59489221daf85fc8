import HTTPTypes
import Logging
import OpenAPIRuntime

/// The outermost OpenAPI middleware: whatever an operation or the generated code throws
/// leaves as `application/problem+json`, never as swift-openapi-runtime's empty 500.
struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let problem = ProblemMapping.problem(for: error)
            if problem.status.code >= 500 {
                logger.error(
                    "operation failed",
                    metadata: ["operation": "\(operationID)", "error": "\(String(reflecting: error))", "request_id": "\(RequestScope.current.requestID)"])
            }
            return ProblemResponse.make(problem)
        }
    }
}

enum ProblemResponse {
    static func make(_ problem: Problem) -> (HTTPResponse, HTTPBody?) {
        let scope = RequestScope.current
        let bytes = problem.encodedBody(instance: scope.path, requestID: scope.requestID)
        var headers = problem.headers
        headers[.contentType] = Problem.contentType
        return (HTTPResponse(status: problem.status, headerFields: headers), HTTPBody(bytes))
    }
}
