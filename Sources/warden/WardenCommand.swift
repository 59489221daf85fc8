import ArgumentParser

@main
struct WardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Governs what AI agents may do on Kubernetes.",
        version: "0.1.0",
        subcommands: [
            Serve.self, Migrate.self, TokenCommand.self, CanI.self, WhoCan.self, CheckCommand.self, ReviewsCommand.self, AttestCommand.self,
            VerifyCommand.self,
        ]
    )
}
