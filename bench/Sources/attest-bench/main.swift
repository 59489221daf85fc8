import BenchSupport
// attest-bench FILE AGENTS: a whole attestation of a kubectl List with AGENTS registered agents, in the
// style of rbac-bench. Loads the file, builds the RBAC evaluator once, picks AGENTS
// ServiceAccounts spread over the snapshot, gives each a synthetic approved baseline made from its
// actual permissions (with a deliberate drift on some: every 10th loses a rule from its baseline,
// so it holds an excess permission; every 10th+7 gets an approved rule it lacks), builds the
// report, encodes its canonical JSON, and prints one line of figures for bench/attest.sh.
// BENCH_REPORT_OUT=FILE keeps the JSON; BENCH_REPORT_DUMP=DIR writes every format, to read by eye.
import Foundation
import WardenCore

guard CommandLine.arguments.count == 3, let agentCount = Int(CommandLine.arguments[2]), agentCount > 0 else {
    FileHandle.standardError.write(Data("usage: attest-bench FILE AGENTS\n".utf8))
    exit(2)
}
let start = ContinuousClock.now
let (bytes, snapshot, readTime, parsed) = loadSnapshot(CommandLine.arguments[1], start: start)
let authorizer = snapshot.makeAuthorizer()
let built = seconds(since: start)

// Synthetic registrations (what the database would hold): not part of the attestation's time.
let now = Date(timeIntervalSince1970: 1_790_000_000)
let accounts = snapshot.serviceAccounts
// A stride one more than even spacing (coprime with the generator's namespace cycle), so agents
// land in different namespaces and share them with unregistered ServiceAccounts (shadow agents).
let step = max(1, accounts.count / agentCount) + 1
let picked = (0..<min(agentCount, accounts.count)).map { accounts[($0 * step) % accounts.count] }
var agents: [AttestationAgentInput] = []
agents.reserveCapacity(picked.count)
for (i, sa) in picked.enumerated() {
    let perms = authorizer.effectivePermissions(of: sa)
    var grants: [BaselineGrant] = []
    var cluster: [PolicyRule] = []
    for b in perms.clusterWide { for r in b.rules where !cluster.contains(r) { cluster.append(r) } }
    if !cluster.isEmpty { grants.append(BaselineGrant(namespace: "*", rules: cluster)) }
    for ns in perms.namespaces {
        var rules: [PolicyRule] = []
        for b in ns.bindings { for r in b.rules where !rules.contains(r) { rules.append(r) } }
        grants.append(BaselineGrant(namespace: ns.namespace, rules: rules))
    }
    if i % 10 == 3, let k = grants.indices.max(by: { grants[$0].rules.count < grants[$1].rules.count }) {
        grants[k].rules.removeLast()  // drift: the live rule is now excess
        if grants[k].rules.isEmpty { grants.remove(at: k) }
    }
    if i % 10 == 7 {  // drift: an approved rule that is not granted
        let extra = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["bench-approved-\(i)"])
        if let k = grants.firstIndex(where: { $0.namespace == sa.namespace }) {
            grants[k].rules.append(extra)
        } else {
            grants.append(BaselineGrant(namespace: sa.namespace, rules: [extra]))
        }
    }
    let content = BaselineContent(grants: grants, expectations: .default, justification: "bench")
    let baseline =
        i % 50 == 49
        ? nil
        : Baseline(
            agentID: Int64(i + 1),
            version: 1,
            status: .approved,
            content: content,
            digest: "",
            proposedBy: "alice",
            proposedAt: now,
            decidedBy: "bob",
            decidedAt: now
        )
    let fields = AgentFields(
        name: "agent-\(i)",
        cluster: "bench",
        namespace: sa.namespace,
        serviceAccount: sa.name,
        owner: "team",
        purpose: "bench",
        riskTier: .medium
    )
    let standing: ReviewStanding = i % 20 == 0 ? .overdue : (i % 20 == 1 ? .due : .current)
    let exceptions =
        i % 5 == 0
        ? [GuardrailException(id: Int64(i + 1), ruleID: "WDN-POD-017", justification: "bench", expiresAt: now.addingTimeInterval(86_400))] : []
    agents.append(
        AttestationAgentInput(
            agent: Agent(id: Int64(i + 1), fields: fields, createdAt: now, updatedAt: now, version: 1),
            baseline: baseline,
            exceptions: exceptions,
            review: AgentReviewState(standing: standing, nextReviewDue: now)
        )
    )
}
let setup = seconds(since: start)

let input = AttestationInput(
    cluster: "bench",
    snapshotRef: AttestationSnapshotRef(
        id: 1,
        sha256: String(repeating: "0", count: 64),
        uploadedAt: now,
        cluster: "bench"
    ),
    snapshot: snapshot,
    authorizer: authorizer,
    agents: agents,
    generatedAt: now,
    wardenVersion: WardenVersion.string
)
let rssBefore = peakRSSBytes("VmRSS:")
let peakBefore = peakRSSBytes()
let report = AttestationBuilder.build(input)
let reported = seconds(since: start)
let rssBuilt = peakRSSBytes("VmRSS:")
let peakBuilt = peakRSSBytes()
let json: [UInt8]
do {
    json = try report.canonicalJSON()
} catch {
    FileHandle.standardError.write(Data("cannot encode: \(error)\n".utf8))
    exit(1)
}
let encoded = seconds(since: start)
let attestation = (readTime) + (parsed - readTime) + (built - parsed) + (reported - setup) + (encoded - reported)
let s = report.summary.findings
print(
    "bytes=\(bytes.count) read=\(readTime) parse=\(parsed - readTime) authorizer=\(built - parsed) setup=\(setup - built)"
        + " build=\(reported - setup) encode=\(encoded - reported) total=\(attestation) peak_rss=\(peakRSSBytes())"
        + " report_bytes=\(json.count) agents=\(report.agents.count) verdict=\(report.verdict.status.rawValue)"
        + " findings=\(s.total) critical=\(s.critical) high=\(s.high) medium=\(s.medium) low=\(s.low) info=\(s.info) excepted=\(s.excepted)"
        + " shadows=\(report.clusterFindings.shadowAgents.count) reachable_service_accounts=\(report.serviceAccounts.count)"
        + " excess=\(report.agents.reduce(0) { $0 + $1.drift.excess.count }) missing=\(report.agents.reduce(0) { $0 + $1.drift.missing.count })"
        + " service_accounts=\(accounts.count) pods=\(snapshot.objectCounts["Pod"] ?? 0)"
        + " rss_before_build=\(rssBefore) peak_before_build=\(peakBefore) rss_after_build=\(rssBuilt) peak_after_build=\(peakBuilt)"
)
if let out = ProcessInfo.processInfo.environment["BENCH_REPORT_OUT"] {
    _ = FileManager.default.createFile(atPath: out, contents: Data(json))
}
// For reading a large report by eye: every format of it in one folder (r.json, r.html, r.md, r.csv, r.sarif).
if let dir = ProcessInfo.processInfo.environment["BENCH_REPORT_DUMP"] {
    for (name, text) in [
        ("r.html", AttestationHTML.render(report)), ("r.md", AttestationMarkdown.render(report)), ("r.csv", AttestationCSV.render(report)),
        ("r.sarif", AttestationSARIF.render(report)),
    ] {
        _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(text.utf8))
    }
    _ = FileManager.default.createFile(atPath: dir + "/r.json", contents: Data(json))
}
