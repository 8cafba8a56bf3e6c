import ArgumentParser
import Foundation
import HookdashDomain

/// `--since`: how far back, as a duration ("90s", "30m", "2h", "7d") or a time
/// ("2026-11-29T12:00:00Z"), for recovering from an outage of known length.
struct SinceOption: ExpressibleByArgument, Sendable {
    /// A duration counts back from when the command runs.
    let start: @Sendable (_ now: Date) -> Date

    static let help = "Only deliveries created since then: a duration such as 30m, 2h or 7d, or a time such as 2026-12-01 or 2026-12-01T09:30Z (UTC unless it names a zone)."

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if let time = Timestamp.parse(text) ?? Self.shorterTime(text) {
            start = { _ in time }
            return
        }
        guard let seconds = DurationText.seconds(text) else { return nil }
        start = { now in now.addingTimeInterval(-seconds) }
    }

    /// What people type when they mean a time: a date, or a time without seconds or zone
    /// (taken as UTC, as every time hookdash prints is).
    static func shorterTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mmXXXXX"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
