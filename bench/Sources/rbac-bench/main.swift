import BenchSupport
// rbac-bench FILE: loads a kubectl List, builds the RBAC evaluator and computes every
// ServiceAccount's effective permissions, then prints one line of figures for bench/rbac.sh.
import Foundation
import WardenCore

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: rbac-bench FILE\n".utf8))
    exit(2)
}
let start = ContinuousClock.now
let (bytes, snapshot, readTime, parsed) = loadSnapshot(CommandLine.arguments[1], start: start)
let authorizer = snapshot.makeAuthorizer()
let built = seconds(since: start)
let accounts = snapshot.serviceAccounts
let permissions = authorizer.effectivePermissions(forServiceAccounts: accounts)
let total = seconds(since: start)
let grants = permissions.reduce(0) { $0 + $1.permissions.grants.count }
print(
    "bytes=\(bytes.count) read=\(readTime) parse=\(parsed - readTime) authorizer=\(built - parsed) permissions=\(total - built)"
        + " total=\(total) peak_rss=\(peakRSSBytes()) service_accounts=\(accounts.count) grants=\(grants)"
        + " rolebindings=\(snapshot.rbac.roleBindings.count) clusterrolebindings=\(snapshot.rbac.clusterRoleBindings.count)"
        + " roles=\(snapshot.rbac.roles.count) clusterroles=\(snapshot.rbac.clusterRoles.count) pods=\(snapshot.objectCounts["Pod"] ?? 0)"
)
