import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The cheapest HTTP/1.1 client SwiftNIO allows: `concurrency` keep-alive connections, each
/// sending its next POST as soon as the previous answer ended. No pool, no timeouts, no TLS,
/// no redirects, no Swift concurrency — a floor for what any Swift client could cost per
/// request, to set beside AsyncHTTPClient's rate and wrk's ceiling.
enum RawNIOClientRate {
    static func measure(host: String, port: Int, path: String, body: Data, requests: Int, concurrency: Int) throws -> Double {
        let group = MultiThreadedEventLoopGroup.singleton
        let remaining = NIOLockedValueBox(requests)
        let done = DispatchGroup()
        let start = ContinuousClock.now
        var channels: [Channel] = []
        for _ in 0..<concurrency {
            done.enter()
            let channel = try ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ClosedLoopHandler(
                            host: host, path: path, body: body, remaining: remaining, finished: { done.leave() }))
                    }
                }
                .connect(host: host, port: port).wait()
            channels.append(channel)
        }
        done.wait()
        let elapsed = ContinuousClock.now - start
        for channel in channels { try? channel.close().wait() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(requests) / seconds
    }

    private final class ClosedLoopHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        let head: HTTPRequestHead
        let body: ByteBuffer
        let remaining: NIOLockedValueBox<Int>
        let finished: () -> Void

        init(host: String, path: String, body: Data, remaining: NIOLockedValueBox<Int>, finished: @escaping () -> Void) {
            var headers = HTTPHeaders()
            headers.add(name: "host", value: host)
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(body.count))
            head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
            self.body = ByteBuffer(bytes: body)
            self.remaining = remaining
            self.finished = finished
        }

        func channelActive(context: ChannelHandlerContext) {
            sendNext(context: context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .end = unwrapInboundIn(data) { sendNext(context: context) }
        }

        private func sendNext(context: ChannelHandlerContext) {
            let take = remaining.withLockedValue { count -> Bool in
                guard count > 0 else { return false }
                count -= 1
                return true
            }
            guard take else { return finished() }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
