import Foundation

/// Where the bundled fixtures and scenarios are: `./fixtures` when run from the repository (the
/// README's start command), else `share/axpsim/` beside the binary's folder (the .deb's
/// `/usr/share/axpsim`, the tarball's `share/axpsim`), else the folders of the checkout this binary
/// was built from.
enum BundledPaths {
    static func defaultFixtures() -> String? {
        firstExisting(["fixtures", installedShare + "/fixtures", repositoryRoot + "/fixtures"])
    }

    static func defaultScenarios() -> String? {
        firstExisting(["scenarios", installedShare + "/scenarios", repositoryRoot + "/scenarios"])
    }

    /// `../share/axpsim` from the running binary's folder: `/proc/self/exe`, or (without /proc)
    /// the path it was started by, symbolic links resolved.
    static var installedShare: String {
        let binary: URL
        do {
            binary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        } catch {
            binary = URL(fileURLWithPath: CommandLine.arguments.first ?? "axpsim").resolvingSymlinksInPath()
        }
        return binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/axpsim").path
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
