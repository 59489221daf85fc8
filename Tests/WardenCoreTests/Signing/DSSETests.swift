import Foundation
import Testing

@testable import WardenCore

/// PAE and envelope tests, with the example in DSSE's protocol.md and Ed25519 vectors whose
/// keys are RFC 8032 TEST 1 ("A") and TEST 2 ("B"). Each vector's signature was checked
/// independently with Python's `cryptography` (Ed25519PrivateKey.sign over the PAE).
@Suite struct DSSETests {
    static let keyA = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let keyB = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
    static let statementPayload = #"{"_type":"https://in-toto.io/Statement/v1"}"#

    @Test func paeOfTheProtocolExample() {
        let pae = DSSE.pae(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    @Test func paeCountsBytesNotCharacters() {
        let pae = DSSE.pae(payloadType: "application/vnd.exämple+json", payload: Array(Self.statementPayload.utf8))
        #expect(
            pae.hexString
                == "445353457631203239206170706c69636174696f6e2f766e642e6578c3a46d706c652b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d"
        )
    }

    @Test func paeOfEmptyValues() {
        #expect(
            String(decoding: DSSE.pae(payloadType: "application/vnd.in-toto+json", payload: []), as: UTF8.self)
                == "DSSEv1 28 application/vnd.in-toto+json 0 "
        )
        #expect(String(decoding: DSSE.pae(payloadType: "", payload: []), as: UTF8.self) == "DSSEv1 0  0 ")
        let binary: [UInt8] = [0xfb, 0xff, 0xbf, 0x3e, 0x3f]
        #expect(DSSE.pae(payloadType: "t", payload: binary) == Array("DSSEv1 1 t 5 ".utf8) + binary)
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        var id: String
        var payloadType: String
        var payload: String
        var key: String
        var sig: String
        var expectedType: String
        var accept: Bool
        var testDescription: String { id }
    }

    static let vectors: [Vector] = [
        Vector(
            id: "single-signature",
            payloadType: DSSE.inTotoPayloadType,
            payload: "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==",
            key: keyA,
            sig: "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==",
            expectedType: DSSE.inTotoPayloadType,
            accept: true
        ),
        Vector(
            id: "url-safe-base64",
            payloadType: DSSE.inTotoPayloadType,
            payload: "-_-_Pj8=",
            key: keyA,
            sig: "P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6TuDOT1HIrsGW886DbWNWcCmX5twLrAw==",
            expectedType: DSSE.inTotoPayloadType,
            accept: true
        ),
        Vector(
            id: "non-ascii-payload-type",
            payloadType: "application/vnd.exämple+json",
            payload: "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==",
            key: keyA,
            sig: "xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2lUnHjbbjPsu0tAw==",
            expectedType: "application/vnd.exämple+json",
            accept: true
        ),
        Vector(
            id: "empty-payload",
            payloadType: DSSE.inTotoPayloadType,
            payload: "",
            key: keyA,
            sig: "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg==",
            expectedType: DSSE.inTotoPayloadType,
            accept: true
        ),
        Vector(
            id: "key-B",
            payloadType: DSSE.inTotoPayloadType,
            payload: "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==",
            key: keyB,
            sig: "c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5LjReEZUzNF2l7eBw==",
            expectedType: DSSE.inTotoPayloadType,
            accept: true
        ),
        // The signature covers application/vnd.in-toto+json; the envelope claims another type.
        Vector(
            id: "payload-type-swapped",
            payloadType: "application/vnd.example.other+json",
            payload: "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==",
            key: keyA,
            sig: "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==",
            expectedType: "application/vnd.example.other+json",
            accept: false
        ),
        // A valid signature over an empty payloadType, which is not the one expected.
        Vector(
            id: "empty-payload-type",
            payloadType: "",
            payload: "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==",
            key: keyA,
            sig: "iC3q/+3Rm0+lpAJRueDmDh15PnwCfxKmS0NAfKsbv+zgulXQC/WM9trc+j1XEqlwDIg/vf/uNfebeD6sxInrDg==",
            expectedType: DSSE.inTotoPayloadType,
            accept: false
        ),
    ]

    @Test(arguments: vectors)
    func ed25519Vectors(_ vector: Vector) throws {
        let json = #"{"payload":"\#(vector.payload)","payloadType":"\#(vector.payloadType)","signatures":[{"keyid":"A","sig":"\#(vector.sig)"}]}"#
        let envelope = try DSSEEnvelope.decode(json: Array(json.utf8))
        let key = try SigningKey(seedHex: vector.key)
        let result = DSSEVerifier.verifySignatures(envelope: envelope, keys: [key.verificationKey], payloadType: vector.expectedType)
        if vector.accept {
            // The envelope's keyid "A" names no trusted key: it is only a hint, so every key is tried.
            #expect(try result.get() == key.verificationKey)
            // Ed25519 is deterministic (RFC 8032); swift-crypto on Linux signs that way, while
            // CryptoKit on Apple platforms randomises, so compare bytes only off Apple platforms.
            #if !canImport(Darwin)
            let signed = try DSSESigner.sign(payload: envelope.payload, payloadType: envelope.payloadType, with: key)
            #expect(StrictBase64.encode(signed.signatures[0].sig) == StrictBase64.encode(StrictBase64.decode(vector.sig)!))
            #endif
        } else {
            #expect(throws: VerificationFailure.self) { try result.get() }
        }
    }

    @Test func emptyPayloadTypeIsAWrongPayloadType() throws {
        let vector = Self.vectors.first { $0.id == "empty-payload-type" }!
        let json = #"{"payload":"\#(vector.payload)","payloadType":"","signatures":[{"keyid":"A","sig":"\#(vector.sig)"}]}"#
        let envelope = try DSSEEnvelope.decode(json: Array(json.utf8))
        let key = try SigningKey(seedHex: Self.keyA).verificationKey
        #expect(DSSEVerifier.verifySignatures(envelope: envelope, keys: [key], payloadType: "").map(\.keyid) == .success(key.keyid))
        #expect(DSSEVerifier.verify(envelope: envelope, keys: [key]).failure == .wrongPayloadType(found: "", expected: DSSE.inTotoPayloadType))
    }

    @Test func envelopeEncodesWithExactlyTheDSSEKeys() throws {
        let envelope = DSSEEnvelope(
            payload: Array("hello world".utf8),
            payloadType: "http://example.com/HelloWorld",
            signatures: [DSSESignature(keyid: "k1", sig: [0xfb, 0xff, 0xbf, 0x3e, 0x3f])]
        )
        let json = String(decoding: try envelope.jsonBytes(), as: UTF8.self)
        #expect(
            json == #"{"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld","signatures":[{"keyid":"k1","sig":"+/+/Pj8="}]}"#
        )
        #expect(try DSSEEnvelope.decode(json: Array(json.utf8)) == envelope)
    }

    @Test func protocolExampleEnvelopeDecodes() throws {
        // From protocol.md: no keyid (optional in DSSE), so it reads as "".
        let json =
            #"{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#
        let envelope = try DSSEEnvelope.decode(json: Array(json.utf8))
        #expect(envelope.payload == Array("hello world".utf8))
        #expect(envelope.signatures.count == 1)
        #expect(envelope.signatures[0].keyid == "")
        #expect(envelope.signatures[0].sig.count == 64)
        #expect(String(decoding: envelope.pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    @Test(arguments: [
        (#"{"payloadType":"t","signatures":[]}"#, "the envelope is missing the required field payload"),
        (#"{"payload":"","signatures":[]}"#, "the envelope is missing the required field payloadType"),
        (#"{"payload":"","payloadType":"t"}"#, "the envelope is missing the required field signatures"),
        (#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#, "the envelope is missing the required field signatures[0].sig"),
        (#"{"payload":"aGVsbG8*","payloadType":"t","signatures":[]}"#, "the envelope's field payload is not valid base64"),
        (#"{"payload":"aGVs bG8=","payloadType":"t","signatures":[]}"#, "the envelope's field payload is not valid base64"),
        (
            #"{"payload":"","payloadType":"t","signatures":[{"keyid":"k","sig":"+_8="}]}"#,
            "the envelope's field signatures[0].sig is not valid base64"
        ),
        (#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k","sig":""}]}"#, "the envelope's field signatures[0].sig is empty"),
        (#"{"payload":12,"payloadType":"t","signatures":[]}"#, "the envelope's field payload must be a string"),
        (#"{"payload":"","payloadType":null,"signatures":[]}"#, "the envelope's field payloadType is null; it must be a string"),
        (#"{"payload":"","payloadType":"t","signatures":{}}"#, "the envelope's field signatures must be an array"),
        (#"{"payload":"","payloadType":"t","signatures":[{"keyid":7,"sig":"AA=="}]}"#, "the envelope's field signatures[0].keyid must be a string"),
        (#"[1,2]"#, "the envelope must be a JSON object"),
        (#"{"payload":"#, "the envelope is not valid JSON"),
        ("", "the envelope is not valid JSON"),
    ])
    func strictDecodingNamesTheProblem(json: String, message: String) {
        do {
            _ = try DSSEEnvelope.decode(json: Array(json.utf8))
            Issue.record("decoded \(json)")
        } catch {
            #expect(error.message == message)
        }
    }
}
