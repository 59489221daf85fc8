/// A reference to an external benchmark or scanner control.
public struct GuardrailReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "CIS Kubernetes Benchmark", "Kubescape", "Checkov" or "Pod Security Standards".
    public var framework: String
    public var id: String

    public init(framework: String, id: String) {
        self.framework = framework
        self.id = id
    }

    public static func cis(_ id: String) -> GuardrailReference { .init(framework: "CIS Kubernetes Benchmark", id: id) }
    public static func kubescape(_ id: String) -> GuardrailReference { .init(framework: "Kubescape", id: id) }
    public static func checkov(_ id: String) -> GuardrailReference { .init(framework: "Checkov", id: id) }
    public static func pss(_ id: String) -> GuardrailReference { .init(framework: "Pod Security Standards", id: id) }

    public var description: String {
        switch framework {
        case "CIS Kubernetes Benchmark": return "CIS \(id)"
        case "Pod Security Standards": return "PSS \(id)"
        default: return id
        }
    }
}

/// Stable guardrail rule ids.
public enum GuardrailRuleID: String, Sendable, Hashable, Codable, CaseIterable {
    // RBAC
    case clusterWideGrant = "WDN-RBAC-001"
    case clusterRoleInRoleBinding = "WDN-RBAC-002"
    case fullAdmin = "WDN-RBAC-003"
    case unresolvedRole = "WDN-RBAC-004"
    case readSecrets = "WDN-RBAC-010"
    case readNamedSecrets = "WDN-RBAC-011"
    case delete = "WDN-RBAC-012"
    case wildcard = "WDN-RBAC-013"
    case escalate = "WDN-RBAC-014"
    case bind = "WDN-RBAC-015"
    case impersonate = "WDN-RBAC-016"
    case execAttach = "WDN-RBAC-017"
    case portForward = "WDN-RBAC-018"
    case ephemeralContainers = "WDN-RBAC-019"
    case nodeProxy = "WDN-RBAC-020"
    case serviceAccountToken = "WDN-RBAC-021"
    case csrApproval = "WDN-RBAC-022"
    case webhookConfig = "WDN-RBAC-023"
    case persistentVolumeCreate = "WDN-RBAC-024"
    case rbacWrite = "WDN-RBAC-025"
    case workloadCreate = "WDN-RBAC-026"
    case namespaceWrite = "WDN-RBAC-027"
    case nodeWrite = "WDN-RBAC-028"
    case deleteEvents = "WDN-RBAC-029"
    // Workloads
    case runAsNonRoot = "WDN-POD-001"
    case runAsRootUser = "WDN-POD-002"
    case privilegeEscalation = "WDN-POD-003"
    case capabilitiesNotDropped = "WDN-POD-004"
    case capabilitiesAdded = "WDN-POD-005"
    case seccomp = "WDN-POD-006"
    case privileged = "WDN-POD-007"
    case hostNamespaces = "WDN-POD-008"
    case hostPath = "WDN-POD-009"
    case hostPort = "WDN-POD-010"
    case volumeType = "WDN-POD-011"
    case readOnlyRootFilesystem = "WDN-POD-012"
    case resources = "WDN-POD-013"
    case runtimeClass = "WDN-POD-014"
    case automountToken = "WDN-POD-015"
    case defaultServiceAccount = "WDN-POD-016"
    case imageNotPinned = "WDN-POD-017"
    // Namespace
    case podSecurityAdmission = "WDN-NS-001"
    case resourceQuota = "WDN-NS-002"
    // Network
    case networkPolicyMissing = "WDN-NET-001"
    case networkPolicyTypes = "WDN-NET-002"
    case ingressAllowed = "WDN-NET-003"
    case egressUnexpected = "WDN-NET-004"
    // Audit
    case auditNotRequestResponse = "WDN-AUD-001"
}

/// One guardrail in the catalogue.
public struct GuardrailRule: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    /// PascalCase name (SARIF `name`).
    public var name: String
    public var title: String
    public var severity: GuardrailSeverity
    /// What it checks.
    public var description: String
    public var remediation: String
    public var references: [GuardrailReference]
    /// "rbac", "workload", "namespace", "network", "audit".
    public var category: String

    public init(
        id: GuardrailRuleID,
        name: String,
        title: String,
        severity: GuardrailSeverity,
        category: String,
        description: String,
        remediation: String,
        references: [GuardrailReference] = []
    ) {
        self.id = id.rawValue
        self.name = name
        self.title = title
        self.severity = severity
        self.category = category
        self.description = description
        self.remediation = remediation
        self.references = references
    }
}

extension GuardrailRule {
    /// What the rule checks (same as `description`).
    public var checks: String { description }
}

extension Array where Element == GuardrailReference {
    /// CIS Kubernetes Benchmark ids, such as 5.1.3.
    public var cis: [String] { filter { $0.framework == "CIS Kubernetes Benchmark" }.map(\.id) }
    /// Kubescape control ids, such as C-0187.
    public var kubescape: [String] { filter { $0.framework == "Kubescape" }.map(\.id) }
    /// Checkov check ids, such as CKV_K8S_49.
    public var checkov: [String] { filter { $0.framework == "Checkov" }.map(\.id) }
    /// Pod Security Standards levels (baseline, restricted).
    public var podSecurityStandards: [String] { filter { $0.framework == "Pod Security Standards" }.map(\.id) }
}

public enum GuardrailCatalog {
    public static func rule(_ id: GuardrailRuleID) -> GuardrailRule { byID[id.rawValue]! }
    public static func rule(id: String) -> GuardrailRule? { byID[id] }

    static let byID: [String: GuardrailRule] = Dictionary(uniqueKeysWithValues: rules.map { ($0.id, $0) })

    public static let rules: [GuardrailRule] = [
        // MARK: RBAC
        .init(
            id: .clusterWideGrant,
            name: "ClusterWideGrant",
            title: "Agent has a cluster-wide grant",
            severity: .high,
            category: "rbac",
            description: "The agent is granted permissions in every namespace: a ClusterRoleBinding, or a baseline grant for namespace \"*\".",
            remediation: "Grant agents namespace-scoped Roles through RoleBindings in their own namespace; never ClusterRoleBindings."
        ),
        .init(
            id: .clusterRoleInRoleBinding,
            name: "ClusterRoleReferenced",
            title: "RoleBinding references a ClusterRole",
            severity: .low,
            category: "rbac",
            description:
                "A RoleBinding gives the agent a ClusterRole's rules in one namespace; the ClusterRole can be changed (or aggregated into) for everyone who uses it.",
            remediation: "Give the agent its own namespaced Role with only the rules it needs."
        ),
        .init(
            id: .fullAdmin,
            name: "FullAdmin",
            title: "Agent has administrator (cluster-admin-like) access",
            severity: .critical,
            category: "rbac",
            description:
                "A rule grants every verb on every resource in every API group (or every non-resource URL), or the agent is bound to cluster-admin.",
            remediation:
                "Remove the binding to cluster-admin or the `*`/`*`/`*` rule; list the exact verbs, resources and API groups the agent needs.",
            references: [.cis("5.1.1"), .kubescape("C-0035")]
        ),
        .init(
            id: .unresolvedRole,
            name: "UnresolvedRole",
            title: "Binding refers to a role that is not in the input",
            severity: .medium,
            category: "rbac",
            description:
                "The agent is bound to a Role or ClusterRole that is missing from the checked objects, so its permissions could not be checked.",
            remediation: "Include the role in the checked manifests, or bind the agent to a role defined next to it."
        ),
        .init(
            id: .readSecrets,
            name: "ReadSecrets",
            title: "Agent can read Secrets",
            severity: .high,
            category: "rbac",
            description: "A rule allows get, list or watch on secrets (including through `*` verbs, resources or API groups).",
            remediation:
                "Remove secrets from the agent's rules; mount the few secrets it needs into its pod instead, or limit the rule with resourceNames.",
            references: [.cis("5.1.2"), .kubescape("C-0015")]
        ),
        .init(
            id: .readNamedSecrets,
            name: "ReadNamedSecrets",
            title: "Agent can read named Secrets",
            severity: .medium,
            category: "rbac",
            description: "A rule allows get, list or watch on secrets, limited by resourceNames to the secrets it names.",
            remediation: "Check that every named secret is needed; prefer mounting them into the agent's pod.",
            references: [.cis("5.1.2")]
        ),
        .init(
            id: .delete,
            name: "DeleteResources",
            title: "Agent can delete resources",
            severity: .medium,
            category: "rbac",
            description: "A rule allows delete or deletecollection.",
            remediation: "Remove delete and deletecollection unless the agent's purpose requires them; never grant them with `*`.",
            references: [.kubescape("C-0007")]
        ),
        .init(
            id: .wildcard,
            name: "WildcardRule",
            title: "Rule uses a wildcard",
            severity: .high,
            category: "rbac",
            description:
                "A rule has `*` in its verbs, resources (including `*/subresource`) or API groups, so it also grants whatever is added later.",
            remediation: "Replace wildcards with the explicit verbs, resources and API groups the agent needs.",
            references: [.cis("5.1.3"), .kubescape("C-0187"), .checkov("CKV_K8S_49")]
        ),
        .init(
            id: .escalate,
            name: "EscalateVerb",
            title: "Agent can escalate roles",
            severity: .critical,
            category: "rbac",
            description: "A rule allows the escalate verb on roles or clusterroles, so the agent can grant itself permissions it does not have.",
            remediation: "Remove the escalate verb.",
            references: [.cis("5.1.8"), .checkov("CKV_K8S_158")]
        ),
        .init(
            id: .bind,
            name: "BindVerb",
            title: "Agent can bind roles",
            severity: .critical,
            category: "rbac",
            description: "A rule allows the bind verb on roles or clusterroles, so the agent can bind roles with permissions it does not have.",
            remediation: "Remove the bind verb.",
            references: [.cis("5.1.8"), .checkov("CKV_K8S_157")]
        ),
        .init(
            id: .impersonate,
            name: "ImpersonateVerb",
            title: "Agent can impersonate other identities",
            severity: .critical,
            category: "rbac",
            description: "A rule allows impersonate on users, groups, serviceaccounts, uids or userextras.",
            remediation: "Remove the impersonate verb.",
            references: [.cis("5.1.8"), .kubescape("C-0065")]
        ),
        .init(
            id: .execAttach,
            name: "ExecIntoPods",
            title: "Agent can exec into or attach to pods",
            severity: .high,
            category: "rbac",
            description: "A rule allows create (or get) on pods/exec or pods/attach, which runs commands in other containers with their credentials.",
            remediation: "Remove pods/exec and pods/attach.",
            references: [.kubescape("C-0002")]
        ),
        .init(
            id: .portForward,
            name: "PortForward",
            title: "Agent can port-forward to pods",
            severity: .high,
            category: "rbac",
            description: "A rule allows create (or get) on pods/portforward, which bypasses NetworkPolicies.",
            remediation: "Remove pods/portforward.",
            references: [.kubescape("C-0063")]
        ),
        .init(
            id: .ephemeralContainers,
            name: "EphemeralContainers",
            title: "Agent can add ephemeral containers",
            severity: .high,
            category: "rbac",
            description: "A rule allows update or patch on pods/ephemeralcontainers, which runs arbitrary containers inside existing pods.",
            remediation: "Remove pods/ephemeralcontainers."
        ),
        .init(
            id: .nodeProxy,
            name: "NodeProxy",
            title: "Agent can use nodes/proxy",
            severity: .critical,
            category: "rbac",
            description: "A rule allows nodes/proxy, which reaches the kubelet API directly (exec in any pod on the node, bypassing audit).",
            remediation: "Remove nodes/proxy.",
            references: [.cis("5.1.10")]
        ),
        .init(
            id: .serviceAccountToken,
            name: "CreateServiceAccountTokens",
            title: "Agent can mint ServiceAccount tokens",
            severity: .high,
            category: "rbac",
            description: "A rule allows create on serviceaccounts/token, which issues tokens for other ServiceAccounts.",
            remediation: "Remove serviceaccounts/token.",
            references: [.cis("5.1.13")]
        ),
        .init(
            id: .csrApproval,
            name: "ApproveCertificateSigningRequests",
            title: "Agent can approve certificate signing requests",
            severity: .critical,
            category: "rbac",
            description:
                "A rule allows update or patch on certificatesigningrequests/approval, or approve on signers, which can issue client certificates for any identity.",
            remediation: "Remove certificatesigningrequests/approval and signers approve.",
            references: [.cis("5.1.11"), .checkov("CKV_K8S_156")]
        ),
        .init(
            id: .webhookConfig,
            name: "WriteWebhookConfigurations",
            title: "Agent can change admission webhooks",
            severity: .critical,
            category: "rbac",
            description:
                "A rule allows create, update, patch, delete or deletecollection on validatingwebhookconfigurations or mutatingwebhookconfigurations.",
            remediation: "Remove write access to admission webhook configurations.",
            references: [.cis("5.1.12"), .checkov("CKV_K8S_155")]
        ),
        .init(
            id: .persistentVolumeCreate,
            name: "CreatePersistentVolumes",
            title: "Agent can create PersistentVolumes",
            severity: .high,
            category: "rbac",
            description: "A rule allows create on persistentvolumes, which can expose host paths to pods.",
            remediation: "Remove create on persistentvolumes; let the agent use PersistentVolumeClaims.",
            references: [.cis("5.1.9")]
        ),
        .init(
            id: .rbacWrite,
            name: "WriteRBAC",
            title: "Agent can change RBAC objects",
            severity: .high,
            category: "rbac",
            description:
                "A rule allows create, update, patch, delete or deletecollection on roles, rolebindings, clusterroles or clusterrolebindings.",
            remediation: "Remove write access to RBAC objects; RBAC changes go through review, not through the agent."
        ),
        .init(
            id: .workloadCreate,
            name: "CreateWorkloads",
            title: "Agent can run pods as other ServiceAccounts",
            severity: .high,
            category: "rbac",
            description:
                "A rule allows create, update or patch on pods or a pod controller (deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, replicationcontrollers), so the agent can run pods as any ServiceAccount in that namespace and mount its secrets.",
            remediation:
                "Keep only ServiceAccounts without permissions (and no secrets worth having) in the namespace the agent deploys to, or remove the workload verbs.",
            references: [.cis("5.1.4"), .kubescape("C-0188")]
        ),
        .init(
            id: .namespaceWrite,
            name: "WriteNamespaces",
            title: "Agent can change namespaces",
            severity: .high,
            category: "rbac",
            description: "A rule allows create, update, patch or delete on namespaces (for example removing the Pod Security labels).",
            remediation: "Remove write access to namespaces."
        ),
        .init(
            id: .nodeWrite,
            name: "WriteNodes",
            title: "Agent can change nodes",
            severity: .high,
            category: "rbac",
            description: "A rule allows create, update, patch or delete on nodes (labels, taints, status).",
            remediation: "Remove write access to nodes."
        ),
        .init(
            id: .deleteEvents,
            name: "DeleteEvents",
            title: "Agent can delete events",
            severity: .medium,
            category: "rbac",
            description: "A rule allows delete or deletecollection on events, which hides the agent's activity.",
            remediation: "Remove delete on events.",
            references: [.kubescape("C-0031")]
        ),

        // MARK: Workloads
        .init(
            id: .runAsNonRoot,
            name: "RunAsNonRoot",
            title: "Containers may run as root",
            severity: .high,
            category: "workload",
            description: "Pod Security restricted: runAsNonRoot must be true on the pod or on every container.",
            remediation: "Set securityContext.runAsNonRoot: true on the pod (and do not set it to false on a container).",
            references: [.pss("restricted"), .cis("5.2.7"), .kubescape("C-0013"), .checkov("CKV_K8S_23")]
        ),
        .init(
            id: .runAsRootUser,
            name: "RunAsUserRoot",
            title: "Container runs as UID 0",
            severity: .high,
            category: "workload",
            description: "Pod Security restricted: runAsUser must not be 0.",
            remediation: "Set runAsUser to a non-zero UID (or leave it unset with runAsNonRoot: true).",
            references: [.pss("restricted"), .kubescape("C-0013")]
        ),
        .init(
            id: .privilegeEscalation,
            name: "AllowPrivilegeEscalation",
            title: "Privilege escalation is not disabled",
            severity: .high,
            category: "workload",
            description:
                "Pod Security restricted: allowPrivilegeEscalation must be false on every container, init container and ephemeral container.",
            remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
            references: [.pss("restricted"), .cis("5.2.6"), .kubescape("C-0016"), .checkov("CKV_K8S_20")]
        ),
        .init(
            id: .capabilitiesNotDropped,
            name: "CapabilitiesNotDropped",
            title: "Capabilities are not dropped",
            severity: .medium,
            category: "workload",
            description: "Pod Security restricted: every container must drop ALL capabilities.",
            remediation: "Set securityContext.capabilities.drop: [\"ALL\"] on every container.",
            references: [.pss("restricted"), .cis("5.2.10"), .checkov("CKV_K8S_37")]
        ),
        .init(
            id: .capabilitiesAdded,
            name: "CapabilitiesAdded",
            title: "Container adds capabilities",
            severity: .high,
            category: "workload",
            description: "Pod Security restricted: containers may add only NET_BIND_SERVICE.",
            remediation: "Remove every added capability except NET_BIND_SERVICE.",
            references: [.pss("restricted"), .cis("5.2.9"), .kubescape("C-0046"), .checkov("CKV_K8S_25"), .checkov("CKV_K8S_28")]
        ),
        .init(
            id: .seccomp,
            name: "SeccompProfile",
            title: "No seccomp profile",
            severity: .medium,
            category: "workload",
            description:
                "Pod Security restricted: seccompProfile.type must be RuntimeDefault or Localhost on the pod or every container (and Unconfined nowhere).",
            remediation: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
            references: [.pss("restricted"), .checkov("CKV_K8S_31")]
        ),
        .init(
            id: .privileged,
            name: "PrivilegedContainer",
            title: "Privileged container",
            severity: .critical,
            category: "workload",
            description: "Pod Security baseline: containers must not be privileged.",
            remediation: "Remove securityContext.privileged: true.",
            references: [.pss("baseline"), .cis("5.2.2"), .kubescape("C-0057"), .checkov("CKV_K8S_16")]
        ),
        .init(
            id: .hostNamespaces,
            name: "HostNamespaces",
            title: "Pod shares a host namespace",
            severity: .critical,
            category: "workload",
            description: "Pod Security baseline: hostNetwork, hostPID and hostIPC must not be true.",
            remediation: "Remove hostNetwork, hostPID and hostIPC.",
            references: [
                .pss("baseline"), .cis("5.2.3"), .cis("5.2.4"), .cis("5.2.5"), .kubescape("C-0038"), .kubescape("C-0041"),
                .checkov("CKV_K8S_17"), .checkov("CKV_K8S_18"), .checkov("CKV_K8S_19"),
            ]
        ),
        .init(
            id: .hostPath,
            name: "HostPathVolume",
            title: "Pod mounts a hostPath volume",
            severity: .high,
            category: "workload",
            description: "Pod Security baseline: hostPath volumes are forbidden.",
            remediation: "Replace the hostPath volume with emptyDir, a PersistentVolumeClaim or a projected volume.",
            references: [.pss("baseline"), .cis("5.2.12"), .kubescape("C-0048")]
        ),
        .init(
            id: .hostPort,
            name: "HostPort",
            title: "Container uses a hostPort",
            severity: .medium,
            category: "workload",
            description: "Pod Security baseline: hostPort must be unset or 0.",
            remediation: "Remove hostPort; expose the container through a Service.",
            references: [.pss("baseline"), .cis("5.2.13"), .kubescape("C-0044"), .checkov("CKV_K8S_26")]
        ),
        .init(
            id: .volumeType,
            name: "VolumeType",
            title: "Volume type not allowed by Pod Security restricted",
            severity: .medium,
            category: "workload",
            description:
                "Pod Security restricted allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.",
            remediation: "Use one of the allowed volume types.",
            references: [.pss("restricted")]
        ),
        .init(
            id: .readOnlyRootFilesystem,
            name: "ReadOnlyRootFilesystem",
            title: "Root filesystem is writable",
            severity: .medium,
            category: "workload",
            description: "Every container should set readOnlyRootFilesystem: true (write to an emptyDir instead).",
            remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the agent writes.",
            references: [.kubescape("C-0017"), .checkov("CKV_K8S_22")]
        ),
        .init(
            id: .resources,
            name: "ResourceRequestsAndLimits",
            title: "CPU or memory requests or limits missing",
            severity: .medium,
            category: "workload",
            description: "Every container should set CPU and memory requests and limits, so a runaway agent cannot exhaust the node.",
            remediation: "Set resources.requests and resources.limits for cpu and memory on every container.",
            references: [.kubescape("C-0009"), .checkov("CKV_K8S_10"), .checkov("CKV_K8S_11"), .checkov("CKV_K8S_12"), .checkov("CKV_K8S_13")]
        ),
        .init(
            id: .runtimeClass,
            name: "RuntimeClass",
            title: "Pod does not use the expected RuntimeClass",
            severity: .medium,
            category: "workload",
            description: "The expectations name a RuntimeClass (for example gvisor, a sandbox for untrusted agent code) and the pod does not use it.",
            remediation: "Set spec.runtimeClassName to the expected RuntimeClass."
        ),
        .init(
            id: .automountToken,
            name: "AutomountServiceAccountToken",
            title: "ServiceAccount token is mounted but not needed",
            severity: .medium,
            category: "workload",
            description:
                "The pod's ServiceAccount is granted nothing in the checked RBAC, yet its token is mounted (automountServiceAccountToken is not false on the pod or the ServiceAccount).",
            remediation: "Set automountServiceAccountToken: false on the pod or its ServiceAccount.",
            references: [.cis("5.1.6"), .kubescape("C-0034"), .checkov("CKV_K8S_38")]
        ),
        .init(
            id: .defaultServiceAccount,
            name: "DefaultServiceAccount",
            title: "Pod uses the default ServiceAccount",
            severity: .low,
            category: "workload",
            description: "The pod runs as its namespace's default ServiceAccount instead of a dedicated one.",
            remediation: "Create a ServiceAccount for the workload and set spec.serviceAccountName.",
            references: [.cis("5.1.5"), .kubescape("C-0189")]
        ),
        .init(
            id: .imageNotPinned,
            name: "ImageNotPinned",
            title: "Image is not pinned by digest",
            severity: .low,
            category: "workload",
            description: "The container image is referenced by a tag (or :latest, or no tag), so what runs can change without review.",
            remediation: "Reference the image by digest (image@sha256:...).",
            references: [.checkov("CKV_K8S_43"), .checkov("CKV_K8S_14")]
        ),

        // MARK: Namespace
        .init(
            id: .podSecurityAdmission,
            name: "PodSecurityEnforce",
            title: "Namespace does not enforce Pod Security restricted",
            severity: .high,
            category: "namespace",
            description: "The agent's Namespace must be labelled pod-security.kubernetes.io/enforce: restricted (and be present in the input).",
            remediation: "Label the namespace: pod-security.kubernetes.io/enforce=restricted.",
            references: [.pss("restricted")]
        ),
        .init(
            id: .resourceQuota,
            name: "ResourceQuota",
            title: "Namespace has no ResourceQuota",
            severity: .medium,
            category: "namespace",
            description: "The agent's namespace must have a ResourceQuota, so an agent creating workloads cannot exhaust the cluster.",
            remediation: "Add a ResourceQuota (pods, requests.cpu, requests.memory, limits.cpu, limits.memory) to the namespace."
        ),

        // MARK: Network
        .init(
            id: .networkPolicyMissing,
            name: "NetworkPolicyMissing",
            title: "Agent pods are not selected by a NetworkPolicy",
            severity: .high,
            category: "network",
            description:
                "No NetworkPolicy in the namespace selects the agent's pods (or the agent's namespace has no NetworkPolicy), so all traffic is allowed.",
            remediation: "Add a NetworkPolicy whose podSelector matches the agent pods' labels, with policyTypes Ingress and Egress.",
            references: [.cis("5.3.2"), .kubescape("C-0260")]
        ),
        .init(
            id: .networkPolicyTypes,
            name: "NetworkPolicyTypes",
            title: "Ingress or egress is not restricted",
            severity: .high,
            category: "network",
            description: "The NetworkPolicies selecting the agent's pods must have both Ingress and Egress in policyTypes.",
            remediation: "Set policyTypes: [Ingress, Egress].",
            references: [.kubescape("C-0030")]
        ),
        .init(
            id: .ingressAllowed,
            name: "IngressAllowed",
            title: "NetworkPolicy allows ingress to the agent",
            severity: .medium,
            category: "network",
            description: "Agents take no inbound traffic: the policy must have no ingress rules.",
            remediation: "Set ingress: [] (or remove the ingress rules)."
        ),
        .init(
            id: .egressUnexpected,
            name: "EgressUnexpected",
            title: "NetworkPolicy allows unexpected egress",
            severity: .high,
            category: "network",
            description:
                "An egress rule allows destinations or ports outside the expected ones (a rule without `to` allows every destination, without `ports` every port).",
            remediation: "Limit egress rules to the expected CIDRs and ports (by default DNS on 53/UDP and 53/TCP, and HTTPS on 443/TCP)."
        ),

        // MARK: Audit
        .init(
            id: .auditNotRequestResponse,
            name: "AuditRequestResponse",
            title: "Agent's requests are not audited at RequestResponse",
            severity: .high,
            category: "audit",
            description:
                "In the audit Policy, the first rule matching each request the agent may make must have level RequestResponse (an earlier rule with a lower level shadows later ones).",
            remediation:
                "Add, before any broader rule, a rule at level RequestResponse for users: [system:serviceaccount:NS:NAME] without resource restrictions."
        ),
    ]
}
