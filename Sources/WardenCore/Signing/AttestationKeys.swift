import Crypto

/// Why a key could not be loaded. Messages are meant for the person holding the key file;
/// none of them ever contains key material (not even a public key's bytes).
public enum SigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a PEM block nor (where accepted) 64 hexadecimal characters.
    case notPEM
    case notPEMOrHex
    case multiplePEMBlocks([String])
    case malformedPEM(String)
    /// A PEM label this kind of key cannot be read from (`CERTIFICATE`, `OPENSSH PRIVATE KEY`, ...).
    case unsupportedPEMLabel(label: String, expected: String)
    case encryptedPrivateKey
    /// A well-formed key of another algorithm (RSA, EC, X25519, Ed448, ...).
    case unsupportedAlgorithm(String)
    /// A public key where a private one is needed.
    case publicKeyGivenForSigning
    /// A private key where a public one is needed.
    case privateKeyGivenForVerification
    case malformedKey(String)
    case invalidHex(expectedCharacters: Int, actualCharacters: Int, what: String)

    public var description: String {
        switch self {
        case .notPEM:
            "expected a PEM key (a -----BEGIN ...----- block)"
        case .notPEMOrHex:
            "expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a raw Ed25519 public key as 64 hexadecimal characters"
        case .multiplePEMBlocks(let labels):
            "expected one PEM block, found \(labels.count) (\(labels.joined(separator: ", ")))"
        case .malformedPEM(let detail):
            "the PEM data is malformed: \(detail)"
        case .unsupportedPEMLabel(let label, let expected):
            switch label {
            case "RSA PRIVATE KEY", "RSA PUBLIC KEY":
                "this is an RSA key (\(label)); only Ed25519 keys are supported"
            case "EC PRIVATE KEY":
                "this is an EC key (\(label)); only Ed25519 keys are supported"
            case "DSA PRIVATE KEY":
                "this is a DSA key (\(label)); only Ed25519 keys are supported"
            case "OPENSSH PRIVATE KEY":
                "OpenSSH private keys are not supported; create an Ed25519 key with `openssl genpkey -algorithm ed25519 -out signing-key.pem`"
            case "CERTIFICATE":
                "this is a certificate; extract its public key with `openssl x509 -in CERT.pem -pubkey -noout` (only Ed25519 keys are supported)"
            default:
                "expected a \(expected) PEM block, found \(label)"
            }
        case .encryptedPrivateKey:
            "the private key is encrypted; decrypt it with `openssl pkey -in KEY.pem -out plain.pem` and keep the result protected"
        case .unsupportedAlgorithm(let name):
            "this key's algorithm is \(name); only Ed25519 keys are supported"
        case .publicKeyGivenForSigning:
            "this is a public key; signing needs the private key (-----BEGIN PRIVATE KEY-----)"
        case .privateKeyGivenForVerification:
            "this is a private key; give the public key instead (`openssl pkey -in KEY.pem -pubout -out public.pem`)"
        case .malformedKey(let detail):
            "the key is malformed: \(detail)"
        case .invalidHex(let expected, let actual, let what):
            actual == expected
                ? "expected \(what) as \(expected) hexadecimal characters; the text has a character that is not hexadecimal"
                : "expected \(what) as \(expected) hexadecimal characters, got \(actual) characters"
        }
    }
}

/// The one signing algorithm Warden uses for attestations.
public enum AttestationKeyAlgorithm {
    /// securesystemslib's `keytype` and `scheme` for Ed25519, and the `algorithm` Warden publishes.
    public static let ed25519 = "ed25519"
}

/// An Ed25519 public key that verifies attestation signatures.
public struct VerificationKey: Sendable, Hashable {
    /// The raw 32-byte key (RFC 8032).
    public let rawBytes: [UInt8]

    public init(rawBytes: [UInt8]) throws(SigningKeyError) {
        guard rawBytes.count == 32 else { throw .malformedKey("an Ed25519 public key is 32 bytes; this one has \(rawBytes.count)") }
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: rawBytes)) != nil else { throw .malformedKey("not a usable Ed25519 public key") }
        self.rawBytes = rawBytes
    }

    /// 64 hexadecimal characters, as securesystemslib stores an ed25519 key's `keyval.public`.
    public init(hex: String) throws(SigningKeyError) {
        let text = hex.trimmingWhitespace()
        guard text.utf8.count == 64, let bytes = Hex.decode(text) else {
            throw .invalidHex(expectedCharacters: 64, actualCharacters: text.count, what: "an Ed25519 public key")
        }
        try self.init(rawBytes: bytes)
    }

    /// A `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) block, as `openssl pkey -pubout` writes.
    public init(pem: String) throws(SigningKeyError) {
        let block = try PEM.singleBlock(in: pem)
        switch block.label {
        case "PUBLIC KEY":
            try self.init(rawBytes: try Ed25519DER.publicKey(fromSPKI: block.der))
        case "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY":
            throw .privateKeyGivenForVerification
        default:
            throw .unsupportedPEMLabel(label: block.label, expected: "PUBLIC KEY")
        }
    }

    /// PEM when the text holds a `-----BEGIN` line, otherwise 64 hexadecimal characters.
    public init(pemOrHex text: String) throws(SigningKeyError) {
        if text.contains("-----BEGIN ") {
            try self.init(pem: text)
        } else {
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty, trimmed.allSatisfy(\.isHexDigit) else { throw .notPEMOrHex }
            try self.init(hex: trimmed)
        }
    }

    public var algorithm: String { AttestationKeyAlgorithm.ed25519 }

    /// Lower-case hexadecimal of the raw key: securesystemslib's `keyval.public` for ed25519.
    public var hex: String { rawBytes.hexString }

    /// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo, RFC 8410), byte-identical to `openssl pkey -pubout`.
    public var pem: String { PEM.encode(label: "PUBLIC KEY", der: Ed25519DER.spki(publicKey: rawBytes)) }

    /// The key as securesystemslib serialises an `SSlibKey` (its `to_dict()`), in securesystemslib's
    /// canonical JSON (keys sorted, no white space):
    /// `{"keytype":"ed25519","keyval":{"public":"<hex>"},"scheme":"ed25519"}`.
    public var securesystemslibCanonicalJSON: String {
        #"{"keytype":"ed25519","keyval":{"public":""# + hex + #""},"scheme":"ed25519"}"#
    }

    /// The keyid securesystemslib gives this key by default: the SHA-256 (lower-case hex) of
    /// `securesystemslibCanonicalJSON`. This is `compute_default_keyid(keytype, scheme, keyval)`
    /// in securesystemslib 1.x (checked against 1.6.0, `SSlibKey.from_crypto`), which hashes
    /// only keytype, scheme and keyval; securesystemslib before 0.26 added
    /// `keyid_hash_algorithms` to the hashed dict and gave other keyids.
    public var keyid: String { SHA256Digest.hex(Array(securesystemslibCanonicalJSON.utf8)) }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        // swift-crypto's key types are not Sendable; the raw bytes are kept and the key made here.
        guard signature.count == 64, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: rawBytes) else { return false }
        return publicKey.isValidSignature(signature, for: message)
    }

    public static func == (a: VerificationKey, b: VerificationKey) -> Bool { a.rawBytes == b.rawBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawBytes) }
}

extension VerificationKey: CustomStringConvertible {
    public var description: String { "VerificationKey(ed25519, keyid: \(keyid))" }
}

/// An Ed25519 private key that signs attestations. Its `description`, `debugDescription` and
/// mirror show only the keyid; the key bytes leave only through `pkcs8PEM()`.
public struct SigningKey: Sendable {
    /// The 32-byte seed. swift-crypto's key types are not Sendable, so the bytes are kept and
    /// the key made for each signature.
    private let seed: [UInt8]
    public let verificationKey: VerificationKey

    private init(privateKey: Curve25519.Signing.PrivateKey) {
        self.seed = Array(privateKey.rawRepresentation)
        // A key swift-crypto derived itself is always 32 bytes.
        self.verificationKey = try! VerificationKey(rawBytes: Array(privateKey.publicKey.rawRepresentation))
    }

    private var privateKey: Curve25519.Signing.PrivateKey {
        // The seed was accepted by this same initializer when the key was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// A new random key. Save it with `pkcs8PEM()` (a file readable only by Warden).
    public static func generate() -> SigningKey {
        SigningKey(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// The 32-byte RFC 8032 seed.
    public init(seed: [UInt8]) throws(SigningKeyError) {
        guard seed.count == 32 else { throw .malformedKey("an Ed25519 private key is 32 bytes; this one has \(seed.count)") }
        let key: Curve25519.Signing.PrivateKey
        do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch { throw .malformedKey("not a usable Ed25519 private key") }
        self.init(privateKey: key)
    }

    /// The seed as 64 hexadecimal characters (securesystemslib's legacy ed25519 `keyval.private`).
    public init(seedHex: String) throws(SigningKeyError) {
        let text = seedHex.trimmingWhitespace()
        guard text.utf8.count == 64, let seed = Hex.decode(text) else {
            throw .invalidHex(expectedCharacters: 64, actualCharacters: text.count, what: "an Ed25519 private key seed")
        }
        try self.init(seed: seed)
    }

    /// A `-----BEGIN PRIVATE KEY-----` (PKCS#8) block, as `openssl genpkey -algorithm ed25519` writes.
    public init(pem: String) throws(SigningKeyError) {
        let block = try PEM.singleBlock(in: pem)
        switch block.label {
        case "PRIVATE KEY":
            let seed = try Ed25519DER.seed(fromPKCS8: block.der) { seed in
                Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
            }
            try self.init(seed: seed)
        case "ENCRYPTED PRIVATE KEY":
            throw .encryptedPrivateKey
        case "PUBLIC KEY":
            throw .publicKeyGivenForSigning
        default:
            throw .unsupportedPEMLabel(label: block.label, expected: "PRIVATE KEY")
        }
    }

    /// PEM when the text holds a `-----BEGIN` line, otherwise a 64-character hexadecimal seed.
    public init(pemOrSeedHex text: String) throws(SigningKeyError) {
        if text.contains("-----BEGIN ") {
            try self.init(pem: text)
        } else {
            try self.init(seedHex: text)
        }
    }

    /// The private key as `-----BEGIN PRIVATE KEY-----` (PKCS#8 v1, RFC 8410), byte-identical to
    /// what `openssl genpkey -algorithm ed25519` writes. This is secret: write it to a file
    /// readable only by Warden.
    public func pkcs8PEM() -> String {
        PEM.encode(label: "PRIVATE KEY", der: Ed25519DER.pkcs8(seed: Array(privateKey.rawRepresentation)))
    }

    public var keyid: String { verificationKey.keyid }
    public var algorithm: String { AttestationKeyAlgorithm.ed25519 }

    /// An Ed25519 signature (64 bytes) over `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message))
    }
}

extension SigningKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SigningKey(ed25519, keyid: \(keyid))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["keyid": keyid], displayStyle: .struct) }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
