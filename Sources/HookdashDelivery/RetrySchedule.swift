import Foundation

/// SPEC §4: the first attempt is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
/// (8 attempts), each delay jittered by ±20 %.
public struct RetrySchedule: Sendable {
    public static let standardDelays: [TimeInterval] = [5, 300, 1800, 7200, 18000, 36000, 36000]

    public let delays: [TimeInterval]
    public let jitter: Double
    private let random: @Sendable () -> Double

    /// `random` yields values in 0..<1; tests pass a constant to pin the jitter.
    public init(
        delays: [TimeInterval] = standardDelays, jitter: Double = 0.2,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.delays = delays
        self.jitter = jitter
        self.random = random
    }

    public var maximumAttempts: Int { delays.count + 1 }

    /// The wait after the `failedAttempts`-th failure, or nil when the ladder is exhausted.
    public func delay(afterFailures failedAttempts: Int) -> TimeInterval? {
        guard failedAttempts >= 1, failedAttempts <= delays.count else { return nil }
        let base = delays[failedAttempts - 1]
        return base * (1 + jitter * (2 * random() - 1))
    }

    /// A 429's or 503's `Retry-After` can lengthen the ladder's next step, up to twice it (so
    /// one endpoint cannot park a delivery for days), but never shorten it: `Retry-After: 0`
    /// from an endpoint in a restart loop would spend all 8 attempts in a second.
    public func delay(afterFailures failedAttempts: Int, retryAfter: TimeInterval?) -> TimeInterval? {
        guard let laddered = delay(afterFailures: failedAttempts) else { return nil }
        guard let retryAfter, retryAfter >= 0 else { return laddered }
        return max(laddered, min(retryAfter, delays[failedAttempts - 1] * 2))
    }

    /// Parses `Retry-After` as delay-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return TimeInterval(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }
}
