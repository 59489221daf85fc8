import Testing
import WardenCore

@Suite struct KubernetesNameTests {
    @Test(arguments: ["a", "agents", "a-1", "0abc", String(repeating: "a", count: 63)])
    func validLabels(_ name: String) {
        #expect(KubernetesName.labelProblem(name) == nil)
    }

    @Test(arguments: ["", "A", "-a", "a-", "a_b", "a.b", "ä", String(repeating: "a", count: 64)])
    func invalidLabels(_ name: String) {
        #expect(KubernetesName.labelProblem(name) != nil)
    }

    @Test func subdomainsAllowDots() {
        #expect(KubernetesName.subdomainProblem("my.service-account") == nil)
        #expect(KubernetesName.subdomainProblem("a..b") != nil)
        #expect(KubernetesName.subdomainProblem(".a") != nil)
        #expect(KubernetesName.subdomainProblem(String(repeating: "a.", count: 127)) != nil)
    }

    @Test func labelKeysAndValues() {
        #expect(KubernetesName.labelKeyProblem("app.kubernetes.io/name") == nil)
        #expect(KubernetesName.labelKeyProblem("Team_1") == nil)
        #expect(KubernetesName.labelKeyProblem("bad key") != nil)
        #expect(KubernetesName.labelKeyProblem("/x") != nil)
        #expect(KubernetesName.labelValueProblem("") == nil)
        #expect(KubernetesName.labelValueProblem("v1.2_x") == nil)
        #expect(KubernetesName.labelValueProblem("-x") != nil)
    }
}
