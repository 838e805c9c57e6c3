// The daemon's local control socket: newline-delimited requests over a Unix-domain stream socket, one task per
// connection, requests of one connection handled strictly in order (HAZ-009).
// Invariants:
// - The handler only ever sees complete, valid UTF-8 lines of bounded length, with kernel-reported peer
//   credentials; a connection whose credentials cannot be read is closed before any line is read.
// - Every line gets exactly one reply (one line, or the part lines of one long answer), in request order. Garbage, oversized lines, idle or half-open
//   clients and client crashes affect only their own connection, never the server or other clients.
// - Connections above `maxConnections` get one error line and are closed; they never reach the handler.
//   `reservedControlConnections` of them are kept for control peers (`isControlPeer`): observers and peers
//   without access share the rest, so they can never lock a nurse out of stop or estop.
// - NIO runs only the socket I/O; the handler runs on Swift concurrency, never on the real-time step path.
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A Unix-domain socket server that hands each request line to an async handler and writes back its reply.
public final class LineServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: LineServerConfiguration
    private let handler: @Sendable (LineRequest) async -> [String]
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let limiter: ConnectionLimiter
    private let isControlPeer: @Sendable (PeerCredentials) -> Bool
    private let state = ServerState()
    private let children = ChildChannelRegistry()

    /// An accepted connection with its peer, before it is served.
    struct Connection: Sendable {
        let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
        let peer: PeerCredentials
    }

    /// Creates a server; nothing is bound until `start()`.
    /// - Parameters:
    ///   - handler: called once per complete line; returns the reply line (without a newline).
    ///   - isControlPeer: whether a peer may take the slots reserved for control (decided once, at accept).
    public convenience init(
        configuration: LineServerConfiguration,
        handler: @escaping @Sendable (LineRequest) async -> String,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        isControlPeer: @escaping @Sendable (PeerCredentials) -> Bool = { _ in false }
    ) {
        self.init(configuration: configuration, replies: { [await handler($0)] }, logger: logger,
                  eventLoopGroup: eventLoopGroup, isControlPeer: isControlPeer)
    }

    /// Creates a server whose handler may answer a line with several lines (the parts of a long answer,
    /// sent in order, each on its own line).
    public init(
        configuration: LineServerConfiguration,
        replies handler: @escaping @Sendable (LineRequest) async -> [String],
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        isControlPeer: @escaping @Sendable (PeerCredentials) -> Bool = { _ in false }
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.isControlPeer = isControlPeer
        self.limiter = ConnectionLimiter(limit: configuration.maxConnections,
                                         reservedForControl: configuration.reservedControlConnections,
                                         perObserverUID: configuration.maxConnectionsPerObserverUID)
    }

    /// Connections currently being served.
    public var activeConnections: Int { limiter.count }

    /// Binds the socket, applies its mode and group, and starts accepting connections.
    /// - Throws: `LineServerError` if the path is occupied by a non-socket or a live server, the group is
    ///   unknown, the configuration is invalid, or a system call fails; NIO errors from binding.
    public func start() async throws {
        let config = configuration
        try validate(config)
        let group = try config.socketGroup.map { name in
            guard let id = UserDatabase.groupID(named: name) else { throw LineServerError.unknownGroup(name) }
            return id
        }
        guard state.beginStarting() else { throw LineServerError.notStartable }
        let temporaryPath = config.socketPath + ".new"
        do {
            try SocketFile.removeStale(at: config.socketPath)
            try SocketFile.removeStale(at: temporaryPath)
        } catch {
            state.failStarting()
            throw error
        }
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                .bind(unixDomainSocketPath: temporaryPath) { [children] channel in
                    children.register(channel)
                    return Self.initializeConnection(channel, configuration: config)
                }
            try SocketFile.publish(temporaryPath: temporaryPath, as: config.socketPath, mode: config.socketMode,
                                   group: group)
        } catch {
            unlink(temporaryPath)
            state.failStarting()
            throw error
        }
        let inode = SocketFile.inode(of: config.socketPath)
        let task = Task { await self.acceptLoop(server) }
        let running = ServerState.Running(server: server.channel, task: task, inode: inode)
        guard state.finishStarting(running) else {
            await tearDown(running)
            throw CancellationError()
        }
        logger.info("listening", metadata: ["socket": "\(config.socketPath)"])
    }

    /// Stops accepting, closes every connection, waits for the handlers to return and removes the socket
    /// file (if it is still the one this server created). Safe to call more than once.
    public func stop() async {
        guard let running = state.stop() else { return }
        await tearDown(running)
        logger.info("stopped", metadata: ["socket": "\(configuration.socketPath)"])
    }

    private func tearDown(_ running: ServerState.Running) async {
        // Close the listener, then every connection; the accept loop drains the rest (see ChildChannelRegistry).
        try? await running.server.close()
        await children.closeAll()
        await running.task.value
        if let inode = running.inode { SocketFile.remove(configuration.socketPath, ifInode: inode) }
    }

    private func validate(_ config: LineServerConfiguration) throws {
        guard config.maxLineBytes > 0 else { throw LineServerError.invalidConfiguration("maxLineBytes must be > 0") }
        guard config.maxConnections > 0 else {
            throw LineServerError.invalidConfiguration("maxConnections must be > 0")
        }
        guard config.reservedControlConnections >= 0, config.reservedControlConnections < config.maxConnections else {
            throw LineServerError.invalidConfiguration("reservedControlConnections must be at least 0 and below maxConnections")
        }
        guard config.idleTimeout > .zero else {
            throw LineServerError.invalidConfiguration("idleTimeout must be > 0")
        }
        guard config.socketPath.utf8.count + 4 <= SocketFile.maxPathBytes else {
            throw LineServerError.invalidConfiguration("socket path too long: \(config.socketPath)")
        }
    }

    /// Runs on the child channel's event loop: reads SO_PEERCRED, then installs framing and the idle timeout.
    private static func initializeConnection(
        _ channel: any Channel, configuration: LineServerConfiguration
    ) -> EventLoopFuture<Connection> {
        PeerCredentials.read(from: channel).flatMapThrowing { peer in
            try channel.pipeline.syncOperations.addHandler(
                IdleStateHandler(readTimeout: TimeAmount(configuration.idleTimeout)))
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(LineFrameDecoder(maxLineBytes: configuration.maxLineBytes)))
            try channel.pipeline.syncOperations.addHandler(IdleDisconnectHandler())
            let asyncChannel = try wrapFinishingOnDeinit(channel)
            return Connection(channel: asyncChannel, peer: peer)
        }
    }

    /// Wraps an accepted channel so that its writer is finished (and the channel closed) when the wrapper is
    /// dropped untaken.
    ///
    /// Why the deprecated initializer: a connection NIO accepts while the listener is closing is wrapped here,
    /// then handed to a server stream whose consumer has already gone, so NIO drops it. With
    /// `wrappingChannelSynchronously:` that drop is a `preconditionFailure` that kills pumpd (seen in CI and
    /// reproduced by `LineServerStopRaceTests`); deinit-based teardown is exactly right for a connection the
    /// server never served. Every connection the loop does take is still served and closed through
    /// `executeThenClose`.
    @available(*, deprecated, message: "uses NIO's deinit-based teardown on purpose; see the comment")
    private static func wrapFinishingOnDeinit(_ channel: any Channel) throws -> NIOAsyncChannel<LineFrame, ByteBuffer> {
        try NIOAsyncChannel<LineFrame, ByteBuffer>(synchronouslyWrapping: channel)
    }

    private func acceptLoop(_ server: NIOAsyncChannel<Connection, Never>) async {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        let limited = configuration.reservedControlConnections > 0 || configuration.maxConnectionsPerObserverUID > 0
                        let control = limited && isControlPeer(connection.peer)
                        let uid = connection.peer.uid
                        if let refusal = limiter.acquire(control: control, uid: uid) {
                            group.addTask { await self.refuse(connection, because: refusal) }
                        } else {
                            group.addTask {
                                await self.serve(connection)
                                self.limiter.release(control: control, uid: uid)
                            }
                        }
                    }
                }
            }
        } catch {
            if !Task.isCancelled {
                logger.critical("accept loop failed; no new connections", metadata: ["error": "\(error)"])
            }
        }
    }

    private func serve(_ connection: Connection) async {
        let peer = connection.peer
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    let reply = await Self.reply(to: frame, peer: peer, maxLineBytes: configuration.maxLineBytes,
                                                 replies: handler)
                    if reply.closesConnection {
                        logger.warning("line too long; closing", metadata: ["peer": "\(peer)"])
                    }
                    for line in reply.lines { try await outbound.write(encode(line, peer: peer)) }
                    if reply.closesConnection { return }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// What the server answers to one frame of a connection: the handler's reply for a line, or the
    /// transport's own error line. The socket loop and the fuzz target both go through here.
    public static func reply(
        to frame: LineFrame, peer: PeerCredentials, maxLineBytes: Int,
        handler: @Sendable (LineRequest) async -> String
    ) async -> FrameReply {
        await reply(to: frame, peer: peer, maxLineBytes: maxLineBytes, replies: { [await handler($0)] })
    }

    /// `reply(to:peer:maxLineBytes:handler:)` for a handler that may answer with several lines.
    public static func reply(
        to frame: LineFrame, peer: PeerCredentials, maxLineBytes: Int,
        replies handler: @Sendable (LineRequest) async -> [String]
    ) async -> FrameReply {
        switch frame {
        case let .line(line):
            let lines = await handler(LineRequest(line: line, peer: peer))
            return FrameReply(lines: lines.isEmpty ? [ServerReply.internalError] : lines, closesConnection: false)
        case .invalidUTF8:
            return FrameReply(line: ServerReply.invalidUTF8, closesConnection: false)
        case .tooLong:
            return FrameReply(line: ServerReply.lineTooLong(limit: maxLineBytes), closesConnection: true)
        }
    }

    private func refuse(_ connection: Connection, because refusal: ConnectionLimiter.Refusal) async {
        logger.warning("connection limit reached; refusing", metadata: ["peer": "\(connection.peer)"])
        let reply = switch refusal {
        case .full: ServerReply.tooManyConnections
        case .perUID(let limit): ServerReply.tooManyConnectionsForUser(limit: limit)
        }
        do {
            try await connection.channel.executeThenClose { _, outbound in
                try await outbound.write(encode(reply, peer: connection.peer))
            }
        } catch {
            logger.debug("refused connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// One reply line plus its newline; a reply that would span lines is replaced by an internal error.
    private func encode(_ reply: String, peer: PeerCredentials) -> ByteBuffer {
        var text = reply
        if text.hasSuffix("\n") { text.removeLast() }
        if text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            logger.error("handler reply spans several lines; sending an internal error", metadata: ["peer": "\(peer)"])
            text = ServerReply.internalError
        }
        return ByteBuffer(string: text + "\n")
    }
}
