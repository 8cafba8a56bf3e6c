import Foundation
import Testing
@testable import HookdashCLI

/// `serve`'s closing summary when a webhook was deleted while its attempt was in flight.
@Suite struct ServeSummaryTests {
    @Test func anAttemptCancelledInFlightIsNotLeftToRetry() {
        // Counted first as to retry (as onAttempt reports it), then moved by cancelledInFlight.
        var totals = ServeReport.Totals(delivered: 1, retrying: 1, failed: 0)
        #expect(ServeReport.summary(totals) == "2 attempts: 1 delivered, 1 to retry, 0 failed")
        totals.retrying = 0
        totals.cancelled = 1
        #expect(ServeReport.summary(totals) == "2 attempts: 1 delivered, 0 to retry, 0 failed, 1 cancelled (webhook deleted)")
    }
}
