// HX711 samples → line pressure, pure: tare, span, filter and the sensor-fault rules (HAZ-004).
//
// pressure = span_mmhg_per_count × (filtered counts − tare_counts).
// Filter: the mean of the last `filterLength` valid samples (default 4: at 10 Hz a 0.4 s window, a lag of
// ~0.15 s, small against the trend detector's seconds; it removes the HX711's ±few-count noise).
// Faults (`pressure-sensor-fault`, reported while present): no valid sample for `silentTimeout` (a chip that
// stopped answering, a powered-down chip, a broken DOUT/SCK line — every frame since then was not-ready or
// discarded); a saturated sample; a filtered pressure outside `validRange`. The first valid sample after a
// fault clears it (the supervisor's latch keeps the alarm until acknowledged). Before the first sample the
// sensor counts as silent from the moment the channel was created.
import Foundation
import PumpCore

/// The HX711 load cell: lines and calibration.
public struct HX711Configuration: Sendable, Equatable {
    /// SCK (output, asserted = high).
    public var sck: GPIOOutputLine
    /// DOUT (input).
    public var dout: GPIOInputLine
    /// Raw counts at zero force (tare, from the calibration procedure).
    public var tareCounts: Double
    /// mmHg per ADC count (span, from the calibration procedure).
    public var spanMMHgPerCount: Double
    /// Valid samples averaged.
    public var filterLength: Int
    /// No valid sample for this long is a fault.
    public var silentTimeout: MonotonicDuration
    /// Filtered pressures outside this range are a fault (mmHg).
    public var validRange: ClosedRange<Double>
    /// Wait after SCK falls before sampling DOUT (hardware: 1 µs; a slow bench plant needs more).
    public var bitSettle: MonotonicDuration
    /// A frame with a longer SCK high phase is discarded (≤ 50 µs; the chip powers down at 60 µs).
    public var sckHighLimit: MonotonicDuration

    /// Creates a load-cell configuration.
    public init(sck: GPIOOutputLine, dout: GPIOInputLine, tareCounts: Double = 0, spanMMHgPerCount: Double,
                filterLength: Int = 4, silentTimeout: MonotonicDuration = .milliseconds(500),
                validRange: ClosedRange<Double> = -100...1500, bitSettle: MonotonicDuration = .microseconds(1),
                sckHighLimit: MonotonicDuration = HX711Frame.sckHighLimit) {
        self.sck = sck
        self.dout = dout
        self.tareCounts = tareCounts
        self.spanMMHgPerCount = spanMMHgPerCount
        self.filterLength = filterLength
        self.silentTimeout = silentTimeout
        self.validRange = validRange
        self.bitSettle = bitSettle
        self.sckHighLimit = sckHighLimit
    }

    /// Why the configuration cannot work, or nil.
    public var problem: String? {
        guard spanMMHgPerCount.isFinite, spanMMHgPerCount != 0 else { return "span_mmhg_per_count must be a non-zero number" }
        guard tareCounts.isFinite else { return "tare_counts must be a number" }
        guard (1...32).contains(filterLength) else { return "filter_samples must be within 1...32" }
        guard silentTimeout >= .milliseconds(150), silentTimeout <= .seconds(5) else { return "silent_ms must be within 150...5000" }
        guard sckHighLimit > .zero, sckHighLimit <= HX711Frame.sckHighLimit else { return "sck_high_limit_us must be within 1...50" }
        guard bitSettle >= .zero, bitSettle <= .milliseconds(10) else { return "bit_settle_us must be within 0...10000" }
        return nil
    }
}

/// The pressure channel's state.
public struct PressureChannel: Sendable {
    private let configuration: HX711Configuration
    private var window: [Double] = []
    private var lastValid: MonotonicInstant
    private var saturated = false
    /// Frames discarded (not ready excluded), for diagnostics.
    public private(set) var discarded: Int64 = 0
    /// Why the last frame was discarded (shown in the silent-sensor message).
    public private(set) var lastDiscard: String?

    /// Creates the channel; silence is counted from `start`.
    public init(configuration: HX711Configuration, start: MonotonicInstant) {
        self.configuration = configuration
        lastValid = start
    }

    /// Feeds one decoded sample taken at `t`.
    public mutating func add(_ sample: HX711Sample, at t: MonotonicInstant) {
        switch sample {
        case .value(let counts):
            saturated = false
            lastValid = t
            window.append(Double(counts))
            if window.count > configuration.filterLength { window.removeFirst(window.count - configuration.filterLength) }
        case .saturatedHigh, .saturatedLow:
            saturated = true
            window.removeAll()
        case .notReady:
            break
        case .poweredDown:
            discarded += 1
            lastDiscard = "SCK high ≥ 60 µs (power-down)"
        case .invalid(let why):
            discarded += 1
            lastDiscard = why
        }
    }

    /// The filtered pressure now, or the fault that makes it unusable.
    public func reading(at now: MonotonicInstant) -> Result<MillimetersOfMercury, SensorFault> {
        if saturated {
            return .failure(SensorFault(code: .pressureSensorFault,
                message: "The pressure sensor (HX711) is saturated: the load cell is overloaded or disconnected; occlusion detection is uncertain."))
        }
        let silentFor = now - lastValid
        if window.isEmpty || silentFor > configuration.silentTimeout {
            return .failure(SensorFault(code: .pressureSensorFault,
                message: "The pressure sensor (HX711) has not answered for \(silentFor.nanoseconds / 1_000_000) ms\(discarded > 0 ? " (\(discarded) frames discarded, the last: \(lastDiscard ?? "?"))" : ""); occlusion detection is uncertain."))
        }
        let mean = window.reduce(0, +) / Double(window.count)
        let pressure = (mean - configuration.tareCounts) * configuration.spanMMHgPerCount
        guard configuration.validRange.contains(pressure) else {
            return .failure(SensorFault(code: .pressureSensorFault,
                message: String(format: "The pressure sensor reads %.0f mmHg, outside %.0f...%.0f mmHg; occlusion detection is uncertain.",
                    pressure, configuration.validRange.lowerBound, configuration.validRange.upperBound)))
        }
        return .success(MillimetersOfMercury(pressure))
    }
}
