import PumpCore
import Testing
@testable import GPIODBackend

/// Recorded A/B level sequences (as the encoder thread sees them after each edge event).
@Suite("Quadrature decoder on recorded edge sequences")
struct QuadratureDecoderTests {
    /// One forward cycle from 00: A rises, B rises, A falls, B falls.
    static let forwardCycle: [(Bool, Bool)] = [(true, false), (true, true), (false, true), (false, false)]

    func run(_ samples: [(Bool, Bool)], from start: (Bool, Bool) = (false, false)) -> QuadratureDecoder {
        var d = QuadratureDecoder(a: start.0, b: start.1)
        for (a, b) in samples { d.observe(a: a, b: b) }
        return d
    }

    @Test("HAZ-005: forward rotation counts +1 per edge, x4")
    func forward() {
        let d = run(Array(repeating: Self.forwardCycle, count: 25).flatMap { $0 })
        #expect(d.count == 100)
        #expect(d.glitches == 0)
        #expect(d.edges == 100)
    }

    @Test("HAZ-005: reverse rotation counts −1 per edge")
    func reverse() {
        let d = run(Array(repeating: Array(Self.forwardCycle.reversed().dropFirst()) + [(false, false)], count: 10).flatMap { $0 })
        #expect(d.count == -40)
        #expect(d.glitches == 0)
    }

    @Test("HAZ-005: a direction change mid-cycle is followed exactly")
    func directionChange() {
        // +3 forward, then back −3 to the start, then −1 more.
        let d = run([(true, false), (true, true), (false, true), (true, true), (true, false), (false, false), (false, true)])
        #expect(d.count == -1)
        #expect(d.glitches == 0)
    }

    @Test("HAZ-005: both lines changing at once is a glitch, not a count, and the decoder resynchronises")
    func glitch() {
        // 00 → 11 (illegal), then a legal forward step from 11 → 01.
        let d = run([(true, true), (false, true)])
        #expect(d.glitches == 1)
        #expect(d.count == 1, "the illegal transition adds nothing; the next legal one counts from the new state")
    }

    @Test("HAZ-005: a missed transition (one edge lost) shows as one glitch and a shortfall of two counts")
    func missedTransition() {
        // Forward 00→10→11→01→00→10, with 11 lost: 10 → 01 is illegal.
        let d = run([(true, false), (false, true), (false, false), (true, false)])
        #expect(d.glitches == 1)
        #expect(d.count == 3, "5 true edges, 2 of them merged into one illegal sample: 3 counted")
    }

    @Test("HAZ-005: a repeated sample (a poll with no change) changes nothing")
    func repeatedSample() {
        var d = QuadratureDecoder(a: true, b: false)
        #expect(d.observe(a: true, b: false) == .none)
        #expect(d.edges == 0 && d.count == 0)
    }

    @Test("HAZ-005: one channel disconnected (A stuck, B toggling) produces edges but no net motion")
    func oneChannelLost() {
        let d = run(Array(repeating: [(false, true), (false, false)], count: 20).flatMap { $0 })
        #expect(d.edges == 40)
        #expect(d.count == 0)
        #expect(d.glitches == 0)
    }
}
