import Foundation
import Testing
@testable import HookdashCLI

/// When the details' 24 h summary is read again: it lagged the list under it by up to 10 s.
@Suite struct HealthRefreshTests {
    @Test func aChangeIsCountedAsSoonAsItsReadIsCheap() {
        // A quiet webhook's read costs a millisecond: a new attempt shows at the next refresh.
        #expect(EffectRunner.healthIsDue(waited: 0.5, lastCost: 0.001, changed: true))
        // A busy one's read costs 100 ms: re-read at most every 5 s, however often it changes.
        #expect(!EffectRunner.healthIsDue(waited: 2, lastCost: 0.1, changed: true))
        #expect(EffectRunner.healthIsDue(waited: 5, lastCost: 0.1, changed: true))
        // Nothing changed: only the day's window moves, every 10 s.
        #expect(!EffectRunner.healthIsDue(waited: 9, lastCost: 0.001, changed: false))
        #expect(EffectRunner.healthIsDue(waited: 10, lastCost: 0.001, changed: false))
        #expect(EffectRunner.healthIsDue(waited: 10, lastCost: 1, changed: true))
    }
}
