import AXPSimServer
import Foundation

/// Human-readable output of headless runs.
enum ScenarioOutput {
    static func print(_ report: ScenarioReport, transcript: Bool) {
        let status = report.passed ? "PASS" : "FAIL"
        Swift.print(String(format: "%@ %@ (%@): simulated %.1f s in %.3f s", status, report.name, report.file, report.simulatedSeconds, report.wallSeconds))
        if transcript { for line in report.timeline { Swift.print("    " + line) } }
        for failure in report.failures { Swift.print("  ! " + failure) }
        if !report.diff.isEmpty {
            Swift.print("  expected (-) vs actual (+):")
            for line in report.diff { Swift.print("    " + line) }
        }
    }
}
