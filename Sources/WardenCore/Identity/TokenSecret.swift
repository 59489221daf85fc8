import Crypto
import Foundation

/// An API token's secret: `wdn_` and 43 base64url characters carrying 256 random bits.
///
/// Only the SHA-256 of the whole string is stored; the prefix makes leaked tokens easy to
/// recognise in logs and by secret scanners.
public struct TokenSecret: Sendable {
    public static let scheme = "wdn_"
    public let value: String

    public init(value: String) {
        self.value = value
    }

    public static func generate() -> TokenSecret {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    public static func generate<G: RandomNumberGenerator>(using rng: inout G) -> TokenSecret {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &rng) }
        return TokenSecret(value: scheme + Base64URL.encode(bytes))
    }

    /// The stored form.
    public var hash: [UInt8] { Array(SHA256.hash(data: Array(value.utf8))) }

    /// Enough to recognise the token in a list, nowhere near enough to guess it.
    public var displayPrefix: String { String(value.prefix(Self.scheme.count + 6)) }

    /// Whether the text has the shape of a token at all; anything else is refused before a lookup.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(scheme) else { return false }
        let body = text.utf8.dropFirst(scheme.utf8.count)
        return body.count == 43 && body.allSatisfy(Base64URL.isAlphabet)
    }
}

public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }

    static func isAlphabet(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}
