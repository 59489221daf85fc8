import HTTPTypes
import Logging
import OpenAPIRuntime

/// The outermost OpenAPI middleware: whatever an operation or the generated code throws
/// leaves as `application/problem+json`, never as swift-openapi-runtime's empty 500.
struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let problem = ProblemMapping.problem(for: error)
            if problem.status == .internalServerError {
                logger.error(
                    "operation failed",
                    metadata: ["operation": "\(operationID)", "error": "\(Self.describe(error))", "request_id": "\(RequestScope.current.requestID)"]
                )
            }
            return ProblemResponse.make(problem)
        }
    }
}

extension ProblemMiddleware {
    /// What went wrong, without the request: a ServerError's own description repeats the
    /// request headers, bearer token included, and tokens never reach the log.
    static func describe(_ error: any Error) -> String {
        if let error = error as? ServerError {
            return "\(error.causeDescription): \(String(reflecting: error.underlyingError))"
        }
        return String(reflecting: error)
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
