import HookdashDomain

/// Header names of the Standard Webhooks v1 scheme.
public enum StandardWebhooksHeader {
    public static let id = "webhook-id"
    public static let timestamp = "webhook-timestamp"
    public static let signature = "webhook-signature"
}

/// Signs `"<id>.<timestamp>.<body>"` with HMAC-SHA256 and renders `v1,<base64>`.
public struct StandardWebhooksSigner: Sendable {
    public let key: SigningKey

    public init(key: SigningKey) {
        self.key = key
    }

    /// Nil when the secret is empty or malformed: such a webhook gets no signature header.
    public init?(secret: String) {
        guard let key = SigningKey(secret: secret) else { return nil }
        self.key = key
    }

    public func signature(messageID: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1," + Base64.encode(digest(messageID: messageID, timestamp: timestamp, body: body))
    }

    /// The `webhook-signature` value: the current secret's signature, then, during a rotation,
    /// one per old secret still signing (space-separated, as Standard Webhooks specifies), so
    /// receivers still on one keep verifying. Nil when the current secret signs nothing.
    public static func signatureHeader(
        secret: String?, previousSecrets: [String], messageID: String, timestamp: Int64, body: [UInt8]
    ) -> String? {
        guard let secret, let signer = StandardWebhooksSigner(secret: secret) else { return nil }
        return ([signer] + previousSecrets.compactMap(StandardWebhooksSigner.init(secret:)))
            .map { $0.signature(messageID: messageID, timestamp: timestamp, body: body) }
            .joined(separator: " ")
    }

    func digest(messageID: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        var signed = Array("\(messageID).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        return HMACSHA256.authenticate(signed, key: key.bytes)
    }
}

/// Checks a `webhook-signature` header, which may list several space-separated signatures
/// (for example during key rotation); one valid `v1` entry is enough.
public struct StandardWebhooksVerifier: Sendable {
    private let signer: StandardWebhooksSigner

    public init(key: SigningKey) {
        signer = StandardWebhooksSigner(key: key)
    }

    public init?(secret: String) {
        guard let signer = StandardWebhooksSigner(secret: secret) else { return nil }
        self.signer = signer
    }

    public func isValid(signatureHeader: String, messageID: String, timestamp: Int64, body: [UInt8]) -> Bool {
        let expected = signer.digest(messageID: messageID, timestamp: timestamp, body: body)
        var matched = false
        for candidate in signatureHeader.split(separator: " ", omittingEmptySubsequences: true) {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let provided = Base64.decode(String(parts[1])) else {
                continue
            }
            // Keep comparing after a match so timing does not reveal which entry matched.
            if ConstantTime.equals(expected, provided) { matched = true }
        }
        return matched
    }
}

/// Makes new webhook secrets: `whsec_` + base64 of 32 bytes from OpenSSL's CSPRNG.
public enum SecretGenerator {
    public static let keyLength = 32

    public static func generate() -> String {
        SigningKey.secretPrefix + Base64.encode(SecureRandom.bytes(count: keyLength))
    }
}
