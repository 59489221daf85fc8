/// Just enough PEM (RFC 7468) and DER to read and write Ed25519 keys in the PKCS#8 (RFC 5208,
/// RFC 8410) and SubjectPublicKeyInfo (RFC 5280) forms `openssl genpkey -algorithm ed25519` and
/// `openssl pkey -pubout` produce, and to name any other algorithm it meets so that the error
/// says what the key is. Nothing here ever puts key bytes into an error.
struct PEMBlock: Sendable {
    var label: String
    var der: [UInt8]
}

enum PEM {
    /// The one PEM block in `text`. Text outside the block (comments, `openssl` explanatory
    /// text) is ignored, as RFC 7468 allows.
    static func singleBlock(in text: String) throws(SigningKeyError) -> PEMBlock {
        let blocks = try self.blocks(in: text)
        guard let first = blocks.first else { throw .notPEM }
        guard blocks.count == 1 else { throw .multiplePEMBlocks(blocks.map(\.label)) }
        return first
    }

    static func blocks(in text: String) throws(SigningKeyError) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var current: (label: String, body: String, headers: Bool)?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingASCIIWhitespace()
            if var block = current {
                if line.hasPrefix("-----END ") && line.hasSuffix("-----") {
                    let label = String(line.dropFirst("-----END ".count).dropLast(5))
                    guard label == block.label else { throw .malformedPEM("the \(block.label) block ends with an END line for \(label)") }
                    if block.headers { throw .encryptedPrivateKey }
                    guard let der = StrictBase64.decode(block.body), !der.isEmpty else {
                        throw .malformedPEM("the \(block.label) block is not valid base64")
                    }
                    blocks.append(PEMBlock(label: block.label, der: der))
                    current = nil
                } else if line.contains(":") {
                    // RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) only appear in legacy encrypted keys.
                    block.headers = true
                    current = block
                } else {
                    block.body += line
                    current = block
                }
            } else if line.hasPrefix("-----BEGIN ") && line.hasSuffix("-----") {
                current = (String(line.dropFirst("-----BEGIN ".count).dropLast(5)), "", false)
            }
        }
        if let open = current { throw .malformedPEM("the \(open.label) block has no END line") }
        return blocks
    }

    static func encode(label: String, der: [UInt8]) -> String {
        let body = Array(StrictBase64.encode(der))
        var lines: [String] = ["-----BEGIN \(label)-----"]
        var start = 0
        while start < body.count {
            let end = min(start + 64, body.count)
            lines.append(String(body[start..<end]))
            start = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Substring {
    fileprivate func trimmingASCIIWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}

/// A strict reader of DER TLVs: definite, minimal lengths only.
struct DERReader {
    private let bytes: [UInt8]
    private var index = 0
    private let structure: String

    init(_ bytes: [UInt8], structure: String) {
        self.bytes = bytes
        self.structure = structure
    }

    var isAtEnd: Bool { index == bytes.count }
    var nextTag: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// The contents of the next element, which must carry `tag`.
    mutating func read(_ tag: UInt8, _ what: String) throws(SigningKeyError) -> [UInt8] {
        guard index < bytes.count else { throw malformed("it ends before the \(what)") }
        guard bytes[index] == tag else { throw malformed("the \(what) is missing") }
        index += 1
        guard index < bytes.count else { throw malformed("it ends inside the \(what)") }
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7f)
            guard count >= 1, count <= 3, index + count <= bytes.count else { throw malformed("the \(what) has an unsupported length") }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
            // DER: the shortest length encoding only.
            guard length >= 0x80, length >> (8 * (count - 1)) != 0 else { throw malformed("the \(what) has a non-minimal length") }
        }
        guard index + length <= bytes.count else { throw malformed("the \(what) is longer than the data") }
        defer { index += length }
        return Array(bytes[index..<index + length])
    }

    func expectEnd(after what: String) throws(SigningKeyError) {
        guard isAtEnd else { throw malformed("unexpected data after the \(what)") }
    }

    func malformed(_ detail: String) -> SigningKeyError {
        .malformedKey("\(structure) is not valid DER: \(detail)")
    }
}

/// Object identifiers Warden recognises, to say which algorithm a rejected key uses.
enum KeyAlgorithmOID {
    static let ed25519: [UInt8] = [0x2b, 0x65, 0x70]  // 1.3.101.112

    static func dotted(_ contents: [UInt8]) -> String {
        guard let first = contents.first else { return "(empty)" }
        var arcs: [String] = []
        arcs.append(first < 40 ? "0" : first < 80 ? "1" : "2")
        arcs.append(String(first < 80 ? Int(first) % 40 : Int(first) - 80))
        var value: UInt64 = 0
        for byte in contents.dropFirst() {
            value = value << 7 | UInt64(byte & 0x7f)
            if byte & 0x80 == 0 {
                arcs.append(String(value))
                value = 0
            }
        }
        return arcs.joined(separator: ".")
    }

    static func name(_ contents: [UInt8]) -> String {
        switch dotted(contents) {
        case "1.3.101.112": "Ed25519"
        case "1.3.101.113": "Ed448"
        case "1.3.101.110": "X25519"
        case "1.3.101.111": "X448"
        case "1.2.840.113549.1.1.1": "RSA"
        case "1.2.840.113549.1.1.10": "RSA-PSS"
        case "1.2.840.10045.2.1": "EC (ECDSA)"
        case "1.2.840.10040.4.1": "DSA"
        case "1.2.840.113549.1.3.1": "DH"
        case let other: "an algorithm with OID \(other)"
        }
    }
}

/// Ed25519 in PKCS#8 and SubjectPublicKeyInfo.
enum Ed25519DER {
    /// `SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }`.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    /// `SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits, 32 bytes) }`.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func pkcs8(seed: [UInt8]) -> [UInt8] { pkcs8Prefix + seed }
    static func spki(publicKey: [UInt8]) -> [UInt8] { spkiPrefix + publicKey }

    /// The AlgorithmIdentifier must be Ed25519 with no parameters (RFC 8410 section 3).
    private static func checkAlgorithm(_ reader: inout DERReader) throws(SigningKeyError) {
        var algorithm = DERReader(try reader.read(0x30, "AlgorithmIdentifier"), structure: "the key's AlgorithmIdentifier")
        let oid = try algorithm.read(0x06, "algorithm OID")
        guard oid == KeyAlgorithmOID.ed25519 else { throw .unsupportedAlgorithm(KeyAlgorithmOID.name(oid)) }
        try algorithm.expectEnd(after: "Ed25519 OID (RFC 8410 allows no parameters)")
    }

    /// The 32-byte seed from a PKCS#8 PrivateKeyInfo (version 0) or OneAsymmetricKey (version 1,
    /// RFC 5958, whose optional public key must then match `derivePublic(seed)`).
    static func seed(fromPKCS8 der: [UInt8], derivePublic: ([UInt8]) throws -> [UInt8]) throws(SigningKeyError) -> [UInt8] {
        var outer = DERReader(der, structure: "the PRIVATE KEY block")
        var info = DERReader(try outer.read(0x30, "PrivateKeyInfo SEQUENCE"), structure: "the PKCS#8 PrivateKeyInfo")
        try outer.expectEnd(after: "PrivateKeyInfo")
        let version = try info.read(0x02, "version")
        guard version == [0x00] || version == [0x01] else { throw info.malformed("the version must be 0 or 1") }
        try checkAlgorithm(&info)
        var wrapped = DERReader(try info.read(0x04, "privateKey OCTET STRING"), structure: "the PKCS#8 privateKey")
        let seed = try wrapped.read(0x04, "CurvePrivateKey OCTET STRING")
        try wrapped.expectEnd(after: "CurvePrivateKey")
        guard seed.count == 32 else { throw .malformedKey("an Ed25519 private key is 32 bytes; this one has \(seed.count)") }
        if info.nextTag == 0xa0 { _ = try info.read(0xa0, "attributes") }
        if info.nextTag == 0x81 {
            guard version == [0x01] else { throw info.malformed("a public key is only allowed in version 1") }
            let embedded = try info.read(0x81, "publicKey")
            guard embedded.count == 33, embedded[0] == 0 else { throw .malformedKey("the embedded Ed25519 public key is not 32 bytes") }
            let derived: [UInt8]
            do { derived = try derivePublic(seed) } catch { throw .malformedKey("the Ed25519 private key is not usable") }
            guard Array(embedded.dropFirst()) == derived else { throw .malformedKey("the embedded public key does not belong to the private key") }
        }
        try info.expectEnd(after: "privateKey")
        return seed
    }

    /// The raw 32-byte public key from a SubjectPublicKeyInfo.
    static func publicKey(fromSPKI der: [UInt8]) throws(SigningKeyError) -> [UInt8] {
        var outer = DERReader(der, structure: "the PUBLIC KEY block")
        var info = DERReader(try outer.read(0x30, "SubjectPublicKeyInfo SEQUENCE"), structure: "the SubjectPublicKeyInfo")
        try outer.expectEnd(after: "SubjectPublicKeyInfo")
        try checkAlgorithm(&info)
        let bits = try info.read(0x03, "subjectPublicKey BIT STRING")
        try info.expectEnd(after: "subjectPublicKey")
        guard bits.first == 0 else { throw info.malformed("the public key BIT STRING must have no unused bits") }
        guard bits.count == 33 else { throw .malformedKey("an Ed25519 public key is 32 bytes; this one has \(bits.count - 1)") }
        return Array(bits.dropFirst())
    }
}
