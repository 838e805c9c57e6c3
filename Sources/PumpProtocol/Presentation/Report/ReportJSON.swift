// `pumpctl report --format json`: the structured report, pretty-printed with sorted keys and ISO-8601 times,
// in exactly the wire shape of `report-data` (snake_case keys with units in their names).
import Foundation

/// Encodes and decodes a session report as a JSON document.
public enum ReportJSON {
    /// The report as pretty-printed JSON ending in a newline.
    public static func encode(_ report: SessionReportDTO) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(report)
        data.append(0x0A)
        return data
    }

    /// Reads a report written by `encode` (for tests and tools).
    public static func decode(_ data: Data) throws -> SessionReportDTO {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(SessionReportDTO.self, from: data)
    }
}
