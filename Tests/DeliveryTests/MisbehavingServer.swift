import NIOCore
import NIOPosix

/// A loopback TCP server that meets every request with one kind of bad behaviour real
/// endpoints show: hanging up, answering in another protocol, resetting, cutting the answer
/// short, stalling halfway through the answer, trickling it a byte at a time, or never answering.
final class MisbehavingServer: Sendable {
    enum Behaviour: Sendable {
        case closeWithoutAnswer, notHTTP, reset, cutOffBody, silent, stallBody, trickleBody, hugeHead
    }

    let port: Int
    private let channel: Channel

    private init(channel: Channel) {
        self.channel = channel
        port = channel.localAddress?.port ?? 0
    }

    static func start(_ behaviour: Behaviour) async throws -> MisbehavingServer {
        MisbehavingServer(channel: try await startLoopbackServer { MisbehavingHandler(behaviour: behaviour) })
    }

    var url: String { "http://127.0.0.1:\(port)/hooks" }

    func stop() async {
        try? await channel.close()
    }
}

/// A TCP server on 127.0.0.1, on a free port, with a handler of its own for each connection.
func startLoopbackServer(handler makeHandler: @escaping @Sendable () -> ChannelHandler) async throws -> Channel {
    try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(makeHandler())
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
}

private final class MisbehavingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let behaviour: MisbehavingServer.Behaviour
    private var answered = false

    init(behaviour: MisbehavingServer.Behaviour) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        switch behaviour {
        case .closeWithoutAnswer:
            context.close(promise: nil)
        case .notHTTP:
            writeThenClose("HELLO THERE\r\n\r\n", context)
        case .reset:
            // Linger 0: close sends RST instead of FIN.
            let channel = context.channel
            guard let socket = channel as? SocketOptionProvider else { return channel.close(promise: nil) }
            socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        case .cutOffBody:
            // Only the sending side closes: a full close with the request still unread sends a
            // reset, which the client may see before the cut-off answer.
            let channel = context.channel
            channel.writeAndFlush(channel.allocator.buffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b"))
                .whenComplete { _ in channel.close(mode: .output, promise: nil) }
        case .silent:
            break
        case .stallBody:
            // The head and a part of the body, then nothing, with the connection left open.
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(
                string: "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b")), promise: nil)
        case .hugeHead:
            writeThenClose("HTTP/1.1 200 OK\r\nx-big: " + String(repeating: "b", count: 200_000) + "\r\ncontent-length: 0\r\n\r\n", context)
        case .trickleBody:
            // A chunked answer that never ends, one byte every 50 ms: no read ever times out.
            let channel = context.channel
            channel.writeAndFlush(channel.allocator.buffer(string: "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"), promise: nil)
            channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) { task in
                guard channel.isActive else { return task.cancel() }
                channel.writeAndFlush(channel.allocator.buffer(string: "1\r\nx\r\n"), promise: nil)
            }
        }
    }

    private func writeThenClose(_ text: String, _ context: ChannelHandlerContext) {
        let channel = context.channel
        channel.writeAndFlush(channel.allocator.buffer(string: text)).whenComplete { _ in channel.close(promise: nil) }
    }
}
