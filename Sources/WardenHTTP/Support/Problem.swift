import Foundation
import HTTPTypes
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

/// An RFC 9457 problem: every error a client sees has this shape.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    /// The last part of the type URI; stable, so clients can branch on it.
    var slug: String
    var title: String
    var detail: String
    var errors: [FieldIssue] = []
    var headers: HTTPFields = [:]

    static let typePrefix = "https://warden.dev/problems/"

    var type: String { Self.typePrefix + slug }

    static func badRequest(_ detail: String, errors: [FieldIssue] = []) -> Problem {
        Problem(status: .badRequest, slug: "bad-request", title: "The request is malformed", detail: detail, errors: errors)
    }

    static func validation(_ error: ValidationError) -> Problem {
        Problem(
            status: .badRequest,
            slug: "validation",
            title: "The request has invalid fields",
            detail: error.summary,
            errors: error.issues
        )
    }

    static func invalidParameter(_ name: String, _ detail: String) -> Problem {
        Problem(
            status: .badRequest,
            slug: "validation",
            title: "The request has invalid fields",
            detail: "\(name): \(detail)",
            errors: [FieldIssue(pointer: name, detail: detail)]
        )
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(
            status: .unauthorized,
            slug: "unauthorized",
            title: "Authentication is required",
            detail: detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"warden\""]
        )
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, slug: "forbidden", title: "This token may not do that", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, slug: "conflict", title: "The request conflicts with the current state", detail: detail)
    }

    static func preconditionRequired(_ detail: String) -> Problem {
        Problem(status: .init(code: 428), slug: "precondition-required", title: "If-Match is required", detail: detail)
    }

    static func preconditionFailed(current: String) -> Problem {
        Problem(
            status: .preconditionFailed,
            slug: "precondition-failed",
            title: "The resource has changed",
            detail: "If-Match does not match the current ETag \(current); fetch the resource again and reapply your change",
            headers: [.eTag: current]
        )
    }

    static func tooLarge(limit: Int) -> Problem {
        Problem(
            status: .contentTooLarge,
            slug: "too-large",
            title: "The request body is too large",
            detail: "the body exceeds the limit of \(limit) bytes for this endpoint"
        )
    }

    static func unsupportedMediaType(_ detail: String) -> Problem {
        Problem(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported content type", detail: detail)
    }

    static func unprocessable(_ slug: String, _ title: String, _ detail: String) -> Problem {
        Problem(status: .unprocessableContent, slug: slug, title: title, detail: detail)
    }

    static func internalError(requestID: String) -> Problem {
        Problem(
            status: .internalServerError,
            slug: "internal",
            title: "Internal error",
            detail: "Warden failed to handle the request; the server log has the details under request id \(requestID)"
        )
    }

    static func unavailable(_ detail: String) -> Problem {
        Problem(status: .serviceUnavailable, slug: "unavailable", title: "Not ready", detail: detail)
    }

    /// Maps errors from the store to what the client did.
    static func from(_ error: StoreError) -> Problem {
        switch error {
        case .notFound(let what, let id): return .notFound("there is no \(what) with id \(id)")
        case .conflict(let detail): return .conflict(detail)
        case .preconditionFailed(let current): return .preconditionFailed(current: current)
        case .invalidText(let detail): return .badRequest(detail)
        case .corruptRow: return .internalError(requestID: RequestScope.current.requestID)
        }
    }

    /// Maps a use case's own refusals.
    static func from(_ error: UseCaseError) -> Problem {
        switch error {
        case .notFound(let detail): return .notFound(detail)
        case .conflict(let detail): return .conflict(detail)
        case .forbidden(let detail): return .forbidden(detail)
        case .badRequest(let detail): return .badRequest(detail)
        case .tooLarge(let limit): return .tooLarge(limit: limit)
        case .noSigningKey(let detail):
            return Problem(status: .serviceUnavailable, slug: "no-signing-key", title: "No signing key", detail: detail)
        }
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var instance: String
        var requestId: String
        var errors: [FieldIssue]?
    }

    func encodedBody(instance: String, requestID: String) -> [UInt8] {
        let body = Body(
            type: type,
            title: title,
            status: status.code,
            detail: detail,
            instance: instance,
            requestId: requestID,
            errors: errors.isEmpty ? nil : errors
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(body)) ?? Data("{}".utf8))
    }

    static let contentType = "application/problem+json"
}
