import ArgumentParser
import Foundation
import Logging
import WardenApp
import WardenCore
import WardenStore

/// `warden reviews run-due`: one scheduler pass for a CronJob, the same work `warden serve` does on its interval.
struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews",
        abstract: "Work on periodic access reviews.",
        subcommands: [RunDue.self]
    )

    struct RunDue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-due",
            abstract: "Open due reviews, queue reminders and escalations, apply the no-response policy, and deliver what is due, once.",
            discussion: "Safe to run while `warden serve` replicas run their own schedulers: nothing opens or is queued twice."
        )

        func run() async throws {
            let env = try loadEnvironment(needsServer: false)
            let report = try await withWarden(env) { warden in try await warden.scheduler.runPass() }
            print("warden reviews run-due: \(report)")
        }
    }
}
