import ArgumentParser
import WardenStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    func run() async throws {
        let env = try loadEnvironment(needsServer: false)
        let applied = try await withDatabase(env) { database in
            try await Migrator(database: database, migrations: try Migration.bundled()).migrate()
        }
        print(applied.isEmpty ? "the database is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
