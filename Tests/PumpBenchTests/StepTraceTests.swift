// The benchmark's judgement of a step train: cumulative error over every instant, lateness, percentiles
// and /proc parsing. Pure arithmetic on made-up traces; no clock.
import Testing
@testable import PumpBench
import PumpControl

@Suite("Step trace analysis")
struct StepTraceTests {
    @Test("A perfect train (each step at its due nanosecond) has zero error and zero lateness")
    func perfectTrain() {
        let trace = StepTrace(rate: 100, emissions: (1...100).map { Int64($0) * 10_000_000 }, window: 1_000_000_000)
        #expect(trace.cumulativeError == .init(worst: 0, ahead: 0, behind: 0))
        #expect(trace.latenessMicroseconds.allSatisfy { $0 == 0 })
    }

    @Test("One step late by less than the spacing lags by exactly one step")
    func oneLateStep() {
        var emissions = (1...10).map { Int64($0) * 10_000_000 }
        emissions[4] += 3_000_000   // step 5 is 3 ms late at 100 steps/s (spacing 10 ms)
        let trace = StepTrace(rate: 100, emissions: emissions, window: 100_000_000)
        #expect(trace.cumulativeError == .init(worst: 1, ahead: 0, behind: 1))
        #expect(trace.latenessMicroseconds[4] == 3_000)
    }

    @Test("A step later than the spacing lags by two, and a merged catch-up is seen")
    func mergedLateSteps() {
        var emissions = (1...10).map { Int64($0) * 10_000_000 }
        emissions[4] = 61_000_000   // steps 5 and 6 both emitted at 61 ms (merged wake-up)
        emissions[5] = 61_000_000
        let trace = StepTrace(rate: 100, emissions: emissions, window: 100_000_000)
        #expect(trace.cumulativeError.behind == 2)
        #expect(trace.cumulativeError.ahead == 0)
    }

    @Test("A step before its due time is counted as running ahead")
    func earlyStep() {
        var emissions = (1...10).map { Int64($0) * 10_000_000 }
        emissions[2] -= 1   // one nanosecond early
        let trace = StepTrace(rate: 100, emissions: emissions, window: 100_000_000)
        #expect(trace.cumulativeError.ahead == 1)
    }

    @Test("Missing steps at the end of the window count as lag")
    func missingSteps() {
        let trace = StepTrace(rate: 100, emissions: (1...7).map { Int64($0) * 10_000_000 }, window: 100_000_000)
        #expect(trace.cumulativeError.behind == 3)
        #expect(trace.idealCount(at: 100_000_000) == 10)
    }

    @Test("Due times round up to the nanosecond (rate 3/s: step 1 at 333 333 334 ns)")
    func dueRoundsUp() {
        let trace = StepTrace(rate: 3, emissions: [], window: 0)
        #expect(trace.due(1) == 333_333_334)
        #expect(trace.idealCount(at: 333_333_333) == 0)
        #expect(trace.idealCount(at: 333_333_334) == 1)
    }

    @Test("Nearest-rank percentiles report observed samples")
    func percentiles() {
        let samples = (1...1000).map(Double.init)
        let p = Percentiles(samples)
        #expect(p.p50 == 500)
        #expect(p.p99 == 990)
        #expect(p.p999 == 999)
        #expect(p.max == 1000)
        #expect(Percentiles([]).count == 0)
    }

    @Test("/proc/PID/stat CPU ticks are read after the command name, which may hold spaces and parentheses")
    func procStat() {
        let stat = "1234 (pump d (x)) S 1 1234 1234 0 -1 4194560 500 0 0 0 170 42 0 0 20 0 9 0 100 0 0"
        #expect(ProcessSampler.cpuTicks(statText: stat) == 212)
        #expect(ProcessSampler.kilobytes("VmRSS", statusText: "Name:\tpumpd\nVmRSS:\t   23456 kB\n") == 23456)
        #expect(ProcessSampler.kilobytes("VmHWM", statusText: "VmRSS:\t1 kB\n") == nil)
    }
}
