// The accepted connections of one server, so that stopping can close every one of them.
//
// Why not task cancellation: cancelling the accept loop drops connections that NIO has already accepted and
// wrapped but the loop has not yet taken; such an unfinished NIOAsyncChannel is a fatal error in NIO. Instead the
// server closes its listening channel and every registered child, and the accept loop drains what is left, each
// connection through `executeThenClose`.
import NIOConcurrencyHelpers
import NIOCore

final class ChildChannelRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// Registers a child until it closes.
    func register(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.channels.withLockedValue { _ = $0.removeValue(forKey: key) }
        }
    }

    /// Closes every registered child (errors ignored: a child may already be closing).
    func closeAll() async {
        let open = channels.withLockedValue { Array($0.values) }
        for channel in open { try? await channel.close() }
    }
}
