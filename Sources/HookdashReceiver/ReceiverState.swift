import Foundation
import NIOCore

/// What the receiver has seen and how it should answer next, shared by all connections.
final class ReceiverState: Sendable {
    private struct Contents {
        var policy: ReceiverPolicy
        var requests: [RecordedRequest] = []
        var requestCount = 0
        var openChannels: [ObjectIdentifier: Channel] = [:]
    }

    private let contents: Locked<Contents>
    private let keepsRequests: Bool
    private let onRequest: (@Sendable (RecordedRequest) -> Void)?

    init(policy: ReceiverPolicy, keepsRequests: Bool, onRequest: (@Sendable (RecordedRequest) -> Void)?) {
        contents = Locked(Contents(policy: policy))
        self.keepsRequests = keepsRequests
        self.onRequest = onRequest
    }

    func nextResponse() -> ReceiverResponse {
        contents.withLock { $0.policy.nextResponse() }
    }

    func record(_ request: RecordedRequest) {
        contents.withLock {
            $0.requestCount += 1
            if keepsRequests { $0.requests.append(request) }
        }
        onRequest?(request)
    }

    var requests: [RecordedRequest] { contents.withLock { $0.requests } }
    var requestCount: Int { contents.withLock { $0.requestCount } }

    func setPolicy(_ policy: ReceiverPolicy) {
        contents.withLock { $0.policy = policy }
    }

    func track(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        contents.withLock { $0.openChannels[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.contents.withLock { _ = $0.openChannels.removeValue(forKey: key) }
        }
    }

    func takeOpenChannels() -> [Channel] {
        contents.withLock {
            let channels = Array($0.openChannels.values)
            $0.openChannels.removeAll()
            return channels
        }
    }
}
