import ArgumentParser

/// `--fixtures DIR`, shared by every command that loads fixtures.
struct FixturesOption: ParsableArguments {
    @Option(name: .long, help: "Folder of fixture YAML files (default: ./fixtures, else the bundled fixtures).")
    var fixtures: String?

    /// The folder to load: the option, else the bundled fixtures.
    var resolved: String? { fixtures ?? BundledPaths.defaultFixtures() }
}
