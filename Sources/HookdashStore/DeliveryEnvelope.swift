import Foundation
import HookdashDomain

/// Builds the SPEC §2 envelope bytes, keys in the specified order:
/// `event`, `liveMode`, `messageId`, `timestamp`, `body`. The body's own bytes are embedded
/// verbatim, so a sender's key order survives.
public enum DeliveryEnvelope {
    public static func encode(
        eventType: String, liveMode: Bool, messageID: String, timestamp: Date, body: Data
    ) -> Data {
        var out = Data()
        out.append(contentsOf: Array(#"{"event":"#.utf8))
        out.append(contentsOf: jsonString(eventType))
        out.append(contentsOf: Array(#","liveMode":"#.utf8))
        out.append(contentsOf: Array((liveMode ? "true" : "false").utf8))
        out.append(contentsOf: Array(#","messageId":"#.utf8))
        out.append(contentsOf: jsonString(messageID))
        out.append(contentsOf: Array(#","timestamp":"#.utf8))
        out.append(contentsOf: jsonString(iso8601(timestamp)))
        out.append(contentsOf: Array(#","body":"#.utf8))
        out.append(body)
        out.append(contentsOf: Array("}".utf8))
        return out
    }

    /// Whole-second UTC, as in the specification's example ("2022-04-05T12:46:17Z").
    public static func iso8601(_ date: Date) -> String {
        Timestamp.iso8601(date)
    }

    /// Validates that `data` is one JSON object and returns it trimmed of surrounding whitespace.
    public static func objectBody(_ data: Data) -> Data? {
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else { return nil }
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        let bytes = Array(data)
        guard let first = bytes.firstIndex(where: { !whitespace.contains($0) }),
              let last = bytes.lastIndex(where: { !whitespace.contains($0) })
        else { return nil }
        return Data(bytes[first...last])
    }

    private static func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array(#"\""#.utf8)
            case "\\": out += Array(#"\\"#.utf8)
            case "\n": out += Array(#"\n"#.utf8)
            case "\r": out += Array(#"\r"#.utf8)
            case "\t": out += Array(#"\t"#.utf8)
            case _ where scalar.value < 0x20:
                out += Array(String(format: "\\u%04x", scalar.value).utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        out.append(0x22)
        return out
    }
}
