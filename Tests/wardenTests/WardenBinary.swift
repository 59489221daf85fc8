import Foundation

/// The `warden` executable this test run was built with: it sits beside the test bundle in the
/// build directory (debug or release, whatever the triple), which the test target's dependency on
/// `warden` makes sure is built first.
enum WardenBinary {
    static let url: URL = {
        let beside = Bundle.main.bundleURL.appendingPathComponent("warden")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("warden")
    }()
}
