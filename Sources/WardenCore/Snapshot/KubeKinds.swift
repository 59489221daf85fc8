// Known Kubernetes kinds: scope (namespaced or cluster) and which ones a snapshot keeps.

public enum KubeKinds {
    /// API group of an apiVersion ("v1" -> "", "apps/v1" -> "apps").
    public static func group(ofAPIVersion apiVersion: String) -> String {
        guard let slash = apiVersion.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(Substring(apiVersion.utf8[..<slash]))
    }

    /// Namespaced built-in kinds, with the API groups that serve them.
    public static let namespaced: [String: Set<String>] = [
        "Pod": [""], "Service": [""], "ServiceAccount": [""], "ConfigMap": [""], "Secret": [""],
        "Endpoints": [""], "Event": ["", "events.k8s.io"], "LimitRange": [""], "ResourceQuota": [""],
        "PersistentVolumeClaim": [""], "PodTemplate": [""], "ReplicationController": [""],
        "Deployment": ["apps", "extensions"], "StatefulSet": ["apps"], "DaemonSet": ["apps", "extensions"],
        "ReplicaSet": ["apps", "extensions"], "ControllerRevision": ["apps"],
        "Job": ["batch"], "CronJob": ["batch"],
        "Role": ["rbac.authorization.k8s.io"], "RoleBinding": ["rbac.authorization.k8s.io"],
        "NetworkPolicy": ["networking.k8s.io", "extensions"], "Ingress": ["networking.k8s.io", "extensions"],
        "HorizontalPodAutoscaler": ["autoscaling"], "PodDisruptionBudget": ["policy"],
        "Lease": ["coordination.k8s.io"], "EndpointSlice": ["discovery.k8s.io"],
        "CSIStorageCapacity": ["storage.k8s.io"], "LocalSubjectAccessReview": ["authorization.k8s.io"],
        "ResourceClaim": ["resource.k8s.io"], "ResourceClaimTemplate": ["resource.k8s.io"],
    ]

    /// Cluster-scoped built-in kinds, with the API groups that serve them.
    public static let clusterScoped: [String: Set<String>] = [
        "Namespace": [""], "Node": [""], "PersistentVolume": [""], "ComponentStatus": [""],
        "ClusterRole": ["rbac.authorization.k8s.io"], "ClusterRoleBinding": ["rbac.authorization.k8s.io"],
        "StorageClass": ["storage.k8s.io"], "CSIDriver": ["storage.k8s.io"], "CSINode": ["storage.k8s.io"],
        "VolumeAttachment": ["storage.k8s.io"], "CustomResourceDefinition": ["apiextensions.k8s.io"],
        "PriorityClass": ["scheduling.k8s.io"], "RuntimeClass": ["node.k8s.io"],
        "IngressClass": ["networking.k8s.io"], "IPAddress": ["networking.k8s.io"], "ServiceCIDR": ["networking.k8s.io"],
        "ValidatingWebhookConfiguration": ["admissionregistration.k8s.io"],
        "MutatingWebhookConfiguration": ["admissionregistration.k8s.io"],
        "ValidatingAdmissionPolicy": ["admissionregistration.k8s.io"],
        "ValidatingAdmissionPolicyBinding": ["admissionregistration.k8s.io"],
        "MutatingAdmissionPolicy": ["admissionregistration.k8s.io"],
        "MutatingAdmissionPolicyBinding": ["admissionregistration.k8s.io"],
        "APIService": ["apiregistration.k8s.io"], "CertificateSigningRequest": ["certificates.k8s.io"],
        "FlowSchema": ["flowcontrol.apiserver.k8s.io"], "PriorityLevelConfiguration": ["flowcontrol.apiserver.k8s.io"],
        "DeviceClass": ["resource.k8s.io"],
    ]

    /// Kinds kept as JSON trees in a snapshot by default.
    public static let defaultKeptKinds: Set<String> = [
        "Namespace", "ServiceAccount", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
        "Job", "CronJob", "NetworkPolicy", "ResourceQuota", "LimitRange",
    ]

    /// Whether the built-in kind is known to be namespaced; nil for unknown (e.g. custom) kinds.
    public static func isNamespaced(kind: String, group: String) -> Bool? {
        if let g = namespaced[kind], g.contains(group) { return true }
        if let g = clusterScoped[kind], g.contains(group) { return false }
        return nil
    }

    /// Whether `kind` of `group` is one of `kept` (built-in kinds must come from their own group).
    static func isKept(kind: String, group: String, kept: Set<String>) -> Bool {
        guard kept.contains(kind) else { return false }
        if let g = namespaced[kind] ?? clusterScoped[kind] { return g.contains(group) }
        return true
    }
}
