import Foundation
import HookdashDelivery
import HookdashDomain
import HookdashStore
import Synchronization

/// What `hookdash serve` tells the person running it: a line per attempt when its output is
/// a terminal (a script's log would fill with them), and on stopping what happened in all.
final class ServeReport: Sendable {
    struct Totals: Equatable {
        var delivered = 0
        var retrying = 0
        var failed = 0
        /// Attempts whose webhook was deleted while they were in flight.
        var cancelled = 0
        var attempts: Int { delivered + retrying + failed + cancelled }
    }

    private let totals = Mutex(Totals())
    private let printsAttempts: Bool

    init(printsAttempts: Bool) {
        self.printsAttempts = printsAttempts
    }

    func record(_ report: AttemptReport) {
        totals.withLock { totals in
            switch report.transition {
            case .succeeded: totals.delivered += 1
            case .retry: totals.retrying += 1
            case .failed: totals.failed += 1
            }
        }
        if printsAttempts {
            // One write per line, so lines from concurrent attempts never interleave.
            StandardStream.write(Self.line(report, now: Date()) + "\n", to: .standardOutput)
        }
    }

    /// Counted as to retry or failed when it ended, but its webhook had been deleted meanwhile:
    /// nothing is left to retry ("1 to retry" sat beside an empty queue).
    func cancelledInFlight(_ deliveryID: String, reportedAs transition: DeliveryTransition) {
        totals.withLock { totals in
            switch transition {
            case .retry: totals.retrying -= 1
            case .failed: totals.failed -= 1
            case .succeeded: return
            }
            totals.cancelled += 1
        }
        if printsAttempts {
            StandardStream.write("  delivery \(deliveryID): its webhook was deleted meanwhile, so it is cancelled\n", to: .standardOutput)
        }
    }

    var summary: String { Self.summary(totals.withLock { $0 }) }

    static func summary(_ totals: Totals) -> String {
        guard totals.attempts > 0 else { return "no attempts" }
        let attempts = totals.attempts == 1 ? "1 attempt" : "\(totals.attempts) attempts"
        return "\(attempts): \(totals.delivered) delivered, \(totals.retrying) to retry, \(totals.failed) failed"
            + (totals.cancelled > 0 ? ", \(totals.cancelled) cancelled (webhook deleted)" : "")
    }

    static func line(_ report: AttemptReport, now: Date) -> String {
        let outcome: String = switch report.transition {
        case .succeeded:
            "✓ \(report.statusCode ?? 200) in \(report.durationMilliseconds) ms"
        case .retry(let date):
            "✗ \(report.failure ?? "failed") · retry \(RelativeTime.describeFuture(date, from: now))"
        case .failed:
            "✗ \(report.failure ?? "failed") · no more retries"
        }
        // The URL and the failure text come from the webhook's owner and the endpoint.
        return TerminalSafe.text(
            [Timestamp.clock(report.startedAt), report.eventType, "→ \(report.url)", outcome].joined(separator: "  "))
    }
}
