import Foundation

/// "3m ago", "in 5s": how far a moment is from now, in the largest whole unit.
public enum RelativeTime {
    public static func describe(from date: Date, to now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        if seconds < 5 { return "just now" }
        return span(seconds) + " ago"
    }

    public static func describeFuture(_ date: Date, from now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now))
        return seconds <= 0 ? "now" : "in " + span(seconds)
    }

    public static func span(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}
