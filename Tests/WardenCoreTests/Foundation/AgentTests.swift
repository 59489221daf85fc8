import Testing
import WardenCore

@Suite struct AgentTests {
    let base = AgentFields(
        name: "coder",
        cluster: "prod",
        namespace: "agents",
        serviceAccount: "coder",
        owner: "team-a",
        purpose: "writes code",
        riskTier: .high,
        labels: ["team": "a", "env": "prod"]
    )

    @Test func validationReportsEveryBadField() {
        var fields = base
        fields.name = "Coder"
        fields.namespace = ""
        fields.owner = "  "
        fields.labels = ["ok": "fine", "bad key": "x", "k": "-bad"]
        do {
            try fields.validate()
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(error.issues.map(\.pointer)) == ["/name", "/namespace", "/owner", "/labels/bad key", "/labels/k"])
        }
        #expect(throws: Never.self) { try base.validate() }
    }

    @Test func mergePatchKeepsAbsentFieldsAndRemovesNullLabels() throws {
        let patch = try AgentPatch.parse(["owner": "team-b", "labels": ["env": nil, "tier": "gold"] as [String: (any Sendable)?]])
        let result = base.applying(patch)
        #expect(result.owner == "team-b")
        #expect(result.labels == ["team": "a", "tier": "gold"])
        #expect(result.name == "coder")
    }

    @Test func mergePatchWithNullLabelsClearsThem() throws {
        let patch = try AgentPatch.parse(["labels": nil])
        #expect(base.applying(patch).labels == [:])
    }

    @Test func mergePatchRefusesUnknownFieldsWrongTypesAndRetirement() {
        #expect(throws: ValidationError.self) { try AgentPatch.parse(["colour": "red"]) }
        #expect(throws: ValidationError.self) { try AgentPatch.parse(["owner": 3]) }
        #expect(throws: ValidationError.self) { try AgentPatch.parse(["owner": nil]) }
        #expect(throws: ValidationError.self) { try AgentPatch.parse(["status": "retired"]) }
        #expect(throws: ValidationError.self) { try AgentPatch.parse(["id": 4]) }
        #expect(throws: ValidationError.self) { try AgentPatch.parse(["labels": ["a": 1] as [String: (any Sendable)?]]) }
    }

    @Test func etagsAndIfMatch() {
        #expect(ETag.make(id: 4, version: 2) == "\"4-2\"")
        #expect(ETag.ifMatch("\"4-2\"", current: "\"4-2\""))
        #expect(ETag.ifMatch("\"4-1\", \"4-2\"", current: "\"4-2\""))
        #expect(ETag.ifMatch("*", current: "\"4-2\""))
        #expect(!ETag.ifMatch("W/\"4-2\"", current: "\"4-2\""))
    }

    @Test func usernameIsTheServiceAccountUser() {
        #expect(base.username == "system:serviceaccount:agents:coder")
    }
}
