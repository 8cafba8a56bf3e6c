import Foundation

/// Pretty-prints JSON for people (attempt bodies in the console and CLI), keeping key order;
/// anything that is not JSON is shown as text rather than hidden.
public enum JSONPretty {
    public static func format(_ data: Data) -> String {
        if let value = try? JSONValue.parse(data) { return value.pretty() }
        return String(decoding: data, as: UTF8.self)
    }
}
