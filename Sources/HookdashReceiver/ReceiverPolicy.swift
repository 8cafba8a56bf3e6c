import Foundation
import HookdashCrypto

/// One scripted answer.
public struct ReceiverResponse: Sendable, Equatable {
    public var status: Int
    public var delayMilliseconds: Int
    public var headers: [String: String]
    public var body: String

    public init(status: Int = 200, delayMilliseconds: Int = 0, headers: [String: String] = [:], body: String = "") {
        self.status = status
        self.delayMilliseconds = delayMilliseconds
        self.headers = headers
        self.body = body
    }

    public static func redirect(to location: String) -> ReceiverResponse {
        ReceiverResponse(status: 302, headers: ["location": location])
    }
}

/// How the receiver answers: a scripted sequence first (tests), then random failures at
/// `failRate`, then the default answer.
public struct ReceiverPolicy: Sendable, Equatable {
    public var defaultResponse: ReceiverResponse
    public var failRate: Double
    public var failureStatus: Int
    public var script: [ReceiverResponse]
    /// When set, a request whose signature does not verify with this secret (or has none) is
    /// answered 401, as a real endpoint would: a wrong or rotated-away secret then shows as
    /// failed deliveries, not as successes beside a ✗ in the receiver's output.
    public var rejectingUnverifiedWith: String?

    public init(
        defaultResponse: ReceiverResponse = ReceiverResponse(status: 200, body: "ok\n"),
        failRate: Double = 0,
        failureStatus: Int = 500,
        script: [ReceiverResponse] = [],
        rejectingUnverifiedWith secret: String? = nil
    ) {
        self.defaultResponse = defaultResponse
        self.failRate = failRate
        self.failureStatus = failureStatus
        self.script = script
        rejectingUnverifiedWith = secret
    }

    /// Picks the answer to `request`, consuming a scripted one when present.
    mutating func response(to request: RecordedRequest) -> ReceiverResponse {
        if let secret = rejectingUnverifiedWith,
           SignatureCheck.check(request, verifier: StandardWebhooksVerifier(secret: secret)) != .valid {
            return ReceiverResponse(status: 401, body: "signature did not verify\n")
        }
        if !script.isEmpty { return script.removeFirst() }
        if failRate > 0, Double.random(in: 0..<1) < failRate {
            var failure = defaultResponse
            failure.status = failureStatus
            failure.body = "simulated failure\n"
            return failure
        }
        return defaultResponse
    }
}
