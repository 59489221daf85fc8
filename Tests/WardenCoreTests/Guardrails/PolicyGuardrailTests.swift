import Foundation
import Testing

@testable import WardenCore

@Suite("NetworkPolicy, audit, exceptions, expectations and output")
struct PolicyGuardrailTests {
    static func policy(_ spec: JSONValue) -> [Finding] {
        NetworkGuardrails.check(namespace: "agents", name: "np", body: ["spec": spec], egress: GuardrailExpectations.default.egress)
    }

    @Test func egressWithinExpectations() {
        #expect(
            Self.policy([
                "policyTypes": ["Egress"],
                "egress": [
                    ["ports": [["port": 53, "protocol": "UDP"], ["port": 53, "protocol": "TCP"]]],
                    ["to": [["ipBlock": ["cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]]], ["podSelector": [:]]], "ports": [["port": 443]]],
                ],
            ]).isEmpty
        )
    }

    @Test func egressBeyondExpectations() {
        let f = Self.policy([
            "policyTypes": ["Ingress", "Egress"], "ingress": [["from": [["podSelector": [:]]]]],
            "egress": [
                ["to": [["ipBlock": ["cidr": "0.0.0.0/0"]]]],
                ["ports": [["port": 80, "protocol": "TCP"]]],
                ["to": [["ipBlock": ["cidr": "10.0.0.0/8"]]], "ports": [["port": 440, "endPort": 443]]],
                ["ports": [["port": 53, "protocol": "UDP"]]],
            ],
        ])
        #expect(f.map(\.ruleID) == ["WDN-NET-003", "WDN-NET-004", "WDN-NET-004", "WDN-NET-004"])
        #expect(f.map(\.field) == ["/spec/ingress/0", "/spec/egress/0", "/spec/egress/1", "/spec/egress/2"])
        #expect(f[1].message.contains("every port"))
    }

    @Test func cidrContainmentWithExceptAndUnion() {
        let expected = [
            EgressDestination(cidr: "10.0.0.0/9", ports: [.init(protocol: "TCP", port: 443)]),
            EgressDestination(cidr: "10.128.0.0/9", ports: [.init(protocol: "TCP", port: 443)]),
        ]
        func ok(_ cidr: String, except: [JSONValue] = []) -> Bool {
            NetworkGuardrails.check(
                namespace: "n",
                name: "p",
                body: [
                    "spec": [
                        "policyTypes": ["Egress"],
                        "egress": [
                            ["to": [["ipBlock": ["cidr": .string(cidr), "except": .array(except)]]], "ports": [["port": 443]]]
                        ],
                    ]
                ],
                egress: expected
            ).isEmpty
        }
        #expect(ok("10.0.0.0/8"))
        #expect(!ok("0.0.0.0/0"))
        #expect(ok("10.0.0.0/7", except: ["11.0.0.0/8"]))
        #expect(!ok("fd00::/8"))
        #expect(CIDR("2001:db8::/32")!.contains(CIDR("2001:db8:1::/48")!))
        #expect(CIDR("10.0.0.0/33") == nil && CIDR("1.2.3/8") == nil && CIDR("::1::2/64") == nil)
    }

    @Test func coverageNeedsBothPolicyTypes() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: agents, labels: {app: a}}
            spec: {serviceAccountName: coder, containers: [{name: c, image: x}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: only-ingress, namespace: agents}
            spec: {podSelector: {matchLabels: {app: a}}}
            """
        let agent = AgentIdentity(namespace: "agents", serviceAccount: "coder")
        let r = try GuardrailCheck.run(manifests: Array(yaml.utf8), agent: agent)
        let f = try #require(r.findings.first { $0.ruleID == "WDN-NET-002" })
        #expect(f.object == FindingObject(kind: "NetworkPolicy", namespace: "agents", name: "only-ingress"))
        #expect(!r.ruleIDs.contains("WDN-NET-001"))
    }

    @Test func auditFirstMatchingRuleDecides() {
        let agent = AgentIdentity(namespace: "agents", serviceAccount: "coder")
        let requests = AuditGuardrails.requests(for: [("agents", PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"]))])
        let covered: JSONValue = ["rules": [["level": "RequestResponse", "userGroups": ["system:serviceaccounts:agents"]]]]
        #expect(AuditGuardrails.check(policy: covered, object: .init(kind: "Policy", name: "p"), agent: agent, requests: requests).isEmpty)
        let catchAll: JSONValue = ["rules": [["level": "RequestResponse"]]]
        #expect(AuditGuardrails.check(policy: catchAll, object: .init(kind: "Policy", name: "p"), agent: agent, requests: requests).isEmpty)
        let shadowed: JSONValue = [
            "rules": [
                ["level": "Metadata", "resources": [["group": ""]]],
                ["level": "RequestResponse", "users": ["system:serviceaccount:agents:coder"]],
            ]
        ]
        let f = AuditGuardrails.check(policy: shadowed, object: .init(kind: "Policy", name: "p"), agent: agent, requests: requests)
        #expect(f.map(\.ruleID) == ["WDN-AUD-001"])
        #expect(f[0].field == "/rules/0")
        let otherUser: JSONValue = ["rules": [["level": "RequestResponse", "users": ["system:serviceaccount:agents:other"]]]]
        #expect(
            AuditGuardrails.check(policy: otherUser, object: .init(kind: "Policy", name: "p"), agent: agent, requests: requests)
                .map(\.field) == ["/rules"]
        )
        // Subresources: "pods/*" covers pods/log, "pods" does not.
        let log = AuditGuardrails.Request(verb: "get", resource: "pods", subresource: "log", namespace: "agents")
        let star: JSONValue = ["rules": [["level": "RequestResponse", "resources": [["group": "", "resources": ["pods/*"]]]]]]
        #expect(AuditGuardrails.level(policy: star, user: agent.username, groups: [], request: log).level == "RequestResponse")
        let plain: JSONValue = ["rules": [["level": "RequestResponse", "resources": [["group": "", "resources": ["pods"]]]]]]
        #expect(AuditGuardrails.level(policy: plain, user: agent.username, groups: [], request: log).level == "None")
    }

    // MARK: Exceptions

    static let finding = Finding(
        rule: .privilegeEscalation,
        message: "m",
        object: FindingObject(kind: "Deployment", namespace: "ai-agents", name: "web"),
        field: "/spec/template/spec/containers/1/securityContext/allowPrivilegeEscalation"
    )
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func exceptionsMarkAndExpire() {
        let e = GuardrailException(
            id: 7,
            ruleID: "WDN-POD-003",
            objectScope: "Deployment/ai-agents/web",
            fieldScope: "/spec/template/spec/containers/1",
            justification: "legacy image",
            expiresAt: Self.now.addingTimeInterval(3600)
        )
        let marked = GuardrailExceptions.apply([e], to: [Self.finding], now: Self.now)
        #expect(marked[0].excepted && marked[0].exceptionID == 7)
        let later = GuardrailExceptions.apply([e], to: marked, now: Self.now.addingTimeInterval(3600))
        #expect(!later[0].excepted && later[0].exceptionID == nil)
        var revoked = e
        revoked.revokedAt = Self.now.addingTimeInterval(-1)
        #expect(!GuardrailExceptions.apply([revoked], to: [Self.finding], now: Self.now)[0].excepted)
        for (scope, field) in [
            ("Deployment/ai-agents/api", nil), ("Deployment/other/web", nil), (nil, "/spec/template/spec/containers/0"),
            ("Deployment/web", nil),
        ] as [(String?, String?)] {
            let miss = GuardrailException(
                id: 1,
                ruleID: "WDN-POD-003",
                objectScope: scope,
                fieldScope: field,
                justification: "x",
                expiresAt: .distantFuture
            )
            #expect(!miss.matches(Self.finding), "\(String(describing: scope)) \(String(describing: field))")
        }
        #expect(
            GuardrailException(
                id: 1,
                ruleID: "WDN-POD-003",
                objectScope: "Deployment/*/web",
                justification: "x",
                expiresAt: .distantFuture
            ).matches(Self.finding)
        )
        #expect(!GuardrailException(id: 1, ruleID: "WDN-POD-001", justification: "x", expiresAt: .distantFuture).matches(Self.finding))
        let report = GuardrailReport(findings: [Self.finding]).applying([e], now: Self.now)
        #expect(report.failing(atOrAbove: .low).isEmpty && report.summary.excepted == 1 && report.summary.high == 0)
    }

    // MARK: Expectations

    @Test func expectationsCodableAndValidation() throws {
        let json =
            #"{"podSecurity":{"profile":"restricted","readOnlyRootFilesystem":false,"requireResources":true,"runtimeClassName":"gvisor"},"egress":[{"cidr":"10.0.0.0/8","ports":[{"protocol":"TCP","port":443}]}]}"#
        let e = try JSONDecoder().decode(GuardrailExpectations.self, from: Data(json.utf8))
        #expect(e.podSecurity.runtimeClassName == "gvisor" && !e.podSecurity.readOnlyRootFilesystem)
        #expect(e.egress == [EgressDestination(cidr: "10.0.0.0/8", ports: [NetworkPort(protocol: "TCP", port: 443)])])
        try e.validate()
        try GuardrailExpectations.default.validate()
        #expect(GuardrailExpectations.default.egress.map(\.cidr) == ["0.0.0.0/0", "::/0"])
        let back = try JSONDecoder().decode(GuardrailExpectations.self, from: JSONEncoder().encode(e))
        #expect(back == e)

        let bad = GuardrailExpectations(
            podSecurity: .init(profile: "privileged", runtimeClassName: "Not_Valid"),
            egress: [
                EgressDestination(cidr: "10.0.0.0/40", ports: [NetworkPort(protocol: "ICMP", port: 0)])
            ]
        )
        do {
            try bad.validate()
            Issue.record("expected a validation error")
        } catch {
            #expect(
                error.issues.map(\.pointer) == [
                    "/podSecurity/profile", "/podSecurity/runtimeClassName", "/egress/0/cidr",
                    "/egress/0/ports/0/protocol", "/egress/0/ports/0/port",
                ]
            )
        }
    }

    // MARK: Output

    @Test func sarifShape() throws {
        var report = try GuardrailCheck.run(files: GuardrailFixtures.files(), agent: GuardrailFixtures.agent)
        let e = GuardrailException(id: 3, ruleID: "WDN-POD-017", justification: "tag pinned by admission", expiresAt: .distantFuture)
        report = report.applying([e], now: Self.now)
        let text = GuardrailOutput.sarif(report)
        let v = try JSONDocument(parsing: text).root.value
        #expect(v["$schema"]?.stringValue?.contains("sarif-schema-2.1.0") == true)
        #expect(v["version"] == "2.1.0")
        let run = try #require(v["runs"]?[0])
        let driver = try #require(run["tool"]?["driver"])
        #expect(driver["name"] == "Warden")
        #expect(driver["informationUri"]?.stringValue?.hasPrefix("https://") == true)
        #expect(driver["version"]?.stringValue == WardenVersion.string)
        let rules = try #require(driver["rules"]?.arrayValue)
        #expect(rules.count == GuardrailCatalog.rules.count)
        for r in rules {
            #expect(r["id"]?.stringValue?.hasPrefix("WDN-") == true)
            #expect(r["name"]?.stringValue?.isEmpty == false)
            for key in ["shortDescription", "fullDescription", "help"] { #expect(r[key]?["text"]?.stringValue?.isEmpty == false) }
            #expect(["error", "warning", "note"].contains(r["defaultConfiguration"]?["level"]?.stringValue ?? ""))
            let sev = Double(r["properties"]?["security-severity"]?.stringValue ?? "")
            #expect(sev != nil && sev! > 0 && sev! <= 10)
            #expect(r["properties"]?["tags"]?.arrayValue?.isEmpty == false)
            #expect(r["properties"]?["references"]?.arrayValue != nil)
        }
        let results = try #require(run["results"]?.arrayValue)
        #expect(results.count == report.findings.count)
        for (res, f) in zip(results, report.findings) {
            #expect(res["ruleId"]?.stringValue == f.ruleID)
            let idx = try #require(res["ruleIndex"]?.intValue)
            #expect(rules[Int(idx)]["id"]?.stringValue == f.ruleID)
            #expect(res["level"]?.stringValue == GuardrailOutput.sarifLevel(f.severity))
            #expect(res["message"]?["text"]?.stringValue?.isEmpty == false)
            let loc = try #require(res["locations"]?[0])
            #expect(loc["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue == f.file)
            #expect((loc["physicalLocation"]?["region"]?["startLine"]?.intValue ?? 0) >= 1)
            #expect(loc["logicalLocations"]?[0]?["fullyQualifiedName"]?.stringValue?.isEmpty == false)
            #expect((res["suppressions"] != nil) == f.excepted)
        }
        let suppressed = try #require(results.first { $0["ruleId"] == "WDN-POD-017" })
        #expect(suppressed["suppressions"]?[0]?["kind"] == "external")
        #expect(
            GuardrailOutput.sarifLevel(.critical) == "error" && GuardrailOutput.sarifLevel(.high) == "error"
                && GuardrailOutput.sarifLevel(.medium) == "warning" && GuardrailOutput.sarifLevel(.low) == "note"
        )
    }

    @Test func textAndJSON() throws {
        let report = try GuardrailCheck.run(files: GuardrailFixtures.files(), agent: GuardrailFixtures.agent)
        let text = GuardrailOutput.text(report)
        #expect(text.hasPrefix("HIGH "))
        #expect(text.contains("fix: "))
        #expect(text.contains("03-role.yaml:2"))
        #expect(text.hasSuffix("5 findings: 0 critical, 3 high, 1 medium, 1 low\n"))
        let decoded = try JSONDecoder().decode(GuardrailReport.self, from: Data(GuardrailOutput.json(report).utf8))
        #expect(decoded == report)
    }

    @Test func catalogueIsConsistent() {
        #expect(Set(GuardrailCatalog.rules.map(\.id)).count == GuardrailCatalog.rules.count)
        #expect(Set(GuardrailCatalog.rules.map(\.id)) == Set(GuardrailRuleID.allCases.map(\.rawValue)))
        #expect(GuardrailSeverity.low < .medium && GuardrailSeverity.high < .critical)
        let wildcard = GuardrailCatalog.rule(.wildcard)
        #expect(wildcard.references.cis == ["5.1.3"] && wildcard.references.kubescape == ["C-0187"] && wildcard.references.checkov == ["CKV_K8S_49"])
        #expect(wildcard.checks == wildcard.description)
    }

    @Test func malformedInputIsReported() {
        #expect(throws: GuardrailInputError.self) { try GuardrailCheck.run(files: [ManifestFile(uri: "bad.yaml", bytes: Array("a: [\n".utf8))]) }
        #expect(throws: SnapshotError.self) { try GuardrailCheck.run(manifests: Array("a: [\n".utf8)) }
        do {
            _ = try GuardrailCheck.run(files: [ManifestFile(uri: "x.yaml", bytes: Array("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n".utf8))])
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "x.yaml")
            #expect(error.description.contains("namespace"))
        }
    }
}
