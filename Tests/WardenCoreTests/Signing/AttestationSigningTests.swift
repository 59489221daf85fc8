import Foundation
import Testing

@testable import WardenCore

private typealias V = SigningTestVectors

enum SigningFixtures {
    static let snapshotBytes = Array(#"{"apiVersion":"v1","kind":"List","items":[]}"#.utf8)
    static let reportJSON = Array(#"{"findings":[],"verdict":"pass"}"#.utf8)

    static func predicate() -> AttestationPredicate {
        AttestationPredicate(
            verdict: "pass",
            generatedAt: Date(timeIntervalSince1970: 1_795_816_000.123),
            reportId: 42,
            cluster: "prod",
            reportCanonicalJSON: reportJSON,
            baselines: [.init(agentId: 7, version: 3, digest: "sha256:" + String(repeating: "ab", count: 32))],
            snapshot: .init(id: 12, uploadedAt: Date(timeIntervalSince1970: 1_795_815_000)),
            warden: .init(version: "0.1.0")
        )
    }

    static func statement() -> InTotoStatement {
        InTotoStatement(predicate: predicate(), snapshotBytes: snapshotBytes)
    }
}

@Suite struct AttestationSigningTests {
    let key = try! SigningKey(pem: V.edPrivatePEM)
    let otherKey = try! SigningKey(pem: V.ed2PrivatePEM)

    @Test func statementHasTheInTotoV1Shape() throws {
        let statement = SigningFixtures.statement()
        let json = String(decoding: try statement.canonicalJSON(), as: UTF8.self)
        let snapshotHex = SHA256Digest.hex(SigningFixtures.snapshotBytes)
        let reportHex = SHA256Digest.hex(SigningFixtures.reportJSON)
        let expected =
            #"{"_type":"https://in-toto.io/Statement/v1","predicate":{"baselines":[{"agentId":7,"digest":"sha256:"#
            + String(repeating: "ab", count: 32)
            + #"","version":3}],"cluster":"prod","generatedAt":"2026-11-27T21:46:40.123Z","reportDigest":{"sha256":""#
            + reportHex
            + #""},"reportId":42,"snapshot":{"id":12,"uploadedAt":"2026-11-27T21:30:00.000Z"},"verdict":"pass","warden":{"version":"0.1.0"}},"#
            + #""predicateType":"https://warden.dev/attestation/report/v1","subject":[{"digest":{"sha256":""#
            + snapshotHex
            + #""},"name":"snapshot/prod/12"}]}"#
        #expect(json == expected)
        #expect(AttestationPredicate.predicateType == "https://warden.dev/attestation/report/v1")
        #expect(AttestationPredicate.predicateTypeV1 == AttestationPredicate.predicateType)
    }

    @Test func signAndVerifyRoundTrip() throws {
        let statement = SigningFixtures.statement()
        let envelope = try DSSESigner.sign(statement: statement, with: key)
        #expect(envelope.payloadType == "application/vnd.in-toto+json")
        #expect(envelope.payload == (try statement.canonicalJSON()))
        #expect(envelope.signatures.map(\.keyid) == [V.edKeyID])
        #expect(envelope.signatures[0].sig.count == 64)

        // Through JSON and back, as a verifier receives it.
        let decoded = try DSSEEnvelope.decode(json: try envelope.jsonBytes())
        #expect(decoded == envelope)
        let result = DSSEVerifier.verify(envelope: decoded, keys: [otherKey.verificationKey, key.verificationKey])
        #expect(result.verified)
        #expect(result.keyid == V.edKeyID)
        #expect(result.statement == statement)
        #expect(result.payload == envelope.payload)
        #expect(result.failure == nil)
        #expect(result.reason == nil)
        #expect(result.summary.hasPrefix("verified: signed by ed25519 key \(V.edKeyID); subject snapshot/prod/12 (sha256:"))
    }

    @Test func tamperedPayloadFails() throws {
        var envelope = try DSSESigner.sign(statement: SigningFixtures.statement(), with: key)
        let index = envelope.payload.firstIndex(of: UInt8(ascii: "p"))!
        envelope.payload[index] = UInt8(ascii: "q")
        let result = DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey])
        #expect(!result.verified)
        #expect(result.statement == nil)
        #expect(result.failure == .badSignature(keyid: V.edKeyID))
        #expect(
            result.reason
                == "the signature by keyid \"\(V.edKeyID)\" does not verify: the payload, the payloadType or the signature was changed after signing"
        )
    }

    @Test func tamperedSignatureFails() throws {
        var envelope = try DSSESigner.sign(statement: SigningFixtures.statement(), with: key)
        envelope.signatures[0].sig[10] ^= 0x01
        #expect(DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey]).failure == .badSignature(keyid: V.edKeyID))
        envelope.signatures[0].sig.removeLast()
        #expect(DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey]).failure == .badSignature(keyid: V.edKeyID))
    }

    @Test func tamperedPayloadTypeFails() throws {
        var envelope = try DSSESigner.sign(statement: SigningFixtures.statement(), with: key)
        envelope.payloadType = "application/json"
        let result = DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey])
        #expect(result.failure == .wrongPayloadType(found: "application/json", expected: "application/vnd.in-toto+json"))
        #expect(result.reason?.contains("payloadType is \"application/json\", expected \"application/vnd.in-toto+json\"") == true)
        // Even a payloadType that is accepted elsewhere: the signature binds the type.
        #expect(
            DSSEVerifier.verifySignatures(envelope: envelope, keys: [key.verificationKey], payloadType: "application/json").map(\.keyid)
                == .failure(.badSignature(keyid: V.edKeyID))
        )
    }

    @Test func unknownKeyFails() throws {
        let envelope = try DSSESigner.sign(statement: SigningFixtures.statement(), with: otherKey)
        let result = DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey])
        #expect(result.failure == .unknownKeyID(envelopeKeyIDs: [V.ed2KeyID], trustedKeyIDs: [V.edKeyID]))
        #expect(
            result.reason
                == "the envelope is signed by keyid \"\(V.ed2KeyID)\", not by a trusted key (trusted: \(V.edKeyID)), and no trusted key verifies its signature"
        )
        #expect(DSSEVerifier.verify(envelope: envelope, keys: []).failure == .noKeys)
    }

    @Test func keyidIsOnlyAHint() throws {
        var envelope = try DSSESigner.sign(statement: SigningFixtures.statement(), with: key)
        envelope.signatures[0].keyid = ""
        #expect(DSSEVerifier.verify(envelope: envelope, keys: [otherKey.verificationKey, key.verificationKey]).keyid == V.edKeyID)
        envelope.signatures[0].keyid = "made-up"
        #expect(DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey]).keyid == V.edKeyID)
        // A keyid naming another trusted key does not make its signature verify.
        envelope.signatures[0].keyid = V.ed2KeyID
        let result = DSSEVerifier.verify(envelope: envelope, keys: [otherKey.verificationKey])
        #expect(result.failure == .badSignature(keyid: V.ed2KeyID))
    }

    @Test func anyValidSignatureSuffices() throws {
        let first = try DSSESigner.sign(statement: SigningFixtures.statement(), with: otherKey)
        let second = try DSSESigner.sign(statement: SigningFixtures.statement(), with: key)
        let both = DSSEEnvelope(payload: first.payload, payloadType: first.payloadType, signatures: first.signatures + second.signatures)
        #expect(DSSEVerifier.verify(envelope: both, keys: [key.verificationKey]).keyid == V.edKeyID)
        let none = DSSEEnvelope(payload: first.payload, payloadType: first.payloadType, signatures: [])
        #expect(DSSEVerifier.verify(envelope: none, keys: [key.verificationKey]).failure == .noSignatures)
    }

    @Test func signedPayloadThatIsNotAWardenStatementFails() throws {
        func verify(_ json: String) -> VerificationFailure? {
            let envelope = try! DSSESigner.sign(payload: Array(json.utf8), payloadType: DSSE.inTotoPayloadType, with: key)
            return DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey]).failure
        }
        #expect(verify("not json") == .malformedPayload("the statement is not valid JSON"))
        #expect(
            verify(#"{"_type":"https://in-toto.io/Statement/v0.1"}"#)
                == .malformedPayload(#"its _type is "https://in-toto.io/Statement/v0.1", expected "https://in-toto.io/Statement/v1""#)
        )
        #expect(
            verify(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1"}"#)
                == .malformedPayload(#"its predicateType is "https://slsa.dev/provenance/v1", expected "https://warden.dev/attestation/report/v1""#)
        )

        var statement = try JSONSerialization.jsonObject(with: Data(try SigningFixtures.statement().canonicalJSON())) as! [String: Any]
        var predicate = statement["predicate"] as! [String: Any]
        predicate.removeValue(forKey: "reportId")
        statement["predicate"] = predicate
        let missing = String(decoding: try JSONSerialization.data(withJSONObject: statement), as: UTF8.self)
        #expect(verify(missing) == .malformedPayload("the statement is missing the required field predicate.reportId"))
        #expect(
            verify(missing).map(\.description)
                == "the signature is valid, but the payload is not a Warden attestation statement: the statement is missing the required field predicate.reportId"
        )

        statement = try JSONSerialization.jsonObject(with: Data(try SigningFixtures.statement().canonicalJSON())) as! [String: Any]
        predicate = statement["predicate"] as! [String: Any]
        predicate["reportId"] = "42"
        predicate["snapshot"] = "12"
        statement["predicate"] = predicate
        let mistyped = String(decoding: try JSONSerialization.data(withJSONObject: statement, options: .sortedKeys), as: UTF8.self)
        #expect(verify(mistyped) == .malformedPayload("the statement's field predicate.reportId must be a number"))
        predicate["reportId"] = 42
        statement["predicate"] = predicate
        let mistyped2 = String(decoding: try JSONSerialization.data(withJSONObject: statement, options: .sortedKeys), as: UTF8.self)
        #expect(verify(mistyped2) == .malformedPayload("the statement's field predicate.snapshot must be an object"))

        statement = try JSONSerialization.jsonObject(with: Data(try SigningFixtures.statement().canonicalJSON())) as! [String: Any]
        statement["subject"] = [Any]()
        #expect(
            verify(String(decoding: try JSONSerialization.data(withJSONObject: statement), as: UTF8.self)) == .malformedPayload("it has no subject")
        )
    }

    @Test func untrustedTextInMessagesIsQuotedAndCut() throws {
        var envelope = try DSSESigner.sign(statement: SigningFixtures.statement(), with: key)
        envelope.payloadType = "evil\n" + String(repeating: "x", count: 500)
        let reason = DSSEVerifier.verify(envelope: envelope, keys: [key.verificationKey]).reason!
        #expect(!reason.contains("\n"))
        #expect(reason.count < 300)
    }
}

@Suite struct AttestationKeyRingTests {
    let old = try! SigningKey(pem: V.edPrivatePEM)
    let new = try! SigningKey(pem: V.ed2PrivatePEM)

    @Test func rotationKeepsOldEnvelopesVerifying() throws {
        var ring = AttestationKeyRing(signingKey: old)
        let before = try ring.sign(statement: SigningFixtures.statement())
        #expect(before.signatures.map(\.keyid) == [V.edKeyID])
        #expect(ring.verify(envelope: before).keyStatus == .active)

        ring.rotate(to: new)
        let after = try ring.sign(statement: SigningFixtures.statement())
        #expect(after.signatures.map(\.keyid) == [V.ed2KeyID])

        let oldResult = ring.verify(envelope: before)
        #expect(oldResult.verified)
        #expect(oldResult.keyid == V.edKeyID)
        #expect(oldResult.keyStatus == .retired)
        #expect(oldResult.summary.contains("\(V.edKeyID) (retired)"))
        let newResult = ring.verify(envelope: after)
        #expect(newResult.keyid == V.ed2KeyID)
        #expect(newResult.keyStatus == .active)

        #expect(ring.status(ofKeyID: V.edKeyID) == .retired)
        #expect(ring.status(ofKeyID: V.ed2KeyID) == .active)
        #expect(ring.status(ofKeyID: "nope") == nil)

        // A ring without the old key no longer accepts what it signed.
        let fresh = AttestationKeyRing(signingKey: new)
        #expect(fresh.verify(envelope: before).failure == .unknownKeyID(envelopeKeyIDs: [V.edKeyID], trustedKeyIDs: [V.ed2KeyID]))
    }

    @Test func publishedKeysListTheActiveKeyFirst() throws {
        var ring = AttestationKeyRing(signingKey: old)
        ring.rotate(to: new)
        ring.rotate(to: new)  // no-op: the same key again
        let published = ring.publishedKeys
        #expect(published.map(\.keyid) == [V.ed2KeyID, V.edKeyID])
        #expect(published.map(\.status) == [.active, .retired])
        #expect(published.map(\.algorithm) == ["ed25519", "ed25519"])
        #expect(published[0].pem == V.ed2PublicPEM)
        #expect(published[1].hex == V.edPublicHex)
        let json = String(decoding: try CanonicalJSON.encode(published[1]), as: UTF8.self)
        #expect(
            json
                == #"{"algorithm":"ed25519","hex":"\#(V.edPublicHex)","keyid":"\#(V.edKeyID)","pem":"\#(V.edPublicPEM.replacingOccurrences(of: "\n", with: "\\n"))","status":"retired"}"#
        )
        #expect(!json.contains("PRIVATE"))

        // Rotating back to a retired key makes it active again, and the other retired.
        ring.rotate(to: old)
        #expect(ring.publishedKeys.map(\.keyid) == [V.edKeyID, V.ed2KeyID])
        #expect(ring.publishedKeys.map(\.status) == [.active, .retired])
    }

    @Test func ringLoadsFromKeyFileTexts() throws {
        let ring = try AttestationKeyRing(signingKeyText: V.ed2PrivatePEM, retiredPublicKeyTexts: [V.edPublicPEM, V.edPublicHex, V.ed2PublicHex])
        #expect(ring.verificationKeys.map(\.keyid) == [V.ed2KeyID, V.edKeyID])
        #expect(throws: SigningKeyError.self) { try AttestationKeyRing(signingKeyText: V.rsaPrivatePEM) }
    }
}

@Suite struct EnvelopeVerificationTests {
    let key = try! SigningKey(pem: V.edPrivatePEM)

    func envelopeJSON() throws -> [UInt8] {
        try DSSESigner.sign(statement: SigningFixtures.statement(), with: key).jsonBytes()
    }

    @Test func verifiesWithPEMOrHex() throws {
        let json = try envelopeJSON()
        for keyText in [V.edPublicPEM, V.edPublicHex, V.edPublicHex + "\n"] {
            let result = EnvelopeVerification.verify(envelopeJSON: json, keyPEMorHex: keyText)
            #expect(result.verified)
            #expect(result.keyid == V.edKeyID)
            #expect(result.statement?.predicate.reportId == 42)
        }
    }

    @Test func userFacingFailures() throws {
        let json = try envelopeJSON()
        func reason(_ json: [UInt8], _ key: String) -> String? {
            EnvelopeVerification.verify(envelopeJSON: json, keyPEMorHex: key).reason
        }
        #expect(
            reason(json, V.edPrivatePEM)
                == "the verification key could not be read: this is a private key; give the public key instead (`openssl pkey -in KEY.pem -pubout -out public.pem`)"
        )
        #expect(
            reason(json, V.rsaPublicPEM) == "the verification key could not be read: this key's algorithm is RSA; only Ed25519 keys are supported"
        )
        #expect(
            reason(json, "hello")
                == "the verification key could not be read: expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a raw Ed25519 public key as 64 hexadecimal characters"
        )
        #expect(reason(Array("{}".utf8), V.edPublicPEM) == "not a valid DSSE envelope: the envelope is missing the required field payload")
        #expect(reason(Array("garbage".utf8), V.edPublicPEM) == "not a valid DSSE envelope: the envelope is not valid JSON")
        #expect(reason(json, V.ed2PublicPEM)?.hasPrefix("the envelope is signed by keyid \"\(V.edKeyID)\", not by a trusted key") == true)

        // Tamper with the decoded payload, re-encode: the signature no longer matches.
        var object = try JSONSerialization.jsonObject(with: Data(json)) as! [String: Any]
        var payload = StrictBase64.decode(object["payload"] as! String)!
        payload[payload.count / 2] ^= 0x20
        object["payload"] = StrictBase64.encode(payload)
        let tampered = Array(try JSONSerialization.data(withJSONObject: object))
        let result = EnvelopeVerification.verify(envelopeJSON: tampered, keyPEMorHex: V.edPublicPEM)
        #expect(!result.verified)
        #expect(result.failure == .badSignature(keyid: V.edKeyID))
        #expect(result.summary.hasPrefix("verification FAILED: the signature by keyid"))
    }
}

@Suite struct SecuresystemslibInteropTests {
    @Test func envelopeSignedBySecuresystemslibVerifies() throws {
        let result = EnvelopeVerification.verify(envelopeJSON: Array(V.securesystemslibEnvelope.utf8), keyPEMorHex: V.edPublicPEM)
        #expect(result.verified, "\(result.summary)")
        #expect(result.keyid == V.edKeyID)
        #expect(result.statement?.subject.first?.name == "snapshot/prod/1")
        #expect(result.statement?.predicateType == AttestationPredicate.predicateType)
        // Warden's canonical encoding reproduces the payload securesystemslib signed.
        #expect(try result.statement?.canonicalJSON() == result.payload)
    }
}
