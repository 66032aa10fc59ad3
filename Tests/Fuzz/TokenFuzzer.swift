// libFuzzer harness for TokenFuzzTarget; built and run by scripts/fuzz.sh, not by SwiftPM.
// The only unsafe pointer code of the fuzzing set-up: every input goes through TokenFuzzTarget.run,
// which the corpus tests (Tests/AXPSimFuzzTargetsTests) call too.
import AXPSimFuzzTargets
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    TokenFuzzTarget.run(Data(bytes: data, count: size)).trapIfBroken()
    return 0
}
