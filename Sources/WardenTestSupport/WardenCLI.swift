import Foundation

/// The `warden` executable this test run was built with, run as a user runs it. It sits beside
/// the test bundle in the build directory (debug or release, whatever the triple); the executable's
/// test target depends on `warden`, and `swift build --build-tests` builds it for the others.
public enum WardenCLI {
    public static let url: URL = {
        let beside = Bundle.main.bundleURL.appendingPathComponent("warden")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("warden")
    }()

    /// Runs `warden` with `arguments` and only `environment`, and returns its status and its output
    /// and errors interleaved.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
