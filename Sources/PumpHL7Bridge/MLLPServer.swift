// The MLLP listener: TCP through SwiftNIO, one task per connection, frames of one connection answered in
// order, every frame through the one VitalsBridge (which serialises them across connections). Invariants:
// - Every complete frame gets exactly one ACK/NAK frame back on its connection, written before the next frame
//   of that connection is read.
// - At most `maxConnections` senders are served at once; more are closed at once. A connection idle for
//   `idleTimeout` is closed (a monitor reconnects; a half-open one must not hold a slot forever).
// - NIO runs only the socket I/O; parsing and the pumpd exchange run on the bridge's own queue.
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PumpHL7

/// The TCP server.
public final class MLLPServer: Sendable {
    private let bridge: VitalsBridge
    private let address: ListenAddress
    private let logger: Logger
    private let maxConnections: Int
    private let idleTimeout: TimeAmount
    private let active = NIOLockedValueBox(0)
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// Creates a server; nothing is bound until `start()`.
    public init(bridge: VitalsBridge, address: ListenAddress, logger: Logger, maxConnections: Int = 8,
                idleTimeout: TimeAmount = .minutes(10)) {
        self.bridge = bridge
        self.address = address
        self.logger = logger
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
    }

    /// Binds and starts accepting; returns the bound port (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        let idle = idleTimeout
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 16)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(IdleCloseHandler())
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        channel.withLockedValue { $0 = server.channel }
        let port = server.channel.localAddress?.port ?? address.port
        let loop = Task { await self.acceptLoop(server) }
        task.withLockedValue { $0 = loop }
        logger.info("listening for MLLP", metadata: ["host": "\(address.host)", "port": "\(port)"])
        return port
    }

    /// Stops accepting and closes the listener.
    public func stop() async {
        let server = channel.withLockedValue { value in defer { value = nil }; return value }
        try? await server?.close()
        let loop = task.withLockedValue { value in defer { value = nil }; return value }
        loop?.cancel()
    }

    private func acceptLoop(_ server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) async {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        let admitted = active.withLockedValue { count in
                            guard count < maxConnections else { return false }
                            count += 1
                            return true
                        }
                        group.addTask {
                            if admitted {
                                await self.serve(connection)
                                self.active.withLockedValue { $0 -= 1 }
                            } else {
                                self.logger.warning("too many MLLP connections; closing one")
                                try? await connection.channel.close()
                            }
                        }
                    }
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("MLLP accept loop ended", metadata: ["error": "\(error)"]) }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let peer = connection.channel.remoteAddress.map { "\($0)" } ?? "unknown"
        logger.info("MLLP sender connected", metadata: ["peer": "\(peer)"])
        var framer = MLLPFramer()
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await buffer in inbound {
                    for frame in framer.feed(buffer.readableBytesView) {
                        let answer = await bridge.handle(frame)
                        guard answer.code != nil else { continue }
                        try await outbound.write(ByteBuffer(bytes: MLLPFramer.frame(Array(answer.message.utf8))))
                    }
                }
            }
        } catch {
            logger.debug("MLLP connection ended with an error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
        logger.info("MLLP sender disconnected", metadata: ["peer": "\(peer)"])
    }
}

/// Closes a connection when IdleStateHandler reports that nothing was read for the timeout.
final class IdleCloseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
