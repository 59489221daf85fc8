/// Warden's attestation keys: the one key it signs with now (`active`) and the public halves
/// of keys it signed with before (`retired`), which stay published so that old envelopes keep
/// verifying after a rotation.
public struct AttestationKeyRing: Sendable {
    public enum KeyStatus: String, Codable, Sendable, Hashable {
        case active, retired
    }

    /// One key as Warden publishes it (for example at a keys endpoint).
    public struct PublishedKey: Codable, Sendable, Hashable {
        /// securesystemslib's default keyid (see `VerificationKey.keyid`).
        public var keyid: String
        /// `ed25519`.
        public var algorithm: String
        public var status: KeyStatus
        /// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo).
        public var pem: String
        /// The raw public key in lower-case hex: securesystemslib's `keyval.public`.
        public var hex: String

        public init(key: VerificationKey, status: KeyStatus) {
            self.keyid = key.keyid
            self.algorithm = key.algorithm
            self.status = status
            self.pem = key.pem
            self.hex = key.hex
        }
    }

    public private(set) var signingKey: SigningKey
    /// Earlier keys, oldest first; never the active key, never twice.
    public private(set) var retiredKeys: [VerificationKey]

    public init(signingKey: SigningKey, retiredKeys: [VerificationKey] = []) {
        self.signingKey = signingKey
        self.retiredKeys = []
        for key in retiredKeys { addRetired(key) }
    }

    /// From key file contents: the active private key (PKCS#8 PEM or seed hex) and the retired
    /// public keys (PEM or hex).
    public init(signingKeyText: String, retiredPublicKeyTexts: [String] = []) throws(SigningKeyError) {
        let active = try SigningKey(pemOrSeedHex: signingKeyText)
        var retired: [VerificationKey] = []
        for text in retiredPublicKeyTexts { retired.append(try VerificationKey(pemOrHex: text)) }
        self.init(signingKey: active, retiredKeys: retired)
    }

    private mutating func addRetired(_ key: VerificationKey) {
        guard key != signingKey.verificationKey, !retiredKeys.contains(key) else { return }
        retiredKeys.append(key)
    }

    /// Signs with `newKey` from now on; the previous active key becomes retired.
    public mutating func rotate(to newKey: SigningKey) {
        let previous = signingKey.verificationKey
        signingKey = newKey
        retiredKeys.removeAll { $0 == newKey.verificationKey }
        addRetired(previous)
    }

    /// The active key first, then the retired ones.
    public var verificationKeys: [VerificationKey] { [signingKey.verificationKey] + retiredKeys }

    public var publishedKeys: [PublishedKey] {
        [PublishedKey(key: signingKey.verificationKey, status: .active)] + retiredKeys.map { PublishedKey(key: $0, status: .retired) }
    }

    public func status(ofKeyID keyid: String) -> KeyStatus? {
        if keyid == signingKey.keyid { return .active }
        return retiredKeys.contains { $0.keyid == keyid } ? .retired : nil
    }

    /// Signs with the active key.
    public func sign(statement: InTotoStatement) throws -> DSSEEnvelope {
        try DSSESigner.sign(statement: statement, with: signingKey)
    }

    /// Accepts a signature by any key in the ring, and says which key and its status.
    public func verify(envelope: DSSEEnvelope) -> VerificationResult {
        var result = DSSEVerifier.verify(envelope: envelope, keys: verificationKeys)
        if let keyid = result.keyid { result.keyStatus = status(ofKeyID: keyid) }
        return result
    }
}
