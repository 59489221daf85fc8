import Foundation
import Testing

@testable import WardenCore

@Suite("Workload guardrails")
struct WorkloadGuardrailTests {
    /// A Deployment that passes every check (with the agent's ServiceAccount known to need its token).
    static let good: JSONValue = [
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "agents"],
        "spec": [
            "template": [
                "metadata": ["labels": ["app": "web"]],
                "spec": [
                    "serviceAccountName": "coder",
                    "securityContext": ["runAsNonRoot": true, "seccompProfile": ["type": "RuntimeDefault"]],
                    "containers": [container("a"), container("b")],
                    "volumes": [["name": "tmp", "emptyDir": [:]]],
                ],
            ]
        ],
    ]

    static func container(_ name: String) -> JSONValue {
        [
            "name": .string(name), "image": "registry/x@sha256:abc",
            "securityContext": ["allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": ["drop": ["ALL"]]],
            "resources": ["requests": ["cpu": "100m", "memory": "64Mi"], "limits": ["cpu": "1", "memory": "1Gi"]],
        ]
    }

    static let context = WorkloadContext(serviceAccountsWithPermissions: [ServiceAccountIdentity(namespace: "agents", name: "coder")])

    static func check(_ body: JSONValue, kind: String = "Deployment", expectations: PodSecurityExpectation = .init()) -> [Finding] {
        WorkloadGuardrails.check(kind: kind, namespace: "agents", name: "web", body: body, expectations: expectations, context: context)
    }

    /// Sets a value at a path (creating objects), for building failing cases.
    static func set(_ v: JSONValue, _ path: [any JSONPathComponent], _ new: JSONValue) -> JSONValue {
        guard let head = path.first else { return new }
        let rest = Array(path.dropFirst())
        if let key = head as? String {
            var o = v.objectValue ?? [:]
            o[key] = set(o[key] ?? .null, rest, new)
            return .object(o)
        }
        let i = head as! Int
        var a = v.arrayValue ?? []
        a[i] = set(a[i], rest, new)
        return .array(a)
    }

    static let spec: [any JSONPathComponent] = ["spec", "template", "spec"]
    static let c1: [any JSONPathComponent] = spec + ["containers", 1]

    static let failing: [(String, [any JSONPathComponent], JSONValue, String)] = [
        ("WDN-POD-001", c1 + ["securityContext", "runAsNonRoot"], false, "/spec/template/spec/containers/1/securityContext/runAsNonRoot"),
        ("WDN-POD-002", spec + ["securityContext", "runAsUser"], 0, "/spec/template/spec/securityContext/runAsUser"),
        (
            "WDN-POD-003", c1 + ["securityContext", "allowPrivilegeEscalation"], true,
            "/spec/template/spec/containers/1/securityContext/allowPrivilegeEscalation"
        ),
        (
            "WDN-POD-004", c1 + ["securityContext", "capabilities", "drop"], ["NET_RAW"],
            "/spec/template/spec/containers/1/securityContext/capabilities/drop"
        ),
        (
            "WDN-POD-005", c1 + ["securityContext", "capabilities", "add"], ["NET_BIND_SERVICE", "SYS_ADMIN"],
            "/spec/template/spec/containers/1/securityContext/capabilities/add/1"
        ),
        (
            "WDN-POD-006", spec + ["securityContext", "seccompProfile", "type"], "Unconfined",
            "/spec/template/spec/securityContext/seccompProfile/type"
        ),
        ("WDN-POD-007", c1 + ["securityContext", "privileged"], true, "/spec/template/spec/containers/1/securityContext/privileged"),
        ("WDN-POD-008", spec + ["hostPID"], true, "/spec/template/spec/hostPID"),
        ("WDN-POD-009", spec + ["volumes", 0], ["name": "h", "hostPath": ["path": "/"]], "/spec/template/spec/volumes/0/hostPath"),
        ("WDN-POD-010", c1 + ["ports"], [["containerPort": 80, "hostPort": 8080]], "/spec/template/spec/containers/1/ports/0/hostPort"),
        ("WDN-POD-011", spec + ["volumes", 0], ["name": "n", "nfs": ["server": "x", "path": "/"]], "/spec/template/spec/volumes/0/nfs"),
        (
            "WDN-POD-012", c1 + ["securityContext", "readOnlyRootFilesystem"], false,
            "/spec/template/spec/containers/1/securityContext/readOnlyRootFilesystem"
        ),
        ("WDN-POD-013", c1 + ["resources", "limits"], ["cpu": "1"], "/spec/template/spec/containers/1/resources"),
        ("WDN-POD-015", spec + ["serviceAccountName"], "builder", "/spec/template/spec/automountServiceAccountToken"),
        ("WDN-POD-016", spec + ["serviceAccountName"], "default", "/spec/template/spec/serviceAccountName"),
        ("WDN-POD-017", c1 + ["image"], "registry/x:latest", "/spec/template/spec/containers/1/image"),
    ]

    @Test func goodDeploymentPasses() {
        #expect(Self.check(Self.good).isEmpty, "\(Self.check(Self.good))")
    }

    @Test(arguments: failing.map(\.0))
    func eachCheckFailsWithAPointer(_ id: String) {
        let c = Self.failing.first { $0.0 == id }!
        let findings = Self.check(Self.set(Self.good, c.1, c.2))
        let hit = findings.first { $0.ruleID == id }
        #expect(hit?.field == c.3, "\(findings)")
        #expect(hit?.object == FindingObject(kind: "Deployment", namespace: "agents", name: "web"))
    }

    @Test func runtimeClassExpectation() {
        var e = PodSecurityExpectation()
        e.runtimeClassName = "gvisor"
        #expect(Self.check(Self.good, expectations: e).map(\.ruleID) == ["WDN-POD-014"])
        #expect(Self.check(Self.set(Self.good, Self.spec + ["runtimeClassName"], "gvisor"), expectations: e).isEmpty)
    }

    @Test func runAsNonRootAtContainerLevelOnly() {
        var body = Self.set(Self.good, Self.spec + ["securityContext", "runAsNonRoot"], .null)
        let f = Self.check(body).filter { $0.ruleID == "WDN-POD-001" }
        #expect(
            f.map(\.field) == [
                "/spec/template/spec/containers/0/securityContext/runAsNonRoot",
                "/spec/template/spec/containers/1/securityContext/runAsNonRoot",
            ]
        )
        body = Self.set(body, Self.spec + ["containers", 0, "securityContext", "runAsNonRoot"], true)
        body = Self.set(body, Self.c1 + ["securityContext", "runAsNonRoot"], true)
        #expect(Self.check(body).isEmpty)
    }

    @Test func initAndEphemeralContainersAreChecked() {
        let bad: JSONValue = ["name": "dbg", "image": "busybox@sha256:1"]
        let body = Self.set(Self.set(Self.good, Self.spec + ["initContainers"], [bad]), Self.spec + ["ephemeralContainers"], [bad])
        let fields = Set(Self.check(body).filter { $0.ruleID == "WDN-POD-003" }.compactMap(\.field))
        #expect(
            fields == [
                "/spec/template/spec/initContainers/0/securityContext/allowPrivilegeEscalation",
                "/spec/template/spec/ephemeralContainers/0/securityContext/allowPrivilegeEscalation",
            ]
        )
    }

    @Test func automountIsFineWhenDisabledOrNeeded() {
        let other = Self.set(Self.good, Self.spec + ["serviceAccountName"], "builder")
        #expect(Self.check(Self.set(other, Self.spec + ["automountServiceAccountToken"], false)).isEmpty)
        let ctx = WorkloadContext(
            serviceAccountsWithPermissions: [],
            serviceAccountAutomount: [ServiceAccountIdentity(namespace: "agents", name: "builder"): false]
        )
        #expect(WorkloadGuardrails.check(kind: "Deployment", namespace: "agents", name: "web", body: other, context: ctx).isEmpty)
    }

    @Test func cronJobAndPodPaths() throws {
        let podSpec = Self.good["spec"]!["template"]!["spec"]!
        let cron: JSONValue = ["spec": ["jobTemplate": ["spec": ["template": ["spec": Self.set(podSpec, ["hostNetwork"], true)]]]]]
        #expect(Self.check(cron, kind: "CronJob").map(\.field) == ["/spec/jobTemplate/spec/template/spec/hostNetwork"])
        let pod: JSONValue = ["spec": Self.set(podSpec, ["hostIPC"], true)]
        #expect(Self.check(pod, kind: "Pod").map(\.field) == ["/spec/hostIPC"])
        #expect(Self.check(Self.good, kind: "ConfigMap").isEmpty)
    }

    @Test func baselineProfileSkipsRestrictedOnlyChecks() {
        let bare: JSONValue = [
            "spec": [
                "template": [
                    "spec": [
                        "serviceAccountName": "coder",
                        "containers": [
                            [
                                "name": "a", "image": "x@sha256:1",
                                "securityContext": ["readOnlyRootFilesystem": true, "capabilities": ["add": ["CHOWN"]]],
                                "resources": ["requests": ["cpu": "1", "memory": "1"], "limits": ["cpu": "1", "memory": "1"]],
                            ]
                        ],
                    ]
                ]
            ]
        ]
        #expect(Self.check(bare, expectations: PodSecurityExpectation(profile: "baseline")).isEmpty)
        #expect(Set(Self.check(bare).map(\.ruleID)) == ["WDN-POD-001", "WDN-POD-003", "WDN-POD-004", "WDN-POD-005", "WDN-POD-006"])
    }

    @Test func namespaceAndQuota() throws {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: agents, labels: {pod-security.kubernetes.io/enforce: baseline}}
            """
        let agent = AgentIdentity(namespace: "agents", serviceAccount: "coder")
        let r = try GuardrailCheck.run(manifests: Array(yaml.utf8), agent: agent)
        #expect(r.ruleIDs == ["WDN-NET-001", "WDN-NS-001", "WDN-NS-002"])
        #expect(r.findings.first { $0.ruleID == "WDN-NS-001" }?.message.contains("baseline") == true)
        let ok =
            yaml.replacingOccurrences(of: "baseline", with: "restricted") + """

                ---
                apiVersion: v1
                kind: ResourceQuota
                metadata: {name: q, namespace: agents}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny, namespace: agents}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                """
        #expect(try GuardrailCheck.run(manifests: Array(ok.utf8), agent: agent).findings.isEmpty)
    }
}
