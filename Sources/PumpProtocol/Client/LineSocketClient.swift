// The blocking Unix-domain-socket client behind every pumpctl command and the HL7 bridge's `vitals` forwarding.
//
// Why ~60 hand-written lines instead of SwiftNIO: a CLI invocation connects, sends one line, reads one line and
// exits. NIO's event loops, channels and futures buy nothing for that, would add a large dependency to a tool
// that must stay small and auditable, and would make the timeout and the error sentences harder to control.
// pumpctl depends only on PumpProtocol and swift-argument-parser. It lives in PumpProtocol so that every client
// of pumpd (pumpctl, pump-hl7-bridge) speaks through the same code.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why an exchange with pumpd failed.
public enum LineClientError: Error, Sendable {
    /// The socket could not be opened or connected (errno text).
    case unreachable(String)
    /// Connected, but no complete answer arrived in time or the daemon hung up.
    case noAnswer(String)
    /// The answer was not one well-formed line.
    case malformed(String)
    /// SIGINT arrived while waiting (only when a handler is installed, as in `watch`).
    case interrupted
}

/// Sends one line to pumpd and reads one line back, with a timeout on every step.
public struct LineSocketClient: Sendable {
    /// Filesystem path of pumpd's socket.
    public let path: String
    /// Seconds allowed for connecting, for sending and for each read.
    public let timeoutSeconds: Int

    /// Creates a client for the socket at `path`.
    public init(path: String, timeoutSeconds: Int) {
        self.path = path
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends `line` (which ends in "\n") and returns the answer line without its newline.
    public func exchange(_ line: Data) throws(LineClientError) -> Data {
        guard let first = try exchange(line, continues: { _ in false }).first else {
            throw .noAnswer("pumpd closed the connection without answering")
        }
        return first
    }

    /// Sends `line` and reads answer lines (without newlines) until `continues` says the latest one was the
    /// last (a long answer comes as several part lines). If pumpd refuses the connection (too many) it writes
    /// one sentence and hangs up, possibly before the request is sent: that sentence is the answer, not the
    /// "Broken pipe" of the failed send.
    public func exchange(_ line: Data, continues: (Data) -> Bool) throws(LineClientError) -> [Data] {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(errnoText()) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .unreachable("the socket path is longer than the system allows")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw .unreachable(errnoText()) }

        var reader = LineReader(fd: fd, timeoutSeconds: timeoutSeconds)
        // send() with MSG_NOSIGNAL rather than write(): a daemon that hangs up must give an error, not SIGPIPE.
        var sent = 0
        while sent < line.count {
            let result = line.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + sent }, line.count - sent, Int32(MSG_NOSIGNAL)) }
            if result < 0 {
                if errno == EINTR { throw .interrupted }
                let sendError: LineClientError = errno == EAGAIN || errno == EWOULDBLOCK
                    ? .noAnswer("pumpd did not accept the request within \(timeoutSeconds) seconds")
                    : .unreachable(errnoText())
                if errno == EPIPE || errno == ECONNRESET, let refusal = try? reader.next() { return [refusal] }
                throw sendError
            }
            sent += result
        }
        var answers: [Data] = []
        while true {
            let answer = try reader.next()
            answers.append(answer)
            if !continues(answer) { return answers }
        }
    }

    /// Reads newline-terminated lines from a socket, keeping bytes that arrived after a line for the next one.
    private struct LineReader {
        let fd: Int32
        let timeoutSeconds: Int
        private var pending = Data()

        init(fd: Int32, timeoutSeconds: Int) {
            self.fd = fd
            self.timeoutSeconds = timeoutSeconds
        }

        mutating func next() throws(LineClientError) -> Data {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[pending.index(after: newline)...])
                    return Data(line)
                }
                if pending.count > LineCodec.maxLineBytes {
                    throw .malformed("pumpd's answer is longer than \(LineCodec.maxLineBytes) bytes")
                }
                let count = read(fd, &buffer, buffer.count)
                if count < 0 {
                    if errno == EINTR { throw .interrupted }
                    throw .noAnswer(errno == EAGAIN || errno == EWOULDBLOCK
                        ? "pumpd did not answer within \(timeoutSeconds) seconds"
                        : "reading pumpd's answer failed: \(String(cString: strerror(errno)))")
                }
                if count == 0 {
                    if pending.isEmpty { throw .noAnswer("pumpd closed the connection without answering") }
                    throw .malformed("pumpd's answer ended before its end of line")
                }
                pending.append(contentsOf: buffer[0..<count])
            }
        }
    }

    private func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
