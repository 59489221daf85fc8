import Foundation
import Hummingbird
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

/// Turns whatever was thrown while handling a request into the problem a client should see.
/// Anything that is not recognisably the client's doing becomes a 500 whose detail leaks nothing.
enum ProblemMapping {
    /// Path parameters the contract types as integers; a bad one is named in the problem.
    static let integerPathParameters: Set<String> = ["id", "version"]

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as ServerError:
            return problem(for: error)
        case let error as StoreError:
            return .from(error)
        case let error as UseCaseError:
            return .from(error)
        case let refusal as BaselineDecisionRules.Refusal:
            return WardenAPI.problem(refusal)
        case let refusal as ReviewDecisionRules.Refusal:
            return WardenAPI.problem(refusal)
        case let refusal as AgentChange.Refusal:
            return WardenAPI.problem(refusal)
        case let refusal as TokenNameRules.Refusal:
            return WardenAPI.problem(refusal)
        case let error as ValidationError:
            return .validation(error)
        case let error as DecodingError:
            return decodingProblem(error)
        case let error as HTTPError:
            return httpProblem(error.status, message: error.body)
        default:
            return .internalError(requestID: RequestScope.current.requestID)
        }
    }

    private static func problem(for error: ServerError) -> Problem {
        // A request that never became an operation input failed to decode; a bad integer path parameter is the usual cause.
        if error.operationInput == nil {
            for (name, value) in error.requestMetadata.pathParameters.sorted(by: { $0.key < $1.key })
            where integerPathParameters.contains(name) && Int64(value) == nil {
                return .invalidParameter(name, "must be an integer, not '\(value.prefix(100))'")
            }
        }
        switch error.underlyingError {
        case is Problem, is StoreError, is UseCaseError, is BaselineDecisionRules.Refusal, is ReviewDecisionRules.Refusal,
            is AgentChange.Refusal, is TokenNameRules.Refusal, is ValidationError, is DecodingError, is HTTPError:
            return problem(for: error.underlyingError)
        default:
            break
        }
        // Errors the generated code raised while reading the request carry a 4xx status.
        let status = error.httpStatus
        guard status.kind == .clientError else {
            return .internalError(requestID: RequestScope.current.requestID)
        }
        if status == .unsupportedMediaType {
            return .unsupportedMediaType(error.causeDescription)
        }
        return Problem(status: status, slug: "bad-request", title: "The request is malformed", detail: error.causeDescription)
    }

    private static func httpProblem(_ status: HTTPResponse.Status, message: String?) -> Problem {
        switch status {
        case .notFound:
            return .notFound(message ?? "no such path; GET /openapi.yaml lists every operation")
        case .contentTooLarge:
            return Problem(status: status, slug: "too-large", title: "The request body is too large", detail: message ?? "the body is too large")
        case .methodNotAllowed:
            return Problem(
                status: status,
                slug: "method-not-allowed",
                title: "Method not allowed",
                detail: message ?? "this path does not take that method"
            )
        default:
            if status.kind == .clientError {
                return Problem(status: status, slug: "bad-request", title: status.reasonPhrase, detail: message ?? status.reasonPhrase)
            }
            return .internalError(requestID: RequestScope.current.requestID)
        }
    }

    /// Names the offending field as a JSON pointer into the body.
    static func decodingProblem(_ error: DecodingError) -> Problem {
        func pointer(_ path: [any CodingKey]) -> String {
            let tokens = path.map { key in key.intValue.map(String.init) ?? jsonPointerEscape(key.stringValue) }
            return tokens.isEmpty ? "" : "/" + tokens.joined(separator: "/")
        }
        let issue: FieldIssue
        switch error {
        case .keyNotFound(let key, let context):
            issue = FieldIssue(pointer: pointer(context.codingPath + [key]), detail: "is required")
        case .typeMismatch(let type, let context):
            issue = FieldIssue(pointer: pointer(context.codingPath), detail: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            issue = FieldIssue(pointer: pointer(context.codingPath), detail: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            let detail = cleanDescription(context)
            if context.codingPath.isEmpty {
                return .badRequest("the body is not valid JSON: \(detail)")
            }
            issue = FieldIssue(pointer: pointer(context.codingPath), detail: detail)
        @unknown default:
            return .badRequest("the body could not be read")
        }
        return Problem(
            status: .badRequest,
            slug: "validation",
            title: "The request has invalid fields",
            detail: "\(issue.pointer.isEmpty ? "body" : issue.pointer): \(issue.detail)",
            errors: [issue]
        )
    }

    private static func cleanDescription(_ context: DecodingError.Context) -> String {
        var text = context.debugDescription
        if let underlying = context.underlyingError {
            text += " (\(String(describing: underlying).prefix(200)))"
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String": return "a string"
        case "Int", "Int64", "Int32": return "an integer"
        case "Double", "Float": return "a number"
        case "Bool": return "true or false"
        default:
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid value"
        }
    }
}
