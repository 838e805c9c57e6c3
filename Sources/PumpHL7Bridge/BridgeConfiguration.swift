// pump-hl7-bridge's settings: built-in defaults, then the TOML file (`--config`, keys listen, socket, bed,
// max_age_s), then flags (flags win). Unknown keys and bad values are errors with one sentence naming them.
import Foundation
import TOMLKit

/// A configuration error: one sentence.
public struct BridgeConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A TCP listen address, `HOST:PORT` (IPv6 as `[::1]:2575`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// Port (0: any free port).
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`.
    public init(parsing text: String) throws(BridgeConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw BridgeConfigurationError("listen must be HOST:PORT (e.g. 127.0.0.1:2575), not '\(text)'.")
        }
        var host = String(trimmed[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(trimmed[trimmed.index(after: colon)...]), (0...65_535).contains(port) else { // checked: a string parse
            throw BridgeConfigurationError("listen must be HOST:PORT with a port 0–65535, not '\(text)'.")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Everything the bridge needs.
public struct BridgeConfiguration: Sendable, Equatable {
    /// Where MLLP senders connect (default loopback only; a LAN address is the administrator's choice).
    public var listen: ListenAddress
    /// pumpd's socket.
    public var socketPath = "/run/pumpd/pumpd.sock"
    /// The bed (PV1-3) this bridge feeds; required.
    public var bed: String?
    /// Readings observed longer ago than this are not forwarded, seconds.
    public var maximumAgeSeconds: Double = 300

    /// The defaults (`127.0.0.1:2575`, `/run/pumpd/pumpd.sock`, no bed).
    public init() {
        listen = ListenAddress(host: "127.0.0.1", port: 2575)
    }

    static let knownKeys: Set<String> = ["listen", "socket", "bed", "max_age_s"]

    /// Applies the TOML file at `path`.
    public mutating func apply(tomlFileAt path: String) throws(BridgeConfigurationError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw BridgeConfigurationError("Cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        try apply(toml: text, source: path)
    }

    /// Applies TOML text.
    public mutating func apply(toml text: String, source: String = "configuration") throws(BridgeConfigurationError) {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            throw BridgeConfigurationError("\(source) is not valid TOML: \(error).")
        }
        for key in table.keys.sorted() where !Self.knownKeys.contains(key) {
            throw BridgeConfigurationError("\(source): unknown key '\(key)' (known: listen, socket, bed, max_age_s).")
        }
        func string(_ key: String) throws(BridgeConfigurationError) -> String? {
            guard let value = table[key] else { return nil }
            guard let text = value.string else { throw BridgeConfigurationError("\(source): \(key) must be a string.") }
            return text
        }
        if let value = try string("listen") { listen = try ListenAddress(parsing: value) }
        socketPath = try string("socket") ?? socketPath
        bed = try string("bed") ?? bed
        if let value = table["max_age_s"] {
            guard let number = value.double ?? value.int.map({ Double($0) }) else {
                throw BridgeConfigurationError("\(source): max_age_s must be a number of seconds.")
            }
            maximumAgeSeconds = number
        }
    }

    /// Checks the values; one sentence per problem.
    public func validate() throws(BridgeConfigurationError) {
        guard let bed, !bed.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw BridgeConfigurationError("The bed is required: --bed NAME or bed = \"NAME\" in the configuration file (the PV1-3 location this bridge feeds).")
        }
        guard !bed.contains(where: { "|^~\\&\r\n".contains($0) }) else {
            throw BridgeConfigurationError("The bed '\(bed)' contains an HL7 delimiter.")
        }
        guard maximumAgeSeconds.isFinite, (10...3_600).contains(maximumAgeSeconds) else {
            throw BridgeConfigurationError("max_age_s must be 10–3600 seconds, not \(maximumAgeSeconds).")
        }
        guard !socketPath.isEmpty, socketPath.utf8.count < 108 else {
            throw BridgeConfigurationError("socket path must be 1–107 bytes long, not '\(socketPath)'.")
        }
    }
}
