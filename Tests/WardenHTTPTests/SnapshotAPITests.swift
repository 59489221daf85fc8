import Foundation
import HummingbirdTesting
import Testing
import WardenCore
import WardenHTTP
import WardenStore
import WardenTestSupport

@Suite("Snapshots over HTTP")
struct SnapshotAPITests {
    static func upload(
        _ client: any TestClientProtocol,
        token: String,
        cluster: String = "prod",
        bytes: [UInt8],
        contentType: String = "application/json",
        headers: [String: String] = [:]
    ) async throws -> TestResponse {
        try await client.call(.post, "/v1/clusters/\(cluster)/snapshots", token: token, bytes: bytes, contentType: contentType, headers: headers)
    }

    @Test func uploadStoresTheBytesWithTheirDigestAndCounts() async throws {
        try await withLiveServer { server, client in
            let bytes = Array(SnapshotFixtures.cluster.utf8)
            let response = try await Self.upload(client, token: server.tokens.admin, bytes: bytes)
            #expect(response.status == .created, "\(response.text)")
            let body = try #require(response.json)
            let id = try #require(body["id"] as? Int)
            #expect(response.headers[.location] == "/v1/snapshots/\(id)")
            #expect(body["digest"] as? String == "sha256:" + SHA256Digest.hex(bytes))
            #expect(body["cluster"] as? String == "prod")
            let counts = try #require(body["objectCounts"] as? [String: Int])
            #expect(counts["ServiceAccount"] == 3)
            #expect(counts["Widget"] == 1)
            #expect(counts["ClusterRoleBinding"] == 2)

            let metadata = try await client.call(.get, "/v1/snapshots/\(id)", token: server.tokens.auditor)
            #expect(metadata.json?["digest"] as? String == body["digest"] as? String)

            let content = try await client.call(.get, "/v1/snapshots/\(id)/content", token: server.tokens.reviewer)
            #expect(content.status == .ok)
            #expect(content.json?["kind"] as? String == "List")
            #expect((content.json?["items"] as? [[String: Any]])?.count == 12)
        }
    }

    @Test func gzipAndYAMLUploads() async throws {
        try await withLiveServer { server, client in
            let bytes = Array(SnapshotFixtures.cluster.utf8)
            let zipped = try await Self.upload(
                client,
                token: server.tokens.collector,
                bytes: try Gzip.compress(bytes),
                headers: ["Content-Encoding": "gzip"]
            )
            #expect(zipped.status == .created, "\(zipped.text)")
            #expect(zipped.json?["digest"] as? String == "sha256:" + SHA256Digest.hex(bytes))

            let yaml = try await Self.upload(
                client,
                token: server.tokens.admin,
                bytes: Array(SnapshotFixtures.yaml.utf8),
                contentType: "application/yaml"
            )
            #expect(yaml.status == .created, "\(yaml.text)")
            #expect(yaml.json?["mediaType"] as? String == "application/yaml")
            let id = try #require(yaml.json?["id"] as? Int)
            // The RoleBinding's ServiceAccount subject has no namespace: it means the binding's.
            let allowed = try await client.call(
                .get,
                "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:agents:coder&verb=get&resource=pods&namespace=agents",
                token: server.tokens.admin
            )
            #expect(allowed.json?["allowed"] as? Bool == true, "\(allowed.text)")

            let list = try await client.call(.get, "/v1/clusters/prod/snapshots?limit=1", token: server.tokens.auditor)
            #expect(((list.json?["items"] as? [[String: Any]]) ?? []).count == 1)
            let cursor = try #require(list.json?["nextCursor"] as? String)
            let second = try await client.call(.get, "/v1/clusters/prod/snapshots?limit=1&cursor=\(cursor)", token: server.tokens.auditor)
            #expect(((second.json?["items"] as? [[String: Any]])?.first?["id"] as? Int) != id)
        }
    }

    @Test func malformedSnapshotsNameTheItemAndStoreNothing() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            func refused(_ text: String, contentType: String = "application/json") async throws -> [String] {
                let response = try await Self.upload(client, token: server.tokens.admin, bytes: Array(text.utf8), contentType: contentType)
                return pointers(expectProblem(response, status: 400))
            }
            _ = try await refused(#"{"kind":"List","items":[{"kind":"Pod",}]}"#)
            #expect(
                try await refused(
                    #"{"kind":"List","apiVersion":"v1","items":[{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a","namespace":"x"}},{"apiVersion":"v1","metadata":{"name":"b"}}]}"#
                ).contains("/items/1/kind")
            )
            #expect(
                try await refused(#"{"kind":"List","apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}"#).contains(
                    "/items/0/metadata/namespace"
                )
            )
            #expect(
                try await refused(#"{"kind":"List","apiVersion":"v1","items":[{"kind":"Pod","metadata":{"name":"p","namespace":"n"}}]}"#).contains(
                    "/items/0/apiVersion"
                )
            )
            _ = try await refused("a: [unclosed", contentType: "application/yaml")
            let bomb = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                """
            _ = try await refused(bomb, contentType: "application/yaml")
            _ = try await refused("kind: List", contentType: "application/json")

            expectProblem(try await Self.upload(client, token: server.tokens.admin, bytes: [], contentType: "application/json"), status: 400)
            expectProblem(try await Self.upload(client, token: server.tokens.admin, bytes: Array("x".utf8), contentType: "text/plain"), status: 415)
            expectProblem(
                try await Self.upload(client, token: server.tokens.admin, bytes: Array("{}".utf8), headers: ["Content-Encoding": "br"]),
                status: 415
            )
            expectProblem(
                try await Self.upload(client, token: server.tokens.admin, bytes: Array("not gzip".utf8), headers: ["Content-Encoding": "gzip"]),
                status: 400
            )
            expectProblem(
                try await Self.upload(client, token: server.tokens.admin, cluster: "bad%20name", bytes: Array("{}".utf8)),
                status: 400
            )
            // A collector uploads only for its own clusters.
            expectProblem(
                try await Self.upload(client, token: server.tokens.collector, cluster: "staging", bytes: Array(SnapshotFixtures.cluster.utf8)),
                status: 403
            )
            #expect(try await rowCounts(server) == before)
            let stored = try await server.db.database.client.query("SELECT count(*)::int8 FROM snapshots").collect()
            #expect(try stored.first?.decode(Int64.self) == 0)
        }
    }

    @Test func uploadsOverTheLimitAre413EvenWhenCompressed() async throws {
        try await withLiveServer(settings: ServerSettings(host: "127.0.0.1", port: 0, bodyLimits: BodyLimits(ordinary: 1 << 20, snapshot: 64 << 10)))
        {
            server,
            client in
            let big = Array(("{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[]}" + String(repeating: " ", count: 200 << 10)).utf8)
            expectProblem(try await Self.upload(client, token: server.tokens.admin, bytes: big), status: 413)
            // A small gzip body that inflates past the limit is caught while inflating.
            expectProblem(
                try await Self.upload(client, token: server.tokens.admin, bytes: try Gzip.compress(big), headers: ["Content-Encoding": "gzip"]),
                status: 413
            )
        }
    }

    @Test func subjectAccessReviewTakesGroupsExactlyAndNamesTheGrants() async throws {
        try await withLiveServer { server, client in
            let upload = try await Self.upload(client, token: server.tokens.admin, bytes: Array(SnapshotFixtures.cluster.utf8))
            let id = try #require(upload.json?["id"] as? Int)
            let path = "/v1/snapshots/\(id)/subjectaccessreviews"
            let podReview = #"""
                {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:serviceaccount:agents:coder",
                 "resourceAttributes":{"namespace":"agents","verb":"list","resource":"pods"}}}
                """#
            let allowed = try await client.call(.post, path, token: server.tokens.auditor, json: podReview)
            #expect(allowed.status == .ok, "\(allowed.text)")
            let status = try #require(allowed.json?["status"] as? [String: Any])
            #expect(status["allowed"] as? Bool == true)
            let grant = try #require((status["grants"] as? [[String: Any]])?.first)
            #expect(grant["bindingKind"] as? String == "RoleBinding")
            #expect(grant["bindingName"] as? String == "coder")
            #expect(grant["roleName"] as? String == "coder")
            #expect(grant["ruleIndex"] as? Int == 0)

            // Groups are taken exactly as given: without system:serviceaccounts:agents, no secrets.
            let secrets =
                #"{"spec":{"user":"system:serviceaccount:agents:coder","resourceAttributes":{"namespace":"agents","verb":"get","resource":"secrets"}}}"#
            let denied = try await client.call(.post, path, token: server.tokens.auditor, json: secrets)
            #expect((denied.json?["status"] as? [String: Any])?["allowed"] as? Bool == false)
            let withGroup = secrets.replacingOccurrences(of: #""user":"#, with: #""groups":["system:serviceaccounts:agents"],"user":"#)
            let granted = try await client.call(.post, path, token: server.tokens.auditor, json: withGroup)
            #expect((granted.json?["status"] as? [String: Any])?["allowed"] as? Bool == true, "\(granted.text)")

            // resourceNames: only the named configmap.
            let named =
                #"{"spec":{"user":"system:serviceaccount:agents:coder","resourceAttributes":{"namespace":"agents","verb":"update","resource":"configmaps","name":"settings"}}}"#
            #expect(
                ((try await client.call(.post, path, token: server.tokens.admin, json: named)).json?["status"] as? [String: Any])?["allowed"] as? Bool
                    == true
            )
            let unnamed = named.replacingOccurrences(of: #","name":"settings""#, with: "")
            #expect(
                ((try await client.call(.post, path, token: server.tokens.admin, json: unnamed)).json?["status"] as? [String: Any])?["allowed"]
                    as? Bool == false
            )

            let both =
                #"{"spec":{"user":"u","resourceAttributes":{"verb":"get","resource":"pods"},"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}"#
            #expect(pointers(expectProblem(try await client.call(.post, path, token: server.tokens.admin, json: both), status: 400)) == ["/spec"])
            let noVerb = #"{"spec":{"user":"u","resourceAttributes":{"resource":"pods"}}}"#
            #expect(
                pointers(expectProblem(try await client.call(.post, path, token: server.tokens.admin, json: noVerb), status: 400)) == [
                    "/spec/resourceAttributes/verb"
                ]
            )
            expectProblem(
                try await client.call(.post, "/v1/snapshots/999999/subjectaccessreviews", token: server.tokens.admin, json: podReview),
                status: 404
            )
        }
    }

    @Test func canIAddsImplicitGroupsAndSaysSo() async throws {
        try await withLiveServer { server, client in
            let upload = try await Self.upload(client, token: server.tokens.admin, bytes: Array(SnapshotFixtures.cluster.utf8))
            let id = try #require(upload.json?["id"] as? Int)
            let base = "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:agents:reader"
            let secrets = try await client.call(.get, base + "&verb=get&resource=secrets&namespace=agents", token: server.tokens.reviewer)
            #expect(secrets.json?["allowed"] as? Bool == true, "\(secrets.text)")
            #expect(
                (secrets.json?["implicitGroups"] as? [String]) == ["system:serviceaccounts", "system:serviceaccounts:agents", "system:authenticated"]
            )
            let grant = try #require((secrets.json?["grants"] as? [[String: Any]])?.first)
            #expect(grant["bindingName"] as? String == "all-agents-read-secrets")
            #expect((grant["subject"] as? [String: Any])?["name"] as? String == "system:serviceaccounts:agents")

            let exec = try await client.call(
                .get,
                "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:agents:coder&verb=create&resource=pods&subresource=exec&namespace=agents",
                token: server.tokens.reviewer
            )
            #expect(exec.json?["allowed"] as? Bool == false)
            let logs = try await client.call(
                .get,
                "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:agents:coder&verb=get&resource=pods&subresource=log&namespace=agents",
                token: server.tokens.reviewer
            )
            #expect(logs.json?["allowed"] as? Bool == true)
            // A RoleBinding grants only in its own namespace.
            let elsewhere = try await client.call(
                .get,
                "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:agents:coder&verb=get&resource=pods&namespace=tools",
                token: server.tokens.reviewer
            )
            #expect(elsewhere.json?["allowed"] as? Bool == false)
            let health = try await client.call(.get, "/v1/snapshots/\(id)/can-i?as=jane&verb=get&path=/livez/ping", token: server.tokens.reviewer)
            #expect(health.json?["allowed"] as? Bool == true, "\(health.text)")

            expectProblem(try await client.call(.get, "/v1/snapshots/\(id)/can-i?as=jane&resource=pods", token: server.tokens.admin), status: 400)
            expectProblem(
                try await client.call(.get, "/v1/snapshots/\(id)/can-i?as=jane&verb=get&resource=pods&path=/x", token: server.tokens.admin),
                status: 400
            )
            expectProblem(
                try await client.call(
                    .get,
                    "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:bad&verb=get&resource=pods",
                    token: server.tokens.admin
                ),
                status: 400
            )
            expectProblem(try await client.call(.get, "/v1/snapshots/\(id)/can-i?verb=get&resource=pods", token: server.tokens.admin), status: 400)
        }
    }

    @Test func whoCanAndPermissions() async throws {
        try await withLiveServer { server, client in
            let upload = try await Self.upload(client, token: server.tokens.admin, bytes: Array(SnapshotFixtures.cluster.utf8))
            let id = try #require(upload.json?["id"] as? Int)
            let who = try await client.call(
                .get,
                "/v1/snapshots/\(id)/who-can?verb=get&resource=secrets&namespace=agents",
                token: server.tokens.auditor
            )
            #expect(who.status == .ok, "\(who.text)")
            let names = ((who.json?["subjects"] as? [[String: Any]]) ?? []).compactMap { ($0["subject"] as? [String: Any])?["name"] as? String }
            // The group, and each ServiceAccount it reaches; not the one in another namespace.
            #expect(names.contains("system:serviceaccounts:agents"))
            #expect(names.contains("coder") && names.contains("reader"))
            #expect(!names.contains("other"))

            let permissions = try await client.call(
                .get,
                "/v1/snapshots/\(id)/permissions?as=system:serviceaccount:agents:coder",
                token: server.tokens.auditor
            )
            #expect(permissions.status == .ok, "\(permissions.text)")
            let clusterWide = try #require(permissions.json?["clusterWide"] as? [[String: Any]])
            #expect(Set(clusterWide.compactMap { $0["roleName"] as? String }) == ["secret-reader", "health"])
            let namespaces = try #require(permissions.json?["namespaces"] as? [[String: Any]])
            #expect(namespaces.map { $0["namespace"] as? String } == ["agents"])
        }
    }

    @Test func bootstrapRolesNeedAggregationToGrantAnything() async throws {
        try await withLiveServer { server, client in
            var yaml = try SnapshotFixtures.bootstrap()
            yaml += """

                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: coder-edit, namespace: agents}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects: [{kind: ServiceAccount, name: coder, namespace: agents}]
                """
            let upload = try await Self.upload(client, token: server.tokens.admin, bytes: Array(yaml.utf8), contentType: "application/yaml")
            #expect(upload.status == .created, "\(upload.text)")
            let id = try #require(upload.json?["id"] as? Int)
            func can(_ query: String) async throws -> Bool? {
                let r = try await client.call(
                    .get,
                    "/v1/snapshots/\(id)/can-i?as=system:serviceaccount:agents:coder&" + query,
                    token: server.tokens.admin
                )
                return r.json?["allowed"] as? Bool
            }
            // edit has rules: null; only aggregation (aggregate-to-edit, and view through it) gives it any.
            #expect(try await can("verb=get&resource=secrets&namespace=agents") == true)
            #expect(try await can("verb=create&group=apps&resource=deployments&namespace=agents") == true)
            #expect(try await can("verb=create&resource=pods&subresource=exec&namespace=agents") == true)
            #expect(try await can("verb=create&group=rbac.authorization.k8s.io&resource=roles&namespace=agents") == false)
            #expect(try await can("verb=get&resource=pods&namespace=kube-system") == false)
            // system:discovery and system:public-info-viewer reach every authenticated user.
            #expect(try await can("verb=get&path=/version") == true)
            #expect(try await can("verb=get&path=/api/v1") == true)
        }
    }
}
