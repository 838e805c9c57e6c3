// pump-bench: real-clock benchmarks, run on demand (never in CI at full length). Prints a table (or --json):
// step-emitter timing per rate and step-timing mode, e-stop command → ENABLE-off latency on the simulator
// backend, and CPU/RSS of a real pumpd process idle and infusing. Method: docs/benchmarks.md.
import ArgumentParser
import Foundation
import PumpBench
import PumpControl
#if canImport(Glibc)
import Glibc
#endif

@main
struct PumpBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pump-bench",
        abstract: "Real-clock benchmarks of the step path, the e-stop path and pumpd's footprint.")

    @Option(help: "Seconds per step-emitter row and per pumpd sampling window.") var seconds: Double = 30
    @Option(help: "Step rates in steps/s, comma-separated.") var rates = "10,100,2000"
    @Option(help: "Step timing modes, comma-separated: dispatch, realtime, thread (step thread without SCHED_FIFO).")
    var modes = "dispatch,realtime"
    @Option(help: "SCHED_FIFO priority of the realtime step thread.") var priority: Int32 = 50
    @Option(help: "E-stop trials per step-timing mode.") var trials = 1000
    @Option(help: "Directory holding pumpd and pumpctl (default: beside pump-bench).") var binDir: String?
    @Flag(help: "Skip the step-emitter table.") var skipSteps = false
    @Flag(help: "Skip the e-stop latency table.") var skipEstop = false
    @Flag(help: "Skip the pumpd CPU/RSS table.") var skipDaemon = false
    @Option(help: "Also run pumpd under nice -n N for the CPU/RSS table (e.g. -10: a dedicated device).")
    var daemonNice: Int?
    @Flag(help: "Do not mlockall the bench process (pumpd locks its memory by default).") var noMlock = false
    @Flag(help: "Print JSON instead of tables.") var json = false
    @Flag(help: "After each step row run cyclictest (rt-tests) at the same interval, priority and duration; print pump ÷ cyclictest.")
    var vsCyclictest = false
    @Option(help: "Run the step rows (and their cyclictest rows) this many alternating rounds; ratios per round and the median.")
    var rounds = 1
    @Option(help: "Realtime step thread: wake this many µs early and spin on CLOCK_MONOTONIC to the deadline (0: sleep to it).")
    var spinMicroseconds = 0
    @Flag(help: "Also measure pumpd's footprint (VmRSS/VmLck, per thread), start-up to READY=1 and kill-to-interrupted time.")
    var footprint = false

    func run() async throws {
        let rateList = try rates.split(separator: ",").map { text -> Double in
            guard let rate = Double(text.trimmingCharacters(in: .whitespaces)), rate > 0 else {
                throw ValidationError("--rates must be positive numbers, not '\(text)'.")
            }
            return rate
        }
        let modeList = try modes.split(separator: ",").map { text -> BenchStepMode in
            guard let mode = BenchStepMode(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--modes takes dispatch, realtime or thread, not '\(text)'.")
            }
            return mode
        }
        guard seconds > 0, trials > 0 else { throw ValidationError("--seconds and --trials must be positive.") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1.") }
        guard (0...1_000).contains(spinMicroseconds) else { throw ValidationError("--spin-microseconds must be 0–1000.") }
        let locked = noMlock ? false : mlockall(Int32(MCL_CURRENT | MCL_FUTURE)) == 0
        var report = BenchReport(machine: .current(memoryLocked: locked))
        let progress = FileHandle.standardError

        if !skipSteps {
            // The same wake-up conditions cyclictest sets for itself (it holds /dev/cpu_dma_latency at 0).
            let dmaLatency = vsCyclictest ? CPUDMALatency.hold() : nil
            defer { dmaLatency?.release() }
            for round in 1...rounds {
                for mode in modeList {
                    for rate in rateList {
                        progress.write(Data("step emitter: round \(round), \(mode.rawValue) \(rate) steps/s for \(seconds) s…\n".utf8))
                        var result = StepEmitterBench.run(mode: mode, rate: rate, seconds: seconds, priority: priority,
                                                          spin: .microseconds(Int64(spinMicroseconds)))
                        result.round = round
                        if vsCyclictest {
                            progress.write(Data("cyclictest: -i\(1e6 / rate) µs -p\(priority) for \(seconds) s…\n".utf8))
                            let host = CyclictestBench.run(rate: rate, priority: priority, seconds: seconds)
                            result.cyclictest = host
                            if result.notRun == nil, host.notRun == nil {
                                result.vsCyclictest = LatencyRatio(pump: result.latenessMicroseconds, host: host)
                            }
                        }
                        report.steps.append(result)
                    }
                }
            }
            report.computeCyclictestMedians()
        }
        let daemonModes = modeList.compactMap { StepTimingMode(rawValue: $0.rawValue) }
        if !skipEstop {
            for mode in daemonModes {
                progress.write(Data("e-stop: \(trials) trials, step timing \(mode.rawValue)…\n".utf8))
                do {
                    report.estop.append(try await EStopBench.run(trials: trials, stepTiming: mode, priority: priority))
                } catch {
                    report.failures.append("e-stop (\(mode.rawValue)): \(error)")
                }
            }
        }
        if !skipDaemon {
            let directory = binDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            for mode in daemonModes {
                progress.write(Data("pumpd: idle and infusing, \(seconds) s each, step timing \(mode.rawValue)…\n".utf8))
                for nice in [nil] + (daemonNice.map { [$0] } ?? []) {
                    do {
                        report.daemon.append(try DaemonResourceBench.run(binDirectory: directory, stepTiming: mode,
                                                                         seconds: seconds, nice: nice))
                    } catch {
                        report.failures.append("pumpd (\(mode.rawValue), nice \(nice.map(String.init) ?? "0")): \(error)")
                    }
                }
            }
        }
        if footprint {
            let directory = binDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            progress.write(Data("pumpd footprint: idle, infusing \(seconds) s, kill -9 and restart…\n".utf8))
            do {
                report.footprint = try FootprintBench.run(binDirectory: directory, seconds: seconds)
            } catch {
                report.failures.append("footprint: \(error)")
            }
        }
        print(json ? try report.json() : report.text())
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}
