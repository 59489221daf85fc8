import Crypto

/// Stable identities of findings across reports: the first 128 bits (hex) of SHA-256 over the
/// rule id, the agent's ServiceAccount (`ns/name`, "" for cluster findings), the object scope,
/// the field, the rule location and a discriminator (drift: the uncovered parts; cluster-admin:
/// the subject). Messages are left out (they quote changing details), except to tell apart
/// findings that would otherwise share a fingerprint.
public enum AttestationFingerprint {
    public static func make(
        id: String,
        agent: String,
        object: FindingObject?,
        field: String?,
        location: RuleLocation?,
        discriminator: String = ""
    ) -> String {
        let key = [id, agent, object?.scope ?? "", field ?? "", location?.description ?? "", discriminator].joined(separator: "\u{1F}")
        return hash(key)
    }

    static func hash(_ key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8))
        return digest.prefix(16).hexString
    }

    /// Gives findings sharing a fingerprint distinct ones (by message, then position), in place.
    static func disambiguate(_ findings: inout [AttestationFinding]) {
        var seen: [String: Int] = [:]
        for f in findings { seen[f.fingerprint, default: 0] += 1 }
        guard seen.values.contains(where: { $0 > 1 }) else { return }
        var used = Set<String>()
        for i in findings.indices where seen[findings[i].fingerprint, default: 0] > 1 {
            var fp = hash(findings[i].fingerprint + "\u{1F}" + findings[i].message)
            var n = 1
            while used.contains(fp) {
                fp = hash(findings[i].fingerprint + "\u{1F}" + findings[i].message + "\u{1F}\(n)")
                n += 1
            }
            used.insert(fp)
            findings[i].fingerprint = fp
        }
    }
}
