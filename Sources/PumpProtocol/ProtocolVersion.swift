// The version of the pumpd wire protocol that this module speaks.
//
// Bump it for any change an old peer could misread (a renamed key, a changed unit, a new meaning). Adding an
// optional response field does not need a bump: responses tolerate unknown keys, requests do not.

/// The pumpd wire protocol version spoken by this module. Every request and response carries it as `v`.
public let protocolVersion = 1
