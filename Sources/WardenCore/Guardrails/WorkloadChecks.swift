// Workload guardrails: Pod Security Standards (restricted, field by field) and the agent
// hardening the playbook asks for, on Pods and on the pod templates of workload controllers.

/// Facts about the cluster a workload check needs besides the object itself.
public struct WorkloadContext: Sendable, Hashable {
    /// ServiceAccounts granted something by the checked RBAC (their token is needed). nil: unknown,
    /// so every mounted token is reported.
    public var serviceAccountsWithPermissions: Set<ServiceAccountIdentity>?
    /// `automountServiceAccountToken` of ServiceAccount objects that set it.
    public var serviceAccountAutomount: [ServiceAccountIdentity: Bool]

    public init(
        serviceAccountsWithPermissions: Set<ServiceAccountIdentity>? = nil,
        serviceAccountAutomount: [ServiceAccountIdentity: Bool] = [:]
    ) {
        self.serviceAccountsWithPermissions = serviceAccountsWithPermissions
        self.serviceAccountAutomount = serviceAccountAutomount
    }
}

public enum WorkloadGuardrails {
    /// Where each workload kind keeps its pod spec.
    public static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "Deployment": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"],
        "ReplicationController": ["spec", "template", "spec"],
        "Job": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]

    /// Where each workload kind keeps its pod labels.
    static func podLabelsPath(_ kind: String) -> [String]? {
        guard let spec = podSpecPaths[kind] else { return nil }
        return kind == "Pod" ? ["metadata", "labels"] : Array(spec.dropLast()) + ["metadata", "labels"]
    }

    public static let allowedRestrictedVolumeTypes: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    ]

    /// Capabilities Pod Security baseline allows adding (restricted: only NET_BIND_SERVICE).
    public static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    public static func isWorkload(_ kind: String) -> Bool { podSpecPaths[kind] != nil }

    /// The pod's ServiceAccount name ("default" when unset).
    public static func serviceAccountName(kind: String, body: JSONValue) -> String? {
        guard let path = podSpecPaths[kind], let spec = body.value(at: path) else { return nil }
        let name = spec["serviceAccountName"]?.stringValue ?? spec["serviceAccount"]?.stringValue ?? ""
        return name.isEmpty ? "default" : name
    }

    /// The labels of the pods the workload creates.
    public static func podLabels(kind: String, body: JSONValue) -> [String: String] {
        guard let path = podLabelsPath(kind), let o = body.value(at: path)?.objectValue else { return [:] }
        return o.compactMapValues(\.stringValue)
    }

    public static func check(
        _ object: KubeObject,
        expectations: PodSecurityExpectation = .init(),
        context: WorkloadContext = .init()
    ) -> [Finding] {
        check(
            kind: object.kind,
            namespace: object.namespace,
            name: object.name,
            body: object.body,
            expectations: expectations,
            context: context
        )
    }

    /// Checks one workload object given as JSON.
    public static func check(
        kind: String,
        namespace: String,
        name: String,
        body: JSONValue,
        expectations: PodSecurityExpectation = .init(),
        context: WorkloadContext = .init()
    ) -> [Finding] {
        guard let path = podSpecPaths[kind], let spec = body.value(at: path), spec.objectValue != nil else { return [] }
        var report = PodSpecFindings(kind: kind, namespace: namespace, name: name, specPath: path)
        checkHostNamespaces(spec, &report)
        checkVolumes(spec, restricted: expectations.isRestricted, &report)
        let pod = checkPodSecurityContext(spec, &report)
        for list in containerLists {
            for (i, container) in (spec[list.key]?.arrayValue ?? []).enumerated() {
                checkContainer(container, at: i, in: list, pod: pod, expectations: expectations, &report)
            }
        }
        checkRuntimeClass(spec, expected: expectations.runtimeClassName, &report)
        checkServiceAccount(spec, kind: kind, namespace: namespace, body: body, context: context, &report)
        return report.findings
    }

    /// The findings of one pod spec, each prefixed with the object and pointing into its pod spec.
    struct PodSpecFindings {
        let kind: String
        let name: String
        let object: FindingObject
        /// JSON pointer of the pod spec in the object (`/spec/template/spec` for controllers).
        let base: String
        var findings: [Finding] = []

        init(kind: String, namespace: String, name: String, specPath: [String]) {
            self.kind = kind
            self.name = name
            object = FindingObject(kind: kind, namespace: namespace, name: name)
            base = "/" + specPath.joined(separator: "/")
        }

        /// `field` is relative to the pod spec.
        mutating func add(_ id: GuardrailRuleID, _ field: String, _ message: String) {
            findings.append(
                Finding(
                    rule: id,
                    message: "\(kind) \(object.namespace.map { "\($0)/" } ?? "")\(name): \(message)",
                    object: object,
                    field: base + field
                )
            )
        }
    }

    /// Pod-level settings the container checks fall back on.
    struct PodDefaults {
        var runAsNonRoot: Bool
        /// The pod's seccomp profile is RuntimeDefault or Localhost.
        var seccompConfined: Bool
    }

    /// The container lists of a pod spec, with how messages name their containers.
    static let containerLists: [(key: String, what: String)] = [
        ("initContainers", "init container"), ("containers", "container"), ("ephemeralContainers", "ephemeral container"),
    ]

    static let confinedSeccompProfiles: Set<String> = ["RuntimeDefault", "Localhost"]

    /// Host namespaces (Pod Security baseline).
    static func checkHostNamespaces(_ spec: JSONValue, _ report: inout PodSpecFindings) {
        for key in ["hostNetwork", "hostPID", "hostIPC"] where spec[key]?.boolValue == true {
            report.add(.hostNamespaces, "/\(key)", "\(key) is true")
        }
    }

    /// hostPath volumes (baseline), and under restricted any volume type it does not allow.
    static func checkVolumes(_ spec: JSONValue, restricted: Bool, _ report: inout PodSpecFindings) {
        for (i, volume) in (spec["volumes"]?.arrayValue ?? []).enumerated() {
            let vname = volume["name"]?.stringValue ?? "#\(i)"
            if volume["hostPath"] != nil {
                report.add(.hostPath, "/volumes/\(i)/hostPath", "volume \(vname) is a hostPath volume")
            } else if restricted {
                let types = (volume.objectValue ?? [:]).keys.filter { $0 != "name" }
                if let bad = types.first(where: { !allowedRestrictedVolumeTypes.contains($0) }) {
                    report.add(
                        .volumeType,
                        "/volumes/\(i)/\(jsonPointerEscape(bad))",
                        "volume \(vname) has type \(bad), which Pod Security restricted forbids"
                    )
                }
            }
        }
    }

    /// The pod's own securityContext: root user and an unconfined seccomp profile are findings;
    /// what it sets for all containers is returned for the container checks.
    static func checkPodSecurityContext(_ spec: JSONValue, _ report: inout PodSpecFindings) -> PodDefaults {
        let podSC = spec["securityContext"] ?? .null
        if podSC["runAsUser"]?.intValue == 0 {
            report.add(.runAsRootUser, "/securityContext/runAsUser", "the pod's runAsUser is 0")
        }
        let podSeccomp = podSC["seccompProfile"]?["type"]?.stringValue
        if podSeccomp == "Unconfined" {
            report.add(.seccomp, "/securityContext/seccompProfile/type", "the pod's seccomp profile is Unconfined")
        }
        return PodDefaults(
            runAsNonRoot: podSC["runAsNonRoot"]?.boolValue == true,
            seccompConfined: podSeccomp.map(confinedSeccompProfiles.contains) ?? false
        )
    }

    /// One container: baseline checks, restricted ones when the profile is restricted, and the
    /// hardening the playbook asks for.
    static func checkContainer(
        _ c: JSONValue,
        at i: Int,
        in list: (key: String, what: String),
        pod: PodDefaults,
        expectations: PodSecurityExpectation,
        _ report: inout PodSpecFindings
    ) {
        let cp = "/\(list.key)/\(i)"
        let sc = c["securityContext"] ?? .null
        let label = "\(list.what) \(c["name"]?.stringValue ?? "#\(i)")"
        if sc["privileged"]?.boolValue == true {
            report.add(.privileged, "\(cp)/securityContext/privileged", "\(label) is privileged")
        }
        for (j, port) in (c["ports"]?.arrayValue ?? []).enumerated() {
            if let hp = port["hostPort"]?.intValue, hp != 0 {
                report.add(.hostPort, "\(cp)/ports/\(j)/hostPort", "\(label) uses hostPort \(hp)")
            }
        }
        if sc["runAsUser"]?.intValue == 0 {
            report.add(.runAsRootUser, "\(cp)/securityContext/runAsUser", "\(label) has runAsUser 0")
        }
        if sc["seccompProfile"]?["type"]?.stringValue == "Unconfined" {
            report.add(.seccomp, "\(cp)/securityContext/seccompProfile/type", "\(label)'s seccomp profile is Unconfined")
        }
        checkAddedCapabilities(sc, at: cp, label: label, restricted: expectations.isRestricted, &report)
        if expectations.isRestricted {
            checkRestrictedContainer(sc, at: cp, label: label, pod: pod, &report)
        }
        // Ephemeral (debug) containers take no resources and usually write; the rest apply to real containers.
        if list.key != "ephemeralContainers" {
            checkContainerHardening(c, sc, at: cp, label: label, expectations: expectations, &report)
        }
    }

    /// Added capabilities beyond what the profile allows (restricted: only NET_BIND_SERVICE).
    static func checkAddedCapabilities(
        _ sc: JSONValue,
        at cp: String,
        label: String,
        restricted: Bool,
        _ report: inout PodSpecFindings
    ) {
        let allowedAdds: Set<String> = restricted ? ["NET_BIND_SERVICE"] : baselineCapabilities
        for (j, cap) in (sc["capabilities"]?["add"]?.arrayValue ?? []).enumerated() {
            let name = cap.stringValue ?? "\(cap)"
            let normalized = name.uppercased().hasPrefix("CAP_") ? String(name.uppercased().dropFirst(4)) : name.uppercased()
            if !allowedAdds.contains(normalized) {
                report.add(.capabilitiesAdded, "\(cp)/securityContext/capabilities/add/\(j)", "\(label) adds capability \(name)")
            }
        }
    }

    /// What Pod Security restricted requires of each container (the pod's settings count where
    /// the container leaves them unset).
    static func checkRestrictedContainer(
        _ sc: JSONValue,
        at cp: String,
        label: String,
        pod: PodDefaults,
        _ report: inout PodSpecFindings
    ) {
        let nonRoot = sc["runAsNonRoot"]?.boolValue
        if nonRoot == false {
            report.add(.runAsNonRoot, "\(cp)/securityContext/runAsNonRoot", "\(label) sets runAsNonRoot: false")
        } else if nonRoot == nil && !pod.runAsNonRoot {
            report.add(.runAsNonRoot, "\(cp)/securityContext/runAsNonRoot", "neither the pod nor \(label) sets runAsNonRoot: true")
        }
        if sc["allowPrivilegeEscalation"]?.boolValue != false {
            report.add(
                .privilegeEscalation,
                "\(cp)/securityContext/allowPrivilegeEscalation",
                "\(label) does not set allowPrivilegeEscalation: false"
            )
        }
        let drops = (sc["capabilities"]?["drop"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !drops.contains(where: { $0.uppercased() == "ALL" }) {
            report.add(.capabilitiesNotDropped, "\(cp)/securityContext/capabilities/drop", "\(label) does not drop ALL capabilities")
        }
        let containerSeccomp = sc["seccompProfile"]?["type"]?.stringValue
        if containerSeccomp == nil && !pod.seccompConfined {
            report.add(
                .seccomp,
                "\(cp)/securityContext/seccompProfile/type",
                "neither the pod nor \(label) sets seccompProfile.type RuntimeDefault or Localhost"
            )
        } else if let t = containerSeccomp, t != "Unconfined", !confinedSeccompProfiles.contains(t) {
            report.add(.seccomp, "\(cp)/securityContext/seccompProfile/type", "\(label)'s seccomp profile type is \(t)")
        }
    }

    /// The agent hardening beyond Pod Security: read-only root filesystem, resources, images pinned by digest.
    static func checkContainerHardening(
        _ c: JSONValue,
        _ sc: JSONValue,
        at cp: String,
        label: String,
        expectations: PodSecurityExpectation,
        _ report: inout PodSpecFindings
    ) {
        if expectations.readOnlyRootFilesystem && sc["readOnlyRootFilesystem"]?.boolValue != true {
            report.add(.readOnlyRootFilesystem, "\(cp)/securityContext/readOnlyRootFilesystem", "\(label) does not set readOnlyRootFilesystem: true")
        }
        if expectations.requireResources {
            var missing: [String] = []
            for part in ["requests", "limits"] {
                for r in ["cpu", "memory"] where c["resources"]?[part]?[r] == nil || c["resources"]?[part]?[r]?.isNull == true {
                    missing.append("\(part).\(r)")
                }
            }
            if !missing.isEmpty {
                report.add(.resources, "\(cp)/resources", "\(label) has no \(missing.joined(separator: ", "))")
            }
        }
        if let image = c["image"]?.stringValue, !ImageDigest.isPinned(image) {
            report.add(.imageNotPinned, "\(cp)/image", "\(label) uses image \(image), not pinned by digest")
        }
    }

    /// The RuntimeClass the expectations name, if any.
    static func checkRuntimeClass(_ spec: JSONValue, expected: String?, _ report: inout PodSpecFindings) {
        guard let expected, !expected.isEmpty else { return }
        let actual = spec["runtimeClassName"]?.stringValue
        if actual != expected {
            report.add(
                .runtimeClass,
                "/runtimeClassName",
                actual.map { "runtimeClassName is \($0), expected \(expected)" } ?? "runtimeClassName is not set, expected \(expected)"
            )
        }
    }

    /// The pod's ServiceAccount, and its token: mounted (by the pod, else by the ServiceAccount's
    /// default, else by Kubernetes' default) while the checked RBAC grants that ServiceAccount nothing.
    static func checkServiceAccount(
        _ spec: JSONValue,
        kind: String,
        namespace: String,
        body: JSONValue,
        context: WorkloadContext,
        _ report: inout PodSpecFindings
    ) {
        let sa = serviceAccountName(kind: kind, body: body) ?? "default"
        if sa == "default" {
            report.add(.defaultServiceAccount, "/serviceAccountName", "the pod runs as the default ServiceAccount")
        }
        let identity = ServiceAccountIdentity(namespace: namespace, name: sa)
        let mounted = spec["automountServiceAccountToken"]?.boolValue ?? context.serviceAccountAutomount[identity] ?? true
        guard mounted, !(context.serviceAccountsWithPermissions?.contains(identity) ?? false) else { return }
        let why =
            context.serviceAccountsWithPermissions == nil
            ? "its permissions are unknown"
            : "ServiceAccount \(sa) is granted nothing in the checked RBAC"
        report.add(.automountToken, "/automountServiceAccountToken", "the ServiceAccount token is mounted but \(why)")
    }
}
