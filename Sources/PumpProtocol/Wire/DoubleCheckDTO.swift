// The independent double check an infusion waits for in state `awaiting-check` (status `double_check`).
import Foundation

/// Who started an infusion that waits for a second person's `pumpctl verify`, and until when.
public struct DoubleCheckDTO: Sendable, Equatable, Codable {
    /// The user name of the nurse who started it.
    public var startedBy: String
    /// That nurse's uid (the verifier must have a different one).
    public var startedByUid: UInt32
    /// When the wait ends and the start is abandoned.
    public var expiresAt: Date

    /// Creates the record.
    public init(startedBy: String, startedByUid: UInt32, expiresAt: Date) {
        self.startedBy = startedBy
        self.startedByUid = startedByUid
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case startedBy = "started_by"
        case startedByUid = "started_by_uid"
        case expiresAt = "expires_at"
    }
}
