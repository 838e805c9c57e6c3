import PumpCore
import Testing
@testable import GPIODBackend

/// HX711 frames as recorded DOUT bit sequences.
@Suite("HX711 frame decoder")
struct HX711FrameTests {
    func bits(_ raw: UInt32) -> [Bool] { (0..<24).map { raw & (1 << (23 - $0)) != 0 } }
    let quick = MonotonicDuration.microseconds(3)

    @Test("HAZ-004: positive and negative 24-bit two's-complement values are sign-extended")
    func sign() {
        #expect(HX711Frame.decode(ready: true, bits: bits(0x000123), doutAfter: true, longestHigh: quick) == .value(0x123))
        #expect(HX711Frame.decode(ready: true, bits: bits(0xFFFFFF), doutAfter: true, longestHigh: quick) == .value(-1))
        #expect(HX711Frame.decode(ready: true, bits: bits(0x800001), doutAfter: true, longestHigh: quick) == .value(-8_388_607))
        #expect(HX711Frame.decode(ready: true, bits: bits(0x7FFFFE), doutAfter: true, longestHigh: quick) == .value(8_388_606))
    }

    @Test("HAZ-004: the saturation codes are not values")
    func saturation() {
        #expect(HX711Frame.decode(ready: true, bits: bits(0x7FFFFF), doutAfter: true, longestHigh: quick) == .saturatedHigh)
        #expect(HX711Frame.decode(ready: true, bits: bits(0x800000), doutAfter: true, longestHigh: quick) == .saturatedLow)
    }

    @Test("HAZ-004: DOUT high before the frame is not-ready")
    func notReady() {
        #expect(HX711Frame.decode(ready: false, bits: [], doutAfter: true, longestHigh: .zero) == .notReady)
    }

    @Test("HAZ-004: an SCK high phase of 60 µs or more is power-down; over the limit the frame is discarded")
    func powerDown() {
        #expect(HX711Frame.decode(ready: true, bits: bits(5), doutAfter: true, longestHigh: .microseconds(60)) == .poweredDown)
        if case .invalid = HX711Frame.decode(ready: true, bits: bits(5), doutAfter: true, longestHigh: .microseconds(51)) {} else {
            Issue.record("51 µs high accepted")
        }
    }

    @Test("HAZ-004: DOUT stuck low after the frame (all-zero bits, shorted line) is invalid, not zero pressure")
    func stuckLow() {
        if case .invalid = HX711Frame.decode(ready: true, bits: bits(0), doutAfter: false, longestHigh: quick) {} else {
            Issue.record("a stuck-low DOUT read as a value")
        }
    }
}

@Suite("Pressure channel: tare, span, filter, sensor faults")
struct PressureChannelTests {
    let config = HX711Configuration(sck: GPIOOutputLine(.named("sck")), dout: GPIOInputLine(.named("dout")),
                                    tareCounts: 1000, spanMMHgPerCount: 0.5, filterLength: 4)
    let t0 = MonotonicInstant(nanoseconds: 10_000_000_000)
    let ms = MonotonicDuration.milliseconds(1)

    @Test("HAZ-004: pressure = span × (mean of the last 4 samples − tare)")
    func conversion() throws {
        var c = PressureChannel(configuration: config, start: t0)
        for (i, v) in [1000, 1200, 1400, 1600, 1800].enumerated() { c.add(.value(Int32(v)), at: t0 + ms * Int64(100 * i)) }
        let p = try c.reading(at: t0 + ms * 450).get()
        #expect(abs(p.value - 0.5 * (1500 - 1000)) < 1e-9)
    }

    @Test("HAZ-004: no sample yet, or none for longer than silent_ms, is pressure-sensor-fault")
    func silent() {
        var c = PressureChannel(configuration: config, start: t0)
        #expect(throws: SensorFault.self) { try c.reading(at: t0).get() }
        c.add(.value(1100), at: t0)
        #expect((try? c.reading(at: t0 + ms * 400).get()) != nil)
        c.add(.notReady, at: t0 + ms * 450)
        #expect(throws: SensorFault.self) { try c.reading(at: t0 + ms * 501).get() }
        c.add(.value(1100), at: t0 + ms * 600)
        #expect((try? c.reading(at: t0 + ms * 600).get()) != nil, "a fresh sample clears the condition")
    }

    @Test("HAZ-004: saturation and out-of-range pressure are pressure-sensor-fault")
    func outOfRange() {
        var c = PressureChannel(configuration: config, start: t0)
        c.add(.saturatedHigh, at: t0)
        #expect(throws: SensorFault.self) { try c.reading(at: t0).get() }
        c.add(.value(1000 + 4000), at: t0 + ms)  // 2000 mmHg > 1500
        #expect(throws: SensorFault.self) { try c.reading(at: t0 + ms).get() }
        c.add(.value(-2000), at: t0 + ms * 2)
        c.add(.value(-2000), at: t0 + ms * 3)
        c.add(.value(-2000), at: t0 + ms * 4)
        c.add(.value(-2000), at: t0 + ms * 5)
        #expect(throws: SensorFault.self) { try c.reading(at: t0 + ms * 5).get() }  // −1500 mmHg
    }

    @Test("HAZ-004: power-down and invalid frames are discarded and do not refresh the silence timer")
    func discarded() {
        var c = PressureChannel(configuration: config, start: t0)
        c.add(.value(1100), at: t0)
        c.add(.poweredDown, at: t0 + ms * 300)
        c.add(.invalid("x"), at: t0 + ms * 400)
        #expect(c.discarded == 2)
        #expect(throws: SensorFault.self) { try c.reading(at: t0 + ms * 501).get() }
    }
}
