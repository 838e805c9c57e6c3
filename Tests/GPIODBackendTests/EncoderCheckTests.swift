import PumpCore
import Testing
@testable import GPIODBackend

/// The commanded-vs-measured check on recorded step and count sequences (2 counts per microstep, the bench's
/// scale; tolerance 0.9 steps; one check per call).
@Suite("Encoder check: stall, dead encoder, lost steps")
struct EncoderCheckTests {
    let config = EncoderConfiguration(a: GPIOInputLine(.named("enc-a")), b: GPIOInputLine(.named("enc-b")),
                                      countsPerRev: 6400, microstepsPerRev: 3200)

    /// A decoder advanced by `counts` legal forward edges (negative: reverse).
    func decoder(counts: Int, glitches: Int = 0) -> QuadratureDecoder {
        let states: [(Bool, Bool)] = [(false, false), (true, false), (true, true), (false, true)]
        var d = QuadratureDecoder(a: false, b: false)
        var pos = 0
        for _ in 0..<abs(counts) {
            pos = counts > 0 ? (pos + 1) % 4 : (pos + 3) % 4
            d.observe(a: states[pos].0, b: states[pos].1)
        }
        for _ in 0..<glitches { d.observe(a: !d.stateA, b: !d.stateB) }
        return d
    }

    @Test("HAZ-005: healthy infusion at any rate: measured tracks commanded, no verdict")
    func healthy() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)  // baseline
        // 50 steps per interval (fast), edges lagging by up to one interval: never a fault.
        var commanded: Int64 = 0
        for _ in 0..<20 {
            let measuredCounts = Int(commanded) * 2  // edges of the previous interval's steps only
            commanded += 50
            #expect(check.check(commanded: commanded, decoder: decoder(counts: measuredCounts)) == nil)
        }
    }

    @Test("HAZ-005: a dead encoder (no edges) while stepping is encoder-fault after the first missed step")
    func deadEncoder() {
        var check = EncoderCheck(configuration: config)
        let still = decoder(counts: 0)
        #expect(check.check(commanded: 0, decoder: still) == nil)
        #expect(check.check(commanded: 1, decoder: still) == nil, "the step of the last interval may not have its edges yet")
        let fault = check.check(commanded: 1, decoder: still)
        #expect(fault?.code == .encoderFault)
        #expect(check.check(commanded: 5, decoder: still) == nil, "one verdict per enable")
    }

    @Test("HAZ-005: an encoder that dies mid-infusion (edges before, none after) is encoder-fault, not step-mismatch")
    func deadAfterMotion() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: 50, decoder: decoder(counts: 80)) == nil)
        #expect(check.check(commanded: 100, decoder: decoder(counts: 200)) == nil)
        #expect(check.check(commanded: 110, decoder: decoder(counts: 200)) == nil, "the last interval's steps may lag")
        #expect(check.check(commanded: 120, decoder: decoder(counts: 200))?.code == .encoderFault)
    }

    @Test("HAZ-005: a stall with rotor twitch (edges, no net motion) is step-mismatch")
    func stallWithEdges() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: 10, decoder: decoder(counts: 20)) == nil)
        var twitching = decoder(counts: 20)
        twitching.observe(a: true, b: false)   // one count forward …
        twitching.observe(a: false, b: false)  // … and back
        #expect(check.check(commanded: 12, decoder: twitching) == nil)
        twitching.observe(a: true, b: false)   // the rotor keeps twitching with every pulse
        twitching.observe(a: false, b: false)
        #expect(check.check(commanded: 14, decoder: twitching)?.code == .stepMismatch)
    }

    @Test("HAZ-005: lost steps beyond the tolerance are step-mismatch; within it, nothing")
    func lostSteps() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: 100, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: 100, decoder: decoder(counts: 199)) == nil, "half a step short: within 0.9")
        #expect(check.check(commanded: 100, decoder: decoder(counts: 196))?.code == .stepMismatch, "2 steps short")
    }

    @Test("HAZ-005: retracting counts down and is checked the same way")
    func retract() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: -20, decoder: decoder(counts: -10)) == nil)
        #expect(check.check(commanded: -20, decoder: decoder(counts: -40)) == nil)
        #expect(check.check(commanded: -20, decoder: decoder(counts: 42))?.code == .stepMismatch, "moving the wrong way")
    }

    @Test("HAZ-005: an inverted encoder is accepted with inverted = true")
    func inverted() {
        var inv = config
        inv.inverted = true
        var check = EncoderCheck(configuration: inv)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: 10, decoder: decoder(counts: -20)) == nil)
        #expect(check.check(commanded: 10, decoder: decoder(counts: -20)) == nil)
        #expect(EncoderCheck.measuredSteps(counts: -20, configuration: inv) == 10)
    }

    @Test("HAZ-005: glitches above the limit are encoder-fault")
    func glitches() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0, glitches: 9))?.code == .encoderFault)
    }

    @Test("HAZ-005: disabling the motor starts a fresh comparison (manual plunger moves are not faults)")
    func rebaseline() {
        var check = EncoderCheck(configuration: config)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 0)) == nil)
        check.motorDisabled()
        #expect(check.check(commanded: 0, decoder: decoder(counts: 500)) == nil)
        #expect(check.check(commanded: 0, decoder: decoder(counts: 500)) == nil)
    }

    @Test("HAZ-005: a tolerance below one encoder count is refused; the defaults are valid")
    func configurationProblems() {
        #expect(config.problem == nil)
        var coarse = config
        coarse.countsPerRev = 1600  // 2 microsteps per count
        #expect(coarse.problem != nil)
        coarse.toleranceSteps = 2.5
        #expect(coarse.problem == nil)
    }

    @Test("HAZ-005: the default check catches a stall within 1 s at 1.3 steps/s (simulated timeline)")
    func detectionTimeAtSlowRate() {
        var check = EncoderCheck(configuration: config)
        let rate = 1.3, interval = 0.1
        var t = 0.0, commanded: Int64 = 0, nextStep = 1 / rate
        let stallAt = 5.0
        var counts = 0
        var detectedAt: Double?
        _ = check.check(commanded: 0, decoder: decoder(counts: 0))
        while t < 10, detectedAt == nil {
            t += interval
            while nextStep <= t {
                commanded += 1
                if nextStep < stallAt { counts += 2 }
                nextStep += 1 / rate
            }
            if check.check(commanded: commanded, decoder: decoder(counts: counts)) != nil { detectedAt = t }
        }
        let delay = (detectedAt ?? 99) - stallAt
        #expect(delay <= 1.0, "detected \(delay) s after the stall")
    }
}

extension QuadratureDecoder {
    var stateA: Bool { state & 2 != 0 }
    var stateB: Bool { state & 1 != 0 }
}
