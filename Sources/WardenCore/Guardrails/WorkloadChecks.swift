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
        let object = FindingObject(kind: kind, namespace: namespace, name: name)
        let base = "/" + path.joined(separator: "/")
        var findings: [Finding] = []
        func add(_ id: GuardrailRuleID, _ field: String, _ message: String) {
            findings.append(
                Finding(
                    rule: id,
                    message: "\(kind) \(object.namespace.map { "\($0)/" } ?? "")\(name): \(message)",
                    object: object,
                    field: base + field
                )
            )
        }
        let restricted = expectations.isRestricted
        let podSC = spec["securityContext"] ?? .null

        // Host namespaces (baseline).
        for key in ["hostNetwork", "hostPID", "hostIPC"] where spec[key]?.boolValue == true {
            add(.hostNamespaces, "/\(key)", "\(key) is true")
        }
        // Volumes.
        for (i, volume) in (spec["volumes"]?.arrayValue ?? []).enumerated() {
            let vname = volume["name"]?.stringValue ?? "#\(i)"
            if volume["hostPath"] != nil {
                add(.hostPath, "/volumes/\(i)/hostPath", "volume \(vname) is a hostPath volume")
            } else if restricted {
                let types = (volume.objectValue ?? [:]).keys.filter { $0 != "name" }
                if let bad = types.first(where: { !allowedRestrictedVolumeTypes.contains($0) }) {
                    add(
                        .volumeType,
                        "/volumes/\(i)/\(jsonPointerEscape(bad))",
                        "volume \(vname) has type \(bad), which Pod Security restricted forbids"
                    )
                }
            }
        }
        // Pod-level identity.
        if podSC["runAsUser"]?.intValue == 0 {
            add(.runAsRootUser, "/securityContext/runAsUser", "the pod's runAsUser is 0")
        }
        let podNonRoot = podSC["runAsNonRoot"]?.boolValue == true
        let seccompOK: Set<String> = ["RuntimeDefault", "Localhost"]
        let podSeccomp = podSC["seccompProfile"]?["type"]?.stringValue
        if podSeccomp == "Unconfined" {
            add(.seccomp, "/securityContext/seccompProfile/type", "the pod's seccomp profile is Unconfined")
        }
        let podSeccompOK = podSeccomp.map(seccompOK.contains) ?? false

        // Containers.
        let lists: [(String, String)] = [
            ("initContainers", "init container"), ("containers", "container"),
            ("ephemeralContainers", "ephemeral container"),
        ]
        for (listKey, what) in lists {
            for (i, c) in (spec[listKey]?.arrayValue ?? []).enumerated() {
                let cname = c["name"]?.stringValue ?? "#\(i)"
                let cp = "/\(listKey)/\(i)"
                let sc = c["securityContext"] ?? .null
                let label = "\(what) \(cname)"
                if sc["privileged"]?.boolValue == true {
                    add(.privileged, "\(cp)/securityContext/privileged", "\(label) is privileged")
                }
                for (j, port) in (c["ports"]?.arrayValue ?? []).enumerated() {
                    if let hp = port["hostPort"]?.intValue, hp != 0 {
                        add(.hostPort, "\(cp)/ports/\(j)/hostPort", "\(label) uses hostPort \(hp)")
                    }
                }
                if sc["runAsUser"]?.intValue == 0 {
                    add(.runAsRootUser, "\(cp)/securityContext/runAsUser", "\(label) has runAsUser 0")
                }
                let containerSeccomp = sc["seccompProfile"]?["type"]?.stringValue
                if containerSeccomp == "Unconfined" {
                    add(.seccomp, "\(cp)/securityContext/seccompProfile/type", "\(label)'s seccomp profile is Unconfined")
                }
                let adds = sc["capabilities"]?["add"]?.arrayValue ?? []
                let allowedAdds: Set<String> = restricted ? ["NET_BIND_SERVICE"] : baselineCapabilities
                for (j, cap) in adds.enumerated() {
                    let name = cap.stringValue ?? "\(cap)"
                    let normalized = name.uppercased().hasPrefix("CAP_") ? String(name.uppercased().dropFirst(4)) : name.uppercased()
                    if !allowedAdds.contains(normalized) {
                        add(.capabilitiesAdded, "\(cp)/securityContext/capabilities/add/\(j)", "\(label) adds capability \(name)")
                    }
                }
                if restricted {
                    let nonRoot = sc["runAsNonRoot"]?.boolValue
                    if nonRoot == false {
                        add(.runAsNonRoot, "\(cp)/securityContext/runAsNonRoot", "\(label) sets runAsNonRoot: false")
                    } else if nonRoot == nil && !podNonRoot {
                        add(.runAsNonRoot, "\(cp)/securityContext/runAsNonRoot", "neither the pod nor \(label) sets runAsNonRoot: true")
                    }
                    if sc["allowPrivilegeEscalation"]?.boolValue != false {
                        add(
                            .privilegeEscalation,
                            "\(cp)/securityContext/allowPrivilegeEscalation",
                            "\(label) does not set allowPrivilegeEscalation: false"
                        )
                    }
                    let drops = (sc["capabilities"]?["drop"]?.arrayValue ?? []).compactMap(\.stringValue)
                    if !drops.contains(where: { $0.uppercased() == "ALL" }) {
                        add(.capabilitiesNotDropped, "\(cp)/securityContext/capabilities/drop", "\(label) does not drop ALL capabilities")
                    }
                    if containerSeccomp == nil && !podSeccompOK {
                        add(
                            .seccomp,
                            "\(cp)/securityContext/seccompProfile/type",
                            "neither the pod nor \(label) sets seccompProfile.type RuntimeDefault or Localhost"
                        )
                    } else if let t = containerSeccomp, t != "Unconfined", !seccompOK.contains(t) {
                        add(.seccomp, "\(cp)/securityContext/seccompProfile/type", "\(label)'s seccomp profile type is \(t)")
                    }
                }
                // Ephemeral (debug) containers take no resources and usually write; the rest apply to real containers.
                if listKey != "ephemeralContainers" {
                    if expectations.readOnlyRootFilesystem && sc["readOnlyRootFilesystem"]?.boolValue != true {
                        add(
                            .readOnlyRootFilesystem,
                            "\(cp)/securityContext/readOnlyRootFilesystem",
                            "\(label) does not set readOnlyRootFilesystem: true"
                        )
                    }
                    if expectations.requireResources {
                        var missing: [String] = []
                        for part in ["requests", "limits"] {
                            for r in ["cpu", "memory"] where c["resources"]?[part]?[r] == nil || c["resources"]?[part]?[r]?.isNull == true {
                                missing.append("\(part).\(r)")
                            }
                        }
                        if !missing.isEmpty {
                            add(.resources, "\(cp)/resources", "\(label) has no \(missing.joined(separator: ", "))")
                        }
                    }
                    if let image = c["image"]?.stringValue, !image.contains("@sha256:") {
                        add(.imageNotPinned, "\(cp)/image", "\(label) uses image \(image), not pinned by digest")
                    }
                }
            }
        }
        // RuntimeClass.
        if let expected = expectations.runtimeClassName, !expected.isEmpty {
            let actual = spec["runtimeClassName"]?.stringValue
            if actual != expected {
                add(
                    .runtimeClass,
                    "/runtimeClassName",
                    actual.map { "runtimeClassName is \($0), expected \(expected)" } ?? "runtimeClassName is not set, expected \(expected)"
                )
            }
        }
        // ServiceAccount and its token.
        let sa = serviceAccountName(kind: kind, body: body) ?? "default"
        if sa == "default" {
            add(.defaultServiceAccount, "/serviceAccountName", "the pod runs as the default ServiceAccount")
        }
        let identity = ServiceAccountIdentity(namespace: namespace, name: sa)
        let podAutomount = spec["automountServiceAccountToken"]?.boolValue
        let mounted = podAutomount ?? context.serviceAccountAutomount[identity] ?? true
        if mounted {
            let needed = context.serviceAccountsWithPermissions?.contains(identity) ?? false
            if !needed {
                let why =
                    context.serviceAccountsWithPermissions == nil
                    ? "its permissions are unknown"
                    : "ServiceAccount \(sa) is granted nothing in the checked RBAC"
                add(.automountToken, "/automountServiceAccountToken", "the ServiceAccount token is mounted but \(why)")
            }
        }
        return findings
    }
}
