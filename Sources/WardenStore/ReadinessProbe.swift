import PostgresNIO

/// What `/readyz` asks: can we reach the database, and is its schema the one this build expects?
public struct ReadinessProbe: Sendable {
    let database: Database
    let migrator: Migrator

    public init(database: Database, migrator: Migrator) {
        self.database = database
        self.migrator = migrator
    }

    /// Nil when ready; otherwise why not.
    public func problem() async -> String? {
        do {
            return try await migrator.pendingProblem()
        } catch {
            return "the database cannot be reached: \(String(describing: error).prefix(200))"
        }
    }
}
