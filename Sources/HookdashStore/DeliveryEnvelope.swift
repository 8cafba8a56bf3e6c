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

    /// The largest body an event may carry: with its envelope (about 150 bytes) it still fits
    /// nginx's default `client_max_body_size` of 1 MiB, which would answer 413 to more, on
    /// every retry.
    public static let maxBodyBytes = 1_000_000

    /// `data` trimmed of surrounding whitespace when it is one JSON object of at most
    /// `maxBodyBytes`; otherwise what is wrong with it, worded for the person who sent it.
    public static func checkedBody(_ data: Data) throws(BodyProblem) -> Data {
        // An editor's byte order mark and the file's surrounding whitespace are not part of
        // the object: kept, the BOM would land inside the envelope and make it invalid JSON.
        let bytes = Array(data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        var body = Data()
        if let first = bytes[start...].firstIndex(where: { !whitespace.contains($0) }),
           let last = bytes.lastIndex(where: { !whitespace.contains($0) }) {
            body = Data(bytes[first...last])
        }
        guard body.count <= maxBodyBytes else { throw .tooLarge(bytes: body.count) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch let error as JSONParseError {
            throw .notJSON(offset: error.offset, reason: error.reason)
        } catch {
            throw .notJSON(offset: nil, reason: "\(error)")
        }
        guard case .object = value else { throw .notObject(found: value.kindName) }
        // The ordered parser explains mistakes; JSONSerialization stays the final word on validity.
        guard (try? JSONSerialization.jsonObject(with: body)) is [String: Any] else {
            throw .notJSON(offset: nil, reason: "the system's JSON reader refuses it")
        }
        return body
    }

    public enum BodyProblem: Error, CustomStringConvertible, Equatable {
        case tooLarge(bytes: Int?)
        case notJSON(offset: Int?, reason: String)
        case notObject(found: String)

        public var description: String {
            switch self {
            case .tooLarge(let bytes):
                "the body is \(bytes.map { "\($0) bytes, " } ?? "")more than 1 MB (\(DeliveryEnvelope.maxBodyBytes) bytes), "
                    + "the most an event body may be: endpoints behind common proxy defaults refuse larger requests"
            case .notJSON(let offset, let reason):
                "the body is not valid JSON: \(reason)\(offset.map { " at byte \($0)" } ?? "")"
            case .notObject(let found):
                "the body must be a JSON object ({…}), not \(found)"
            }
        }
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
