/// Base64 as DSSE uses it (RFC 4648).
///
/// Encoding is always the standard alphabet with `=` padding, the form securesystemslib and
/// most DSSE tools write. Decoding follows DSSE's protocol.md ("verifiers MUST accept either"
/// standard or URL-safe) and is otherwise strict: one alphabet per string (never a mix), no
/// white space or other characters, padding either absent or exactly right, and the unused
/// low bits of the last character zero, so each byte string has one accepted spelling per
/// alphabet and padding choice.
public enum StrictBase64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard alphabet, padded.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(standard[Int(n >> 18 & 63)])
            out.append(standard[Int(n >> 12 & 63)])
            out.append(standard[Int(n >> 6 & 63)])
            out.append(standard[Int(n & 63)])
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let n = UInt32(bytes[i]) << 16
            out.append(standard[Int(n >> 18 & 63)])
            out.append(standard[Int(n >> 12 & 63)])
            out.append(contentsOf: Array("==".utf8))
        case 2:
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(standard[Int(n >> 18 & 63)])
            out.append(standard[Int(n >> 12 & 63)])
            out.append(standard[Int(n >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard or URL-safe alphabet, padded or not; nil for anything else (see the type's notes).
    public static func decode(_ text: String) -> [UInt8]? {
        var chars = Array(text.utf8)
        var padding = 0
        while chars.last == UInt8(ascii: "=") {
            chars.removeLast()
            padding += 1
        }
        guard padding <= 2 else { return nil }
        if padding > 0 {
            guard (chars.count + padding) % 4 == 0 else { return nil }
        }
        guard chars.count % 4 != 1 else { return nil }

        var sawStandard = false
        var sawURLSafe = false
        var values: [UInt8] = []
        values.reserveCapacity(chars.count)
        for c in chars {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"):
                sawStandard = true
                values.append(62)
            case UInt8(ascii: "/"):
                sawStandard = true
                values.append(63)
            case UInt8(ascii: "-"):
                sawURLSafe = true
                values.append(62)
            case UInt8(ascii: "_"):
                sawURLSafe = true
                values.append(63)
            default: return nil
            }
        }
        guard !(sawStandard && sawURLSafe) else { return nil }

        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i + 4 <= values.count {
            let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6 | UInt32(values[i + 3])
            out.append(UInt8(n >> 16 & 0xff))
            out.append(UInt8(n >> 8 & 0xff))
            out.append(UInt8(n & 0xff))
            i += 4
        }
        switch values.count - i {
        case 2:
            guard values[i + 1] & 0x0f == 0 else { return nil }
            out.append(values[i] << 2 | values[i + 1] >> 4)
        case 3:
            guard values[i + 2] & 0x03 == 0 else { return nil }
            out.append(values[i] << 2 | values[i + 1] >> 4)
            out.append((values[i + 1] & 0x0f) << 4 | values[i + 2] >> 2)
        default:
            break
        }
        return out
    }
}
