import Foundation
import Logging
import Testing
@testable import PumpServer

@Suite("Line server: socket file, peer credentials and life cycle")
struct LineServerSocketTests {
    @Test("HAZ-009: the handler sees the kernel-reported credentials of the test process")
    func peerCredentials() async throws {
        let seen = PeerBox()
        let fixture = try await ServerFixture.start(handler: { request in
            seen.set(request.peer)
            return "ok"
        })
        _ = try await onThread { try fixture.client().request("who am i") }
        let peer = try #require(seen.value)
        #expect(peer.uid == getuid())
        #expect(peer.gid == getgid())
        #expect(peer.pid == getpid())
        #expect(peer.groups.contains(getgid()))
        await fixture.server.stop()
    }

    @Test("HAZ-009: the socket file is a socket with mode 0660 and is removed on stop")
    func socketModeAndCleanup() async throws {
        let fixture = try await ServerFixture.start()
        var info = stat()
        #expect(lstat(fixture.path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o7777 == 0o660)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + ".new"))
        await fixture.server.stop()
        #expect(lstat(fixture.path, &info) != 0)
        await fixture.server.stop()
    }

    @Test("the socket is given the configured group")
    func socketGroup() async throws {
        let directory = try SocketDirectory()
        let groupName = try #require(getgrgid(getgid())?.pointee.gr_name.map { String(cString: $0) })
        let config = LineServerConfiguration(socketPath: directory.socketPath, socketMode: 0o660, socketGroup: groupName)
        let server = LineServer(configuration: config, handler: { _ in "" }, logger: Logger(label: "test"))
        try await server.start()
        var info = stat()
        #expect(stat(directory.socketPath, &info) == 0)
        #expect(info.st_gid == getgid())
        await server.stop()

        let bad = LineServerConfiguration(socketPath: directory.socketPath, socketGroup: "no-such-group-pumpd-test")
        let badServer = LineServer(configuration: bad, handler: { _ in "" }, logger: Logger(label: "test"))
        await #expect(throws: LineServerError.unknownGroup("no-such-group-pumpd-test")) { try await badServer.start() }
    }

    @Test("a stale socket file left by a crash is replaced")
    func staleSocketReplaced() async throws {
        let directory = try SocketDirectory()
        // Bind a socket and close it without unlinking: what a crashed daemon leaves behind.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(directory.socketPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(fd)
        #expect(bound == 0)
        let config = LineServerConfiguration(socketPath: directory.socketPath)
        let server = LineServer(configuration: config, handler: { "re:" + $0.line }, logger: Logger(label: "test"))
        try await server.start()
        let reply = try await onThread { try TestSocketClient(path: directory.socketPath).request("x") }
        #expect(reply == "re:x")
        await server.stop()
    }

    @Test("a regular file at the socket path is never removed")
    func regularFileKept() async throws {
        let directory = try SocketDirectory()
        let content = Data("precious".utf8)
        #expect(FileManager.default.createFile(atPath: directory.socketPath, contents: content))
        let server = LineServer(
            configuration: LineServerConfiguration(socketPath: directory.socketPath), handler: { _ in "" },
            logger: Logger(label: "test"))
        await #expect(throws: LineServerError.pathIsNotASocket(directory.socketPath)) { try await server.start() }
        #expect(FileManager.default.contents(atPath: directory.socketPath) == content)
    }

    @Test("HAZ-010: a second server never takes over a socket that a live server is serving")
    func liveSocketNotTakenOver() async throws {
        let fixture = try await ServerFixture.start()
        let second = LineServer(
            configuration: LineServerConfiguration(socketPath: fixture.path), handler: { _ in "impostor" },
            logger: Logger(label: "test"))
        await #expect(throws: LineServerError.alreadyServing(fixture.path)) { try await second.start() }
        let reply = try await onThread { try fixture.client().request("x") }
        #expect(reply == "echo:x")
        await fixture.server.stop()
    }

    @Test("stop closes open connections and a server cannot be started twice")
    func stopClosesConnections() async throws {
        let fixture = try await ServerFixture.start()
        let client = try fixture.client()
        _ = try await onThread { try client.request("hello") }
        await fixture.server.stop()
        let after = try await onThread { try client.readLine() }
        #expect(after == nil)
        await #expect(throws: LineServerError.notStartable) { try await fixture.server.start() }
    }
}

/// Holds the last peer seen by a handler.
final class PeerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var peer: PeerCredentials?
    func set(_ value: PeerCredentials) {
        lock.lock()
        peer = value
        lock.unlock()
    }
    var value: PeerCredentials? {
        lock.lock()
        defer { lock.unlock() }
        return peer
    }
}
