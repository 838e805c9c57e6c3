// The HX711 24-bit frame, pure: what one read of DOUT bits means.
//
// Protocol (Avia Semiconductor HX711 datasheet): DOUT high = no conversion ready; DOUT low = ready. Then 24
// SCK pulses shift the result out MSB first (two's complement), and 1–3 more pulses select the next gain
// (25 pulses: channel A, gain 128). After the last pulse DOUT returns high until the next conversion. SCK
// held high for more than 60 µs powers the chip down (DOUT then reads high); so every SCK high phase must stay
// below 50 µs, and a frame during which one did not is discarded.
// Saturation: the chip clamps to 0x7FFFFF / 0x800000 when the input is out of range; those are not values.
import Foundation
import PumpCore

/// What one frame read means.
public enum HX711Sample: Sendable, Equatable {
    /// A valid conversion, in ADC counts (sign-extended from 24 bits).
    case value(Int32)
    /// 0x7FFFFF: the input is at or above full scale.
    case saturatedHigh
    /// 0x800000: the input is at or below negative full scale.
    case saturatedLow
    /// DOUT was high when a read was wanted: no conversion ready (a silent or powered-down chip).
    case notReady
    /// An SCK high phase lasted ≥ 60 µs: the chip may have powered down mid-frame; the frame is discarded.
    case poweredDown
    /// The frame is not trustworthy (the text says why).
    case invalid(String)
}

/// Decodes HX711 frames.
public enum HX711Frame {
    /// The longest SCK high phase the backend aims for (datasheet: power-down after 60 µs).
    public static let sckHighLimit = MonotonicDuration.microseconds(50)
    /// SCK high for this long powers the chip down.
    public static let powerDownTime = MonotonicDuration.microseconds(60)

    /// Sign-extends a 24-bit two's-complement value.
    public static func signExtend(_ raw: UInt32) -> Int32 {
        let v = raw & 0x00FF_FFFF
        return v & 0x0080_0000 != 0 ? Int32(bitPattern: v | 0xFF00_0000) : Int32(bitPattern: v)
    }

    /// Decodes one frame. `ready`: DOUT was low before the first pulse; `bits`: the 24 DOUT samples, MSB
    /// first; `doutAfter`: DOUT after the gain pulse(s) (must be high); `longestHigh`: the longest SCK high
    /// phase measured during the frame; `sckHighLimit`: the bound above which a frame is discarded.
    public static func decode(ready: Bool, bits: [Bool], doutAfter: Bool, longestHigh: MonotonicDuration,
                              sckHighLimit: MonotonicDuration = HX711Frame.sckHighLimit) -> HX711Sample {
        guard ready else { return .notReady }
        if longestHigh >= powerDownTime { return .poweredDown }
        if longestHigh > sckHighLimit {
            return .invalid("SCK stayed high \(longestHigh.nanoseconds / 1000) µs (limit \(sckHighLimit.nanoseconds / 1000) µs)")
        }
        guard bits.count == 24 else { return .invalid("\(bits.count) bits read, 24 expected") }
        guard doutAfter else { return .invalid("DOUT did not return high after the frame (stuck low or shorted)") }
        let raw = bits.reduce(UInt32(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        switch raw {
        case 0x7F_FFFF: return .saturatedHigh
        case 0x80_0000: return .saturatedLow
        default: return .value(signExtend(raw))
        }
    }
}
