import CompressNIO
import NIOCore

/// gzip, for stored snapshots and `Content-Encoding: gzip` uploads.
public enum Gzip {
    public struct TooLarge: Error, Sendable {
        public var limit: Int
    }

    public struct Corrupt: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let output = try input.compress(with: .gzip())
        return Array(buffer: output)
    }

    /// Inflates at most `limit` bytes: a small body must not expand into a memory exhaustion.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        do {
            let output = try input.decompress(with: .gzip(), maxSize: limit)
            return Array(buffer: output)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw TooLarge(limit: limit)
        } catch {
            throw Corrupt(description: "the body is not valid gzip (\(error))")
        }
    }
}
