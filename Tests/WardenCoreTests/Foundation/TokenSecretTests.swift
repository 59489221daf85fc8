import Foundation
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

    @Test func base64URLAgreesWithFoundationAndRoundTrips() {
        // RFC 4648 §10 vectors, then every length up to 40 against Foundation's encoder.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        }
        var rng = SystemRandomNumberGenerator()
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &rng) } + [0xfb, 0xff]
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
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
