import Foundation
import HummingbirdTesting
import Testing
import WardenTestSupport

/// A valid agent body, with fields replaced as a test needs.
func agentJSON(
    name: String = "coder",
    cluster: String = "prod",
    namespace: String = "agents",
    serviceAccount: String = "coder",
    owner: String = "team-a",
    riskTier: String = "high",
    labels: String = #"{"team":"a"}"#
) -> String {
    """
    {"name":"\(name)","cluster":"\(cluster)","namespace":"\(namespace)","serviceAccount":"\(serviceAccount)",\
    "owner":"\(owner)","purpose":"writes code","riskTier":"\(riskTier)","labels":\(labels)}
    """
}

/// Asserts an RFC 9457 body and returns it.
@discardableResult
func expectProblem(_ response: TestResponse, status: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
    #expect(response.status.code == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
    let body = response.json ?? [:]
    #expect(body["status"] as? Int == status, sourceLocation: sourceLocation)
    #expect((body["type"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    #expect((body["title"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(body["detail"] is String, sourceLocation: sourceLocation)
    #expect(body["instance"] is String, sourceLocation: sourceLocation)
    return body
}

func pointers(_ problem: [String: Any]) -> [String] {
    ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
}

/// Counts rows, to show that a refused request changed nothing.
func rowCounts(_ server: TestServer) async throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for table in ["agents", "api_tokens", "audit_events", "idempotency_keys"] {
        let rows = try await server.db.database.client.query(.init(unsafeSQL: "SELECT count(*)::int8 FROM \(table)")).collect()
        counts[table] = Int(try rows.first!.decode(Int64.self))
    }
    return counts
}

/// A digest of every row a refused request must leave alone: agents, tokens (all but when they
/// were last used), baselines, reviews, exceptions and the audit trail, with the row counts.
func storedState(_ server: TestServer) async throws -> [String: String] {
    var state = try await rowCounts(server).mapValues(String.init)
    let rows = [
        "agents": "(t.*)::text FROM agents t", "baselines": "(t.*)::text FROM baselines t", "reviews": "(t.*)::text FROM reviews t",
        "guardrail_exceptions": "(t.*)::text FROM guardrail_exceptions t", "audit_events": "(t.*)::text FROM audit_events t",
        "api_tokens": "(t.id, t.name, t.role, t.created_by_token_id, t.expires_at, t.revoked_at)::text FROM api_tokens t",
    ]
    for (table, select) in rows {
        let result = try await server.db.database.client.query(
            .init(unsafeSQL: "SELECT coalesce(md5(string_agg(r, '|' ORDER BY r)), '') FROM (SELECT \(select)) AS s(r)")
        ).collect()
        state[table + " rows"] = try result.first!.decode(String.self)
    }
    return state
}

/// A baseline proposal: the playbook's coding agent, by default.
func baselineJSON(
    namespace: String = "agents",
    rules: String = #"[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]}]"#,
    extra: String = ""
) -> String {
    #"{"grants":[{"namespace":"\#(namespace)","rules":\#(rules)}],"justification":"reads its own pods"\#(extra)}"#
}
