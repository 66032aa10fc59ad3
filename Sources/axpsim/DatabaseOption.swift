import ArgumentParser

/// `--db PATH`, shared by every command that opens (or finds files beside) the database.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "SQLite database file, or :memory: (default .axpsim/state.sqlite; env AXPSIM_DB).")
    var db: String?
}
