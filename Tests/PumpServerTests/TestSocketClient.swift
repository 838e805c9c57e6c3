// A deliberately plain blocking POSIX client for server tests. Blocking calls run on their own threads, never
// on Swift concurrency's small cooperative pool (which the server's handler needs), and every read has a
// receive timeout so a broken server fails a test instead of hanging it.
import Foundation

struct TestClientError: Error, CustomStringConvertible {
    let description: String
}

/// Runs blocking work on a fresh thread and resumes the caller when it finishes.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 256 * 1024
        thread.start()
    }
}

/// One connection to a Unix-domain socket.
final class TestSocketClient: @unchecked Sendable {
    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `path`, with `timeout` applied to every later read.
    init(path: String, timeout: TimeInterval = 5) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            // No close(fd) here: the object is fully initialised, so `deinit` runs and closes it. Closing it
            // twice would close whatever descriptor the kernel reused the number for (NIO's, in the stop race).
            let code = errno
            throw TestClientError(description: "connect(\(path)): errno \(code)")
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Writes all of `bytes`; throws if the peer has gone.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw TestClientError(description: "send: errno \(errno)") }
            offset += written
        }
    }

    /// Writes a string as UTF-8.
    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Closes the write side (the server sees end of input but can still reply).
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// The next line (without "\n"), or nil at end of stream (EOF or connection reset).
    /// Throws on timeout.
    func readLine() throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return nil }
            if count < 0 {
                if errno == ECONNRESET { return nil }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw TestClientError(description: "read timed out") }
                throw TestClientError(description: "recv: errno \(errno)")
            }
            pending.append(contentsOf: chunk[..<count])
        }
    }

    /// Sends one line and returns the reply line.
    func request(_ line: String) throws -> String? {
        try send(line + "\n")
        return try readLine()
    }
}

/// A short unique directory for sockets (sun_path holds at most 107 bytes).
final class SocketDirectory: Sendable {
    let url: URL
    init() throws {
        url = URL(fileURLWithPath: "/tmp/ps-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var socketPath: String { url.appendingPathComponent("pumpd.sock").path }
}

/// Counts handler calls and remembers what the handler saw.
final class HandlerLog: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [String] = []
    private var peers: [Int32] = []

    func record(_ line: String, pid: Int32) {
        lock.lock()
        requests.append(line)
        peers.append(pid)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return requests
    }
}
