import Foundation
import Testing
import WardenCore

/// Four eyes between two people, not two strings: the identity rules, one table each.
@Suite struct FourEyesTests {
    // MARK: Names

    struct SameName: Sendable, CustomStringConvertible {
        var a: String
        var b: String
        var same: Bool
        var description: String { "\(a.debugDescription) vs \(b.debugDescription)" }
    }

    static let names: [SameName] = [
        .init(a: "admin", b: "admin", same: true),
        .init(a: "Admin", b: "admin", same: true),
        .init(a: "ADMIN", b: "admin", same: true),
        .init(a: "Ａｄｍｉｎ", b: "admin", same: true),  // full width (NFKC)
        .init(a: "ad\u{200B}min", b: "admin", same: true),  // zero-width space (default ignorable)
        .init(a: "ad\u{00AD}min", b: "admin", same: true),  // soft hyphen
        .init(a: "\u{202E}admin", b: "admin", same: true),  // bidi override
        .init(a: "  admin ", b: "admin", same: true),
        .init(a: "ada\u{00A0} lovelace", b: "Ada Lovelace", same: true),  // no-break space, runs of spaces
        .init(a: "Straße", b: "STRASSE", same: true),  // full case folding
        .init(a: "ﬁona", b: "fiona", same: true),  // ligature (NFKC)
        .init(a: "Ren\u{0065}\u{0301}", b: "RENÉ", same: true),  // combining accent vs precomposed
        .init(a: "\u{212A}elvin", b: "kelvin", same: true),  // Kelvin sign
        .init(a: "admin", b: "admins", same: false),
        .init(a: "rené", b: "rene", same: false),  // accents are not dropped
        .init(a: "аdmin", b: "admin", same: false),  // Cyrillic а: confusables are out of scope
        .init(a: "a.dmin", b: "admin", same: false),
    ]

    @Test(arguments: names)
    func identityKeysCompareNormalisedCaseFoldedNames(_ c: SameName) {
        #expect((IdentityKey(c.a) == IdentityKey(c.b)) == c.same)
    }

    // MARK: People behind tokens

    struct Pair: Sendable, CustomStringConvertible {
        var label: String
        var a: Identity
        var b: Identity
        var expected: Identity.SamePerson?
        var description: String { label }
    }

    static let pairs: [Pair] = [
        .init(label: "two people", a: Identity(name: "alice"), b: Identity(name: "bob"), expected: nil),
        .init(label: "the same string", a: Identity(name: "alice"), b: Identity(name: "alice"), expected: .sameName("alice", "alice")),
        .init(
            label: "a name that differs only in case",
            a: Identity(name: "admin"),
            b: Identity(name: "Admin"),
            expected: .sameName("admin", "Admin")
        ),
        .init(
            label: "a token the other created",
            a: Identity(name: "alice"),
            b: Identity(name: "bob", creators: ["alice"]),
            expected: .createdBy(token: "bob", creator: "alice")
        ),
        .init(
            label: "the other way round",
            a: Identity(name: "bob", creators: ["alice"]),
            b: Identity(name: "alice"),
            expected: .createdBy(token: "bob", creator: "alice")
        ),
        .init(
            label: "through a chain of tokens",
            a: Identity(name: "alice"),
            b: Identity(name: "carol", creators: ["bob", "ALICE"]),
            expected: .createdBy(token: "carol", creator: "alice", via: ["bob"])
        ),
        .init(
            label: "two tokens one person created",
            a: Identity(name: "bob", creators: ["alice"]),
            b: Identity(name: "carol", creators: ["alice"]),
            expected: .commonCreator("alice")
        ),
        .init(
            label: "a common creator further up",
            a: Identity(name: "bob", creators: ["dave", "root"]),
            b: Identity(name: "carol", creators: ["root"]),
            expected: .commonCreator("root")
        ),
        .init(label: "unrelated chains", a: Identity(name: "bob", creators: ["dave"]), b: Identity(name: "carol", creators: ["erin"]), expected: nil),
    ]

    @Test(arguments: pairs)
    func identitiesAreOnePersonByNameOrByTheTokensThatMadeThem(_ c: Pair) {
        #expect(c.a.samePerson(as: c.b) == c.expected)
        #expect((c.b.samePerson(as: c.a) == nil) == (c.expected == nil))
    }

    @Test func lineageGivesRecordedActsTheirCreators() {
        let lineage = TokenLineage(creators: [7: ["alice", "root"]])
        #expect(lineage.identity(of: Attribution(name: "bob", tokenID: 7)) == Identity(name: "bob", creators: ["alice", "root"]))
        #expect(lineage.identity(of: Attribution(name: "bob", tokenID: nil)) == Identity(name: "bob"))
        #expect(lineage.identity(of: Attribution(name: "bob", tokenID: 8)) == Identity(name: "bob"))
    }

    // MARK: Token names

    struct NewToken: Sendable, CustomStringConvertible {
        var name: String
        var creator: String?
        var allowed: Bool
        var description: String { "\(name) by \(creator ?? "the command line")" }
    }

    static let active: [(id: Int64, name: String)] = [(1, "alice"), (2, "rita"), (3, "ci-job"), (4, "ci-job")]
    /// ci-job 3 alice made; ci-job 4 a token of alice's made.
    static let activeLineage = TokenLineage(creators: [3: ["alice"], 4: ["alice-admin", "alice"]])
    static let newTokens: [NewToken] = [
        .init(name: "bob", creator: "alice", allowed: true),
        .init(name: "Rita", creator: "alice", allowed: false),
        .init(name: "ＲＩＴＡ", creator: "alice", allowed: false),
        .init(name: "ri\u{200D}ta", creator: "alice", allowed: false),
        .init(name: "Alice", creator: "alice", allowed: true),  // a token of one's own
        .init(name: "alice-ci", creator: "alice", allowed: true),
        .init(name: "rita", creator: nil, allowed: true),  // the operator rotating rita's token
        .init(name: "CI-Job", creator: "alice", allowed: true),  // rotating a token one made
        .init(name: "ci-job", creator: "alice-admin", allowed: false),  // it made one ci-job, not both
        .init(name: "ci-job", creator: "bob", allowed: false),
    ]

    @Test(arguments: newTokens)
    func tokenNamesBelongToOnePerson(_ c: NewToken) {
        do {
            try TokenNameRules.check(name: c.name, creator: c.creator, active: Self.active, lineage: Self.activeLineage)
            #expect(c.allowed)
        } catch {
            #expect(!c.allowed)
            if case .taken(_, let existing, let id) = error { #expect([2, 3].contains(id) && IdentityKey(existing) == IdentityKey(c.name)) }
        }
    }

    // MARK: Baselines

    static let day: TimeInterval = 86_400
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func record(proposedBy: String = "alice", tokenID: Int64? = 1, status: BaselineStatus = .proposed) -> BaselineRecord {
        let content = BaselineContent(
            grants: [
                BaselineGrant(namespace: "agents", rules: [PolicyRule(verbs: ["impersonate"], apiGroups: [""], resources: ["serviceaccounts"])])
            ],
            expectations: .default,
            justification: "incidents"
        )
        let baseline = Baseline(
            agentID: 1,
            version: 1,
            status: status,
            content: content,
            digest: content.digest,
            proposedBy: proposedBy,
            proposedAt: now
        )
        let critical = Finding(
            ruleID: "WDN-RBAC-003",
            severity: .critical,
            title: "impersonation",
            message: "may impersonate",
            remediation: "don't"
        )
        let high = Finding(ruleID: "WDN-RBAC-026", severity: .high, title: "workloads", message: "creates pods", remediation: "don't")
        return BaselineRecord(baseline: baseline, findings: [critical, high], proposedByTokenID: tokenID)
    }

    static func exception(_ id: Int64, rule: String = "WDN-RBAC-003", by name: String, token: Int64?) -> GuardrailExceptionRecord {
        GuardrailExceptionRecord(
            id: id,
            agentID: 1,
            ruleID: rule,
            objectScope: nil,
            fieldScope: nil,
            justification: "break glass",
            expiresAt: now.addingTimeInterval(30 * day),
            createdBy: name,
            createdByTokenID: token,
            createdAt: now,
            revokedBy: nil,
            revokedAt: nil
        )
    }

    /// Tokens: 1 alice (command line), 2 rita (command line), 3 "reviewer" made by alice, 4 "helper" made by 3.
    static let lineage = TokenLineage(creators: [3: ["alice"], 4: ["reviewer", "alice"]])

    enum Outcome: Sendable, Equatable {
        case allowed
        case fourEyes
        case critical(disregarded: [Int64])
    }

    struct Approval: Sendable, CustomStringConvertible {
        var label: String
        var decider: Attribution
        var exceptions: [GuardrailExceptionRecord]
        var acceptRisk = false
        var outcome: Outcome
        var description: String { label }
    }

    static let approvals: [Approval] = [
        .init(
            label: "someone else, with someone else's exception",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(1, by: "rita", token: 2)],
            outcome: .allowed
        ),
        .init(label: "the proposer", decider: .init(name: "alice", tokenID: 1), exceptions: [], outcome: .fourEyes),
        .init(label: "the proposer's name in capitals", decider: .init(name: "ALICE", tokenID: 9), exceptions: [], outcome: .fourEyes),
        .init(label: "a token the proposer created", decider: .init(name: "reviewer", tokenID: 3), exceptions: [], outcome: .fourEyes),
        .init(
            label: "a token made by a token the proposer created",
            decider: .init(name: "helper", tokenID: 4),
            exceptions: [],
            outcome: .fourEyes
        ),
        .init(
            label: "the proposer's own exception does not count",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(1, by: "alice", token: 1)],
            outcome: .critical(disregarded: [1])
        ),
        .init(
            label: "nor one by the proposer under another case",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(1, by: "Alice", token: nil)],
            outcome: .critical(disregarded: [1])
        ),
        .init(
            label: "nor one made through a token the proposer created",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(1, by: "reviewer", token: 3)],
            outcome: .critical(disregarded: [1])
        ),
        .init(
            label: "the approver's own exception counts",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(1, by: "rita", token: 2), exception(2, by: "alice", token: 1)],
            outcome: .allowed
        ),
        .init(
            label: "the proposer's exception of a non-critical rule is not named",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(2, rule: "WDN-RBAC-026", by: "alice", token: 1)],
            outcome: .critical(disregarded: [])
        ),
        .init(
            label: "accepted risk still approves",
            decider: .init(name: "rita", tokenID: 2),
            exceptions: [exception(1, by: "alice", token: 1)],
            acceptRisk: true,
            outcome: .allowed
        ),
    ]

    @Test(arguments: approvals)
    func approvalNeedsASecondPersonAndTheirExceptions(_ c: Approval) {
        let decision = BaselineDecision(
            kind: .approve(acceptRisk: c.acceptRisk),
            decider: c.decider,
            reason: c.acceptRisk ? "reviewed" : nil,
            exceptions: c.exceptions,
            at: Self.now
        )
        let record = Self.record()
        #expect(Set(decision.tokenIDs(for: record)).isSuperset(of: [1] + [c.decider.tokenID].compactMap { $0 }))
        do {
            try decision.check(record, lineage: Self.lineage)
            #expect(c.outcome == .allowed)
        } catch .sameAsProposer(_, let proposer, _) {
            #expect(c.outcome == .fourEyes)
            #expect(proposer == "alice")
        } catch .unacceptedCriticalFindings(let ids, let disregarded) {
            #expect(c.outcome == .critical(disregarded: disregarded.map(\.id)))
            #expect(ids == ["WDN-RBAC-003"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rejectingIsFourEyesToo() {
        let decision = BaselineDecision(kind: .reject, decider: .init(name: "reviewer", tokenID: 3), reason: "no", exceptions: [], at: Self.now)
        #expect(
            throws: BaselineDecisionRules.Refusal.sameAsProposer(
                decider: "reviewer",
                proposer: "alice",
                why: .createdBy(token: "reviewer", creator: "alice")
            )
        ) {
            try decision.check(Self.record(), lineage: Self.lineage)
        }
        // The proposer made the decider's token, and the other way round.
        let reverse = BaselineDecision(kind: .reject, decider: .init(name: "alice", tokenID: 1), reason: "no", exceptions: [], at: Self.now)
        #expect(throws: BaselineDecisionRules.Refusal.self) {
            try reverse.check(Self.record(proposedBy: "reviewer", tokenID: 3), lineage: Self.lineage)
        }
    }

    // MARK: Reviews

    struct ReviewCase: Sendable, CustomStringConvertible {
        var reviewer: Identity
        var owner: String
        var allowed: Bool
        var description: String { "\(reviewer.name) reviewing \(owner)'s agent" }
    }

    static let reviews: [ReviewCase] = [
        .init(reviewer: Identity(name: "rita"), owner: "platform-team", allowed: true),
        .init(reviewer: Identity(name: "rita"), owner: "rita", allowed: false),
        .init(reviewer: Identity(name: "rita"), owner: "Rita ", allowed: false),
        .init(reviewer: Identity(name: "ｒｉｔａ"), owner: "RITA", allowed: false),
        .init(reviewer: Identity(name: "helper", creators: ["rita"]), owner: "rita", allowed: false),
        .init(reviewer: Identity(name: "helper", creators: ["alice"]), owner: "rita", allowed: true),
    ]

    @Test(arguments: reviews)
    func theOwnerMayNotReviewUnderAnyName(_ c: ReviewCase) {
        let review = Review(
            id: 1,
            agentID: 1,
            status: .open,
            trigger: .onDemand,
            openedBy: "alice",
            openedAt: Self.now,
            dueAt: Self.now,
            evidence: ReviewEvidence(baseline: nil, snapshot: nil, effectivePermissions: nil),
            decision: nil,
            escalatedAt: nil,
            suspendedAt: nil
        )
        #expect(((try? ReviewDecisionRules.check(review: review, reviewer: c.reviewer, owner: c.owner)) != nil) == c.allowed)
    }

    // MARK: Agents

    static let agent = AgentFields(
        name: "coder",
        cluster: "prod",
        namespace: "agents",
        serviceAccount: "coder",
        owner: "team-a",
        purpose: "writes code",
        riskTier: .high,
        status: .suspended
    )

    struct Reactivation: Sendable, CustomStringConvertible {
        var label: String
        var by: Identity
        var suspension: AgentChange.ReviewSuspension?
        var newOwner: String?
        var refusedFor: AgentChange.Counterpart?
        var description: String { label }
    }

    static let noResponse = AgentChange.ReviewSuspension(reviewID: 5, revokedBy: nil)
    static let revoked = AgentChange.ReviewSuspension(reviewID: 5, revokedBy: Attribution(name: "rita", tokenID: 2))

    static let reactivations: [Reactivation] = [
        .init(label: "suspended by hand: any admin", by: Identity(name: "team-a"), suspension: nil, refusedFor: nil),
        .init(label: "no response: someone else", by: Identity(name: "bob"), suspension: noResponse, refusedFor: nil),
        .init(label: "no response: the owner", by: Identity(name: "Team-A"), suspension: noResponse, refusedFor: .owner("team-a")),
        .init(
            label: "no response: a token the owner made",
            by: Identity(name: "bot", creators: ["team-a"]),
            suspension: noResponse,
            refusedFor: .owner("team-a")
        ),
        .init(
            label: "handing the agent over in the same change",
            by: Identity(name: "bob"),
            suspension: noResponse,
            newOwner: "BOB",
            refusedFor: .owner("BOB")
        ),
        .init(label: "revoked: someone else", by: Identity(name: "bob"), suspension: revoked, refusedFor: nil),
        .init(
            label: "revoked: the reviewer who revoked",
            by: Identity(name: "RITA"),
            suspension: revoked,
            refusedFor: .revokingReviewer("rita")
        ),
        .init(
            label: "revoked: a token the reviewer made",
            by: Identity(name: "bot", creators: ["rita"]),
            suspension: revoked,
            refusedFor: .revokingReviewer("rita")
        ),
        .init(label: "revoked: the owner", by: Identity(name: "team-a"), suspension: revoked, refusedFor: .owner("team-a")),
    ]

    @Test(arguments: reactivations)
    func reactivatingAfterAReviewNeedsASecondPerson(_ c: Reactivation) {
        var changed = Self.agent
        changed.status = .active
        if let owner = c.newOwner { changed.owner = owner }
        let revoker = c.suspension?.revokedBy.map { Identity(name: $0.name) }
        do {
            try AgentChange.checkReactivation(from: Self.agent, to: changed, suspension: c.suspension, by: c.by, revoker: revoker)
            #expect(c.refusedFor == nil)
        } catch .reactivationBySamePerson(_, let counterpart, let suspension, _) {
            #expect(counterpart == c.refusedFor)
            #expect(suspension == c.suspension)
        } catch {
            Issue.record("unexpected \(error)")
        }
        // Only reactivation is guarded: other changes to a suspended agent are not.
        var renamed = Self.agent
        renamed.purpose = "reads code"
        #expect(throws: Never.self) {
            try AgentChange.checkReactivation(from: Self.agent, to: renamed, suspension: c.suspension, by: c.by, revoker: revoker)
        }
    }

    struct Move: Sendable, CustomStringConvertible {
        var change: String
        var withdraws: Bool
        var description: String { change }
    }

    static let moves: [Move] = [
        .init(change: "cluster", withdraws: true),
        .init(change: "namespace", withdraws: true),
        .init(change: "serviceAccount", withdraws: true),
        .init(change: "name", withdraws: false),
        .init(change: "owner", withdraws: false),
        .init(change: "status", withdraws: false),
    ]

    @Test(arguments: moves)
    func movingToAnotherServiceAccountWithdrawsTheApproval(_ c: Move) {
        var changed = Self.agent
        switch c.change {
        case "cluster": changed.cluster = "staging"
        case "namespace": changed.namespace = "other"
        case "serviceAccount": changed.serviceAccount = "other"
        case "name": changed.name = "renamed"
        case "owner": changed.owner = "team-b"
        default: changed.status = .active
        }
        #expect(AgentChange.withdrawsApproval(from: Self.agent, to: changed) == c.withdraws)
    }
}
