// RBAC evaluation with upstream semantics (plugin/pkg/auth/authorizer/rbac/rbac.go and
// pkg/registry/rbac/validation/rule.go `DefaultRuleResolver.VisitRulesFor`), with indexes so
// that large clusters (tens of thousands of bindings and service accounts) evaluate quickly.
//
// Upstream semantics reproduced here:
// - ClusterRoleBindings apply in every namespace and to non-resource requests; RoleBindings
//   apply only to resource requests whose namespace equals the binding's namespace (so a
//   cluster-scoped request, namespace "", is decided by ClusterRoleBindings alone).
// - RoleBinding -> Role is looked up in the binding's namespace; RoleBinding -> ClusterRole
//   grants the ClusterRole's rules in the binding's namespace only; ClusterRoleBinding -> Role
//   (invalid) and any unknown roleRef kind resolve to nothing. `roleRef.apiGroup` is not checked.
// - A binding to a missing role grants nothing (upstream reports a resolution error).
// - Subjects: User by name, Group by membership, ServiceAccount by the user name
//   `system:serviceaccount:<ns>:<name>`, the namespace defaulting to the RoleBinding's; a
//   namespace-less ServiceAccount subject of a ClusterRoleBinding never matches. Subject
//   `apiGroup` is ignored; unknown kinds never match; `*` is not a wildcard.
// - Strings are compared byte-wise like Go.

public enum BindingKind: String, Sendable, Hashable, Codable {
    case clusterRoleBinding = "ClusterRoleBinding"
    case roleBinding = "RoleBinding"
}

/// Where a permission comes from: a binding and the role it references.
public struct BindingSource: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bindingKind: BindingKind
    /// "" for ClusterRoleBindings.
    public var bindingNamespace: String
    public var bindingName: String
    /// "Role" or "ClusterRole" (as written in the binding's roleRef).
    public var roleKind: String
    public var roleName: String

    public init(
        bindingKind: BindingKind,
        bindingNamespace: String,
        bindingName: String,
        roleKind: String,
        roleName: String
    ) {
        self.bindingKind = bindingKind
        self.bindingNamespace = bindingNamespace
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
    }

    public var description: String {
        switch bindingKind {
        case .clusterRoleBinding:
            return "ClusterRoleBinding \"\(bindingName)\" of \(roleKind) \"\(roleName)\""
        case .roleBinding:
            return "RoleBinding \"\(bindingName)/\(bindingNamespace)\" of \(roleKind) \"\(roleName)\""
        }
    }
}

/// One rule that grants (part of) a request, with its provenance.
public struct Grant: Sendable, Hashable, Codable, CustomStringConvertible {
    public var source: BindingSource
    /// The binding subject that matched the user (the first applying one, as upstream).
    public var subject: Subject
    /// Index of the rule in the role's effective (aggregated) rules.
    public var ruleIndex: Int
    public var rule: PolicyRule

    public init(source: BindingSource, subject: Subject, ruleIndex: Int, rule: PolicyRule) {
        self.source = source
        self.subject = subject
        self.ruleIndex = ruleIndex
        self.rule = rule
    }

    public var bindingKind: BindingKind { source.bindingKind }
    public var bindingNamespace: String { source.bindingNamespace }
    public var bindingName: String { source.bindingName }
    public var roleKind: String { source.roleKind }
    public var roleName: String { source.roleName }

    /// Upstream-style "allowed by" text.
    public var description: String {
        let subj: String
        if subject.kind == Subject.serviceAccountKind {
            let ns = subject.namespace.isEmpty ? source.bindingNamespace : subject.namespace
            subj = "\(subject.kind) \"\(subject.name)/\(ns)\""
        } else {
            subj = "\(subject.kind) \"\(subject.name)\""
        }
        return "\(source) to \(subj) (rule \(ruleIndex): \(rule))"
    }
}

public struct AuthorizationDecision: Sendable, Hashable, Codable {
    public var allowed: Bool
    /// Every rule that allows the request, ClusterRoleBindings first, in object order.
    public var grants: [Grant]
    /// Bindings that applied to the user but reference a missing role (upstream resolution errors).
    public var unresolvedBindings: [BindingSource]

    public init(allowed: Bool, grants: [Grant], unresolvedBindings: [BindingSource] = []) {
        self.allowed = allowed
        self.grants = grants
        self.unresolvedBindings = unresolvedBindings
    }

    /// Upstream-like reason: `RBAC: allowed by ...` or the resolution errors.
    public var reason: String {
        if let g = grants.first { return "RBAC: allowed by \(g.source) to \(g.subject.kind) \"\(g.subject.name)\"" }
        if unresolvedBindings.isEmpty { return "" }
        return "RBAC: "
            + unresolvedBindings.map { s in
                s.roleKind == RoleRef.roleKind
                    ? "role.rbac.authorization.k8s.io \"\(s.roleName)\" not found"
                    : (s.roleKind == RoleRef.clusterRoleKind
                        ? "clusterrole.rbac.authorization.k8s.io \"\(s.roleName)\" not found"
                        : "unsupported role reference kind: \"\(s.roleKind)\"")
            }.joined(separator: ", ")
    }
}

/// All subjects allowed to do something, with the rules that allow them.
public struct SubjectGrants: Sendable, Hashable, Codable {
    public var subject: Subject
    public var grants: [Grant]

    public init(subject: Subject, grants: [Grant]) {
        self.subject = subject
        self.grants = grants
    }
}

/// One applying binding and all rules of its role.
public struct BindingGrant: Sendable, Hashable, Codable {
    public var source: BindingSource
    /// The binding subject that matched (first applying one).
    public var subject: Subject
    /// The role's effective rules; the rule index of `rules[i]` is `i`.
    public var rules: [PolicyRule]

    public init(source: BindingSource, subject: Subject, rules: [PolicyRule]) {
        self.source = source
        self.subject = subject
        self.rules = rules
    }

    public var grants: [Grant] {
        rules.enumerated().map { Grant(source: source, subject: subject, ruleIndex: $0.offset, rule: $0.element) }
    }
}

public struct NamespacePermissions: Sendable, Hashable, Codable {
    public var namespace: String
    public var bindings: [BindingGrant]

    public init(namespace: String, bindings: [BindingGrant]) {
        self.namespace = namespace
        self.bindings = bindings
    }

    public var grants: [Grant] { bindings.flatMap(\.grants) }
}

/// Everything a user (with groups) may do: cluster-wide grants (ClusterRoleBindings, which
/// apply in every namespace) first, then per namespace (RoleBindings), namespaces sorted.
/// Like `kubectl auth can-i --list`, but for all namespaces at once and with provenance.
public struct EffectivePermissions: Sendable, Hashable, Codable {
    public var user: String
    public var groups: [String]
    public var clusterWide: [BindingGrant]
    public var namespaces: [NamespacePermissions]
    /// Applying bindings whose role does not exist (grant nothing).
    public var unresolvedBindings: [BindingSource]

    public init(
        user: String,
        groups: [String],
        clusterWide: [BindingGrant],
        namespaces: [NamespacePermissions],
        unresolvedBindings: [BindingSource] = []
    ) {
        self.user = user
        self.groups = groups
        self.clusterWide = clusterWide
        self.namespaces = namespaces
        self.unresolvedBindings = unresolvedBindings
    }

    /// All grants, cluster-wide first.
    public var grants: [Grant] { clusterWide.flatMap(\.grants) + namespaces.flatMap(\.grants) }

    /// The rules that apply in `namespace` (cluster-wide ones plus that namespace's), i.e.
    /// `kubectl auth can-i --list -n <namespace>`. Pass "" for cluster-scoped requests.
    public func grants(inNamespace namespace: String) -> [Grant] {
        var out = clusterWide.flatMap(\.grants)
        if !namespace.isEmpty, let ns = namespaces.first(where: { bytesEqual($0.namespace, namespace) }) {
            out += ns.grants
        }
        return out
    }

    /// Evaluates a request against these permissions (same answer as the authorizer).
    public func allows(_ attributes: RequestAttributes) -> Bool {
        for b in clusterWide where RuleMatching.rulesAllow(attributes, b.rules) { return true }
        guard case .resource(let r) = attributes, !r.namespace.isEmpty,
            let ns = namespaces.first(where: { bytesEqual($0.namespace, r.namespace) })
        else { return false }
        return ns.bindings.contains { RuleMatching.rulesAllow(attributes, $0.rules) }
    }

    public var isEmpty: Bool { clusterWide.isEmpty && namespaces.isEmpty }
}

/// Effective permissions of one service account.
public struct ServiceAccountPermissions: Sendable, Hashable, Codable {
    public var serviceAccount: ServiceAccountIdentity
    public var permissions: EffectivePermissions

    public init(serviceAccount: ServiceAccountIdentity, permissions: EffectivePermissions) {
        self.serviceAccount = serviceAccount
        self.permissions = permissions
    }
}

/// The RBAC evaluator. Build it once from an `RBACState` (O(objects)), then query it; it is
/// immutable and safe to share between tasks.
public final class RBACAuthorizer: Sendable {
    struct Binding: Sendable {
        let source: BindingSource
        let namespace: String
        let subjects: [Subject]
        /// Effective rules of the referenced role; nil when the role is missing.
        let rules: [PolicyRule]?
        /// Role identity for caching per-role rule matches: ClusterRole index, or -(Role index + 1).
        let roleID: Int
    }

    struct NSKey: Hashable, Sendable {
        let namespace: String
        let principal: String
    }

    public let state: RBACState
    /// Effective (aggregated) rules per ClusterRole, aligned with `state.clusterRoles`.
    public let clusterRoleRules: [[PolicyRule]]
    let clusterRoleByName: [String: Int]
    let roleByKey: [NSKey: Int]
    /// ClusterRoleBindings are 0..<crbCount, RoleBindings follow: ascending ids = upstream visit order.
    let bindings: [Binding]
    let crbCount: Int
    let crbByUser: [String: [Int32]]
    let crbByGroup: [String: [Int32]]
    let rbByUser: [String: [Int32]]
    let rbByGroup: [String: [Int32]]
    let rbByNamespaceUser: [NSKey: [Int32]]
    let rbByNamespaceGroup: [NSKey: [Int32]]
    let rbByNamespace: [String: [Int32]]

    public convenience init(
        roles: [RBACRole] = [],
        clusterRoles: [ClusterRole] = [],
        roleBindings: [RoleBinding] = [],
        clusterRoleBindings: [ClusterRoleBinding] = []
    ) {
        self.init(
            RBACState(
                roles: roles,
                clusterRoles: clusterRoles,
                roleBindings: roleBindings,
                clusterRoleBindings: clusterRoleBindings
            )
        )
    }

    public init(_ state: RBACState) {
        self.state = state
        let aggregator = ClusterRoleAggregator(state.clusterRoles)
        clusterRoleRules = aggregator.effectiveRules

        var crByName: [String: Int] = [:]
        crByName.reserveCapacity(state.clusterRoles.count)
        for (i, cr) in state.clusterRoles.enumerated() where crByName[cr.name] == nil { crByName[cr.name] = i }
        var rByKey: [NSKey: Int] = [:]
        rByKey.reserveCapacity(state.roles.count)
        for (i, r) in state.roles.enumerated() {
            let k = NSKey(namespace: r.namespace, principal: r.name)
            if rByKey[k] == nil { rByKey[k] = i }
        }
        clusterRoleByName = crByName
        roleByKey = rByKey

        // Swift dictionaries compare strings by canonical equivalence; the byte-exact check is done
        // when resolving, so look-ups are verified.
        func clusterRoleIndex(_ name: String) -> Int? {
            guard let i = crByName[name], bytesEqual(state.clusterRoles[i].name, name) else {
                return state.clusterRoles.firstIndex { bytesEqual($0.name, name) }
            }
            return i
        }
        func roleIndex(_ ns: String, _ name: String) -> Int? {
            guard let i = rByKey[NSKey(namespace: ns, principal: name)],
                bytesEqual(state.roles[i].name, name), bytesEqual(state.roles[i].namespace, ns)
            else {
                return state.roles.firstIndex { bytesEqual($0.name, name) && bytesEqual($0.namespace, ns) }
            }
            return i
        }

        var bs: [Binding] = []
        bs.reserveCapacity(state.clusterRoleBindings.count + state.roleBindings.count)
        for crb in state.clusterRoleBindings {
            var rules: [PolicyRule]? = nil
            var roleID = Int.min
            // GetRoleReferenceRules(roleRef, ""): a Role needs a namespace, so only ClusterRole resolves.
            if bytesEqual(crb.roleRef.kind, RoleRef.clusterRoleKind), let i = clusterRoleIndex(crb.roleRef.name) {
                rules = aggregator.effectiveRules[i]
                roleID = i
            }
            bs.append(
                Binding(
                    source: BindingSource(
                        bindingKind: .clusterRoleBinding,
                        bindingNamespace: "",
                        bindingName: crb.name,
                        roleKind: crb.roleRef.kind,
                        roleName: crb.roleRef.name
                    ),
                    namespace: "",
                    subjects: crb.subjects,
                    rules: rules,
                    roleID: roleID
                )
            )
        }
        for rb in state.roleBindings {
            var rules: [PolicyRule]? = nil
            var roleID = Int.min
            if bytesEqual(rb.roleRef.kind, RoleRef.clusterRoleKind) {
                if let i = clusterRoleIndex(rb.roleRef.name) {
                    rules = aggregator.effectiveRules[i]
                    roleID = i
                }
            } else if bytesEqual(rb.roleRef.kind, RoleRef.roleKind), !rb.namespace.isEmpty {
                if let i = roleIndex(rb.namespace, rb.roleRef.name) {
                    rules = state.roles[i].rules
                    roleID = -(i + 1)
                }
            }
            bs.append(
                Binding(
                    source: BindingSource(
                        bindingKind: .roleBinding,
                        bindingNamespace: rb.namespace,
                        bindingName: rb.name,
                        roleKind: rb.roleRef.kind,
                        roleName: rb.roleRef.name
                    ),
                    namespace: rb.namespace,
                    subjects: rb.subjects,
                    rules: rules,
                    roleID: roleID
                )
            )
        }
        bindings = bs
        crbCount = state.clusterRoleBindings.count

        var cU: [String: [Int32]] = [:]
        var cG: [String: [Int32]] = [:]
        var rU: [String: [Int32]] = [:]
        var rG: [String: [Int32]] = [:]
        var nU: [NSKey: [Int32]] = [:]
        var nG: [NSKey: [Int32]] = [:]
        var byNS: [String: [Int32]] = [:]
        func add<K: Hashable>(_ d: inout [K: [Int32]], _ k: K, _ id: Int32) {
            if d[k, default: []].last != id { d[k, default: []].append(id) }
        }
        for (i, b) in bs.enumerated() {
            let id = Int32(i)
            let isCRB = i < crbCount
            if !isCRB { byNS[b.namespace, default: []].append(id) }
            for s in b.subjects {
                if bytesEqual(s.kind, Subject.userKind) {
                    if isCRB {
                        add(&cU, s.name, id)
                    } else {
                        add(&rU, s.name, id)
                        add(&nU, NSKey(namespace: b.namespace, principal: s.name), id)
                    }
                } else if bytesEqual(s.kind, Subject.groupKind) {
                    if isCRB {
                        add(&cG, s.name, id)
                    } else {
                        add(&rG, s.name, id)
                        add(&nG, NSKey(namespace: b.namespace, principal: s.name), id)
                    }
                } else if bytesEqual(s.kind, Subject.serviceAccountKind) {
                    let ns = s.namespace.isEmpty ? b.namespace : s.namespace
                    if ns.isEmpty { continue }
                    let user = ServiceAccountIdentity.username(namespace: ns, name: s.name)
                    if isCRB {
                        add(&cU, user, id)
                    } else {
                        add(&rU, user, id)
                        add(&nU, NSKey(namespace: b.namespace, principal: user), id)
                    }
                }
            }
        }
        crbByUser = cU
        crbByGroup = cG
        rbByUser = rU
        rbByGroup = rG
        rbByNamespaceUser = nU
        rbByNamespaceGroup = nG
        rbByNamespace = byNS
    }

    // MARK: - Candidate bindings

    /// Sorted, unique ids from several sorted id lists.
    @inline(__always)
    static func merged(_ lists: [[Int32]]) -> [Int32] {
        var nonEmpty = 0
        var only: [Int32] = []
        for l in lists where !l.isEmpty {
            nonEmpty += 1
            only = l
        }
        if nonEmpty <= 1 { return only }
        var all: [Int32] = []
        all.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for l in lists { all += l }
        all.sort()
        var out: [Int32] = []
        out.reserveCapacity(all.count)
        for x in all where out.last != x { out.append(x) }
        return out
    }

    /// ClusterRoleBinding ids that may apply to the user, in upstream order.
    func clusterCandidates(user: String, groups: [String]) -> [Int32] {
        var lists: [[Int32]] = [crbByUser[user] ?? []]
        for g in groups { lists.append(crbByGroup[g] ?? []) }
        return Self.merged(lists)
    }

    /// RoleBinding ids in `namespace` that may apply to the user, in upstream order.
    func namespaceCandidates(user: String, groups: [String], namespace: String) -> [Int32] {
        var lists: [[Int32]] = [rbByNamespaceUser[NSKey(namespace: namespace, principal: user)] ?? []]
        for g in groups { lists.append(rbByNamespaceGroup[NSKey(namespace: namespace, principal: g)] ?? []) }
        return Self.merged(lists).filter { bytesEqual(bindings[Int($0)].namespace, namespace) }
    }

    /// RoleBinding ids in any namespace that may apply to the user.
    func allNamespaceCandidates(user: String, groups: [String]) -> [Int32] {
        var lists: [[Int32]] = [rbByUser[user] ?? []]
        for g in groups { lists.append(rbByGroup[g] ?? []) }
        return Self.merged(lists)
    }

    /// The first subject of the binding that applies to the user (upstream `appliesTo`).
    @inline(__always)
    func matchedSubject(_ b: Binding, user: String, groups: [String]) -> Subject? {
        for s in b.subjects where RuleMatching.subjectApplies(s, user: user, groups: groups, bindingNamespace: b.namespace) {
            return s
        }
        return nil
    }

    // MARK: - Authorize

    /// Decides a request, collecting every allowing rule (upstream stops at the first one; the
    /// decision is the same).
    public func authorize(_ request: AccessRequest) -> AuthorizationDecision {
        var grants: [Grant] = []
        var unresolved: [BindingSource] = []
        let attrs = request.attributes
        func visit(_ ids: [Int32]) {
            for id in ids {
                let b = bindings[Int(id)]
                guard let subject = matchedSubject(b, user: request.user, groups: request.groups) else { continue }
                guard let rules = b.rules else {
                    unresolved.append(b.source)
                    continue
                }
                for (i, rule) in rules.enumerated() where RuleMatching.ruleAllows(attrs, rule) {
                    grants.append(Grant(source: b.source, subject: subject, ruleIndex: i, rule: rule))
                }
            }
        }
        visit(clusterCandidates(user: request.user, groups: request.groups))
        let ns = attrs.namespace
        if !ns.isEmpty {
            visit(namespaceCandidates(user: request.user, groups: request.groups, namespace: ns))
        }
        return AuthorizationDecision(allowed: !grants.isEmpty, grants: grants, unresolvedBindings: unresolved)
    }

    /// Shorthand for `authorize(request).allowed`.
    public func allows(_ request: AccessRequest) -> Bool { authorize(request).allowed }

    /// Upstream `RulesFor(user, namespace)`: the rules that apply in `namespace` ("" = only
    /// cluster-wide ones), in visit order.
    public func rules(user: String, groups: [String], namespace: String) -> [Grant] {
        var out: [Grant] = []
        var ids = clusterCandidates(user: user, groups: groups)
        if !namespace.isEmpty { ids += namespaceCandidates(user: user, groups: groups, namespace: namespace) }
        for id in ids {
            let b = bindings[Int(id)]
            guard let subject = matchedSubject(b, user: user, groups: groups), let rules = b.rules else { continue }
            for (i, rule) in rules.enumerated() {
                out.append(Grant(source: b.source, subject: subject, ruleIndex: i, rule: rule))
            }
        }
        return out
    }

    // MARK: - Who can

    /// Every binding subject (User, Group, ServiceAccount) allowed to perform the request, with
    /// the allowing rules, sorted (users, groups, service accounts). Subjects are reported as
    /// bound (a ServiceAccount subject's namespace defaulted to its RoleBinding's), without group
    /// expansion. Pass `serviceAccounts` (e.g. every ServiceAccount of a snapshot) to also report
    /// each of them that is allowed through a group (`system:serviceaccounts`,
    /// `system:serviceaccounts:<ns>`, `system:authenticated`) or a User-kind subject; their
    /// entries then hold every grant that applies to them.
    public func whoCan(
        _ attributes: RequestAttributes,
        serviceAccounts: [ServiceAccountIdentity] = []
    ) -> [SubjectGrants] {
        var matchCache: [Int: [Int]] = [:]
        func matchingRules(_ b: Binding) -> [Int] {
            guard let rules = b.rules else { return [] }
            if let c = matchCache[b.roleID] { return c }
            let m = rules.indices.filter { RuleMatching.ruleAllows(attributes, rules[$0]) }
            matchCache[b.roleID] = m
            return m
        }
        var entries: [Subject: [Grant]] = [:]
        func visit(_ id: Int) {
            let b = bindings[id]
            let m = matchingRules(b)
            if m.isEmpty { return }
            var seen = Set<Subject>()
            for s in b.subjects {
                let key: Subject
                if bytesEqual(s.kind, Subject.userKind) {
                    key = .user(s.name)
                } else if bytesEqual(s.kind, Subject.groupKind) {
                    key = .group(s.name)
                } else if bytesEqual(s.kind, Subject.serviceAccountKind) {
                    let ns = s.namespace.isEmpty ? b.namespace : s.namespace
                    if ns.isEmpty { continue }
                    key = .serviceAccount(namespace: ns, name: s.name)
                } else {
                    continue
                }
                guard seen.insert(key).inserted else { continue }
                let rules = b.rules!
                entries[key, default: []] += m.map { Grant(source: b.source, subject: s, ruleIndex: $0, rule: rules[$0]) }
            }
        }
        for id in 0..<crbCount { visit(id) }
        let ns = attributes.namespace
        if !ns.isEmpty, let ids = rbByNamespace[ns] {
            for id in ids where bytesEqual(bindings[Int(id)].namespace, ns) { visit(Int(id)) }
        }
        for sa in serviceAccounts {
            let d = authorize(sa.request(attributes))
            if d.allowed { entries[sa.subject] = d.grants }
        }
        return entries.map { SubjectGrants(subject: $0.key, grants: $0.value) }.sorted { $0.subject < $1.subject }
    }

    // MARK: - Effective permissions

    /// Everything `user` with `groups` may do, cluster-wide first, then per namespace.
    public func effectivePermissions(user: String, groups: [String]) -> EffectivePermissions {
        var clusterWide: [BindingGrant] = []
        var unresolved: [BindingSource] = []
        for id in clusterCandidates(user: user, groups: groups) {
            let b = bindings[Int(id)]
            guard let subject = matchedSubject(b, user: user, groups: groups) else { continue }
            guard let rules = b.rules else {
                unresolved.append(b.source)
                continue
            }
            clusterWide.append(BindingGrant(source: b.source, subject: subject, rules: rules))
        }
        var byNamespace: [String: [BindingGrant]] = [:]
        var order: [String] = []
        for id in allNamespaceCandidates(user: user, groups: groups) {
            let b = bindings[Int(id)]
            guard let subject = matchedSubject(b, user: user, groups: groups) else { continue }
            guard let rules = b.rules else {
                unresolved.append(b.source)
                continue
            }
            if byNamespace[b.namespace] == nil { order.append(b.namespace) }
            byNamespace[b.namespace, default: []].append(BindingGrant(source: b.source, subject: subject, rules: rules))
        }
        order.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let namespaces = order.map { NamespacePermissions(namespace: $0, bindings: byNamespace[$0]!) }
        return EffectivePermissions(
            user: user,
            groups: groups,
            clusterWide: clusterWide,
            namespaces: namespaces,
            unresolvedBindings: unresolved
        )
    }

    /// Alias of `effectivePermissions(user:groups:)`.
    public func effectiveRules(user: String, groups: [String]) -> EffectivePermissions {
        effectivePermissions(user: user, groups: groups)
    }

    /// Effective permissions of a service account, with its implicit groups.
    public func effectivePermissions(of serviceAccount: ServiceAccountIdentity) -> EffectivePermissions {
        effectivePermissions(user: serviceAccount.username, groups: serviceAccount.implicitGroups)
    }

    /// Effective permissions of every given service account (e.g. `snapshot.serviceAccounts`), in
    /// the given order. Work is split over `parallelism` threads (default: all cores).
    public func effectivePermissions(
        forServiceAccounts serviceAccounts: [ServiceAccountIdentity],
        parallelism: Int = 0
    ) -> [ServiceAccountPermissions] {
        let n = serviceAccounts.count
        let workers = max(1, min(parallelism > 0 ? parallelism : ParallelFor.activeProcessorCount, n / 256 + 1))
        return ParallelFor.map(count: n, workers: workers) { i in
            let sa = serviceAccounts[i]
            return ServiceAccountPermissions(serviceAccount: sa, permissions: self.effectivePermissions(of: sa))
        }
    }
}
