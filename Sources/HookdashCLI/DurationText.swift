import ArgumentParser
import Foundation

/// Durations as people type them: "90s", "30m", "2h", "7d".
enum DurationText {
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last.flatMap({ units[$0] }), let amount = Double(trimmed.dropLast()), amount >= 0,
              amount.isFinite
        else { return nil }
        return amount * unit
    }
}

/// `--disable-after`: how long every attempt to a webhook may fail before hookdash sets it
/// inactive ("5d", "12h"), or "never".
struct DisableAfterOption: ExpressibleByArgument, Sendable {
    /// nil: never.
    let seconds: TimeInterval?

    static let help = "Set a webhook Inactive once all its attempts have failed this long: 5d (default), 12h, or never."

    init?(argument: String) {
        if argument.trimmingCharacters(in: .whitespaces).lowercased() == "never" {
            seconds = nil
            return
        }
        guard let seconds = DurationText.seconds(argument), seconds > 0 else { return nil }
        self.seconds = seconds
    }

    /// ArgumentParser's own refusal ("The value '0s' is invalid") named no accepted form.
    static func parse(_ argument: String) throws -> DisableAfterOption {
        guard let option = DisableAfterOption(argument: argument) else {
            throw ValidationError("--disable-after: '\(argument)' is not a duration above zero such as 5d, 12h or 30m, or never")
        }
        return option
    }
}
