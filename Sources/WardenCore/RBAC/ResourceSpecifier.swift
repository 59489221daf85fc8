/// What `kubectl auth can-i` accepts as its object: `TYPE[.GROUP][/NAME]`, or a non-resource URL
/// starting with `/`. The same words work for `warden can-i` and `warden who-can`.
public enum ResourceSpecifier {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func attributes(
        verb: String,
        specifier: String,
        subresource: String = "",
        namespace: String = ""
    ) throws(Invalid) -> RequestAttributes {
        guard !verb.isEmpty else { throw Invalid(description: "a verb is required") }
        if specifier.hasPrefix("/") {
            guard subresource.isEmpty, namespace.isEmpty else {
                throw Invalid(description: "a non-resource URL takes no subresource or namespace")
            }
            return .nonResource(NonResourceAttributes(path: specifier, verb: verb))
        }
        let parts = specifier.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let typeAndGroup = String(parts[0])
        let name = parts.count == 2 ? String(parts[1]) : ""
        guard !typeAndGroup.isEmpty, parts.count == 1 || !name.isEmpty else {
            throw Invalid(description: "'\(specifier)' is not TYPE[.GROUP][/NAME] or a /non-resource/url")
        }
        let dot = typeAndGroup.firstIndex(of: ".")
        let resource = dot.map { String(typeAndGroup[..<$0]) } ?? typeAndGroup
        let group = dot.map { String(typeAndGroup[typeAndGroup.index(after: $0)...]) } ?? ""
        return .resource(
            ResourceAttributes(namespace: namespace, verb: verb, group: group, resource: resource, subresource: subresource, name: name)
        )
    }
}
