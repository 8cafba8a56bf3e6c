import Glibc
import Synchronization

/// The terminating signal received, if any. A signal handler may only touch async-signal-safe
/// state, so it just records the number; the console loop notices within one input tick,
/// restores the terminal and stops cleanly.
private let receivedSignal = Atomic<Int32>(0)

public enum TerminationSignals {
    /// Catches SIGINT, SIGTERM and SIGHUP (raw mode already turns Ctrl-C into a key).
    /// `keepingIgnored`: a signal this process was started ignoring stays ignored (`nohup`
    /// ignores SIGHUP so that a command outlives the terminal it was started from).
    public static func install(keepingIgnored: Bool = false) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGINT, SIGTERM, SIGHUP] {
            if keepingIgnored {
                var current = sigaction()
                sigaction(number, nil, &current)
                if let handler = current.__sigaction_handler.sa_handler,
                   unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            }
            signal(number) { received in
                receivedSignal.store(received, ordering: .relaxed)
            }
            sigaddset(&set, number)
        }
        // Worker threads (and, as measured, this one) may start with these blocked, which would
        // leave the signal pending forever; the console thread must take them so that its
        // input wait is interrupted and it can restore the terminal.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal number that asked the console to stop, or nil.
    public static var received: Int32? {
        let value = receivedSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
