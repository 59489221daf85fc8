// What the benchmark executables share: reading a large file without copies, the kernel's
// figure for peak memory, and wall-clock seconds.
import Foundation
import WardenCore

/// Reads the file straight into the array the parser keeps: going through Data would copy it.
public func readFile(_ path: String) -> [UInt8] {
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

/// The process's peak resident set (`VmHWM`), or another `/proc/self/status` field, in bytes.
public func peakRSSBytes(_ field: String = "VmHWM:") -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field) {
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
    return 0
}

public func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Reads and parses a snapshot file, timing both from `start`; exits with a message if it is not one.
public func loadSnapshot(_ path: String, start: ContinuousClock.Instant) -> (bytes: [UInt8], snapshot: Snapshot, read: Double, parsed: Double) {
    let bytes = readFile(path)
    let read = seconds(since: start)
    do {
        let snapshot = try Snapshot(parsing: bytes)
        return (bytes, snapshot, read, seconds(since: start))
    } catch {
        FileHandle.standardError.write(Data("not a snapshot: \(error)\n".utf8))
        exit(1)
    }
}
