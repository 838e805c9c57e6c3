// What the journal keeps about a syringe change (event kind `syringe-change`), written durably BEFORE the
// engine loads the syringe and motion resumes, so a crash mid-syringe recovers which syringe is in the pump,
// its fill and the delivered count it was loaded at. The newest such event of a session is the syringe in force
// (a change the engine then refused is followed by an event restating the syringe still in force).
import Foundation
import PumpControl
import PumpCore

/// The durable description of one syringe of a session (JSON details of a `syringe-change` event).
public struct SyringeChangeRecord: Codable, Sendable, Equatable {
    /// 1 for the first syringe, 2 after the first change.
    public var syringeIndex: Int
    /// Syringe model.
    public var syringe: String
    /// Volume drawn into it, dead space included, mL.
    public var fillML: Double
    /// The session's delivered count (net steps) when it was loaded.
    public var loadedAtSteps: Int64
    /// Delivered so far when it was loaded (cumulative over every syringe), mL and mg.
    public var deliveredML: Double
    public var deliveredMG: Double
    /// False when the engine refused the change: the record then restates the syringe still in force.
    public var applied: Bool

    /// A record of `load` on `syringe` with the cumulative amounts delivered before it.
    public init(_ load: SyringeLoad, syringe: String, deliveredML: Double, deliveredMG: Double, applied: Bool = true) {
        syringeIndex = load.index
        self.syringe = syringe
        fillML = load.fill.value
        loadedAtSteps = load.loadedAtSteps.count
        self.deliveredML = deliveredML
        self.deliveredMG = deliveredMG
        self.applied = applied
    }

    /// The engine's syringe load.
    public var load: SyringeLoad {
        SyringeLoad(index: syringeIndex, fill: Milliliters(fillML), loadedAtSteps: Steps(loadedAtSteps))
    }

    enum CodingKeys: String, CodingKey {
        case syringe, applied
        case syringeIndex = "syringe_index"
        case fillML = "fill_ml"
        case loadedAtSteps = "loaded_at_steps"
        case deliveredML = "delivered_ml"
        case deliveredMG = "delivered_mg"
    }

    /// JSON bytes for the journal.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// Decodes a record from the journal.
    public static func decode(_ data: Data) -> SyringeChangeRecord? { try? JSONDecoder().decode(SyringeChangeRecord.self, from: data) }
}
