import Foundation

enum Base64 {
    /// Standard base64, padding optional (some tools strip it from whsec_ secrets).
    static func decode(_ text: String) -> Data? {
        guard !text.isEmpty else { return Data() }
        var padded = text
        let remainder = padded.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { padded += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: padded)
    }
}
