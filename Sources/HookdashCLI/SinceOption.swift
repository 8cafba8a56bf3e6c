import ArgumentParser
import Foundation
import HookdashDomain

/// `--since`: how far back, as a duration ("90s", "30m", "2h", "7d") or a time
/// ("2026-11-29T12:00:00Z"), for recovering from an outage of known length.
struct SinceOption: ExpressibleByArgument, Sendable {
    /// A duration counts back from when the command runs.
    let start: @Sendable (_ now: Date) -> Date

    static let help = "Only deliveries created since then: a duration such as 30m, 2h or 7d, or an ISO-8601 time."

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if let time = Timestamp.parse(text) {
            start = { _ in time }
            return
        }
        guard let seconds = DurationText.seconds(text) else { return nil }
        start = { now in now.addingTimeInterval(-seconds) }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
