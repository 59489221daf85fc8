import Foundation

/// Signs in-toto statements into DSSE envelopes.
public enum DSSESigner {
    /// The payload is the statement's canonical JSON; the one signature is Ed25519 over
    /// `DSSE.pae("application/vnd.in-toto+json", payload)`, with the key's keyid.
    public static func sign(statement: InTotoStatement, with key: SigningKey) throws -> DSSEEnvelope {
        try sign(payload: statement.canonicalJSON(), payloadType: DSSE.inTotoPayloadType, with: key)
    }

    /// Any payload and payloadType.
    public static func sign(payload: [UInt8], payloadType: String, with key: SigningKey) throws -> DSSEEnvelope {
        let signature = try key.sign(DSSE.pae(payloadType: payloadType, payload: payload))
        return DSSEEnvelope(payload: payload, payloadType: payloadType, signatures: [DSSESignature(keyid: key.keyid, sig: signature)])
    }
}

/// Why an envelope was not accepted. `description` is a complete sentence for the user.
public enum VerificationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key given to verify with could not be read.
    case invalidKey(String)
    /// The envelope JSON is not a DSSE envelope (missing field, bad base64, not JSON, ...).
    case malformedEnvelope(String)
    case noKeys
    case noSignatures
    /// The envelope's payloadType is not the one expected.
    case wrongPayloadType(found: String, expected: String)
    /// No signature names a trusted keyid, and no trusted key verifies any signature.
    case unknownKeyID(envelopeKeyIDs: [String], trustedKeyIDs: [String])
    /// A signature names a trusted key, but that key does not verify it.
    case badSignature(keyid: String)
    /// The signature verified, but the payload is not a statement this Warden reads.
    case malformedPayload(String)

    public var description: String {
        switch self {
        case .invalidKey(let detail):
            "the verification key could not be read: \(detail)"
        case .malformedEnvelope(let detail):
            "not a valid DSSE envelope: \(detail)"
        case .noKeys:
            "no verification key was given"
        case .noSignatures:
            "the envelope has no signatures"
        case .wrongPayloadType(let found, let expected):
            "the envelope's payloadType is \(Self.quote(found)), expected \(Self.quote(expected)); it is not a Warden attestation (or the payloadType was changed)"
        case .unknownKeyID(let envelopeKeyIDs, let trustedKeyIDs):
            "the envelope is signed by \(Self.keyids(envelopeKeyIDs)), not by a trusted key (trusted: \(trustedKeyIDs.joined(separator: ", "))), and no trusted key verifies its signature"
        case .badSignature(let keyid):
            "the signature by keyid \(Self.quote(keyid)) does not verify: the payload, the payloadType or the signature was changed after signing"
        case .malformedPayload(let detail):
            "the signature is valid, but the payload is not a Warden attestation statement: \(detail)"
        }
    }

    /// Envelope text is untrusted: quote it with escapes, and cut it short.
    static func quote(_ text: String) -> String {
        let cut = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return cut.debugDescription
    }

    private static func keyids(_ ids: [String]) -> String {
        let named = ids.filter { !$0.isEmpty }
        if named.isEmpty { return "a signature without a keyid" }
        return (named.count == 1 ? "keyid " : "keyids ") + named.map(quote).joined(separator: ", ")
    }
}

/// The outcome of verifying an envelope.
public struct VerificationResult: Sendable, Hashable {
    public var verified: Bool
    /// The keyid (as Warden computes it from the key) of the trusted key that verified a signature.
    public var keyid: String?
    /// Set when verified through an `AttestationKeyRing`: whether that key is active or retired.
    public var keyStatus: AttestationKeyRing.KeyStatus?
    /// The statement, decoded from the verified payload bytes; only when verified.
    public var statement: InTotoStatement?
    /// The verified payload bytes exactly as signed; only when verified.
    public var payload: [UInt8]?
    public var failure: VerificationFailure?

    /// The user-facing reason when not verified.
    public var reason: String? { failure?.description }

    public static func success(keyid: String, statement: InTotoStatement, payload: [UInt8]) -> VerificationResult {
        VerificationResult(verified: true, keyid: keyid, keyStatus: nil, statement: statement, payload: payload, failure: nil)
    }

    public static func failure(_ failure: VerificationFailure) -> VerificationResult {
        VerificationResult(verified: false, keyid: nil, keyStatus: nil, statement: nil, payload: nil, failure: failure)
    }

    /// One line for `warden verify`.
    public var summary: String {
        guard verified, let keyid, let statement else {
            return "verification FAILED: \(reason ?? "unknown reason")"
        }
        let subjects = statement.subject.map { subject in
            subject.name + (subject.digest["sha256"].map { " (sha256:\($0))" } ?? "")
        }.joined(separator: ", ")
        let status = keyStatus.map { " (\($0.rawValue))" } ?? ""
        let p = statement.predicate
        return
            "verified: signed by ed25519 key \(keyid)\(status); subject \(subjects); report \(p.reportId) for cluster \(p.cluster), verdict \(p.verdict), generated \(p.generatedAt)"
    }
}

/// Verifies DSSE envelopes against trusted Ed25519 keys.
public enum DSSEVerifier {
    /// The signature check alone, for any payloadType: the trusted key that verifies a
    /// signature over PAE(payloadType, payload). The envelope's keyid only narrows which keys
    /// are tried first (DSSE: it is an unauthenticated hint); a signature whose keyid names no
    /// trusted key is tried against every trusted key. One valid signature suffices.
    public static func verifySignatures(
        envelope: DSSEEnvelope,
        keys: [VerificationKey],
        payloadType expected: String
    ) -> Result<VerificationKey, VerificationFailure> {
        guard !keys.isEmpty else { return .failure(.noKeys) }
        guard envelope.payloadType == expected else {
            return .failure(.wrongPayloadType(found: envelope.payloadType, expected: expected))
        }
        guard !envelope.signatures.isEmpty else { return .failure(.noSignatures) }
        let message = envelope.pae
        var failedKeyID: String?
        for signature in envelope.signatures {
            let named = keys.filter { $0.keyid == signature.keyid }
            for key in named.isEmpty ? keys : named where key.isValidSignature(signature.sig, for: message) {
                return .success(key)
            }
            if !named.isEmpty, failedKeyID == nil { failedKeyID = signature.keyid }
        }
        if let failedKeyID { return .failure(.badSignature(keyid: failedKeyID)) }
        return .failure(.unknownKeyID(envelopeKeyIDs: envelope.signatures.map(\.keyid), trustedKeyIDs: keys.map(\.keyid)))
    }

    /// A Warden attestation: payloadType `application/vnd.in-toto+json`, a signature by one of
    /// `keys`, and (only then) a payload that is an in-toto Statement v1 with Warden's predicate.
    public static func verify(envelope: DSSEEnvelope, keys: [VerificationKey]) -> VerificationResult {
        switch verifySignatures(envelope: envelope, keys: keys, payloadType: DSSE.inTotoPayloadType) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let key):
            switch decodeStatement(envelope.payload) {
            case .failure(let failure): return .failure(failure)
            case .success(let statement): return .success(keyid: key.keyid, statement: statement, payload: envelope.payload)
            }
        }
    }

    /// Reads the verified payload as Warden's statement, saying precisely what is wrong if not.
    static func decodeStatement(_ payload: [UInt8]) -> Result<InTotoStatement, VerificationFailure> {
        struct Header: Decodable {
            var type: String?
            var predicateType: String?
            enum CodingKeys: String, CodingKey {
                case type = "_type"
                case predicateType
            }
        }
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: Data(payload))
        } catch let error as DecodingError {
            return .failure(.malformedPayload(EnvelopeDecodingError(error, document: "statement").message))
        } catch {
            return .failure(.malformedPayload("it is not JSON"))
        }
        guard header.type == InTotoStatement.statementType else {
            return .failure(
                .malformedPayload(
                    "its _type is \(header.type.map(VerificationFailure.quote) ?? "missing"), expected \(VerificationFailure.quote(InTotoStatement.statementType))"
                )
            )
        }
        guard header.predicateType == AttestationPredicate.predicateType else {
            return .failure(
                .malformedPayload(
                    "its predicateType is \(header.predicateType.map(VerificationFailure.quote) ?? "missing"), expected \(VerificationFailure.quote(AttestationPredicate.predicateType))"
                )
            )
        }
        let statement: InTotoStatement
        do {
            statement = try decoder.decode(InTotoStatement.self, from: Data(payload))
        } catch let error as DecodingError {
            return .failure(.malformedPayload(EnvelopeDecodingError(error, document: "statement").message))
        } catch {
            return .failure(.malformedPayload("it could not be read: \(error)"))
        }
        guard !statement.subject.isEmpty else { return .failure(.malformedPayload("it has no subject")) }
        for (index, subject) in statement.subject.enumerated() where subject.digest.isEmpty {
            return .failure(.malformedPayload("subject[\(index)] has no digest"))
        }
        return .success(statement)
    }
}

/// Offline verification, for `warden verify --key FILE ENVELOPE`: the caller reads both files
/// and hands over their contents.
public enum EnvelopeVerification {
    /// `envelopeJSON` is the envelope file's bytes; `keyPEMorHex` is the key file's text: a
    /// `-----BEGIN PUBLIC KEY-----` PEM or the 64-character hex of the raw Ed25519 public key.
    /// Never throws: every problem becomes a failed result with a message for the user.
    public static func verify(envelopeJSON: [UInt8], keyPEMorHex: String) -> VerificationResult {
        let key: VerificationKey
        do {
            key = try VerificationKey(pemOrHex: keyPEMorHex)
        } catch {
            return .failure(.invalidKey(error.description))
        }
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope.decode(json: envelopeJSON)
        } catch {
            return .failure(.malformedEnvelope(error.message))
        }
        return DSSEVerifier.verify(envelope: envelope, keys: [key])
    }
}
