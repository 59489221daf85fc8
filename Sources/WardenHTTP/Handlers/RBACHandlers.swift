import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore

extension WardenAPI {
    func reviewSubjectAccess(_ input: Operations.ReviewSubjectAccess.Input) async throws -> Operations.ReviewSubjectAccess.Output {
        guard case .json(let review) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let spec = review.spec
        let user = spec.user ?? ""
        let groups = spec.groups ?? []
        if user.isEmpty && groups.isEmpty {
            throw Problem.validation(ValidationError(pointer: "/spec/user", detail: "a user or at least one group is required"))
        }
        let attributes: RequestAttributes
        switch (spec.resourceAttributes, spec.nonResourceAttributes) {
        case (let r?, nil):
            attributes = try Self.attributes(
                verb: r.verb,
                group: r.group,
                resource: r.resource,
                subresource: r.subresource,
                namespace: r.namespace,
                name: r.name,
                path: nil,
                pointerPrefix: "/spec/resourceAttributes/"
            )
        case (nil, let n?):
            attributes = try Self.attributes(
                verb: n.verb,
                group: nil,
                resource: nil,
                subresource: nil,
                namespace: nil,
                name: nil,
                path: n.path,
                pointerPrefix: "/spec/nonResourceAttributes/"
            )
        default:
            throw Problem.validation(
                ValidationError(pointer: "/spec", detail: "exactly one of resourceAttributes and nonResourceAttributes is required")
            )
        }
        let entry = try await app.snapshots.parsed(id: input.path.id)
        let decision = entry.authorizer.authorize(AccessRequest(user: user, groups: groups, attributes: attributes))
        var answer = review
        answer.apiVersion = review.apiVersion ?? "authorization.k8s.io/v1"
        answer.kind = review.kind ?? "SubjectAccessReview"
        answer.status = .init(allowed: decision.allowed, reason: decision.reason, grants: decision.grants.map(Self.schema))
        return .ok(.init(body: .json(answer)))
    }

    func canI(_ input: Operations.CanI.Input) async throws -> Operations.CanI.Output {
        let q = input.query
        let (user, groups, implicit) = try Self.identity(as: q._as, extraGroups: q.asGroup ?? [])
        let attributes = try Self.attributes(
            verb: q.verb,
            group: q.group,
            resource: q.resource,
            subresource: q.subresource,
            namespace: q.namespace,
            name: q.name,
            path: q.path,
            pointerPrefix: ""
        )
        let entry = try await app.snapshots.parsed(id: input.path.id)
        let decision = entry.authorizer.authorize(AccessRequest(user: user, groups: groups, attributes: attributes))
        return .ok(
            .init(
                body: .json(
                    .init(
                        allowed: decision.allowed,
                        user: user,
                        groups: groups,
                        implicitGroups: implicit,
                        reason: decision.reason,
                        grants: decision.grants.map(Self.schema)
                    )
                )
            )
        )
    }

    func whoCan(_ input: Operations.WhoCan.Input) async throws -> Operations.WhoCan.Output {
        let q = input.query
        let attributes = try Self.attributes(
            verb: q.verb,
            group: q.group,
            resource: q.resource,
            subresource: q.subresource,
            namespace: q.namespace,
            name: q.name,
            path: q.path,
            pointerPrefix: ""
        )
        let entry = try await app.snapshots.parsed(id: input.path.id)
        let subjects = entry.authorizer.whoCan(attributes, serviceAccounts: entry.snapshot.serviceAccounts)
        return .ok(
            .init(
                body: .json(
                    .init(subjects: subjects.map { .init(subject: Self.schema($0.subject), grants: $0.grants.map(Self.schema)) })
                )
            )
        )
    }

    func getPermissions(_ input: Operations.GetPermissions.Input) async throws -> Operations.GetPermissions.Output {
        let (user, groups, implicit) = try Self.identity(as: input.query._as, extraGroups: input.query.asGroup ?? [])
        let entry = try await app.snapshots.parsed(id: input.path.id)
        let permissions = entry.authorizer.effectivePermissions(user: user, groups: groups)
        return .ok(
            .init(
                body: .json(
                    .init(
                        user: user,
                        groups: groups,
                        implicitGroups: implicit,
                        clusterWide: permissions.clusterWide.map(Self.schema),
                        namespaces: permissions.namespaces.map { .init(namespace: $0.namespace, bindings: $0.bindings.map(Self.schema)) }
                    )
                )
            )
        )
    }

    /// The user, every group to evaluate with, and which of those Warden added. Impersonating a
    /// ServiceAccount adds its three implicit groups, as the API server does; any other
    /// authenticated user gets system:authenticated.
    static func identity(as user: String, extraGroups: [String]) throws -> (String, [String], [String]) {
        guard !user.isEmpty else { throw Problem.invalidParameter("as", "is required, for example system:serviceaccount:NS:NAME") }
        let implicit: [String]
        if let account = ServiceAccountIdentity.parse(user) {
            implicit = account.implicitGroups
        } else if user.hasPrefix(ServiceAccountIdentity.usernamePrefix) {
            throw Problem.invalidParameter("as", "a ServiceAccount user is system:serviceaccount:NAMESPACE:NAME")
        } else if user == "system:anonymous" {
            implicit = ["system:unauthenticated"]
        } else {
            implicit = [ServiceAccountIdentity.authenticatedGroup]
        }
        var groups = extraGroups
        for group in implicit where !groups.contains(group) { groups.append(group) }
        return (user, groups, implicit.filter { !extraGroups.contains($0) })
    }

    /// Resource or non-resource attributes from loose fields, with each mistake named.
    static func attributes(
        verb: String?,
        group: String?,
        resource: String?,
        subresource: String?,
        namespace: String?,
        name: String?,
        path: String?,
        pointerPrefix: String
    ) throws -> RequestAttributes {
        func issue(_ field: String, _ detail: String) -> Problem {
            pointerPrefix.isEmpty
                ? Problem.invalidParameter(field, detail) : Problem.validation(ValidationError(pointer: pointerPrefix + field, detail: detail))
        }
        guard let verb, !verb.isEmpty else { throw issue("verb", "is required, for example get, list or create") }
        let resource = resource ?? ""
        let path = path ?? ""
        switch (resource.isEmpty, path.isEmpty) {
        case (false, true):
            if resource.contains("/") { throw issue("resource", "name the subresource separately, in subresource") }
            return .resource(
                ResourceAttributes(
                    namespace: namespace ?? "",
                    verb: verb,
                    group: group ?? "",
                    resource: resource,
                    subresource: subresource ?? "",
                    name: name ?? ""
                )
            )
        case (true, false):
            guard path.hasPrefix("/") else { throw issue("path", "must start with /") }
            if !(subresource ?? "").isEmpty || !(name ?? "").isEmpty || !(namespace ?? "").isEmpty || !(group ?? "").isEmpty {
                throw issue("path", "a non-resource request takes only a path and a verb")
            }
            return .nonResource(NonResourceAttributes(path: path, verb: verb))
        case (false, false):
            throw issue("path", "give either a resource or a path, not both")
        case (true, true):
            throw issue("resource", "give a resource (with group, subresource, namespace and name as needed) or a non-resource path")
        }
    }

    static func schema(_ grant: Grant) -> Components.Schemas.Grant {
        .init(
            bindingKind: grant.bindingKind == .clusterRoleBinding ? .clusterRoleBinding : .roleBinding,
            bindingNamespace: grant.bindingNamespace.isEmpty ? nil : grant.bindingNamespace,
            bindingName: grant.bindingName,
            roleKind: grant.roleKind == "ClusterRole" ? .clusterRole : .role,
            roleName: grant.roleName,
            ruleIndex: grant.ruleIndex,
            rule: schema(grant.rule),
            subject: schema(grant.subject)
        )
    }

    static func schema(_ rule: PolicyRule) -> Components.Schemas.PolicyRule {
        .init(
            verbs: rule.verbs,
            apiGroups: rule.nonResourceURLs.isEmpty || !rule.apiGroups.isEmpty ? rule.apiGroups : nil,
            resources: rule.nonResourceURLs.isEmpty || !rule.resources.isEmpty ? rule.resources : nil,
            resourceNames: rule.resourceNames.isEmpty ? nil : rule.resourceNames,
            nonResourceURLs: rule.nonResourceURLs.isEmpty ? nil : rule.nonResourceURLs
        )
    }

    static func schema(_ subject: Subject) -> Components.Schemas.Subject {
        .init(
            kind: Components.Schemas.Subject.KindPayload(rawValue: subject.kind) ?? .user,
            apiGroup: subject.apiGroup.isEmpty ? nil : subject.apiGroup,
            name: subject.name,
            namespace: subject.namespace.isEmpty ? nil : subject.namespace
        )
    }

    static func schema(_ binding: BindingGrant) -> Components.Schemas.BindingRules {
        .init(
            bindingKind: binding.source.bindingKind == .clusterRoleBinding ? .clusterRoleBinding : .roleBinding,
            bindingNamespace: binding.source.bindingNamespace.isEmpty ? nil : binding.source.bindingNamespace,
            bindingName: binding.source.bindingName,
            roleKind: binding.source.roleKind == "ClusterRole" ? .clusterRole : .role,
            roleName: binding.source.roleName,
            subject: schema(binding.subject),
            rules: binding.rules.map(schema)
        )
    }
}
