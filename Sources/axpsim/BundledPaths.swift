import Foundation

/// Where the bundled fixtures and scenarios are: `./fixtures` when run from the repository (the
/// README's start command), else the folders of the checkout this binary was built from.
enum BundledPaths {
    static func defaultFixtures() -> String? {
        firstExisting(["fixtures", repositoryRoot + "/fixtures"])
    }

    static func defaultScenarios() -> String? {
        firstExisting(["scenarios", repositoryRoot + "/scenarios"])
    }

    /// The repository root, from this source file's compile-time path.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    private static func firstExisting(_ candidates: [String]) -> String? {
        candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }
}
