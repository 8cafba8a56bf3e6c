import Glibc
import Synchronization

/// The terminating signal received, if any. A signal handler may only touch async-signal-safe
/// state, so it just records the number; the console loop notices within one input tick,
/// restores the terminal and stops cleanly.
private let receivedSignal = Atomic<Int32>(0)

public enum TerminationSignals {
    /// Catches SIGINT, SIGTERM and SIGHUP (raw mode already turns Ctrl-C into a key).
    public static func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number) { received in
                receivedSignal.store(received, ordering: .relaxed)
            }
        }
    }

    /// The signal number that asked the console to stop, or nil.
    public static var received: Int32? {
        let value = receivedSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
