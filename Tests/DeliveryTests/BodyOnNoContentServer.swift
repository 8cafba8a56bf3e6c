import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A keep-alive HTTP/1.1 server that answers `noContentPath` with a 204 carrying a body (which
/// a 204 cannot have, so a client leaves those bytes on the connection), `oncePerConnectionPath`
/// once per connection, and every other path with a plain 200. It counts the requests per path, duplicates included, and the connections.
final class BodyOnNoContentServer: Sendable {
    static let noContentPath = "/no-content"
    /// Answered once per connection: a second request on it finds the connection closed
    /// unanswered, as when an endpoint closes a kept-alive connection just as a request goes
    /// out on it.
    static let oncePerConnectionPath = "/once-per-connection"
    /// The key under which `counts` keeps the number of connections accepted.
    fileprivate static let connectionsKey = "connections"

    let port: Int
    private let channel: Channel
    private let counts: NIOLockedValueBox<[String: Int]>

    private init(channel: Channel, counts: NIOLockedValueBox<[String: Int]>) {
        self.channel = channel
        self.counts = counts
        port = channel.localAddress?.port ?? 0
    }

    static func start() async throws -> BodyOnNoContentServer {
        let counts = NIOLockedValueBox<[String: Int]>([:])
        let channel = try await startLoopbackServer { RawRequestHandler(counts: counts) }
        return BodyOnNoContentServer(channel: channel, counts: counts)
    }

    func url(path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func requests(to path: String) -> Int { counts.withLockedValue { $0[path, default: 0] } }

    var connections: Int { counts.withLockedValue { $0[Self.connectionsKey, default: 0] } }

    /// Connections whose first request was to `path`: a parallel test's client that reaches
    /// this port (once another test's) is not counted.
    func connections(to path: String) -> Int { counts.withLockedValue { $0[Self.connectionsKey + path, default: 0] } }

    func stop() async {
        try? await channel.close()
    }
}

/// Splits the byte stream into requests by their head and content-length, and answers each.
private final class RawRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let counts: NIOLockedValueBox<[String: Int]>
    private var pending: [UInt8] = []
    private var answered = 0
    private var requestsSeen = 0

    init(counts: NIOLockedValueBox<[String: Int]>) {
        self.counts = counts
    }

    func channelActive(context: ChannelHandlerContext) {
        counts.withLockedValue { $0[BodyOnNoContentServer.connectionsKey, default: 0] += 1 }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let request = nextRequest() {
            let first = requestsSeen == 0
            requestsSeen += 1
            counts.withLockedValue {
                $0[request, default: 0] += 1
                if first { $0[BodyOnNoContentServer.connectionsKey + request, default: 0] += 1 }
            }
            if request == BodyOnNoContentServer.oncePerConnectionPath, answered > 0 {
                context.close(promise: nil)
                return
            }
            answered += 1
            let answer = request == BodyOnNoContentServer.noContentPath
                ? "HTTP/1.1 204 No Content\r\ncontent-length: 11\r\n\r\nstatus body"
                : "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: answer)), promise: nil)
        }
    }

    /// The path of the next whole request in `pending`, which it removes.
    private func nextRequest() -> String? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = pending.indices.dropLast(3).first(where: { pending[$0..<$0 + 4].elementsEqual(separator) })
        else { return nil }
        let head = String(decoding: pending[..<headEnd], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let end = headEnd + 4 + length
        guard pending.count >= end else { return nil }
        pending.removeFirst(end)
        let requestLine = lines.first?.split(separator: " ") ?? []
        return requestLine.count > 1 ? String(requestLine[1]) : ""
    }
}
