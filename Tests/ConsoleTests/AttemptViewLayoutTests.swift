import Foundation
import Testing
@testable import HookdashConsole
import HookdashUI

/// The attempt view of a large payload: wrapped once per width, not on every frame and key.
@Suite struct AttemptViewLayoutTests {
    /// An attempt view of a payload of about 1 MB whose lines are long enough to wrap.
    func bigAttemptView(width: Int = 100, height: Int = 30) -> ConsoleState {
        var state = Fixtures.apply(Fixtures.loaded(width: width, height: height), Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = Fixtures.apply(state, Fixtures.keys(.down, .enter)).0
        var attempt = Fixtures.attempt
        let line = "  \"note\": \"" + String(repeating: "lorem ipsum ", count: 25) + "\","
        attempt.requestBody = "{\n" + Array(repeating: line, count: 3_300).joined(separator: "\n") + "\n}"
        state = update(state, .attemptsLoaded(deliveryID: "d2", [attempt])).0
        return Fixtures.apply(state, Fixtures.keys(.enter)).0
    }

    func view(_ state: ConsoleState) throws -> AttemptViewState {
        guard case .attempt(let view) = state.topScreen else { throw CancellationError() }
        return view
    }

    @Test func itIsLaidOutForTheWidthWhenItOpensAndWhenTheWidthChanges() throws {
        var state = bigAttemptView()
        var layout = try #require(try view(state).layout)
        #expect(layout.columns == 98)
        #expect(layout.rows == AttemptViewState.wrap(try view(state).lines, columns: 98))
        state = update(state, .input(.resize(width: 70, height: 30))).0
        layout = try #require(try view(state).layout)
        #expect(layout.columns == 68)
        #expect(layout.rows == AttemptViewState.wrap(try view(state).lines, columns: 68))
        // G goes to the end of the rows as now wrapped.
        state = Fixtures.apply(state, Fixtures.keys(.character("G"))).0
        #expect(try view(state).scroll == layout.rows.count - 26)
    }

    /// Scrolled to the end and then given a screen that holds it all, the view kept its
    /// offset: the top stayed hidden, with no "of N" marker to say it was there.
    @Test func aLargerScreenScrollsBackWhatNowFits() throws {
        var state = Fixtures.apply(Fixtures.loaded(width: 100, height: 20), Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = Fixtures.apply(state, Fixtures.keys(.down, .enter)).0
        state = update(state, .attemptsLoaded(deliveryID: "d2", [Fixtures.attempt])).0
        state = Fixtures.apply(state, Fixtures.keys(.enter, .character("G"))).0
        let rows = try view(state).rows(width: 100).count
        #expect(rows > 16 && rows < 56, "the fixture needs scrolling at 20 rows but fits in 60 (\(rows))")
        #expect(try view(state).scroll == rows - 16)
        state = update(state, .input(.resize(width: 200, height: 60))).0
        #expect(try view(state).scroll == 0)
    }

    /// Each frame (one a second, with no key pressed) and each key wrapped the whole payload
    /// again: 20–28 % of a core on an idle screen, 110–200 ms a key. The wrapped rows are
    /// made once, when the view opens; ticks, keys and frames keep them (any change to the
    /// lines would drop them, `rows(width:)` would then wrap on every call).
    @Test func framesAndKeysDoNotWrapItAgain() throws {
        var state = bigAttemptView()
        let opened = try #require(try view(state).layout)
        var grid = Grid(width: state.width, height: state.height)
        for second in 1...20 {
            state = update(state, .tick(Fixtures.now.addingTimeInterval(Double(second)))).0
            render(state, into: &grid, theme: .dark)
            state = update(state, .input(.key(.character("j")))).0
            render(state, into: &grid, theme: .dark)
            #expect(try view(state).layout == opened, "still the rows wrapped when it opened")
        }
        #expect(try view(state).scroll == 20)
    }
}
