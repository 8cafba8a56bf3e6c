import Foundation
import HookdashCrypto

/// An attempt's request, kept to be sent again by hand (`c` in an attempt).
public struct RequestReplay: Equatable, Sendable {
    public struct Header: Equatable, Sendable {
        public let name: String
        public let value: String
    }

    public var url = ""
    public var headers: [Header] = []
    public var body = ""
    public var messageID = ""
    public var webhookID = ""

    public init() {}

    init(url: String, headers: [(String, String)], body: String, messageID: String, webhookID: String) {
        self.url = url
        self.headers = headers.map { Header(name: $0.0, value: $0.1) }
        self.body = body
        self.messageID = messageID
        self.webhookID = webhookID
    }

    /// The request as a curl command, timestamped and signed at `now` with the webhook's
    /// current secret: the attempt's own signature is refused by receivers five minutes on.
    /// During a rotation the old secrets sign too, as deliveries do, so a receiver not yet
    /// switched accepts the copy as it accepted the original.
    func curl(secret: String?, previousSecrets: [String] = [], at now: Date) -> String {
        let timestamp = Int64(now.timeIntervalSince1970)
        var headers = self.headers.filter {
            ![StandardWebhooksHeader.timestamp, StandardWebhooksHeader.signature].contains($0.name.lowercased())
        }.map { ($0.name, $0.value) }
        headers.append((StandardWebhooksHeader.timestamp, String(timestamp)))
        if let signatures = StandardWebhooksSigner.signatureHeader(
            secret: secret, previousSecrets: previousSecrets, messageID: messageID, timestamp: timestamp, body: Array(body.utf8)) {
            headers.append((StandardWebhooksHeader.signature, signatures))
        }
        return CurlCommand.replaying(url: url, headers: headers, body: body)
    }
}

/// A shell command that sends a request again, byte for byte, for replaying it by hand
/// against a receiver being debugged.
enum CurlCommand {
    static func replaying(url: String, headers: [(String, String)], body: String) -> String {
        var parts = ["curl", "-sS", "-X", "POST", quote(url)]
        for (name, value) in headers { parts += ["-H", quote("\(name): \(value)")] }
        parts += ["--data-binary", quote(body)]
        return parts.joined(separator: " ")
    }

    /// POSIX shell single quotes: nothing inside is special but the quote itself.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
