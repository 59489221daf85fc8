import Foundation
import Testing
import WardenTestSupport

/// `warden serve` as a process: how many event loops it runs. Threads are counted from /proc.
@Suite("warden serve's event loops")
struct ServeProcessTests {
    static func eventLoopThreads(_ pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { task in
            let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("NIO-SGLTN-")
        }.count
    }

    /// The loops exist once serve has connected to PostgreSQL; give it a few seconds to get there.
    static func settledLoopCount(_ process: Process) async throws -> Int {
        let deadline = Date().addingTimeInterval(20)
        var count = 0
        while Date() < deadline && process.isRunning {
            count = eventLoopThreads(process.processIdentifier)
            if count > 0 {
                try await Task.sleep(for: .milliseconds(500))
                return eventLoopThreads(process.processIdentifier)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return count
    }

    @Test(.timeLimit(.minutes(3))) func halfTheCoresUnlessNIOIsTold() async throws {
        let db = try await TestDatabase.make()
        let logDir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-loops-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        for (environment, expected) in [
            ([:], max(1, ProcessInfo.processInfo.activeProcessorCount / 2)),
            (["NIO_SINGLETON_GROUP_LOOP_COUNT": "3"], 3),
        ] {
            // The other suites run at the same time and may hold every PostgreSQL connection for a
            // moment; serve then stops at start-up ("too many clients"), so start it again.
            var loops = 0
            for _ in 0..<15 {
                let process = try SchedulerReplicaTests.serve(db, log: logDir + "/serve.log", environment: environment)
                loops = try await Self.settledLoopCount(process)
                let started = process.isRunning
                process.terminate()
                process.waitUntilExit()
                if started { break }
                try await Task.sleep(for: .seconds(1))
            }
            #expect(
                loops == expected,
                "\(environment): \(loops) loops; log: \((try? String(contentsOfFile: logDir + "/serve.log", encoding: .utf8)) ?? "")"
            )
        }
    }
}
