// Starts a LineServer with an echo handler in a fresh directory for one test.
import Foundation
import Logging
@testable import PumpServer

struct ServerFixture: Sendable {
    let directory: SocketDirectory
    let server: LineServer
    let log: HandlerLog
    var path: String { directory.socketPath }

    /// Starts an echo server: each line is answered with `echo:` + line.
    static func start(
        maxLineBytes: Int = 65_536, idleTimeout: Duration = .seconds(10), maxConnections: Int = 128,
        reservedControlConnections: Int = 0, isControlPeer: @escaping @Sendable (PeerCredentials) -> Bool = { _ in false },
        handler: (@Sendable (LineRequest) async -> String)? = nil
    ) async throws -> ServerFixture {
        let directory = try SocketDirectory()
        let log = HandlerLog()
        let config = LineServerConfiguration(
            socketPath: directory.socketPath, maxLineBytes: maxLineBytes, idleTimeout: idleTimeout,
            maxConnections: maxConnections, reservedControlConnections: reservedControlConnections)
        var logger = Logger(label: "pumpd.test.server")
        logger.logLevel = .critical
        let server = LineServer(
            configuration: config,
            handler: { request in
                log.record(request.line, pid: request.peer.pid)
                if let handler { return await handler(request) }
                return "echo:" + request.line
            },
            logger: logger, isControlPeer: isControlPeer)
        try await server.start()
        return ServerFixture(directory: directory, server: server, log: log)
    }

    func client(timeout: TimeInterval = 5) throws -> TestSocketClient {
        try TestSocketClient(path: path, timeout: timeout)
    }
}
