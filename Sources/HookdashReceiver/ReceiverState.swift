import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// What the receiver has seen and how it should answer next, shared by all connections.
final class ReceiverState: Sendable {
    private struct Contents {
        var policy: ReceiverPolicy
        var requests: [RecordedRequest] = []
        var requestCount = 0
        var openChannels: [ObjectIdentifier: Channel] = [:]
    }

    private let contents: NIOLockedValueBox<Contents>
    private let keepsRequests: Bool
    private let onRequest: (@Sendable (RecordedRequest) -> Void)?

    init(policy: ReceiverPolicy, keepsRequests: Bool, onRequest: (@Sendable (RecordedRequest) -> Void)?) {
        contents = NIOLockedValueBox(Contents(policy: policy))
        self.keepsRequests = keepsRequests
        self.onRequest = onRequest
    }

    func response(to request: RecordedRequest) -> ReceiverResponse {
        contents.withLockedValue { $0.policy.response(to: request) }
    }

    func record(_ request: RecordedRequest) {
        contents.withLockedValue {
            $0.requestCount += 1
            if keepsRequests { $0.requests.append(request) }
        }
        onRequest?(request)
    }

    var requests: [RecordedRequest] { contents.withLockedValue { $0.requests } }
    var requestCount: Int { contents.withLockedValue { $0.requestCount } }

    func setPolicy(_ policy: ReceiverPolicy) {
        contents.withLockedValue { $0.policy = policy }
    }

    func track(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        contents.withLockedValue { $0.openChannels[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.contents.withLockedValue { _ = $0.openChannels.removeValue(forKey: key) }
        }
    }

    func takeOpenChannels() -> [Channel] {
        contents.withLockedValue {
            let channels = Array($0.openChannels.values)
            $0.openChannels.removeAll()
            return channels
        }
    }
}
