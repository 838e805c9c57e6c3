// libFuzzer entry point for the request path (see PumpFuzzing.ProtocolFuzzHarness for the invariants).
// Built only by scripts/fuzz.sh (PUMP_FUZZ=1, -sanitize=fuzzer); libFuzzer provides main() and the options
// (-runs, -max_total_time, -dict, -merge …). A broken invariant prints what was seen and aborts, which
// libFuzzer reports as a crash and saves the input (crash-<sha1>).
import Foundation
import PumpFuzzing
#if canImport(Glibc)
import Glibc
#endif

/// The harness, built once per process on first use (pump services on the simulator, journals on tmpfs).
nonisolated(unsafe) private var harness: ProtocolFuzzHarness?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if harness == nil {
        do {
            harness = try ProtocolFuzzHarness()
        } catch {
            FileHandle.standardError.write(Data("pump-fuzz: cannot build the pump services: \(error)\n".utf8))
            abort()
        }
    }
    guard let harness else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let violation = harness.run(bytes) {
        FileHandle.standardError.write(Data("pump-fuzz: INVARIANT BROKEN \(violation)\n".utf8))
        abort()
    }
    if ProcessInfo.processInfo.environment["PUMP_FUZZ_STATS"] != nil, harness.statistics.inputs % 100_000 == 0 {
        let s = harness.statistics
        FileHandle.standardError.write(Data(
            "pump-fuzz: \(s.inputs) inputs, \(s.frames) frames: \(s.malformed) malformed, \(s.refused) refused, \(s.accepted) accepted (\(s.stateChanges) changed the pump); \(s.rebuilds) rebuilds in \(Int(s.rebuildSeconds)) s\n".utf8))
    }
    return 0
}

/// libFuzzer's driver (in libclang_rt.fuzzer): parses the options and calls `callback` per input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable module's entry point as `main` under this name; hand control to libFuzzer.
@_cdecl("pump_fuzz_main")
public func pumpFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
