// HL7 v2 DTM/TS values: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ] (HL7 v2.5 §2A.3.22). A value without an
// offset is read in the bridge's own time zone (monitors usually send local time); the ordering check only
// compares times of one monitor feed, so a consistent reading is what matters.
import Foundation

/// Parses HL7 timestamps.
public enum HL7Timestamp {
    /// The instant `text` names, or nil when it is not a DTM value (at least YYYYMMDDHHMM is required: a
    /// reading's time must be known to the minute to be ordered).
    public static func parse(_ text: String, timeZone: TimeZone = .current) -> Date? {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        var zone = timeZone
        if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = body[body.index(after: sign)...]
            guard offset.count == 4, offset.allSatisfy(\.isASCII), offset.allSatisfy(\.isNumber),
                  let hours = Int(offset.prefix(2)), let minutes = Int(offset.suffix(2)), // checked: string parses of 2 digits
                  hours <= 14, minutes < 60 else { return nil }
            let seconds = (hours * 60 + minutes) * 60 * (body[sign] == "-" ? -1 : 1)
            guard let fixed = TimeZone(secondsFromGMT: seconds) else { return nil }
            zone = fixed
            body = body[..<sign]
        }
        var fraction = 0.0
        if let dot = body.firstIndex(of: ".") {
            let digits = body[body.index(after: dot)...]
            guard (1...4).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Double("0." + digits) else { return nil }
            fraction = value
            body = body[..<dot]
        }
        guard [12, 14].contains(body.count), body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        func number(_ offset: Int, _ length: Int) -> Int? {
            let start = body.index(body.startIndex, offsetBy: offset)
            return Int(body[start..<body.index(start, offsetBy: length)]) // checked: a string parse of ASCII digits
        }
        var components = DateComponents()
        components.year = number(0, 4)
        components.month = number(4, 2)
        components.day = number(6, 2)
        components.hour = number(8, 2)
        components.minute = number(10, 2)
        components.second = body.count == 14 ? number(12, 2) : 0
        guard let month = components.month, (1...12).contains(month), let day = components.day, (1...31).contains(day),
              let hour = components.hour, hour < 24, let minute = components.minute, minute < 60,
              let second = components.second, second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }   // rejects 31 February
        return date.addingTimeInterval(fraction)
    }

    /// `date` as YYYYMMDDHHMMSS+ZZZZ in UTC (for the ACK's MSH-7).
    public static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: date) + "+0000"
    }
}
