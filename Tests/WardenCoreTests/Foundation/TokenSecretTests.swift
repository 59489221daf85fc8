import Testing
import WardenCore

@Suite struct TokenSecretTests {
    @Test func secretsHaveThePrefixAndFullEntropy() {
        let a = TokenSecret.generate()
        let b = TokenSecret.generate()
        #expect(a.value != b.value)
        #expect(a.value.hasPrefix("wdn_"))
        #expect(a.value.count == 4 + 43)
        #expect(TokenSecret.isWellFormed(a.value))
        #expect(Base64URL.decode(String(a.value.dropFirst(4)))?.count == 32)
        #expect(a.hash.count == 32)
        #expect(!TokenSecret.isWellFormed("wdn_short"))
        #expect(!TokenSecret.isWellFormed("xyz_" + String(repeating: "A", count: 43)))
    }

    @Test func requestsAreValidated() {
        #expect(throws: ValidationError.self) { try TokenRequest(name: "c", role: .collector, clusters: [], expiresInDays: nil) }
        #expect(throws: ValidationError.self) { try TokenRequest(name: "a", role: .admin, clusters: ["prod"], expiresInDays: nil) }
        #expect(throws: ValidationError.self) { try TokenRequest(name: "a", role: .admin, clusters: [], expiresInDays: 0) }
        #expect(throws: Never.self) { try TokenRequest(name: "cron", role: .collector, clusters: ["prod"], expiresInDays: 30) }
    }

    @Test func policyClosesUnknownOperations() {
        #expect(AccessPolicy.decide(operation: "createAgent", role: .admin) == .allowed)
        #expect(AccessPolicy.decide(operation: "createAgent", role: .reviewer) != .allowed)
        #expect(AccessPolicy.decide(operation: "noSuchOperation", role: .admin) != .allowed)
        #expect(AccessPolicy.decide(operation: "listAuditEvents", role: .auditor) == .allowed)
        #expect(AccessPolicy.decide(operation: "listAgents", role: .collector) != .allowed)
    }
}
