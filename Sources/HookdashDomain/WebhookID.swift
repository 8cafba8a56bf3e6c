import Foundation

/// Webhook ids are lowercase UUID v4 strings (SPEC §1).
public enum WebhookID {
    public static func generate() -> String { UUID().uuidString.lowercased() }

    public static func isValid(_ text: String) -> Bool {
        guard text == text.lowercased(), let uuid = UUID(uuidString: text) else { return false }
        // Version nibble 4 and the RFC 4122 variant, as UUID v4 requires.
        let bytes = uuid.uuid
        return bytes.6 >> 4 == 4 && (bytes.8 & 0xC0) == 0x80
    }
}
