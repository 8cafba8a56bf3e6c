import Foundation

/// The engine's notion of "now" and of waiting, replaceable so tests can jump hours ahead.
public protocol DeliveryClock: Sendable {
    func now() -> Date
    /// Waits until `date` (or less; callers re-check). Returns early on cancellation.
    func sleep(until date: Date) async
}

/// Wall-clock time.
public struct SystemDeliveryClock: DeliveryClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until date: Date) async {
        let seconds = date.timeIntervalSinceNow
        guard seconds > 0 else { return }
        try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
    }
}

/// A clock that only moves when told to; `sleep` yields briefly so loops stay responsive.
public final class ManualDeliveryClock: DeliveryClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(start: Date = Date()) {
        current = start
    }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    public func advance(by interval: TimeInterval) {
        lock.lock()
        current = current.addingTimeInterval(interval)
        lock.unlock()
    }

    public func sleep(until date: Date) async {
        try? await Task.sleep(for: .milliseconds(5))
    }
}
