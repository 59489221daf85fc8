import Foundation
import Testing
import WardenCore

@Suite struct PercentEncodingTests {
    @Test func decodesLikeFoundation() {
        let samples = [
            "%221-2%22", "/v1/agents/7", "%2Fv1%2fagents", "plain", "", "%E2%9C%93 ok", "a%20b%2", "%", "%zz", "%C3%28",
            "100%", "%41%42%43", "caf%C3%A9",
        ]
        for sample in samples {
            #expect(PercentEncoding.decoded(sample) == sample.removingPercentEncoding, "\(sample)")
        }
        #expect(PercentEncoding.decoded("%221-2%22") == "\"1-2\"")
        #expect(PercentEncoding.decoded("%C3%28") == nil)
        #expect(PercentEncoding.decoded("a%2") == nil)
    }
}
