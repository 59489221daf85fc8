import Foundation

@testable import WardenCore

/// Helpers mirroring the constructors of upstream rbac_test.go.
enum RBACFixtures {
    /// `newRule(verbs, apiGroups, resources, nonResourceURLs)`: comma-separated lists (empty string -> [""]).
    static func rule(_ verbs: String, _ groups: String, _ resources: String, _ urls: String) -> PolicyRule {
        func split(_ s: String) -> [String] { s.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return PolicyRule(verbs: split(verbs), apiGroups: split(groups), resources: split(resources), nonResourceURLs: split(urls))
    }

    /// "Kind:name" subjects as upstream's test helpers; ServiceAccount subjects get no namespace.
    static func subjects(_ specs: [String]) -> [Subject] {
        specs.map { spec in
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            switch parts[0] {
            case Subject.serviceAccountKind: return Subject(kind: parts[0], apiGroup: "", name: parts[1])
            default: return Subject(kind: parts[0], apiGroup: rbacGroupName, name: parts[1])
            }
        }
    }

    static func clusterRoleBinding(_ roleName: String, _ subjects: String..., name: String? = nil) -> ClusterRoleBinding {
        ClusterRoleBinding(name: name ?? "crb-\(roleName)", subjects: Self.subjects(subjects), roleRef: .clusterRole(roleName))
    }

    static func roleBinding(
        _ namespace: String,
        _ roleName: String,
        toClusterRole: Bool,
        _ subjects: String...,
        name: String? = nil
    ) -> RoleBinding {
        RoleBinding(
            name: name ?? "rb-\(roleName)",
            namespace: namespace,
            subjects: Self.subjects(subjects),
            roleRef: toClusterRole ? .clusterRole(roleName) : .role(roleName)
        )
    }

    static func resource(
        _ verb: String,
        group: String = "",
        _ resource: String,
        subresource: String = "",
        namespace: String = "",
        name: String = ""
    ) -> RequestAttributes {
        .resource(
            ResourceAttributes(
                namespace: namespace,
                verb: verb,
                group: group,
                resource: resource,
                subresource: subresource,
                name: name
            )
        )
    }

    static func nonResource(_ verb: String, _ path: String) -> RequestAttributes {
        .nonResource(NonResourceAttributes(path: path, verb: verb))
    }
}

enum SnapshotFixtureFiles {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    /// The upstream bootstrap roles and bindings (YAML Lists).
    static func bootstrapSnapshot() throws -> Snapshot {
        let roles = try Snapshot(parsing: bytes("cluster-roles.yaml"))
        let bindings = try Snapshot(parsing: bytes("cluster-role-bindings.yaml"))
        var s = roles
        s.rbac.merge(bindings.rbac)
        return s
    }
}
