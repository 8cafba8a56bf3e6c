import HookdashDomain

/// The HMAC key derived from a webhook secret, per Standard Webhooks: a `whsec_` secret is
/// the base64 of the key; any other secret is used as its UTF-8 bytes.
public struct SigningKey: Sendable, Equatable {
    public static let secretPrefix = "whsec_"

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Nil for an empty secret (no signature is sent) or a `whsec_` secret whose tail is not base64.
    public init?(secret: String) {
        guard !secret.isEmpty else { return nil }
        if secret.hasPrefix(Self.secretPrefix) {
            let encoded = String(secret.dropFirst(Self.secretPrefix.count))
            guard let decoded = Base64.decode(encoded), !decoded.isEmpty else { return nil }
            bytes = decoded
        } else {
            bytes = Array(secret.utf8)
        }
    }
}
