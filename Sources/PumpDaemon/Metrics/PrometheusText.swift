// The Prometheus text exposition format (version 0.0.4), gauges only, rendered whole as one snapshot:
//   # HELP name text        (backslash → \\, line feed → \n)
//   # TYPE name gauge
//   name{label="value",…} number
// Label values escape backslash, double quote and line feed (\\, \", \n); numbers are Go-parseable floats, with
// NaN, +Inf and -Inf spelt as the format requires. A family with no samples still gets its HELP and TYPE lines.
//
// Hand-written rather than swift-prometheus 2.4.1 (in the mirror): that library is a long-lived registry of
// mutable metric objects in which a series exists until it is unregistered, and a conflicting registration is a
// `fatalError` inside the library. pumpd instead renders a fresh snapshot of its status every few seconds, in
// which an alarm's series exists exactly while the alarm does; for gauges the format is the three escaping and
// number rules above (each tested in PrometheusTextTests), and writing them here keeps two more packages
// (swift-atomics, swift-metrics) and a trapping API out of the daemon.
import Foundation

/// One gauge family: a name, its help text and its samples.
public struct MetricFamily: Sendable, Equatable {
    /// The metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
    public var name: String
    /// One line of help text.
    public var help: String
    /// The samples, one per label set.
    public var samples: [MetricSample]

    /// Creates a family.
    public init(name: String, help: String, samples: [MetricSample]) {
        self.name = name
        self.help = help
        self.samples = samples
    }
}

/// One sample: its labels, in order, and its value.
public struct MetricSample: Sendable, Equatable {
    /// Label names (`[a-zA-Z_][a-zA-Z0-9_]*`) and values (any text; escaped on output).
    public var labels: [Label]
    /// The value.
    public var value: Double

    /// One label pair.
    public struct Label: Sendable, Equatable {
        /// The label name.
        public var name: String
        /// The label value, unescaped.
        public var value: String
        /// Creates a label.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a sample.
    public init(_ labels: [Label], _ value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// Renders gauge families in the Prometheus text format.
public enum PrometheusText {
    /// The whole exposition, families in the order given, ending with a line feed.
    public static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        for family in families {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) gauge\n"
            for sample in family.samples {
                out += family.name
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
                }
                out += " \(format(sample.value))\n"
            }
        }
        return out
    }

    /// A label value as it goes between the double quotes.
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Help text as it goes after the metric name.
    public static func escapeHelp(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A sample value: the shortest round-tripping decimal, or NaN / +Inf / -Inf.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    /// Whether `name` is a valid metric name.
    public static func isValidMetricName(_ name: String) -> Bool {
        matches(name, first: { $0.isLetter || $0 == "_" || $0 == ":" }, rest: { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
    }

    /// Whether `name` is a valid label name.
    public static func isValidLabelName(_ name: String) -> Bool {
        matches(name, first: { $0.isLetter || $0 == "_" }, rest: { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    private static func matches(_ name: String, first: (Character) -> Bool, rest: (Character) -> Bool) -> Bool {
        guard let head = name.first, head.isASCII, first(head) else { return false }
        return name.dropFirst().allSatisfy { $0.isASCII && rest($0) }
    }
}
