import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIRuntime
import WardenCore

/// The outermost Hummingbird middleware: gives every request an id, bounds its body, logs it,
/// and turns anything thrown outside the generated operations (unknown paths, oversized
/// bodies) into problem+json as well.
struct RequestMiddleware<Context: RequestContext>: RouterMiddleware {
    static var requestIDHeader: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    let logger: Logger
    let limits: BodyLimits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = Self.acceptableRequestID(request.headers[Self.requestIDHeader]) ?? Self.newRequestID()
        let scope = RequestScope(requestID: requestID, path: request.uri.path, principal: nil)
        var response = await RequestScope.$current.withValue(scope) { () async -> Response in
            do {
                var request = request
                // No field anywhere in Warden may hold NUL; refuse it in the URL before any handler sees it.
                if request.uri.path.contains("\u{0}") || (request.uri.query?.contains("%00") ?? false) {
                    throw Problem.badRequest("the URL must not contain NUL characters")
                }
                let limit = limits.limit(forPath: request.uri.path)
                if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                    throw Problem.tooLarge(limit: limit)
                }
                if [.post, .put, .patch].contains(request.method) {
                    do {
                        _ = try await request.collectBody(upTo: limit)
                    } catch let error as HTTPError where error.status == .contentTooLarge {
                        throw Problem.tooLarge(limit: limit)
                    }
                }
                return try await next(request, context)
            } catch {
                let problem = ProblemMapping.problem(for: error)
                if problem.status == .internalServerError {
                    logger.error("request failed", metadata: ["request_id": "\(requestID)", "error": "\(ProblemMiddleware.describe(error))"])
                }
                return Self.response(problem, path: request.uri.path, requestID: requestID)
            }
        }
        response.headers[Self.requestIDHeader] = requestID
        let elapsed = ContinuousClock.now - started
        logger.info(
            "request",
            metadata: [
                "request_id": "\(requestID)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
                "status": "\(response.status.code)",
                "duration_ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
            ]
        )
        return response
    }

    static func response(_ problem: Problem, path: String, requestID: String) -> Response {
        var headers = problem.headers
        headers[.contentType] = Problem.contentType
        let bytes = problem.encodedBody(instance: path, requestID: requestID)
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A client's own request id is kept if it is short and plain, so it can correlate logs; anything else is replaced.
    static func acceptableRequestID(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") })
        else { return nil }
        return value
    }

    static func newRequestID() -> String {
        // Two draws, not twelve: each draw from the system generator is a system call.
        var rng = SystemRandomNumberGenerator()
        let (a, b) = (rng.next(), rng.next())
        let bytes = (0..<12).map { i in UInt8(truncatingIfNeeded: (i < 8 ? a : b) >> (8 * UInt64(i % 8))) }
        return Base64URL.encode(bytes)
    }
}

/// How large a body each endpoint accepts.
public struct BodyLimits: Sendable {
    public var ordinary: Int
    public var snapshot: Int

    public init(ordinary: Int = 10 << 20, snapshot: Int = 256 << 20) {
        self.ordinary = ordinary
        self.snapshot = snapshot
    }

    func limit(forPath path: String) -> Int {
        path.hasPrefix("/v1/clusters/") && path.hasSuffix("/snapshots") ? snapshot : ordinary
    }
}
