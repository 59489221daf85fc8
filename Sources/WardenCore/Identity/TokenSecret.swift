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
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Unpadded RFC 4648 §5. Written out by hand: it runs for every request id, and going through
    /// Foundation's base64 and three string replacements showed up in the request path's profile.
    public static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: (bytes.count * 4 + 2) / 3) { out in
            var o = 0
            var i = 0
            while i < bytes.count {
                let b0 = UInt32(bytes[i])
                let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
                let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                let chars = min(4, ((bytes.count - i) * 8 + 5) / 6)
                for k in 0..<chars {
                    out[o] = alphabet[Int((group >> UInt32(18 - 6 * k)) & 0x3f)]
                    o += 1
                }
                i += 3
            }
            return o
        }
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
