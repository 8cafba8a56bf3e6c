import Foundation
import NIOCore
import NIOHTTP1

/// Parses one HTTP/1.1 request at a time, records it and writes the policy's answer.
final class ReceiverHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: ReceiverState
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(state: ReceiverState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = context.channel.allocator.buffer(capacity: 0)
        case .body(var chunk):
            body?.writeBuffer(&chunk)
        case .end:
            guard let requestHead = head else { return }
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            head = nil
            body = nil
            respond(context: context, to: requestHead, body: bytes)
        }
    }

    private func respond(context: ChannelHandlerContext, to requestHead: HTTPRequestHead, body: [UInt8]) {
        var request = RecordedRequest(
            method: requestHead.method.rawValue,
            path: requestHead.uri,
            headers: requestHead.headers.map { (name: $0.name, value: $0.value) },
            body: body,
            receivedAt: Date(),
            answeredStatus: 0
        )
        let response = state.response(to: request)
        request.answeredStatus = response.status
        request.answerDelayMilliseconds = response.delayMilliseconds
        state.record(request)

        let keepAlive = requestHead.isKeepAlive
        if response.delayMilliseconds > 0 {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(response.delayMilliseconds))) {
                self.write(response, keepAlive: keepAlive, context: context)
            }
        } else {
            write(response, keepAlive: keepAlive, context: context)
        }
    }

    private func write(_ response: ReceiverResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(response.body.utf8.count))
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in response.headers { headers.replaceOrAdd(name: name, value: value) }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(string: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A client that hangs up or speaks bad TLS only ends its own connection.
        context.close(promise: nil)
    }
}
