/// Kubernetes object name rules, as `k8s.io/apimachinery/pkg/util/validation` states them.
public enum KubernetesName {
    /// RFC 1123 label: at most 63 lower-case alphanumerics or '-', starting and ending alphanumeric.
    /// Namespaces and many names must be labels.
    public static func labelProblem(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.utf8.count > 63 { return "must be no more than 63 characters" }
        if !isLabel(value.utf8[...]) {
            return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit"
        }
        return nil
    }

    /// RFC 1123 subdomain: at most 253 characters, dot-separated labels. ServiceAccount names are subdomains.
    public static func subdomainProblem(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.utf8.count > 253 { return "must be no more than 253 characters" }
        let parts = value.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if !parts.allSatisfy(isLabel) {
            return "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit"
        }
        return nil
    }

    /// A label key as Kubernetes allows it: an optional DNS subdomain prefix and '/', then a name
    /// of at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
    public static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name: Substring
        if parts.count == 2 {
            if let problem = subdomainProblem(String(parts[0])) { return "prefix \(problem)" }
            name = parts[1]
        } else {
            name = parts[0]
        }
        if name.isEmpty || name.utf8.count > 63 || !isQualifiedNamePart(name) {
            return
                "must be an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        }
        return nil
    }

    /// A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
    public static func labelValueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if value.utf8.count > 63 || !isQualifiedNamePart(value[...]) {
            return "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        }
        return nil
    }

    private static func isLabel(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        guard isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isQualifiedNamePart(_ s: Substring) -> Bool {
        let bytes = s.utf8
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard isAlnum(first), isAlnum(last) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        isLowerAlnum(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }
}

/// A cluster's name as Warden records it: free of spaces and slashes, since it appears in paths.
public enum ClusterName {
    public static func problem(_ value: String) -> String? {
        if value.isEmpty || value.utf8.count > 253 { return "must be 1 to 253 characters" }
        let allowed = value.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
                || c == UInt8(ascii: ".")
        }
        return allowed ? nil : "must contain only letters, digits, '-', '_' and '.'"
    }
}
