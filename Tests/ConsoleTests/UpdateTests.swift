import Foundation
import Testing
@testable import HookdashConsole
import HookdashCrypto
import HookdashUI

@Suite struct FormEditingTests {
    func openForm(_ state: ConsoleState) -> FormState? {
        if case .form(let form) = state.topScreen { return form }
        return nil
    }

    @Test func typingEditsAtTheCursorWithWideCharacters() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(),
            Fixtures.keys(.character("n")) + Fixtures.type("日本x") + Fixtures.keys(.left, .left, .backspace)
                + Fixtures.type("ab") + Fixtures.keys(.home, .delete, .end) + Fixtures.type("!"))
        let form = try #require(openForm(state))
        #expect(form.name.text == "b本x!")
        #expect(form.name.cursor == 4)
    }

    @Test func ctrlWDeletesTheWordBeforeTheCursor() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab)
            + Fixtures.type("https://example.com/hooks/in") + Fixtures.keys(.control("w"))).0
        #expect(try #require(openForm(state)).url.text == "https://example.com/hooks/")
        state = Fixtures.apply(state, Fixtures.keys(.control("w"), .control("w"))).0
        #expect(try #require(openForm(state)).url.text == "https://example.")
        // From the middle: only what is before the cursor goes.
        state = Fixtures.apply(state, Fixtures.keys(.left, .control("w"))).0
        let form = try #require(openForm(state))
        #expect(form.url.text == "https://.")
        #expect(form.url.cursor == 8)
        // The filter and the details' search are text fields too.
        state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type("relay sl")
            + Fixtures.keys(.control("w"))).0
        #expect(state.filter.text == "relay ")
    }

    /// Readline's habits: Alt-b and Alt-f move by word, Alt-Backspace deletes one; any other
    /// Alt-key is ignored (it used to be read as Esc, and a changed form asked to discard).
    @Test func altKeysMoveAndDeleteByWord() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n")) + Fixtures.type("Orders to ERP")
            + Fixtures.keys(.alt(.character("b")), .alt(.character("b")))).0
        #expect(try #require(openForm(state)).name.cursor == 7)
        state = Fixtures.apply(state, Fixtures.keys(.alt(.character("f")), .alt(.backspace))).0
        var form = try #require(openForm(state))
        #expect(form.name.text == "Orders  ERP")
        #expect(form.name.cursor == 7)
        state = Fixtures.apply(state, Fixtures.keys(.alt(.character("x")), .alt(.character("q")), .alt(.enter))).0
        form = try #require(openForm(state))
        #expect(form.name.text == "Orders  ERP")
        #expect(!form.isConfirmingDiscard)
    }

    @Test func pasteInsertsTextAndFlattensNewlines() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab)
            + [.input(.paste("https://example.com/\nhooks"))])
        let form = try #require(openForm(state))
        #expect(form.url.text == "https://example.com/ hooks")
        #expect(form.name.text.isEmpty)
    }

    /// A paste used to arrive as keystrokes: its line break was Enter, and moved on to the URL.
    @Test func aPastedLineBreakIsASpaceAndFocusStays() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"))
            + [.input(.paste("Line1\r\nLine2\tend"))])
        let form = try #require(openForm(state))
        #expect(form.name.text == "Line1 Line2 end")
        #expect(form.focus == .name)
    }

    @Test func aPastedURLOrSecretLosesTheWhitespaceAroundIt() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab)
            + [.input(.paste("  https://example.com/hooks\n"))] + Fixtures.keys(.tab)
            + [.input(.paste("whsec_c2VjcmV0\r\n"))])
        let form = try #require(openForm(state))
        #expect(form.url.text == "https://example.com/hooks")
        #expect(form.secret.text == "whsec_c2VjcmV0")
    }

    @Test func aPasteIsCutToTheFieldsLimitAndSaysSo() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n")) + Fixtures.type("ab")
            + Fixtures.keys(.left) + [.input(.paste(String(repeating: "x", count: 150)))])
        let form = try #require(openForm(state))
        #expect(form.name.text == "a" + String(repeating: "x", count: 98) + "b")
        #expect(state.toasts.last?.text == "Pasted text cut to fit: the field takes 100 characters")
        // Typing stops there too.
        let typed = Fixtures.apply(state, Fixtures.type("y")).0
        #expect(try #require(openForm(typed)).name.text.count == 100)
    }

    @Test func aPasteOutsideATextFieldIsIgnored() throws {
        // On the dashboard its letters were commands: q quit, d asked to delete.
        var state = Fixtures.apply(Fixtures.loaded(), [.input(.paste("dq"))]).0
        #expect(!state.shouldQuit)
        #expect(state.overlay == nil)
        #expect(state.toasts.last?.text == "Paste ignored: pasted text goes into a text field")
        // On a form's checkbox or button it is ignored too.
        state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e"), .backTab)
            + [.input(.paste("q x"))]).0
        let form = try #require(openForm(state))
        #expect(form.focus == .cancel)
        #expect(!form.isDirty)
        // The filter takes it.
        state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + [.input(.paste("relay\n"))]).0
        #expect(state.filter.text == "relay")
    }

    @Test func tabAndShiftTabCycleThroughEveryField() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"))).0
        var seen: [FormState.Focus] = []
        for _ in 0..<8 {
            seen.append(try #require(openForm(state)).focus)
            state = update(state, .input(.key(.tab))).0
        }
        #expect(seen == [.name, .url, .secret, .event(0), .event(1), .status, .save, .cancel])
        #expect(try #require(openForm(state)).focus == .name, "Tab wraps around")
        state = update(state, .input(.key(.backTab))).0
        #expect(try #require(openForm(state)).focus == .cancel)
    }

    @Test func spaceTogglesCheckboxesAndStatus() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab, .tab, .tab,
                                                                          .character(" "), .tab, .tab, .character(" ")))
        let form = try #require(openForm(state))
        #expect(form.events == ["job.status"])
        #expect(form.active == false)
    }

    @Test func saveSubmitsTheFieldsInTheDomainsEventOrder() {
        let (_, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n")) + Fixtures.type("A")
            + Fixtures.keys(.tab) + Fixtures.type("https://a.example") + Fixtures.keys(.tab, .tab, .tab, .character(" "),
                                                                                        .backTab, .character(" "), .control("s")))
        #expect(effects == [.save(FormSubmission(webhookID: nil, expectedVersion: nil, name: "A", url: "https://a.example",
                                                 secret: "", events: ["job.status", "order.status"], active: true))])
    }

    @Test func savedReturnsToTheDashboardWithTheRowSelected() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .control("s"))).0
        let row = WebhookRow(id: "new", name: "New one", url: "https://n.example", events: ["job.status"])
        state = update(state, .saved(row)).0
        #expect(state.topScreen == nil)
        #expect(state.selectedWebhookID == "new")
        #expect(state.toasts.last?.text == "Created “New one”")
    }

    /// A filter the saved row no longer matched vanished without a word.
    @Test func aSaveThatClearsTheFilterSaysSo() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type("billing")
            + Fixtures.keys(.enter, .character("e"), .control("s"))).0
        var row = Fixtures.webhooks[0]
        row.name = "Invoices"
        row.url = "https://invoices.example.com/"
        row.version = 2
        state = update(state, .saved(row)).0
        #expect(state.filter.text.isEmpty && state.visibleWebhooks.count == 4)
        #expect(state.toasts.last?.text == "Saved “Invoices”; the filter “billing” was cleared to show it")
    }

    @Test func savingANewSecretSaysTheOldOneStillSigns() {
        // Edit Billing (it has a secret), generate a new one (Ctrl-G's effect answers), save.
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e"))).0
        state = update(state, .secretGenerated("whsec_bmV3")).0
        state = Fixtures.apply(state, Fixtures.keys(.control("s"))).0
        var row = Fixtures.webhooks[0]
        row.secret = "whsec_bmV3"
        row.version = 2
        row.previousSecretUntil = Fixtures.now.addingTimeInterval(86_400)
        state = update(state, .saved(row)).0
        #expect(state.toasts.last?.text == "Saved “Billing”; the old secret also signs for a day")

        // A save that leaves the secret alone says nothing about it.
        state = Fixtures.apply(state, Fixtures.keys(.character("e"), .control("s"))).0
        state = update(state, .saved(row)).0
        #expect(state.toasts.last?.text == "Saved “Billing”")
    }

    @Test func rejectedSaveShowsMessagesAndFocusesTheFirstBadField() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"))).0
        state = update(state, .saveRejected([.url: "HTTPS is required", .events: "Select at least one event"])).0
        let form = try #require(openForm(state))
        #expect(form.focus == .url)
        #expect(form.errors[.url] == "HTTPS is required")
        state = Fixtures.apply(state, Fixtures.type("x")).0
        #expect(try #require(openForm(state)).errors[.url] == nil, "editing a field clears its message")
    }

    @Test func leavingAFieldValidatesItWithTheDomainsRules() throws {
        // Tabbing through untouched fields says nothing.
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab, .tab)).0
        #expect(try #require(openForm(state)).errors.isEmpty)

        // A plain-http URL is refused as focus leaves it, beside the URL, before any save.
        state = Fixtures.apply(state, Fixtures.keys(.backTab) + Fixtures.type("http://example.com/hooks") + Fixtures.keys(.tab)).0
        var form = try #require(openForm(state))
        #expect(form.focus == .secret)
        #expect(form.errors == [.url: "HTTPS is required"])

        // Typing in the field clears its message; leaving it valid keeps it clear.
        state = Fixtures.apply(state, Fixtures.keys(.backTab, .home, .right, .right, .right, .right) + Fixtures.type("s")).0
        #expect(try #require(openForm(state)).errors.isEmpty)
        state = Fixtures.apply(state, Fixtures.keys(.tab)).0
        form = try #require(openForm(state))
        #expect(form.url.text == "https://example.com/hooks")
        #expect(form.errors.isEmpty)

        // Editing: a name cleared is "required" once left (Down moves on like Tab).
        state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e"), .end)
            + Array(repeating: ConsoleAction.input(.key(.backspace)), count: "Billing".count) + Fixtures.keys(.down)).0
        #expect(try #require(openForm(state)).errors == [.name: "Name is required"])
    }

    @Test func devModeFormAcceptsLoopbackHTTPAsSavingWill() throws {
        var state = Fixtures.loaded()
        state.devMode = true
        state = Fixtures.apply(state, Fixtures.keys(.character("n"), .tab) + Fixtures.type("http://127.0.0.1:9000/hooks") + Fixtures.keys(.tab)).0
        #expect(try #require(openForm(state)).errors.isEmpty)
        state.devMode = false
        state = Fixtures.apply(state, Fixtures.keys(.backTab) + Fixtures.type("/") + Fixtures.keys(.tab)).0
        #expect(try #require(openForm(state)).errors[.url] != nil)
    }

    /// With the database file removed or replaced under the console, nothing is written to
    /// the orphaned file (it is lost at quit): the form keeps what was typed and says why.
    @Test func nothingIsWrittenOnceTheDatabaseFileIsLost() throws {
        var state = update(Fixtures.loaded(), .databaseFileLost("removed")).0
        var effects: [ConsoleEffect]
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("n")) + Fixtures.type("After rm") + Fixtures.keys(.control("s")))
        #expect(effects.isEmpty)
        let form = try #require(openForm(state))
        #expect(form.name.text == "After rm" && !form.isSaving)
        #expect(form.banner == "Not saved: the database file was removed. Quit and start again.")
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.escape, .character("y"), .character("t")))
        #expect(effects.isEmpty, "no test event either")
        #expect(state.toasts.last?.text.hasPrefix("Not done: the database file was removed") == true)
        #expect(!state.toasts.contains { $0.inProgress != nil }, "no 'Sending…' left behind")
    }

    @Test func qTypesInTextFieldsAndBacksOutElsewhere() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n")) + Fixtures.type("q")).0
        #expect(try #require(openForm(state)).name.text == "q")
        // On the events, q asks before throwing the typed name away.
        state = Fixtures.apply(state, Fixtures.keys(.tab, .tab, .tab, .character("q"))).0
        #expect(try #require(openForm(state)).isConfirmingDiscard)
        state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab, .tab, .tab, .character("q"))).0
        #expect(state.topScreen == nil, "an untouched form closes at once")
    }

    /// The footer said "? help", yet ? did nothing in the form.
    @Test func helpOpensFromTheFormAndClosesBackToIt() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n")) + Fixtures.type("Jobs?")).0
        #expect(state.overlay == nil, "? is typed in a text field")
        #expect(try #require(openForm(state)).name.text == "Jobs?")
        state = Fixtures.apply(state, Fixtures.keys(.function(1))).0
        #expect(helpShows("Form", state), "F1 opens the help from a text field, at the form's keys")
        state = Fixtures.apply(state, Fixtures.keys(.escape)).0
        #expect(state.overlay == nil)
        state = Fixtures.apply(state, Fixtures.keys(.tab, .tab, .tab, .character(" "), .character("?"))).0
        #expect(helpShows("Form", state), "? opens the help from a checkbox")
        state = Fixtures.apply(state, Fixtures.keys(.character("?"))).0
        #expect(state.overlay == nil)
        let form = try #require(openForm(state))
        #expect(form.name.text == "Jobs?" && form.events == ["job.status"] && form.focus == .event(0))
        #expect(!form.isConfirmingDiscard)
        for focus in [Key.tab, .tab, .tab] {
            state = Fixtures.apply(state, Fixtures.keys(focus, .character("?"))).0
            #expect(helpShows("Form", state), "status, Save and Cancel")
            state = Fixtures.apply(state, Fixtures.keys(.escape)).0
        }
        // The filter's text field, too.
        state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type("?")
            + Fixtures.keys(.function(1))).0
        #expect(state.filter.text == "?" && state.overlay == .help(scroll: 0), "the dashboard's keys come first")
    }

    /// The section of the help's first visible line.
    func helpSection(_ state: ConsoleState) -> String? {
        guard case .help(let scroll) = state.overlay else { return nil }
        return HelpText.wrapped(width: state.width).prefix(scroll + 1).last { !$0.section.isEmpty }?.section
    }

    /// Whether the help is open with `section`'s first line in view.
    func helpShows(_ section: String, _ state: ConsoleState) -> Bool {
        guard case .help(let scroll) = state.overlay else { return false }
        let visible = HelpText.visibleLines(width: state.width, height: state.height)
        return HelpText.wrapped(width: state.width).dropFirst(scroll).prefix(visible).contains { $0.section == section }
    }

    /// The help opened at the dashboard's keys over every screen; from details it opens at theirs.
    @Test func helpOpensAtTheKeysOfTheScreenItIsOver() {
        let details = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter, .character("?"))).0
        #expect(helpSection(details) == "Details")
        #expect(helpSection(Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("?"))).0) == "Move")
        // Its end still fills the box: no scrolling past the last line.
        let small = Fixtures.apply(Fixtures.loaded(width: 60, height: 16), Fixtures.keys(.enter, .character("?"))).0
        guard case .help(let scroll) = small.overlay else { Issue.record("no help"); return }
        #expect(scroll <= HelpText.wrapped(width: 60).count - HelpText.visibleLines(width: 60, height: 16))
    }

    /// → and l open a webhook from the dashboard, as they open a delivery from its details.
    @Test func rightAndLOpenFromTheDashboardToo() {
        for key in [Key.right, .character("l")] {
            let (state, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(key))
            #expect(state.topScreen == .details(DetailsState(webhookID: Fixtures.webhooks[0].id)))
            #expect(effects == [.loadDeliveries(webhookID: Fixtures.webhooks[0].id)])
        }
    }

    @Test func escOnAnUntouchedFormLeavesAtOnce() {
        let state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .escape)).0
        #expect(state.topScreen == nil)
    }

    @Test func escOnAChangedFormAsksFirst() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e")) + Fixtures.type("!") + Fixtures.keys(.escape)).0
        #expect(try #require(openForm(state)).isConfirmingDiscard)
        state = update(state, .input(.key(.character("n")))).0
        #expect(try #require(openForm(state)).isConfirmingDiscard == false)
        #expect(try #require(openForm(state)).name.text == "Billing!")
        state = Fixtures.apply(state, Fixtures.keys(.escape, .character("y"))).0
        #expect(state.topScreen == nil)
        #expect(state.webhooks[0].name == "Billing")
    }

    /// Ctrl-C quits at once, unless that would throw typed changes away: then it asks, and a
    /// second Ctrl-C (or y) is the answer.
    @Test func ctrlCOnAChangedFormAsksBeforeQuitting() throws {
        let untouched = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .control("c"))).0
        #expect(untouched.shouldQuit)

        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e")) + Fixtures.type("!") + Fixtures.keys(.control("c"))).0
        #expect(!state.shouldQuit)
        #expect(try #require(openForm(state)).isConfirmingDiscard)
        #expect(try #require(openForm(state)).discardQuits)
        state = update(state, .input(.key(.character("n")))).0
        #expect(!state.shouldQuit)
        #expect(try #require(openForm(state)).name.text == "Billing!", "still editing, nothing lost")
        // Esc's question afterwards only discards.
        state = Fixtures.apply(state, Fixtures.keys(.escape)).0
        #expect(try #require(openForm(state)).discardQuits == false)
        state = Fixtures.apply(state, Fixtures.keys(.character("n"), .control("c"), .control("c"))).0
        #expect(state.shouldQuit)
        let answeredYes = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e")) + Fixtures.type("!") + Fixtures.keys(.control("c"), .character("y"))).0
        #expect(answeredYes.shouldQuit)
    }

    /// A save the database keeps waiting is submitted once, and only its own form closes.
    @Test func aWaitingSaveIsSubmittedOnceAndClosesOnlyItsForm() throws {
        var (state, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e")) + Fixtures.type("!") + Fixtures.keys(.control("s")))
        #expect(effects.count == 1)
        #expect(try #require(openForm(state)).isSaving)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.control("s")))
        #expect(effects.isEmpty, "no second save while the first waits")
        state = update(state, .saveFailed("database error: the database is busy")).0
        #expect(try #require(openForm(state)).isSaving == false)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.control("s")))
        #expect(effects.count == 1, "a failed save can be tried again")

        // Left while waiting: another form opened meanwhile stays open when the save lands.
        state = Fixtures.apply(state, Fixtures.keys(.escape, .character("y"), .character("n"))).0
        #expect(try #require(openForm(state)).mode == .create)
        var saved = Fixtures.webhooks[0]
        saved.name = "Billing!"
        state = update(state, .saved(saved)).0
        #expect(openForm(state) != nil)
        #expect(state.toasts.last?.text == "Saved “Billing!”")
        #expect(state.webhooks.contains { $0.name == "Billing!" })
    }

    /// Ctrl-L paints the screen again everywhere; in a form with a version saved elsewhere it
    /// takes that version instead (see the stale-edit tests).
    @Test func ctrlLRedraws() {
        let loaded = Fixtures.loaded()
        #expect(Fixtures.apply(loaded, Fixtures.keys(.control("l"))).1 == [.redraw])
        #expect(Fixtures.apply(loaded, Fixtures.keys(.enter, .control("l"))).1.last == .redraw)
        #expect(Fixtures.apply(loaded, Fixtures.keys(.character("?"), .control("l"))).1 == [.redraw])
        #expect(Fixtures.apply(loaded, Fixtures.keys(.character("e"), .control("l"))).1.last == .redraw)
    }

    /// Another operator saved meanwhile: Ctrl-L moves the form onto their version, keeping
    /// what was typed here, so neither change is lost.
    @Test func staleEditTakesTheirVersionAndKeepsYourEdits() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e"), .end) + Fixtures.type(" (prod)")).0
        var changed = Fixtures.webhooks[0]
        changed.url = "https://billing.example.com/hooks/v2"
        changed.version = 2
        state = update(state, .staleEdit(current: changed)).0
        #expect(try #require(openForm(state)).banner
            == "Changed elsewhere: ^L takes it, keeping your edits — URL https://billing.example.com/hooks/v2")
        state = update(state, .input(.key(.control("l")))).0
        let merged = try #require(openForm(state))
        #expect(merged.name.text == "Billing (prod)", "yours")
        #expect(merged.url.text == "https://billing.example.com/hooks/v2", "theirs")
        #expect(merged.mode == .edit(webhookID: changed.id, version: 2))
        #expect(merged.isDirty && merged.hasChanged(.name) && !merged.hasChanged(.url))
        let effects = update(state, .input(.key(.control("s")))).1
        guard case .save(let submission) = effects.first else {
            Issue.record("\(effects)")
            return
        }
        #expect(submission.name == "Billing (prod)" && submission.url == changed.url && submission.expectedVersion == 2)
    }

    /// Both changed the name: the banner said "Their Name replaced by yours" without their name.
    @Test func aFieldChangedOnBothSidesNamesTheirValue() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("e"), .end) + Fixtures.type(" v2")).0
        var changed = Fixtures.webhooks[0]
        changed.name = "Billing (renamed elsewhere)"
        changed.active = false
        changed.version = 2
        state = update(state, .staleEdit(current: changed)).0
        #expect(try #require(openForm(state)).banner
            == "Changed elsewhere: ^L takes it, keeping your edits — Name “Billing (renamed elsewhere)”, Status Inactive")
        state = update(state, .input(.key(.control("l")))).0
        let merged = try #require(openForm(state))
        #expect(merged.banner == "^S saves your Name over theirs, Esc drops yours — theirs: Name “Billing (renamed elsewhere)”")
        #expect(merged.name.text == "Billing v2" && !merged.active)
    }

    @Test func generatedSecretIsShown() throws {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .tab, .tab)).0
        let effects = update(state, .input(.key(.control("g")))).1
        #expect(effects == [.generateSecret])
        state = update(state, .secretGenerated("whsec_abc")).0
        let form = try #require(openForm(state))
        #expect(form.secret.text == "whsec_abc")
        #expect(form.secretRevealed)
    }
}

@Suite struct DashboardTests {
    @Test func movementStaysInBounds() {
        var state = Fixtures.loaded()
        #expect(state.selectedWebhookID == Fixtures.webhooks[0].id)
        state = Fixtures.apply(state, Fixtures.keys(.character("k"))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[0].id)
        state = Fixtures.apply(state, Fixtures.keys(.character("G"))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[3].id)
        state = Fixtures.apply(state, Fixtures.keys(.character("j"), .down)).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[3].id)
        state = Fixtures.apply(state, Fixtures.keys(.character("g"), .character("j"))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[1].id)
    }

    @Test func filterMatchesNameOrURLLiveAndEscClearsIt() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type("SLACK")).0
        #expect(state.visibleWebhooks.map(\.name) == ["Slack relay"])
        #expect(state.selectedWebhookID == Fixtures.webhooks[3].id)
        state = Fixtures.apply(state, Fixtures.keys(.backspace, .backspace, .backspace, .backspace, .backspace)
                                      + Fixtures.type("erp.internal")).0
        #expect(state.visibleWebhooks.map(\.id) == [Fixtures.webhooks[1].id])
        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        #expect(!state.isEditingFilter)
        #expect(state.visibleWebhooks.count == 1, "Enter keeps the filter")
        state = Fixtures.apply(state, Fixtures.keys(.escape)).0
        #expect(state.visibleWebhooks.count == 4)
        #expect(!state.shouldQuit)
        // The start of an id, as `hookdash webhooks list` prints it.
        state = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("33333333")).0
        #expect(state.visibleWebhooks.map(\.name) == ["Staging"])
    }

    /// With hundreds of webhooks there was no way to bring the failing ones up.
    @Test func oCyclesTheOrderAndTheSelectionStays() {
        var state = Fixtures.loaded()
        state = Fixtures.apply(state, Fixtures.keys(.down)).0
        #expect(state.selectedWebhook?.name == "Orders → ERP 日本")
        let expected: [(WebhookOrder, [String])] = [
            (.name, ["Billing", "Orders → ERP 日本", "Slack relay", "Staging"]),
            (.failing, ["Slack relay", "Orders → ERP 日本", "Billing", "Staging"]),
            (.lastDelivery, ["Slack relay", "Billing", "Orders → ERP 日本", "Staging"]),
            (.created, ["Billing", "Orders → ERP 日本", "Staging", "Slack relay"]),
        ]
        for (order, names) in expected {
            state = Fixtures.apply(state, Fixtures.keys(.character("o"))).0
            #expect(state.order == order)
            #expect(state.visibleWebhooks.map(\.name) == names, "\(order)")
            #expect(state.selectedWebhook?.name == "Orders → ERP 日本", "the selection follows the webhook")
        }
        // The order holds under a filter, and j moves down the rows as shown.
        state = Fixtures.apply(state, Fixtures.keys(.character("o"), .character("/")) + Fixtures.type("example.com")
            + Fixtures.keys(.enter)).0
        #expect(state.visibleWebhooks.map(\.name) == ["Billing", "Slack relay"])
        state = Fixtures.apply(state, Fixtures.keys(.character("g"), .character("j"))).0
        #expect(state.selectedWebhook?.name == "Slack relay")
    }

    /// "/Inactive" and "/refused" found nothing although the rows said so, and "cafe" missed "Café".
    @Test func filterMatchesWhatARowShowsWhateverItsAccents() {
        func names(_ text: String) -> [String] {
            Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type(text)).0.visibleWebhooks.map(\.name)
        }
        #expect(names("inactive") == ["Staging"])
        var disabled = Fixtures.webhooks
        disabled[3].active = false
        disabled[3].disabledReason = "the endpoint answered 410 Gone"
        let withDisabled = update(Fixtures.state(), .webhooksLoaded(disabled)).0
        #expect(Fixtures.apply(withDisabled, Fixtures.keys(.character("/")) + Fixtures.type("inactive")).0.visibleWebhooks.map(\.name)
            == ["Staging", "Slack relay"], "Disabled is Inactive too")
        #expect(names("refused") == ["Slack relay"])
        #expect(names("500") == ["Orders → ERP 日本"])
        #expect(names("order.status") == ["Billing", "Orders → ERP 日本"])
        #expect(names("日本") == ["Orders → ERP 日本"])
        // What the columns show can be typed back: "job, order", "✗", "none".
        #expect(names("job, order") == ["Billing"])
        #expect(names("✗") == ["Orders → ERP 日本", "Slack relay"])
        #expect(names("✓ 200") == ["Billing"])
        #expect(names("none") == ["Staging"])
        // Whole words match from their start: "active" is not in "Inactive", nor is "status"
        // in every row through the hidden "job.status".
        #expect(names("active") == ["Billing", "Orders → ERP 日本", "Slack relay"])
        #expect(names("status") == [])
        #expect(names("job.") == ["Billing", "Staging", "Slack relay"])
        var state = Fixtures.state()
        var cafe = Fixtures.webhooks[0]
        cafe.name = "Café Ümlaut"
        state = update(state, .webhooksLoaded([cafe] + Fixtures.webhooks.dropFirst())).0
        for text in ["cafe", "CAFÉ", "umlaut"] {
            let found = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type(text)).0.visibleWebhooks.map(\.name)
            #expect(found == ["Café Ümlaut"], "\(text)")
        }
    }

    /// A name of 100 wide characters filled the toast's three rows and pushed out its news.
    @Test func toastsShortenALongName() {
        var state = Fixtures.loaded()
        let long = String(repeating: "東京", count: 50)
        state = update(state, .deleted(id: Fixtures.webhooks[0].id, name: long)).0
        let text = state.toasts.last?.text ?? ""
        #expect(text.hasPrefix("Deleted “東京") && text.hasSuffix("…”"), "\(text)")
        #expect(TextWidth.of(text) <= 44, "\(text)")
    }

    /// A demo job for nobody ran its six seconds of steps, then said so with a ✗ beside
    /// "SUCCEEDED"; it is said at once now, and nothing is queued.
    @Test func simulatingForNoSubscriberSaysSoAtOnce() {
        var (state, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("s"), .character("3")))
        #expect(effects == [.simulate(.orderFulfilled)])
        state = update(Fixtures.state(), .webhooksLoaded([Fixtures.webhooks[2]])).0
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("s"), .character("1")))
        #expect(effects.isEmpty, "Staging subscribes to job.status but is Inactive")
        #expect(state.toasts.last?.text
            == "No Active webhook subscribes to job.status: n creates one (or e sets one Active) for the demo to reach")
        #expect(state.toasts.last?.kind == .failure)
    }

    @Test func deleteAsksWithCancelFocused() {
        var (state, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("d"), .enter))
        #expect(effects.isEmpty, "Enter on the default button cancels")
        #expect(state.overlay == nil)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("d"), .escape))
        #expect(effects.isEmpty)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("d"), .tab, .enter))
        #expect(effects == [.delete(webhookID: Fixtures.webhooks[0].id)])
        state = update(state, .deleted(id: Fixtures.webhooks[0].id, name: "Billing")).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[1].id)
        #expect(state.toasts.last?.text == "Deleted “Billing”")
        // y and n answer it as they answer the form's discard question.
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("d"), .character("n")))
        #expect(effects.isEmpty && state.overlay == nil)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("d"), .character("y")))
        #expect(effects == [.delete(webhookID: Fixtures.webhooks[1].id)] && state.overlay == nil)
    }

    /// The cursor stays in place when its row goes, here or elsewhere, instead of jumping to
    /// the top of a long list.
    @Test func deletingTheSelectedRowKeepsTheCursorWhereItWas() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("j"), .character("j"))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[2].id)
        state = update(state, .deleted(id: Fixtures.webhooks[2].id, name: "Staging")).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[3].id, "the row that took its place")
        // Deleted by another process: the reload no longer has it.
        state = update(state, .webhooksLoaded(Array(Fixtures.webhooks.prefix(2)))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[1].id, "the last row, as the list got shorter")
    }

    /// Details of a webhook deleted elsewhere say so, and their rows, no longer drawn, do not open.
    @Test func detailsOfAWebhookDeletedElsewhereOpenNothing() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = update(state, .webhooksLoaded(Array(Fixtures.webhooks.dropFirst()))).0
        var effects: [ConsoleEffect]
        for key: Key in [.enter, .character("r"), .character("t"), .character("e"), .character("R"), .character("/")] {
            (state, effects) = Fixtures.apply(state, Fixtures.keys(key))
            #expect(effects.isEmpty, "\(key)")
            if case .details = state.topScreen {} else { Issue.record("left details on \(key)") }
            #expect(state.overlay == nil)
        }
        state = Fixtures.apply(state, Fixtures.keys(.escape)).0
        #expect(state.topScreen == nil)
    }

    /// R said "No failed deliveries" beside failed rows: they were test events, which it leaves out.
    @Test func shiftRWithOnlyFailedTestEventsSaysWhy() {
        let id = Fixtures.webhooks[0].id
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        let failedTest = DeliveryRow(id: "t1", event: "job.status", messageID: "mt", liveMode: false, status: .failed,
                                     attemptCount: 1, lastStatusCode: 500, createdAt: Fixtures.now)
        state = update(state, .deliveriesLoaded(webhookID: id, [failedTest])).0
        state = update(Fixtures.apply(state, Fixtures.keys(.character("R"))).0, .failedCounted(webhookID: id, matching: "", count: 0)).0
        #expect(state.toasts.last?.text == "The failed delivery is a test event, which R leaves out; r resends the selected one")
        // With a search, it said "no failed delivery matches" beside three failed rows.
        let found = (1...3).map { index in
            DeliveryRow(id: "t\(index)", event: "job.status", messageID: "m\(index)", liveMode: false, status: .failed,
                        attemptCount: 1, lastError: "connection refused", createdAt: Fixtures.now)
        }
        state = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("refused") + Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: id, filter: .all, search: "refused", found)).0
        state = update(state, .failedCounted(webhookID: id, matching: "refused", count: 0)).0
        #expect(state.toasts.last?.text
            == "All 3 failed deliveries matching “refused” are test events, which R leaves out; r resends the selected one")
    }

    @Test func shiftRInDetailsCountsThenAsksBeforeRedeliveringEveryFailedDelivery() {
        let id = Fixtures.webhooks[0].id
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        var effects: [ConsoleEffect]
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("R")))
        #expect(effects == [.countFailed(webhookID: id)])
        #expect(state.overlay == nil, "nothing is asked before the count is known")
        state = update(state, .failedCounted(webhookID: id, matching: "", count: 3)).0
        #expect(state.overlay == .confirm(Confirmation(.redeliverFailed(webhookID: id, name: "Billing", count: 3))))
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.enter))
        #expect(effects.isEmpty, "Enter on the default button cancels")
        state = update(Fixtures.apply(state, Fixtures.keys(.character("R"))).0, .failedCounted(webhookID: id, matching: "", count: 3)).0
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.tab, .enter))
        #expect(effects == [.redeliverFailed(webhookID: id)])
        #expect(state.overlay == nil)
        if case .details = state.topScreen {} else { Issue.record("still on the details screen") }

        // None failed: nothing to ask, a note says so.
        state = update(Fixtures.apply(state, Fixtures.keys(.character("R"))).0, .failedCounted(webhookID: id, matching: "", count: 0)).0
        #expect(state.overlay == nil)
        #expect(state.toasts.last?.text == "No failed deliveries to “Billing” to redeliver")

        // With a search typed, R redelivers the failed ones it matches (all of them, not the page).
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type(" job_7 ") + Fixtures.keys(.enter))
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("R")))
        #expect(effects == [.countFailed(webhookID: id, matching: "job_7")])
        // A count for an earlier search is not an answer to this one.
        #expect(update(state, .failedCounted(webhookID: id, matching: "job", count: 9)).0.overlay == nil)
        state = update(state, .failedCounted(webhookID: id, matching: "job_7", count: 2)).0
        #expect(state.overlay == .confirm(Confirmation(.redeliverFailed(webhookID: id, name: "Billing", matching: "job_7", count: 2))))
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.tab, .enter))
        #expect(effects == [.redeliverFailed(webhookID: id, matching: "job_7")])
    }

    /// The first webhook's details with the fixture deliveries listed.
    func detailsWithDeliveries() -> ConsoleState {
        let state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        return update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
    }

    @Test func fCyclesTheDetailsFilterAndIgnoresListsReadForAnotherOne() throws {
        let id = Fixtures.webhooks[0].id
        var state = detailsWithDeliveries()
        var effects: [ConsoleEffect]
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.down, .character("f")))
        #expect(effects == [.loadDeliveries(webhookID: id, filter: .failed)])
        guard case .details(var details) = state.topScreen else { Issue.record("not on details"); return }
        #expect(details.filter == .failed && !details.hasLoaded && details.selectedIndex == 0)

        // The unfiltered list read before the key press arrives late: it must not show.
        state = update(state, .deliveriesLoaded(webhookID: id, filter: .all, Fixtures.deliveries)).0
        guard case .details(let stale) = state.topScreen else { return }
        #expect(!stale.hasLoaded)
        let failed = Fixtures.deliveries.filter { $0.status == .failed }
        state = update(state, .deliveriesLoaded(webhookID: id, filter: .failed, failed)).0
        guard case .details(let loaded) = state.topScreen else { return }
        #expect(loaded.deliveries == failed)

        for expected in [DeliveryFilter.pending, .delivered, .all, .failed] {
            state = Fixtures.apply(state, Fixtures.keys(.character("f"))).0
            guard case .details(let next) = state.topScreen else { return }
            details = next
            #expect(details.filter == expected)
        }
    }

    @Test func yCopiesTheMessageIDAndAnAttemptCopiesItsPayloadAndACurl() throws {
        var state = detailsWithDeliveries()
        var effects: [ConsoleEffect]
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.down, .character("y")))
        #expect(effects == [.copy("m2", confirmation: "Copied the message id to the clipboard")])

        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        var attempt = Fixtures.attempt
        attempt.requestURL = "https://billing.example.com/hooks/up42"
        attempt.sentBody = #"{"event":"order.status","note":"it's"}"#
        state = update(state, .attemptsLoaded(deliveryID: "d2", [attempt])).0
        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("p")))
        #expect(effects == [.copy(#"{"event":"order.status","note":"it's"}"#,
                                  confirmation: "Copied the payload as sent to the clipboard")])
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("c")))
        // Timestamped and signed now, with the webhook's secret: the attempt's own signature
        // is refused five minutes on.
        let timestamp = Int64(state.now.timeIntervalSince1970)
        let signature = try #require(StandardWebhooksSigner(secret: Fixtures.webhooks[0].secret))
            .signature(messageID: "m2", timestamp: timestamp, body: Array(attempt.sentBody.utf8))
        #expect(effects == [.copy(
            #"curl -sS -X POST 'https://billing.example.com/hooks/up42' -H 'content-type: application/json' "#
                + #"-H 'webhook-id: m2' -H 'webhook-timestamp: \#(timestamp)' -H 'webhook-signature: \#(signature)' "#
                + #"--data-binary '{"event":"order.status","note":"it'\''s"}'"#,
            confirmation: "Copied a curl command for this request, signed now, to the clipboard")])
    }

    /// Copied just after a rotation, the curl carried only the new secret's signature, so the
    /// receiver that accepted the attempt (still on the old secret) refused the copy.
    @Test func aCurlCopiedDuringARotationIsSignedWithTheOldSecretsToo() throws {
        var webhooks = Fixtures.webhooks
        webhooks[0].previousSecretUntil = Fixtures.now.addingTimeInterval(3_600)
        webhooks[0].previousSecrets = ["whsec_b2xkIHNlY3JldA=="]
        func copied(_ webhooks: [WebhookRow]) throws -> String {
            var state = update(detailsWithDeliveries(), .webhooksLoaded(webhooks)).0
            state = Fixtures.apply(state, Fixtures.keys(.down, .enter)).0
            state = update(state, .attemptsLoaded(deliveryID: "d2", [Fixtures.attempt])).0
            state = Fixtures.apply(state, Fixtures.keys(.enter)).0
            guard case .copy(let command, _)? = Fixtures.apply(state, Fixtures.keys(.character("c"))).1.first else {
                throw CopyMissing()
            }
            return command
        }
        struct CopyMissing: Error {}
        let timestamp = Int64(Fixtures.now.timeIntervalSince1970)
        func signature(_ secret: String) throws -> String {
            try #require(StandardWebhooksSigner(secret: secret))
                .signature(messageID: "m2", timestamp: timestamp, body: Array(Fixtures.attempt.sentBody.utf8))
        }
        let new = try signature(webhooks[0].secret)
        let old = try signature("whsec_b2xkIHNlY3JldA==")
        #expect(try copied(webhooks).contains("-H 'webhook-signature: \(new) \(old)'"))
        // Once the overlap has ended, the old secret no longer signs.
        webhooks[0].previousSecretUntil = Fixtures.now.addingTimeInterval(-1)
        #expect(try copied(webhooks).contains("-H 'webhook-signature: \(new)'"))
    }

    /// Terminals (and tmux) drop an OSC 52 sequence past their limit without a word, and the
    /// console said "Copied" all the same.
    @Test func aPayloadTooLargeForTheTerminalIsNotCopiedAndSaysWhereToGetIt() throws {
        var state = Fixtures.apply(detailsWithDeliveries(), Fixtures.keys(.down, .enter)).0
        var attempt = Fixtures.attempt
        attempt.requestURL = "https://billing.example.com/hooks/up42"
        attempt.sentBody = #"{"data":""# + String(repeating: "x", count: 992_000) + #""}"#
        state = update(state, .attemptsLoaded(deliveryID: "d2", [attempt])).0
        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        var effects: [ConsoleEffect]
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("p")))
        #expect(effects.isEmpty)
        #expect(state.toasts.last?.text == "The payload is 993 KB, too large to copy through the terminal (74 KB at most); "
            + "hookdash deliveries show d2 --json prints it")
        #expect(state.toasts.last?.kind == .failure)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("c")))
        #expect(effects.isEmpty)
        #expect(state.toasts.last?.text.hasPrefix("The curl command is 993 KB, too large") ?? false)
        #expect(state.toasts.last?.text.hasSuffix("hookdash deliveries show d2 --json prints its URL, headers and body") ?? false)
        // The message id still copies, and so does a payload at the limit.
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("y")))
        #expect(effects.count == 1)
        #expect(Clipboard.fits(String(repeating: "x", count: 74_994)) && !Clipboard.fits(String(repeating: "x", count: 74_995)))
    }

    @Test func qQuitsButEscAndQCloseOverlaysFirst() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("?"), .character("q"))).0
        #expect(!state.shouldQuit)
        #expect(state.overlay == nil)
        state = Fixtures.apply(state, Fixtures.keys(.character("?"), .escape, .character("q"))).0
        #expect(state.shouldQuit)
    }

    @Test func testKeySendsToTheSelectedWebhook() {
        let (state, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.down, .character("t")))
        #expect(effects == [.sendTest(webhookID: Fixtures.webhooks[1].id)])
        #expect(state.toasts.count == 1)
    }

    @Test func mouseClickSelectsAndWheelScrolls() {
        var state = Fixtures.loaded()
        state = update(state, .input(.mouse(MouseEvent(button: .left, x: 10, y: state.tableTop + 2)))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[2].id)
        state = update(state, .input(.mouse(MouseEvent(button: .wheelUp, x: 10, y: 10)))).0
        #expect(state.selectedWebhookID == Fixtures.webhooks[0].id)
    }

    @Test func enterOpensDetailsAndAsksForDeliveries() {
        let (state, effects) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter))
        #expect(state.topScreen == .details(DetailsState(webhookID: Fixtures.webhooks[0].id)))
        #expect(effects == [.loadDeliveries(webhookID: Fixtures.webhooks[0].id)])
    }

    @Test func redeliverTargetsTheSelectedDelivery() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        let effects = Fixtures.apply(state, Fixtures.keys(.character("G"), .character("r"))).1
        #expect(effects == [.redeliver(deliveryID: "d1")])
    }

    @Test func liveDeliveryUpdatesKeepTheSelectedDelivery() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = Fixtures.apply(state, Fixtures.keys(.down)).0
        let newest = DeliveryRow(id: "d4", event: "job.status", messageID: "m4", status: .pending, attemptCount: 0,
                                 createdAt: Fixtures.now)
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, [newest] + Fixtures.deliveries)).0
        guard case .details(let details) = state.topScreen else { Issue.record("details closed"); return }
        #expect(details.deliveries[details.selectedIndex].id == "d2")
    }

    @Test func tooSmallIgnoresKeysButQuits() {
        var state = Fixtures.loaded(width: 40, height: 10)
        state = Fixtures.apply(state, Fixtures.keys(.character("n"))).0
        #expect(state.topScreen == nil)
        state = update(state, .input(.resize(width: 80, height: 24))).0
        #expect(!state.isTooSmall)
        state = Fixtures.apply(state, Fixtures.keys(.character("n"))).0
        #expect(state.topScreen != nil)
    }

    /// Shrunk too small with a changed form open, q and Ctrl-C quit at once and the edits were
    /// lost: now quitting waits for the form's question, asked once the window is large again.
    @Test func tooSmallWithAChangedFormDoesNotQuitUnasked() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .character("x"))).0
        state = update(state, .input(.resize(width: 40, height: 10))).0
        #expect(state.isTooSmall && state.hasChangedForm)
        for key in [Key.character("q"), .control("c")] {
            state = Fixtures.apply(state, Fixtures.keys(key)).0
            #expect(!state.shouldQuit)
        }
        state = update(state, .input(.resize(width: 80, height: 24))).0
        guard case .form(let form) = state.topScreen else { Issue.record("the form is gone"); return }
        #expect(form.discardQuestion == .quit, "the question is asked")
        #expect(form.name.text == "x")
    }

    /// "Sending…" is replaced by the outcome it was waiting for, and by nothing else.
    @Test func anOutcomeReplacesItsProgressToast() {
        let loaded = Fixtures.loaded()
        let webhook = loaded.webhooks[0]
        var (state, effects) = Fixtures.apply(loaded, Fixtures.keys(.character("t")))
        #expect(effects == [.sendTest(webhookID: webhook.id)])
        #expect(state.toasts.map(\.text) == ["Sending test event to “\(webhook.name)”…"])
        state = update(state, .notify(.success, "Copied the message id", settles: nil)).0
        state = update(state, .notify(.success, "unrelated", settles: Progress.test(webhookID: "another"))).0
        #expect(state.toasts.count == 3, "other outcomes leave it")
        state = update(state, .notify(.success, "job.status → \(webhook.name): 200 in 3 ms", settles: Progress.test(webhookID: webhook.id))).0
        #expect(state.toasts.map(\.text) == ["Copied the message id", "unrelated", "job.status → \(webhook.name): 200 in 3 ms"])
    }

    /// `/` in a webhook's details searches its deliveries as the text is typed; results for
    /// an earlier text are ignored, and Esc clears the search before it leaves the screen.
    @Test func detailsSearchAsYouType() throws {
        let id = Fixtures.webhooks[0].id
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: id, Fixtures.deliveries)).0
        var effects: [ConsoleEffect]
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("5q"))
        #expect(effects == [.loadDeliveries(webhookID: id, search: "5"), .loadDeliveries(webhookID: id, search: "5q")])
        #expect(!state.shouldQuit, "q is typed into the search")
        guard case .details(let searching) = state.topScreen else { Issue.record("left the details"); return }
        #expect(searching.isEditingSearch && searching.searchText == "5q")

        let match = [Fixtures.deliveries[0]]
        state = update(state, .deliveriesLoaded(webhookID: id, search: "5", Fixtures.deliveries)).0
        guard case .details(let stale) = state.topScreen else { return }
        #expect(stale.deliveries == Fixtures.deliveries, "an earlier text's answer is not shown as this one's")
        #expect(!stale.hasLoaded || stale.deliveries == Fixtures.deliveries)
        state = update(state, .deliveriesLoaded(webhookID: id, search: "5q", match)).0
        guard case .details(let answered) = state.topScreen else { return }
        #expect(answered.deliveries == match)

        (state, effects) = Fixtures.apply(state, Fixtures.keys(.enter))
        #expect(effects.isEmpty)
        (state, effects) = Fixtures.apply(state, Fixtures.keys(.escape))
        #expect(effects == [.loadDeliveries(webhookID: id, search: "")], "Esc clears the kept search first")
        guard case .details = state.topScreen else { Issue.record("Esc left instead of clearing"); return }
        state = Fixtures.apply(state, Fixtures.keys(.escape)).0
        #expect(state.topScreen == nil)
    }

    @Test func aLostDatabaseFileIsSaidOnceAndStaysInTheHeader() {
        var state = update(Fixtures.loaded(), .databaseFileLost("removed")).0
        state = update(state, .databaseFileLost("removed")).0
        #expect(state.toasts.count == 1)
        #expect(state.databaseFileLost == "removed")
        state = update(state, .tick(Fixtures.now.addingTimeInterval(60))).0
        var grid = Grid(width: 100, height: 30)
        render(state, into: &grid, theme: .dark)
        #expect(grid.text.split(separator: "\n")[0].contains("▲ database file removed: quit and start again"))
    }

    @Test func toastsExpire() {
        var state = update(Fixtures.loaded(), .notify(.info, "hello")).0
        state = update(state, .tick(Fixtures.now.addingTimeInterval(3))).0
        #expect(state.toasts.count == 1)
        state = update(state, .tick(Fixtures.now.addingTimeInterval(7))).0
        #expect(state.toasts.isEmpty)
    }

    /// The runner draws only a state that changed: ticks within one second must not change
    /// it, or an idle console would be drawn on every tick (20 times a second).
    @Test func ticksWithinASecondLeaveTheStateAlone() {
        let loaded = Fixtures.loaded()
        let first = update(loaded, .tick(Fixtures.now.addingTimeInterval(5.05))).0
        let later = update(first, .tick(Fixtures.now.addingTimeInterval(5.95))).0
        #expect(later == first)
        let nextSecond = update(later, .tick(Fixtures.now.addingTimeInterval(6.01))).0
        #expect(nextSecond != later, "a new second can change what is shown (\"3m ago\")")
        // A toast still goes at its own moment, not up to a second late.
        var toasted = update(loaded, .notify(.info, "hello")).0
        let expiry = toasted.toasts[0].expiresAt
        toasted = update(toasted, .tick(expiry.addingTimeInterval(-0.01))).0
        #expect(toasted.toasts.count == 1)
        toasted = update(toasted, .tick(expiry)).0
        #expect(toasted.toasts.isEmpty)
    }
}

/// Tabbing into a field puts the cursor after its text: left mid-text, Ctrl-U then deleted
/// only the part before it, and a pasted URL was joined to the rest.
@Suite struct FormFocusTests {
    @Test func tabbingIntoAFieldLandsAfterItsText() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .character("a"), .character("b"))).0
        state = Fixtures.apply(state, Fixtures.keys(.left, .tab, .backTab, .control("u"))).0
        guard case .form(let form) = state.topScreen else { Issue.record("no form"); return }
        #expect(form.focus == .name && form.name.text == "")
    }
}

/// A copied id brings its line break; pasted into the filter, it left a trailing space that
/// matched nothing once more was typed.
@Suite struct SearchPasteTests {
    @Test func aPastedSearchLosesTheWhitespaceAroundIt() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/"))).0
        state = update(state, .input(.paste("  Bill\n"))).0
        #expect(state.filter.text == "Bill")
    }
}

/// Ctrl-L in a form takes a version saved elsewhere; with none to take, it paints the screen
/// again as everywhere else (a `wall` message over a form could not be cleared).
@Suite struct FormRedrawTests {
    @Test func ctrlLInAFormWithNothingToTakeRepaints() {
        let state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"), .character("a"))).0
        let (after, effects) = Fixtures.apply(state, Fixtures.keys(.control("l")))
        #expect(effects == [.redraw])
        guard case .form(let form) = after.topScreen else { Issue.record("no form"); return }
        #expect(form.name.text == "a")
    }
}

/// The note that a paste was ignored went on saying so after `/` opened a field that takes one.
@Suite struct PasteNoteTests {
    @Test func theIgnoredPasteNoteGoesWhenATextFieldOpens() {
        var state = update(Fixtures.loaded(), .input(.paste("hello"))).0
        #expect(state.toasts.map(\.text) == [ConsoleState.pasteIgnoredNote])
        state = Fixtures.apply(state, Fixtures.keys(.character("/"))).0
        #expect(state.toasts.isEmpty)
    }
}

/// Typing into a full field said nothing (a paste cut to fit says so).
@Suite struct FieldLimitTests {
    @Test func typingIntoAFullFieldSaysSo() {
        var state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("n"))).0
        state = update(state, .input(.paste(String(repeating: "n", count: 100)))).0
        state.toasts.removeAll()
        state = Fixtures.apply(state, Fixtures.keys(.character("x"))).0
        guard case .form(let form) = state.topScreen else { Issue.record("no form"); return }
        #expect(form.name.text.count == 100)
        #expect(state.toasts.map(\.text) == ["The field takes at most 100 characters"])
    }
}

/// A terminal sends a character made of several code points (an emoji sequence, a letter and
/// its accent) one code point at a time; each key and Backspace must still treat it as one.
@Suite struct TextFieldClusterTests {
    @Test func codePointsTypedOneByOneMakeOneCharacter() {
        var field = TextField()
        for scalar in "Zq👨‍👩‍👧 cafe\u{301}".unicodeScalars { field.insert(String(scalar)) }
        #expect(field.text == "Zq👨‍👩‍👧 cafe\u{301}")
        #expect(field.characters.count == 8)
        field.deleteBackward()
        #expect(field.text == "Zq👨‍👩‍👧 caf", "the accented e went whole")
        for _ in 0..<4 { field.moveLeft() }
        field.deleteBackward()
        #expect(field.text == "Zq caf", "the family went whole, no joiner left")
        field.moveLeft()
        field.insert("e")
        field.insert("\u{301}")
        #expect(field.text == "Zéq caf" && field.cursor == 2)
    }
}
