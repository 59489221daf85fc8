import Foundation
import HummingbirdTesting
import Testing
import WardenTestSupport

@Suite("Health, readiness, metrics and the contract")
struct OperationsTests {
    @Test func healthReadinessAndContract() async throws {
        try await withLiveServer { server, client in
            let health = try await client.call(.get, "/healthz", token: nil)
            #expect(health.status == .ok)
            #expect(health.json?["status"] as? String == "ok")
            let ready = try await client.call(.get, "/readyz", token: nil)
            #expect(ready.status == .ok, "\(ready.text)")
            let spec = try await client.call(.get, "/openapi.yaml", token: nil)
            #expect(spec.status == .ok)
            #expect(spec.text.hasPrefix("openapi: 3.1"))
            #expect(spec.headers[.contentType] == "application/yaml")
        }
    }

    @Test func readinessFailsWhenMigrationsAreMissing() async throws {
        try await withLiveServer { server, client in
            try await server.db.execute("DELETE FROM schema_migrations")
            let ready = try await client.call(.get, "/readyz", token: nil)
            expectProblem(ready, status: 503)
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await withLiveServer { server, client in
            _ = try await client.call(.get, "/v1/agents", token: server.tokens.admin)
            _ = try await client.call(.get, "/v1/agents/abc", token: server.tokens.admin)
            // Hummingbird records a request after its response is written, so give it a moment.
            var text = ""
            for _ in 0..<50 {
                let metrics = try await client.call(.get, "/metrics", token: nil)
                #expect(metrics.status == .ok)
                text = metrics.text
                if text.contains(#"http_response_status_code="400""#) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(
                text.contains(#"hb_requests{http_route="/v1/agents/{id}",http_request_method="GET",http_response_status_code="400"}"#),
                "\(text.prefix(3000))"
            )
            #expect(text.contains("http_server_request_duration_bucket"))
            #expect(text.contains("warden_db_connections_in_use"))
        }
    }
}
