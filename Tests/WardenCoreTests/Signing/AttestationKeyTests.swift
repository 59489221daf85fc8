import Testing

@testable import WardenCore

private typealias V = SigningTestVectors

/// The error a key-loading closure throws, or nil.
private func keyError(_ body: () throws -> Void) -> SigningKeyError? {
    do {
        try body()
        return nil
    } catch {
        return error as? SigningKeyError
    }
}

@Suite struct AttestationKeyTests {
    @Test func opensslPKCS8PrivateKeyLoads() throws {
        let key = try SigningKey(pem: V.edPrivatePEM)
        #expect(key.verificationKey.hex == V.edPublicHex)
        #expect(key.keyid == V.edKeyID)
        #expect(key.algorithm == "ed25519")
    }

    @Test func opensslSPKIPublicKeyLoads() throws {
        let key = try VerificationKey(pem: V.edPublicPEM)
        #expect(key.hex == V.edPublicHex)
        #expect(key.keyid == V.edKeyID)
    }

    @Test func pemWrittenIsByteIdenticalToOpenSSL() throws {
        let key = try SigningKey(seedHex: V.edSeedHex)
        #expect(key.pkcs8PEM() == V.edPrivatePEM)
        #expect(key.verificationKey.pem == V.edPublicPEM)
        let second = try SigningKey(pem: V.ed2PrivatePEM)
        #expect(second.pkcs8PEM() == V.ed2PrivatePEM)
        #expect(second.verificationKey.pem == V.ed2PublicPEM)
    }

    @Test func generatedKeyRoundTripsThroughPEM() throws {
        let key = SigningKey.generate()
        let reloaded = try SigningKey(pem: key.pkcs8PEM())
        #expect(reloaded.verificationKey == key.verificationKey)
        let publicKey = try VerificationKey(pem: key.verificationKey.pem)
        #expect(publicKey == key.verificationKey)
        #expect(try VerificationKey(hex: key.verificationKey.hex) == key.verificationKey)
        #expect(key.keyid.count == 64)
        #expect(key.keyid != SigningKey.generate().keyid)
    }

    @Test func keyidsMatchSecuresystemslib() throws {
        #expect(try VerificationKey(hex: V.edPublicHex).keyid == V.edKeyID)
        #expect(try VerificationKey(pem: V.ed2PublicPEM).keyid == V.ed2KeyID)
        #expect(try SigningKey(seedHex: V.rfc8032Seed).keyid == V.rfc8032KeyID)
        #expect(try SigningKey(seedHex: V.rfc8032Seed).verificationKey.hex == V.rfc8032Public)
        let key = try VerificationKey(hex: V.edPublicHex)
        #expect(key.securesystemslibCanonicalJSON == #"{"keytype":"ed25519","keyval":{"public":"\#(V.edPublicHex)"},"scheme":"ed25519"}"#)
    }

    @Test func hexInputsAcceptUpperCaseAndSurroundingWhiteSpace() throws {
        #expect(try VerificationKey(hex: "  " + V.edPublicHex.uppercased() + "\n").hex == V.edPublicHex)
        #expect(try VerificationKey(pemOrHex: V.edPublicHex + "\n").keyid == V.edKeyID)
        #expect(try VerificationKey(pemOrHex: V.edPublicPEM).keyid == V.edKeyID)
        #expect(try SigningKey(pemOrSeedHex: V.edSeedHex + "\n").keyid == V.edKeyID)
        #expect(try SigningKey(pemOrSeedHex: V.edPrivatePEM).keyid == V.edKeyID)
    }

    @Test func pemWithExplanatoryTextAndCRLFLoads() throws {
        let text = "Warden attestation key\r\n" + V.edPublicPEM.replacingOccurrences(of: "\n", with: "\r\n") + "trailing note\n"
        #expect(try VerificationKey(pem: text).keyid == V.edKeyID)
    }

    @Test func pkcs8Version2WithMatchingPublicKeyLoads() throws {
        let seed = Hex.decode(V.edSeedHex)!
        let publicKey = Hex.decode(V.edPublicHex)!
        let der: [UInt8] =
            [0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
            + seed + [0x81, 0x21, 0x00] + publicKey
        let key = try SigningKey(pem: PEM.encode(label: "PRIVATE KEY", der: der))
        #expect(key.keyid == V.edKeyID)

        var wrong = der
        wrong[wrong.count - 1] ^= 1
        let error = keyError { _ = try SigningKey(pem: PEM.encode(label: "PRIVATE KEY", der: wrong)) }
        #expect(error?.description.contains("does not belong to the private key") == true)
    }

    @Test(arguments: [
        ("RSA PKCS#8", V.rsaPrivatePEM, "this key's algorithm is RSA; only Ed25519 keys are supported"),
        ("RSA traditional", V.rsaTraditionalPEM, "this is an RSA key (RSA PRIVATE KEY); only Ed25519 keys are supported"),
        ("EC PKCS#8", V.ecPrivatePEM, "this key's algorithm is EC (ECDSA); only Ed25519 keys are supported"),
        ("EC traditional", V.ecTraditionalPEM, "this is an EC key (EC PRIVATE KEY); only Ed25519 keys are supported"),
        ("X25519", V.x25519PrivatePEM, "this key's algorithm is X25519; only Ed25519 keys are supported"),
    ])
    func otherPrivateKeysAreRejected(name: String, pem: String, message: String) {
        let error = keyError { _ = try SigningKey(pem: pem) }
        #expect(error?.description == message, "\(name)")
    }

    @Test(arguments: [
        ("RSA", V.rsaPublicPEM, "RSA"),
        ("EC", V.ecPublicPEM, "EC (ECDSA)"),
        ("X25519", V.x25519PublicPEM, "X25519"),
        ("Ed448", V.ed448PublicPEM, "Ed448"),
    ])
    func otherPublicKeysAreRejected(name: String, pem: String, algorithm: String) {
        let error = keyError { _ = try VerificationKey(pem: pem) }
        #expect(error == .unsupportedAlgorithm(algorithm), "\(name)")
        #expect(error?.description.contains("only Ed25519 keys are supported") == true)
    }

    @Test func wrongKindsOfPEMAreRejectedWithGuidance() {
        #expect(keyError { _ = try SigningKey(pem: V.edEncryptedPEM) } == .encryptedPrivateKey)
        #expect(keyError { _ = try SigningKey(pem: V.edPublicPEM) } == .publicKeyGivenForSigning)
        #expect(keyError { _ = try VerificationKey(pem: V.edPrivatePEM) } == .privateKeyGivenForVerification)
        #expect(keyError { _ = try VerificationKey(pem: V.edPrivatePEM) }?.description.contains("openssl pkey -in KEY.pem -pubout") == true)
        let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
        #expect(keyError { _ = try SigningKey(pem: openssh) }?.description.contains("OpenSSH private keys are not supported") == true)
        let certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        #expect(keyError { _ = try VerificationKey(pem: certificate) }?.description.contains("openssl x509") == true)
        #expect(keyError { _ = try VerificationKey(pem: V.edPublicPEM + V.ed2PublicPEM) } == .multiplePEMBlocks(["PUBLIC KEY", "PUBLIC KEY"]))
        #expect(keyError { _ = try VerificationKey(pem: "no key here") } == .notPEM)
        #expect(keyError { _ = try VerificationKey(pemOrHex: "not a key") } == .notPEMOrHex)
        let unterminated = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAHpay/EdoFZMMCvwNyoeMUqLdy6GMQ3kUpV0ccw6UInM=\n"
        #expect(keyError { _ = try VerificationKey(pem: unterminated) } == .malformedPEM("the PUBLIC KEY block has no END line"))
        let badBase64 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA*pay\n-----END PUBLIC KEY-----\n"
        #expect(keyError { _ = try VerificationKey(pem: badBase64) } == .malformedPEM("the PUBLIC KEY block is not valid base64"))
    }

    @Test func malformedEd25519StructuresAreRejected() {
        let seed = Hex.decode(V.edSeedHex)!
        let pub = Hex.decode(V.edPublicHex)!
        func privateError(_ der: [UInt8]) -> SigningKeyError? {
            keyError { _ = try SigningKey(pem: PEM.encode(label: "PRIVATE KEY", der: der)) }
        }
        func publicError(_ der: [UInt8]) -> SigningKeyError? {
            keyError { _ = try VerificationKey(pem: PEM.encode(label: "PUBLIC KEY", der: der)) }
        }
        // Trailing bytes after the structure.
        #expect(privateError(Ed25519DER.pkcs8(seed: seed) + [0x00])?.description.contains("unexpected data after the PrivateKeyInfo") == true)
        #expect(publicError(Ed25519DER.spki(publicKey: pub) + [0x00])?.description.contains("unexpected data") == true)
        // A 31-byte seed (lengths adjusted so the DER itself is well formed).
        let short: [UInt8] = [0x30, 0x2d, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x21, 0x04, 0x1f] + seed.dropLast()
        #expect(privateError(short) == .malformedKey("an Ed25519 private key is 32 bytes; this one has 31"))
        // Ed25519 with (forbidden) NULL parameters.
        let withParams: [UInt8] = [0x30, 0x2c, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x05, 0x00, 0x03, 0x21, 0x00] + pub
        #expect(publicError(withParams)?.description.contains("RFC 8410 allows no parameters") == true)
        // Version 2.
        var badVersion = Ed25519DER.pkcs8(seed: seed)
        badVersion[4] = 0x02
        #expect(privateError(badVersion)?.description.contains("the version must be 0 or 1") == true)
        // Truncated.
        #expect(privateError(Array(Ed25519DER.pkcs8(seed: seed).dropLast(4)))?.description.contains("not valid DER") == true)
        // A public key with unused bits.
        var unusedBits = Ed25519DER.spki(publicKey: pub)
        unusedBits[11] = 0x01
        #expect(publicError(unusedBits)?.description.contains("no unused bits") == true)
    }

    @Test func badHexIsRejectedWithoutEchoingIt() {
        let secretish = String(V.edSeedHex.dropLast(2))
        let error = keyError { _ = try SigningKey(seedHex: secretish) }
        #expect(error?.description == "expected an Ed25519 private key seed as 64 hexadecimal characters, got 62 characters")
        let nonHex = String(V.edSeedHex.dropLast()) + "g"
        let error2 = keyError { _ = try SigningKey(seedHex: nonHex) }
        #expect(error2?.description.contains("not hexadecimal") == true)
        #expect(error2?.description.contains(String(V.edSeedHex.prefix(8))) == false)
        #expect(
            keyError { _ = try VerificationKey(hex: "abcd") }?.description
                == "expected an Ed25519 public key as 64 hexadecimal characters, got 4 characters"
        )
    }

    @Test func privateKeyMaterialNeverAppearsInDescriptions() throws {
        let key = try SigningKey(pem: V.edPrivatePEM)
        let base64Seed = "ICwmpoLssAfFLw6PGSoYXcWHBiCaGpuOyPgc90YtR6lY"
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, String(describing: key), String(reflecting: key), "\(key)", dumped] {
            #expect(!text.contains(V.edSeedHex))
            #expect(!text.contains(base64Seed))
            #expect(!text.lowercased().contains("2c26a682"))
            #expect(text.contains(V.edKeyID) || text.contains("keyid"))
        }
        #expect(key.description == "SigningKey(ed25519, keyid: \(V.edKeyID))")
    }
}

@Suite struct StrictBase64Tests {
    @Test func encodesStandardPadded() {
        #expect(StrictBase64.encode(Array("hello world".utf8)) == "aGVsbG8gd29ybGQ=")
        #expect(StrictBase64.encode([]) == "")
        #expect(StrictBase64.encode([0xfb, 0xff, 0xbf, 0x3e, 0x3f]) == "+/+/Pj8=")
        #expect(StrictBase64.encode([0xff]) == "/w==")
    }

    @Test func decodesBothAlphabetsWithOrWithoutPadding() {
        #expect(StrictBase64.decode("aGVsbG8gd29ybGQ=") == Array("hello world".utf8))
        #expect(StrictBase64.decode("aGVsbG8gd29ybGQ") == Array("hello world".utf8))
        #expect(StrictBase64.decode("+/+/Pj8=") == [0xfb, 0xff, 0xbf, 0x3e, 0x3f])
        #expect(StrictBase64.decode("-_-_Pj8=") == [0xfb, 0xff, 0xbf, 0x3e, 0x3f])
        #expect(StrictBase64.decode("") == [])
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(StrictBase64.decode(StrictBase64.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: [
        "aGVsbG8gd29ybGQ==", "aGVs bG8=", "aGVsbG8\nd29ybGQ=", "a", "aGVsbG8gd29ybGQ=x", "+_+_Pj8=", "=aGVs", "/x==", "aGVsbG8gd29ybGR=", "aGV*",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }
}
