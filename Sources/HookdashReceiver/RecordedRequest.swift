import Foundation

/// One request exactly as the receiver saw it.
public struct RecordedRequest: Sendable {
    public let method: String
    public let path: String
    /// In arrival order; names as sent.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    public let receivedAt: Date
    /// The status the receiver answered with (decided once the request was read whole).
    public var answeredStatus: Int
    /// How long after arrival the answer goes out (`listen --delay`).
    public var answerDelayMilliseconds = 0

    public init(
        method: String, path: String, headers: [(name: String, value: String)], body: [UInt8],
        receivedAt: Date, answeredStatus: Int
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
        self.answeredStatus = answeredStatus
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}
