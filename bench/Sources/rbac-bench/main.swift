// rbac-bench FILE: loads a kubectl List, builds the RBAC evaluator and computes every
// ServiceAccount's effective permissions, then prints one line of figures for bench/rbac.sh.
import Foundation
import WardenCore

/// Reads the file straight into the array the parser keeps: going through Data would copy it.
func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        FileHandle.standardError.write(Data("cannot open \(path)\n".utf8))
        exit(2)
    }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = fread(buffer.baseAddress, 1, size, file)
    }
}

/// The process's peak resident set, from the kernel.
func peakRSSBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
    return 0
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: rbac-bench FILE\n".utf8))
    exit(2)
}
let start = ContinuousClock.now
let bytes = readFile(CommandLine.arguments[1])
let readTime = seconds(since: start)
let snapshot: Snapshot
do {
    snapshot = try Snapshot(parsing: bytes)
} catch {
    FileHandle.standardError.write(Data("not a snapshot: \(error)\n".utf8))
    exit(1)
}
let parsed = seconds(since: start)
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
        + " roles=\(snapshot.rbac.roles.count) clusterroles=\(snapshot.rbac.clusterRoles.count) pods=\(snapshot.objectCounts["Pod"] ?? 0)")
