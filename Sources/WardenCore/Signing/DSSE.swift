import Foundation

/// Dead Simple Signing Envelope, DSSE v1 (github.com/secure-systems-lab/dsse, protocol.md
/// and envelope.md).
public enum DSSE {
    /// The payloadType of in-toto statements (in-toto attestation framework, envelope.md).
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// Pre-Authentication Encoding, what is actually signed:
    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where LEN is the byte length in
    /// ASCII decimal without leading zeros and `type` is the UTF-8 of `payloadType`.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(16 + type.count + payload.count)
        out.append(contentsOf: Array("DSSEv1 \(type.count) ".utf8))
        out.append(contentsOf: type)
        out.append(contentsOf: Array(" \(payload.count) ".utf8))
        out.append(contentsOf: payload)
        return out
    }
}

/// One signature in an envelope: `{"keyid": "...", "sig": "<base64>"}`.
public struct DSSESignature: Codable, Sendable, Hashable {
    /// An unauthenticated hint naming the key (DSSE: "MUST NOT be used for security
    /// decisions"). Empty when the envelope omits it; Warden always writes it.
    public var keyid: String
    /// The raw signature bytes (64 for Ed25519).
    public var sig: [UInt8]

    public init(keyid: String, sig: [UInt8]) {
        self.keyid = keyid
        self.sig = sig
    }

    enum CodingKeys: String, CodingKey { case keyid, sig }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // keyid is optional in DSSE ("empty fields may be omitted"); sig is required.
        keyid = try container.decodeIfPresent(String.self, forKey: .keyid) ?? ""
        let text = try container.decode(String.self, forKey: .sig)
        guard let bytes = StrictBase64.decode(text) else {
            throw DecodingError.dataCorruptedError(forKey: .sig, in: container, debugDescription: "is not valid base64")
        }
        guard !bytes.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .sig, in: container, debugDescription: "is empty")
        }
        sig = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keyid, forKey: .keyid)
        try container.encode(StrictBase64.encode(sig), forKey: .sig)
    }
}

/// The DSSE JSON envelope:
/// `{"payload": "<base64>", "payloadType": "...", "signatures": [{"keyid": "...", "sig": "<base64>"}]}`.
/// `payload` and `sig` hold decoded bytes; they are written as standard, padded base64, and
/// read from standard or URL-safe base64 (see `StrictBase64`). Decoding rejects a missing
/// `payload`, `payloadType`, `signatures` or `sig`, a value of the wrong JSON type, and
/// invalid base64; `DSSEEnvelope.decode(json:)` turns these into one clear message.
public struct DSSEEnvelope: Codable, Sendable, Hashable {
    public var payload: [UInt8]
    public var payloadType: String
    public var signatures: [DSSESignature]

    public init(payload: [UInt8], payloadType: String, signatures: [DSSESignature]) {
        self.payload = payload
        self.payloadType = payloadType
        self.signatures = signatures
    }

    enum CodingKeys: String, CodingKey { case payload, payloadType, signatures }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .payload)
        guard let bytes = StrictBase64.decode(text) else {
            throw DecodingError.dataCorruptedError(forKey: .payload, in: container, debugDescription: "is not valid base64")
        }
        payload = bytes
        payloadType = try container.decode(String.self, forKey: .payloadType)
        signatures = try container.decode([DSSESignature].self, forKey: .signatures)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StrictBase64.encode(payload), forKey: .payload)
        try container.encode(payloadType, forKey: .payloadType)
        try container.encode(signatures, forKey: .signatures)
    }

    /// The PAE of this envelope's payloadType and payload: the bytes each signature covers.
    public var pae: [UInt8] { DSSE.pae(payloadType: payloadType, payload: payload) }

    /// Compact JSON with sorted keys (`payload`, `payloadType`, `signatures`).
    public func jsonBytes() throws -> [UInt8] {
        try CanonicalJSON.encode(self)
    }

    /// Reads an envelope, with a message naming the field at fault when it is not one.
    public static func decode(json: [UInt8]) throws(EnvelopeDecodingError) -> DSSEEnvelope {
        do {
            return try JSONDecoder().decode(DSSEEnvelope.self, from: Data(json))
        } catch let error as DecodingError {
            throw EnvelopeDecodingError(error, document: "envelope")
        } catch {
            throw EnvelopeDecodingError(message: "the envelope could not be read: \(error)")
        }
    }
}

/// A JSON document (an envelope, or the statement inside one) that is not of the expected shape.
public struct EnvelopeDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }

    /// `document` names what was read ("envelope", "statement") for messages like
    /// "the envelope is missing the field signatures[0].sig".
    init(_ error: DecodingError, document: String) {
        func path(_ codingPath: [any CodingKey]) -> String {
            var out = ""
            for key in codingPath {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += (out.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return out
        }
        func kind(_ type: Any.Type) -> String {
            if type == String.self { return "a string" }
            if type == Bool.self { return "true or false" }
            if [Int.self, Int64.self, Int32.self, UInt.self, Double.self].contains(where: { $0 == type }) { return "a number" }
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "an array" }
            return "an object"
        }
        switch error {
        case .keyNotFound(let key, let context):
            message = "the \(document) is missing the required field \(path(context.codingPath + [key]))"
        case .valueNotFound(let type, let context):
            message = "the \(document)'s field \(path(context.codingPath)) is null; it must be \(kind(type))"
        case .typeMismatch(let type, let context):
            let at = path(context.codingPath)
            message = at.isEmpty ? "the \(document) must be a JSON object" : "the \(document)'s field \(at) must be \(kind(type))"
        case .dataCorrupted(let context):
            let at = path(context.codingPath)
            message =
                at.isEmpty
                ? "the \(document) is not valid JSON"
                : "the \(document)'s field \(at) \(context.debugDescription)"
        @unknown default:
            message = "the \(document) could not be read: \(error)"
        }
    }
}
