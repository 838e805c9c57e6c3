// The read-only history commands: `sessions` (one line per past session) and `report-data` (one session's
// record for pumpctl to render). Both only read the journal; neither touches the engine beyond reading the
// state of the open session.
import Foundation
import PumpCore
import PumpJournal
import PumpProtocol

extension PumpService {
    /// The most sessions one `sessions` answer lists.
    static let maxSessionsListed = 100

    func sessions(patientId: String?, limit: Int?) -> Result<ResultPayload, ProtocolError> {
        guard let journal else { return .failure(ProtocolError(code: .refused, message: "The journal is unavailable.")) }
        if let patientId, let problem = IdentifierKey.formatViolation(patientId, field: "patient id") {
            return .failure(ProtocolError(code: .refused, message: problem))
        }
        do {
            let records = try journal.sessionRecords(patientID: patientId, limit: min(max(limit ?? 20, 1), Self.maxSessionsListed))
            return .success(.sessions(try records.map { record in
                try builder(for: record, journal: journal).summary()
            }))
        } catch {
            return .failure(ProtocolError(code: .internal, message: "The journal could not be read: \(error)."))
        }
    }

    func reportData(sessionId: String?, parts: Int = 1) -> Result<ResultPayload, ProtocolError> {
        guard let journal else { return .failure(ProtocolError(code: .refused, message: "The journal is unavailable.")) }
        do {
            let record: SessionRecord?
            if let sessionId {
                guard let raw = Int64(sessionId) else {  // checked: failable parse of a string
                    return .failure(ProtocolError(code: .refused, message: "There is no session \(sessionId); pumpctl sessions lists them."))
                }
                record = try journal.sessionRecord(SessionID(rawValue: raw))
            } else {
                record = try journal.sessionRecords(limit: 1).first
            }
            guard let record else {
                return .failure(ProtocolError(code: .refused, message: sessionId.map { "There is no session \($0); pumpctl sessions lists them." }
                                              ?? "The journal holds no session yet."))
            }
            let builder = try builder(for: record, journal: journal)
            let checkpoints = try journal.checkpoints(session: record.id)
            return .success(.report(Self.fitted(builder, checkpoints: checkpoints, generatedAt: wallClock(), parts: parts)))
        } catch {
            return .failure(ProtocolError(code: .internal, message: "The journal could not be read: \(error)."))
        }
    }

    private func builder(for record: SessionRecord, journal: Journal) throws(JournalError) -> SessionReportBuilder {
        let live: String? = activeSession.id == record.id && record.close == nil
            ? scheduler.syncOnControl { engine.state.rawValue } : nil
        return SessionReportBuilder(record: record, events: try journal.events(session: record.id), liveState: live,
                                    plasmaModel: plasmaModel(forDrug: record.start.drug))
    }

    /// The report, thinned until its answer fits `parts` protocol lines. With one line (a client that cannot
    /// reassemble parts) a very long session loses ordinary events, the chart's resolution and vitals points;
    /// with parts (pumpctl) every event and every vitals reading is kept (issue 11: the record is whole) and only
    /// an answer beyond `AnswerParts.maxParts` lines would be thinned.
    static func fitted(_ builder: SessionReportBuilder, checkpoints: [CheckpointRecord], generatedAt: Date, parts: Int = 1) -> SessionReportDTO {
        var limits = SessionReportBuilder.Limits()
        if parts > 1 {
            limits.maxEvents = Int.max
            limits.maxVitals = Int.max
        }
        // The answer's envelope and id take well under 1 KiB; part lines carry `bytesPerPart` each.
        let budget = parts > 1 ? AnswerParts.bytesPerPart * min(parts, AnswerParts.maxParts) : LineCodec.maxLineBytes - 1024
        var report = builder.report(checkpoints: checkpoints, generatedAt: generatedAt, limits: limits)
        while encodedSize(report) > budget, limits.maxPoints > 10 {
            limits.maxPoints /= 2
            limits.maxEvents = max(20, min(limits.maxEvents, builder.eventCount) / 2)
            limits.maxVitals = max(2, min(limits.maxVitals, builder.eventCount) / 2)
            report = builder.report(checkpoints: checkpoints, generatedAt: generatedAt, limits: limits)
        }
        return report
    }

    private static func encodedSize(_ report: SessionReportDTO) -> Int {
        let response = Response.success(id: String(repeating: "x", count: Request.maxIDLength), .report(report))
        return LineCodec.unlimitedLength(of: response) ?? Int.max
    }
}
