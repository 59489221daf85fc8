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
            let metrics = try await client.call(.get, "/metrics", token: nil)
            #expect(metrics.status == .ok)
            let text = metrics.text
            #expect(text.contains("http_requests_total") || text.contains("http_server_request_duration"), "\(text.prefix(2000))")
            #expect(text.contains("/v1/agents/{id}") || text.contains("/v1/agents/:id"))
            #expect(text.contains("warden_db_connections_in_use"))
        }
    }
}
