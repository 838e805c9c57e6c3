// Closes a connection that has sent nothing for the idle timeout (slow, stuck or half-open clients), after
// telling it why in one error line.
import NIOCore

final class IdleDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeString(ServerReply.idleTimeout + "\n")
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
