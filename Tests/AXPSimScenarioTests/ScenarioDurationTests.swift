import AXPSimCore
import AXPSimScenario
import Testing

@Suite struct ScenarioDurationTests {
    @Test func parsesEveryAcceptedForm() {
        let cases: [(String, Double)] = [
            ("20s", 20), ("5m", 300), ("1h", 3600), ("1m30s", 90), ("250ms", 0.25), ("1.5s", 1.5), ("20", 20), ("1.5", 1.5),
            ("1h2m3s", 3723), ("0s", 0), ("2m500ms", 120.5), (" 10s ", 10), ("0.5m", 30),
        ]
        for (text, seconds) in cases {
            #expect(ScenarioDuration.parse(text) == seconds, "\(text)")
        }
    }

    @Test func rejectsWhatIsNotADuration() {
        for text in ["", "5 minutes", "-5s", "-1", "1x", "1m1m", "s", "1.2.3s", "m5", "1d", "nan", "inf", "5s5"] {
            #expect(ScenarioDuration.parse(text) == nil, "\(text)")
        }
    }

    @Test func formatsCompactlyAndExactly() {
        #expect(ScenarioDuration.format(90) == "1m30s")
        #expect(ScenarioDuration.format(3600) == "1h")
        #expect(ScenarioDuration.format(3723) == "1h2m3s")
        #expect(ScenarioDuration.format(0.25) == "250ms")
        #expect(ScenarioDuration.format(0) == "0s")
        #expect(ScenarioDuration.format(1.5) == "1.5s")
        for seconds in [0, 0.001, 0.1, 0.25, 0.1 + 0.2, 1, 1.5, 20, 59, 60, 90, 3600, 3723, 86_400, 1e-5, 12_345.678, 2_592_000] {
            #expect(ScenarioDuration.parse(ScenarioDuration.format(seconds)) == seconds, "\(seconds) → \(ScenarioDuration.format(seconds))")
        }
    }
}
