/// Whether an image reference is pinned by a content digest, by the OCI image spec's grammar
/// (`descriptor.md`: `algorithm ":" encoded`) and its registered algorithms' exact forms: sha256 is
/// 64 and sha512 128 lower-case hex characters. `x@sha256:abc` or `x@SHA256:…` pins nothing a
/// registry would resolve, and an unregistered algorithm is not one a runtime verifies.
public enum ImageDigest {
    static let registered: [String: Int] = ["sha256": 64, "sha512": 128]

    public static func isPinned(_ image: String) -> Bool {
        guard let at = image.lastIndex(of: "@") else { return false }
        let digest = image[image.index(after: at)...]
        guard let colon = digest.firstIndex(of: ":") else { return false }
        let algorithm = String(digest[..<colon])
        let encoded = digest[digest.index(after: colon)...]
        guard let length = registered[algorithm], encoded.utf8.count == length else { return false }
        return encoded.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
