import Foundation

/// ISO-8601 UTC timestamps at whole seconds, the only form the SPEC uses.
public enum Timestamp {
    public static func iso8601(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)
        )
    }

    /// When a change made at `now` is stamped, given the record's last `updatedAt`: a later
    /// second than that one always. Times are kept to the second (SPEC §1), and an import
    /// tells an older export from the database by `updatedAt`: an edit in the same second
    /// as the export looked no newer than it, and re-importing the export undid it.
    public static func change(at now: Date, after previous: Date) -> Date {
        let second = now.timeIntervalSince1970.rounded(.down)
        let last = previous.timeIntervalSince1970.rounded(.down)
        return Date(timeIntervalSince1970: second > last ? second : last + 1)
    }

    /// `HH:MM:SS.mmmZ`, UTC: the time of day on lines printed as things happen (`listen`, `serve`).
    public static func clock(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var time = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%02d:%02d:%02d.%03dZ", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec),
            Int(milliseconds % 1000))
    }

    /// Accepts `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        // The canonical shape is decided here alone: a formatter would roll 31 February over.
        if text.utf8.count == 20, text.hasSuffix("Z") { return parseCanonical(text) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The form this program writes (`YYYY-MM-DDTHH:MM:SSZ`), parsed by arithmetic: the store
    /// reads two per webhook, and with 10,000 webhooks a formatter (seconds) or even libc's
    /// timegm (tens of milliseconds) showed in the console's start-up.
    static func parseCanonical(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parseCanonical(utf8: UnsafeRawBufferPointer($0)) }
    }

    private static func parseCanonical(utf8 bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
              bytes[16] == 0x3A, bytes[19] == 0x5A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 0x30
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Now, truncated to the second, so a stored value equals its printed form.
    public static func now() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    }
}
