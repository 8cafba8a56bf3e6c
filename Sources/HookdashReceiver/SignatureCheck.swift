import Foundation
import HookdashCrypto
import HookdashDomain

/// The outcome of checking a request's Standard Webhooks signature.
public enum SignatureCheck: Sendable, Equatable {
    case valid
    case invalid(reason: String)
    case absent
    /// No secret was given to check with.
    case unchecked

    public var symbol: String {
        switch self {
        case .valid: "✓"
        case .invalid: "✗"
        case .absent: "absent"
        case .unchecked: "unchecked"
        }
    }

    /// How far a `webhook-timestamp` may drift from now, as stock verifiers allow.
    public static let tolerance: TimeInterval = 300

    public static func check(
        _ request: RecordedRequest, verifier: StandardWebhooksVerifier?, now: Date = Date()
    ) -> SignatureCheck {
        guard let header = request.header(StandardWebhooksHeader.signature) else { return .absent }
        guard let verifier else { return .unchecked }
        guard let messageID = request.header(StandardWebhooksHeader.id) else {
            return .invalid(reason: "missing webhook-id")
        }
        guard let timestampText = request.header(StandardWebhooksHeader.timestamp),
              let timestamp = Int64(timestampText)
        else {
            return .invalid(reason: "missing or malformed webhook-timestamp")
        }
        guard verifier.isValid(signatureHeader: header, messageID: messageID, timestamp: timestamp, body: request.body)
        else {
            return .invalid(reason: "signature mismatch")
        }
        guard abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= tolerance else {
            return .invalid(reason: "timestamp outside ±5 min")
        }
        return .valid
    }
}

/// Formats one line per received request for `hookdash listen`.
public struct ListenLineFormatter: Sendable {
    private let verifier: StandardWebhooksVerifier?

    public init(secret: String?) {
        verifier = secret.flatMap { StandardWebhooksVerifier(secret: $0) }
    }

    public func line(for request: RecordedRequest) -> String {
        let envelope = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
        let event = envelope?["event"] as? String ?? "-"
        let messageID = envelope?["messageId"] as? String ?? request.header(StandardWebhooksHeader.id) ?? "-"
        let liveMode: String = switch envelope?["liveMode"] as? Bool {
        case true?: "live"
        case false?: "test"
        case nil: "-"
        }
        let check = SignatureCheck.check(request, verifier: verifier)
        var signature = "signature \(check.symbol)"
        if case .invalid(let reason) = check { signature += " (\(reason))" }
        // Whoever sent the request chose the path, event and message id.
        return TerminalSafe.text([
            // Printed on arrival: a delayed answer says so (the sender may give up first).
            Timestamp.clock(request.receivedAt), request.method, request.path,
            "→ \(request.answeredStatus)" + (request.answerDelayMilliseconds > 0 ? " after \(request.answerDelayMilliseconds) ms" : ""),
            event, messageID, liveMode, signature,
        ].joined(separator: "  "))
    }
}
