// The percent unit of the IEC 60601-2-24 error figures (A, Ep(max), Ep(min)).
import Foundation
import PumpCore

/// Unit tag: percent of the set rate.
public enum PercentUnit: PhysicalUnit { public static let symbol = "%" }

/// A relative error in percent of the set rate.
public typealias Percent = Quantity<PercentUnit>

extension Percent {
    /// 100·(measured − reference)/reference, the IEC 60601-2-24 percentage error of a flow.
    public static func error(of measured: MillilitersPerHour, relativeTo reference: MillilitersPerHour) -> Percent {
        Percent(100 * (measured.value - reference.value) / reference.value)
    }
}
