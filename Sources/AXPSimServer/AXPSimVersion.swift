/// The emulator's version, reported by `axpsim version` and `/__sim/health`.
public enum AXPSimVersion {
    public static let current = "0.1.0"
}
