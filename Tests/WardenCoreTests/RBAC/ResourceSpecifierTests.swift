import Testing
import WardenCore

@Suite struct ResourceSpecifierTests {
    @Test func typesGroupsNamesAndURLs() throws {
        #expect(
            try ResourceSpecifier.attributes(verb: "get", specifier: "pods", namespace: "a")
                == .resource(ResourceAttributes(namespace: "a", verb: "get", resource: "pods"))
        )
        #expect(
            try ResourceSpecifier.attributes(verb: "update", specifier: "deployments.apps/web", subresource: "scale")
                == .resource(ResourceAttributes(verb: "update", group: "apps", resource: "deployments", subresource: "scale", name: "web"))
        )
        #expect(
            try ResourceSpecifier.attributes(verb: "get", specifier: "/healthz") == .nonResource(NonResourceAttributes(path: "/healthz", verb: "get"))
        )
        #expect(throws: ResourceSpecifier.Invalid.self) { try ResourceSpecifier.attributes(verb: "get", specifier: "pods/") }
        #expect(throws: ResourceSpecifier.Invalid.self) { try ResourceSpecifier.attributes(verb: "", specifier: "pods") }
        #expect(throws: ResourceSpecifier.Invalid.self) { try ResourceSpecifier.attributes(verb: "get", specifier: "/x", namespace: "a") }
    }
}
