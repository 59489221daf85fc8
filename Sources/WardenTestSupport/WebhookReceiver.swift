import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A webhook endpoint on a real loopback port that records what arrives. It can answer the
/// first few requests with 500, or take its time, to exercise retries and crashes.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public var headers: [String: String]
        public var body: [UInt8]
        /// When the request arrived, before any delay the receiver adds.
        public var arrivedAt: Date
        public var deliveryID: String { headers["warden-delivery-id"] ?? "" }
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    actor Log {
        var received: [Received] = []
        var failuresLeft: Int
        init(failures: Int) { failuresLeft = failures }
        func record(_ r: Received) -> Bool {
            received.append(r)
            return answer()
        }
        func answer() -> Bool {
            if failuresLeft > 0 {
                failuresLeft -= 1
                return false
            }
            return true
        }
        func setFailures(_ n: Int) { failuresLeft = n }
    }

    let log: Log
    let delay: Duration
    private let task: Task<Void, any Error>
    public let port: Int

    /// Starts listening; `failFirst` requests get a 500.
    public static func start(failFirst: Int = 0, delay: Duration = .zero) async throws -> WebhookReceiver {
        let log = Log(failures: failFirst)
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let ok = await log.record(Received(headers: headers, body: Array(buffer: buffer), arrivedAt: Date()))
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: ok ? .noContent : .internalServerError)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await p in stream {
            port = p
            break
        }
        return WebhookReceiver(log: log, delay: delay, task: task, port: port)
    }

    private init(log: Log, delay: Duration, task: Task<Void, any Error>, port: Int) {
        self.log = log
        self.delay = delay
        self.task = task
        self.port = port
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }

    public func received() async -> [Received] { await log.received }

    public func failNext(_ count: Int) async { await log.setFailures(count) }

    public func stop() { task.cancel() }
}
