// The version of pumpd and pumpctl, printed by `pumpctl --version` next to the wire protocol version.

/// The release version of this source tree (semantic versioning).
public let softwareVersion = "0.14.0-dev"

/// `pumpctl --version`: "pumpctl 0.14.0-dev (protocol 1)".
public func versionLine(program: String) -> String {
    "\(program) \(softwareVersion) (protocol \(protocolVersion))"
}
