// Parsing cyclictest's histogram output (`-q -h N`) and the pump ÷ cyclictest ratios, on recorded output
// (rt-tests 2.x, one thread); no cyclictest run here (BenchSmokeTests runs the real one).
import Testing
@testable import PumpBench
import PumpControl

@Suite("cyclictest histogram parsing")
struct CyclictestParseTests {
    /// 1000 samples: 500 at 10 µs, 489 at 20 µs, 10 at 40 µs, 1 overflow (max 1501 µs).
    static let recorded = """
        # /dev/cpu_dma_latency set to 0us
        # Histogram
        000009 000000
        000010 000500
        000020 000489
        000040 000010
        000199 000000
        # Total: 000000999
        # Min Latencies: 00010
        # Avg Latencies: 00015
        # Max Latencies: 01501
        # Histogram Overflows: 00001
        # Histogram Overflow at cycle number:
        # Thread 0: 00417
        """

    @Test("nearest-rank percentiles over the histogram plus its overflows")
    func percentiles() {
        let result = CyclictestBench.parse(Self.recorded)
        #expect(result.notRun == nil)
        #expect(result.samples == 1000)
        #expect(result.p50 == 10)
        #expect(result.p99 == 40)    // rank 990 of 1000: ranks 501–989 are 20 µs, 990–999 are 40 µs
        #expect(result.p999 == 40)   // rank 999
        #expect(result.max == 1501)
        #expect(result.overflows == 1)
    }

    @Test("a rank among the overflows reports the maximum")
    func overflowRank() {
        let text = Self.recorded.replacingOccurrences(of: "# Histogram Overflows: 00001", with: "# Histogram Overflows: 00500")
        let result = CyclictestBench.parse(text)
        #expect(result.samples == 1499)
        #expect(result.p99 == 1501)
    }

    @Test("output without the summary lines is refused with a reason, not read as zero latency")
    func unparsable() {
        let result = CyclictestBench.parse("T: 0 ( 1234) P:50 I:500 C:  2000 Min: 9 Act: 20 Avg: 20 Max: 63\n")
        #expect(result.notRun != nil)
        #expect(CyclictestBench.parse("").notRun != nil)
    }

    @Test("pump ÷ cyclictest per percentile, none when cyclictest measured 0 or did not run")
    func ratio() {
        let pump = Percentiles([30, 30, 60])
        var host = CyclictestBench.parse(Self.recorded)
        let ratio = LatencyRatio(pump: pump, host: host)
        #expect(ratio.p50 == 3)
        #expect(ratio.p999 == 1.5)
        host.notRun = "absent"
        #expect(LatencyRatio(pump: pump, host: host).p99 == nil)
    }

    @Test("the command runs at the step interval, priority and whole seconds, histogram mode")
    func arguments() {
        #expect(CyclictestBench.arguments(intervalMicroseconds: 500, priority: 50, seconds: 15)
                == ["-m", "-q", "-p50", "-i500", "-D", "15", "-h", "20000"])
        #expect(CyclictestBench.arguments(intervalMicroseconds: 10_000, priority: 50, seconds: 0.5).contains("1"))
    }

    @Test("the median over rounds is an observed ratio")
    func median() {
        let ratios = [LatencyRatio(p50: 1, p99: 3, p999: nil), LatencyRatio(p50: 2, p99: 1, p999: nil),
                      LatencyRatio(p50: 5, p99: 2, p999: 4)]
        let median = BenchReport.medianRatio(ratios)
        #expect(median.p50 == 2)
        #expect(median.p99 == 2)
        #expect(median.p999 == 4)
    }
}
