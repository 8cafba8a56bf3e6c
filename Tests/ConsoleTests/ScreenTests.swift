import Foundation
import Testing
@testable import HookdashConsole
import HookdashUI

/// Golden screens: each state is rendered into a grid and compared as text with a file in
/// Golden/. Run with UPDATE_GOLDEN=1 to rewrite them after an intended change (then review the diff).
@Suite struct ScreenTests {
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func check(_ state: ConsoleState, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        let text = grid.text + "\n"
        let file = Self.goldenFolder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "screen \(name) differs from Golden/\(name).txt", sourceLocation: sourceLocation)
    }

    static let sizes = [(80, 24), (120, 40)]

    @Test(arguments: sizes) func emptyDashboard(size: (Int, Int)) throws {
        let state = update(Fixtures.state(width: size.0, height: size.1), .webhooksLoaded([])).0
        try check(state, "empty-\(size.0)x\(size.1)")
    }

    @Test(arguments: sizes) func dashboardWithWebhooks(size: (Int, Int)) throws {
        try check(Fixtures.loaded(width: size.0, height: size.1), "dashboard-\(size.0)x\(size.1)")
    }

    /// Start-up draws from the first screenful of rows and the count; the frame must be the one
    /// the whole list gives, so nothing moves when the rest arrives.
    @Test(arguments: sizes) func firstScreenfulDrawsTheSameFrameAsTheWholeList(size: (Int, Int)) throws {
        // A longer name and URL further down: the first screenful's columns already allow for them.
        let all = (0..<250).map { index in
            WebhookRow(id: String(format: "00000000-0000-4000-8000-%012d", index),
                       name: index == 200 ? "Webhook with a long name" : "Webhook \(index)",
                       url: index == 200 ? "https://h200.example.com/a/much/longer/path/in" : "https://h\(index).example.com/in",
                       events: ["job.status"])
        }
        let first = update(Fixtures.state(width: size.0, height: size.1),
                           .firstWebhooksLoaded(Array(all.prefix(size.1)), total: all.count,
                                                widest: ColumnWidths(all))).0
        let whole = update(first, .webhooksLoaded(all)).0
        #expect(first.webhookTotal == 250)
        #expect(whole.webhookTotal == nil)
        var firstGrid = Grid(width: size.0, height: size.1), wholeGrid = Grid(width: size.0, height: size.1)
        render(first, into: &firstGrid, theme: .dark)
        render(whole, into: &wholeGrid, theme: .dark)
        #expect(firstGrid.text.contains("Webhooks (250)"))
        #expect(firstGrid.text.contains(" of 250"))
        #expect(firstGrid.text == wholeGrid.text)
        #expect(firstGrid == wholeGrid)
    }

    /// The name column followed the longest name on screen, so the URL column jumped sideways
    /// on every page (24 cells wide at the top of 327 webhooks, 14 at the bottom).
    @Test func theColumnsStayPutWhileScrolling() {
        let all = (0..<100).map { index in
            WebhookRow(id: String(format: "00000000-0000-4000-8000-%012d", index),
                       name: index < 20 ? "A longer webhook name \(index)" : "W\(index)",
                       url: "https://h\(index).example.com/in", events: ["job.status"])
        }
        var state = update(Fixtures.state(width: 100, height: 30), .webhooksLoaded(all)).0
        func header() -> Substring { text(state).split(separator: "\n", omittingEmptySubsequences: false)[3] }
        let top = header()
        state = Fixtures.apply(state, Fixtures.keys(.character("G"))).0
        #expect(state.dashboardScroll > 20, "scrolled past every long name")
        #expect(header() == top, "\(header())")
    }

    @Test func narrowDashboardShortensURLsInTheMiddle() throws {
        try check(Fixtures.loaded(width: 60, height: 16), "dashboard-60x16")
    }

    @Test func tooSmallSaysSo() throws {
        try check(Fixtures.loaded(width: 40, height: 10), "too-small-40x10")
    }

    @Test(arguments: sizes) func createFormWithValidationErrors(size: (Int, Int)) throws {
        var (state, _) = Fixtures.apply(Fixtures.loaded(width: size.0, height: size.1),
                                        Fixtures.keys(.character("n")) + Fixtures.type("Ünïcode 日本") + Fixtures.keys(.tab)
                                            + Fixtures.type("http://example.com"))
        state = update(state, .saveRejected([.url: "HTTPS is required", .events: "Select at least one event"])).0
        try check(state, "form-errors-\(size.0)x\(size.1)")
    }

    @Test(arguments: sizes) func editFormWithRevealedSecret(size: (Int, Int)) throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(width: size.0, height: size.1),
                                        Fixtures.keys(.character("e"), .tab, .tab, .control("r")))
        try check(state, "form-edit-\(size.0)x\(size.1)")
    }

    @Test(arguments: sizes) func deleteConfirmation(size: (Int, Int)) throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(width: size.0, height: size.1),
                                        Fixtures.keys(.down, .character("d")))
        try check(state, "delete-\(size.0)x\(size.1)")
    }

    @Test func helpOnTheSmallestTerminalWrapsAndScrolls() throws {
        var (state, _) = Fixtures.apply(Fixtures.loaded(width: 60, height: 16), Fixtures.keys(.character("?")))
        try check(state, "help-60x16")
        state = Fixtures.apply(state, Fixtures.keys(.character("G"))).0
        try check(state, "help-60x16-end")
        state = Fixtures.apply(state, Fixtures.keys(.character("j"))).0
        try check(state, "help-60x16-end")
        state = Fixtures.apply(state, Fixtures.keys(.character("g"), .character("k"))).0
        try check(state, "help-60x16")
    }

    /// The 24 h line takes the longest form that fits between the title and the `f` hint,
    /// and says so when there was nothing.
    @Test func detailsHealthShortensToFit() throws {
        func titleLine(width: Int, filter keys: Int, _ health: HealthSummary) -> String {
            var state = Fixtures.apply(Fixtures.loaded(width: width, height: 24), Fixtures.keys(.enter)).0
            for _ in 0..<keys { state = update(state, .input(.key(.character("f")))).0 }
            state = update(state, .healthLoaded(webhookID: Fixtures.webhooks[0].id, health)).0
            var grid = Grid(width: width, height: 24)
            render(state, into: &grid, theme: .dark)
            return String(grid.text.split(separator: "\n", omittingEmptySubsequences: false)[7])
        }
        let day = HealthSummary(attempts: 132, succeeded: 128, p95Milliseconds: 48)
        #expect(titleLine(width: 120, filter: 0, day).contains("24 h: 132 tries · 96 % 2xx · p95 48 ms"))
        // "(newest first, live)" gives way before the tries count does, and the f hint stays.
        let narrow = titleLine(width: 80, filter: 0, day)
        #expect(narrow.contains("24 h: 132 tries · 96 % 2xx · p95 48 ms") && narrow.contains("f: show failed"), "\(narrow)")
        #expect(!narrow.contains("newest first"))
        #expect(titleLine(width: 100, filter: 1, day).contains("24 h: 132 tries · 96 % 2xx · p95 48 ms"), "beside a longer title")
        // Then p95 goes, before the tries count (which says what the share stands for).
        #expect(titleLine(width: 80, filter: 1, day).contains("24 h: 132 tries · 96 % 2xx  "), "then the line shortens")
        #expect(titleLine(width: 60, filter: 1, day).contains("24 h: 132 tries · 96 % 2xx"), "no f hint below 70 columns")
        #expect(titleLine(width: 80, filter: 0, HealthSummary(attempts: 0, succeeded: 0, p95Milliseconds: nil))
            .contains("24 h: no attempts"))
    }

    @Test func filteredDetailsWithNothingToShow() throws {
        var (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter, .character("f"), .character("f")))
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, filter: .pending, [])).0
        try check(state, "details-pending-empty-80x24")
    }

    /// A webhook hookdash turned off reads "Disabled", not "Inactive", and its details say why.
    @Test func disabledWebhookSaysWhy() throws {
        var webhooks = Fixtures.webhooks
        webhooks[0].active = false
        webhooks[0].disabledReason = "every attempt failed for 5 days"
        var state = update(Fixtures.state(width: 100, height: 30), .webhooksLoaded(webhooks)).0
        var grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        let billing = grid.text.split(separator: "\n").first { $0.contains("Billing") } ?? ""
        #expect(billing.contains("Disabled"), "\(billing)")
        let staging = grid.text.split(separator: "\n").first { $0.contains("Staging") } ?? ""
        #expect(staging.contains("Inactive"), "paused by an operator: \(staging)")
        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        state = update(state, .deliveriesLoaded(webhookID: webhooks[0].id, Fixtures.deliveries)).0
        try check(state, "details-disabled-100x30")
        // Its edit form, where it is resumed, says why too.
        state = Fixtures.apply(state, Fixtures.keys(.character("e"))).0
        grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        #expect(grid.text.contains("Disabled by hookdash: every attempt failed for 5 days"), "\(grid.text)")
    }

    /// The reason used to run on from its label ("Disabled the endpoint answered 410 Gone"),
    /// and the form's hint was cut at the box's edge without a mark.
    @Test func aDisabledReasonReadsAsASentenceAndIsNeverCutUnmarked() throws {
        var webhooks = Fixtures.webhooks
        webhooks[0].active = false
        webhooks[0].disabledReason = "every attempt failed for 35 seconds"
        var state = update(Fixtures.state(width: 100, height: 30), .webhooksLoaded(webhooks)).0
        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        #expect(text(state).contains("Disabled: every attempt failed for 35 seconds"), "\(text(state))")
        // e, then Active: the hint says why it was off, whole.
        state = Fixtures.apply(state, Fixtures.keys(.character("e"), .backTab, .backTab, .backTab, .character(" "))).0
        #expect(text(state).contains("Active resumes deliveries (disabled: every attempt failed for 35 seconds)"),
                "\(text(state))")
        state = update(state, .input(.resize(width: 60, height: 24))).0
        let hint = text(state).split(separator: "\n").first { $0.contains("Active resumes") } ?? ""
        #expect(hint.contains("Active resumes deliveries (disabled: every attempt f… │"), "\(hint)")
    }

    /// A long toast lost its end, often the part that says what to do.
    @Test func aLongToastWrapsInsteadOfLosingItsEnd() throws {
        var state = Fixtures.loaded()
        state = update(state, .queuePaused("the disk failed to read or write the database (disk I/O error) — check the disk")).0
        let rows = text(state).split(separator: "\n").suffix(3).prefix(2).map { String($0) }
        #expect(rows == [
            "  ✗ Deliveries paused: the disk failed to read or write the database (disk I/O",
            "    error) — check the disk",
        ])
        state = update(state, .notify(.failure, String(repeating: "word ", count: 60) + "end")).0
        let toast = text(state).split(separator: "\n").filter { $0.contains("word") }
        #expect(toast.count == 3 && toast[2].hasSuffix("wor…"), "\(toast)")
    }

    @Test func aDialogLineTooLongForANarrowTerminalEndsInAnEllipsis() throws {
        var webhooks = Fixtures.webhooks
        webhooks[0].name = "Billing and invoicing for the northern region"
        let state = Fixtures.apply(update(Fixtures.state(width: 60, height: 16), .webhooksLoaded(webhooks)).0,
                                   Fixtures.keys(.character("d"))).0
        let line = text(state).split(separator: "\n").first { $0.contains("Delete the webhook") } ?? ""
        // The name gives way, so the question keeps its ”? (it lost them at 60 columns).
        #expect(line.contains("Delete the webhook “Billing and invoicing for t…”?  │"), "\(line)")
    }

    func text(_ state: ConsoleState) -> String {
        var grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        return grid.text
    }

    @Test func aWebhookWhoseFirstDeliveryIsInFlightSaysSending() {
        var state = Fixtures.loaded()
        var summary = state.queue
        summary.sendingTo = [Fixtures.webhooks[2].id]  // Staging: no delivery yet
        state = update(state, .queueUpdated(summary)).0
        var grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        let staging = grid.text.split(separator: "\n").first { $0.contains("Staging") } ?? ""
        #expect(staging.contains("… sending"), "\(staging)")
        // The filter finds what the row says, and "none" no longer finds it.
        let sending = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("sending")).0
        #expect(sending.visibleWebhooks.map(\.name) == ["Staging"])
        #expect(Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("none")).0.visibleWebhooks.isEmpty)
        // A row that starts sending while a filter is on is matched then.
        var filtered = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type("sending")).0
        #expect(filtered.visibleWebhooks.isEmpty)
        filtered = update(filtered, .queueUpdated(summary)).0
        #expect(filtered.visibleWebhooks.map(\.name) == ["Staging"])
    }

    /// A busy webhook's list stops at the newest 200 (the search looks further): it says so,
    /// and where the cursor is.
    @Test func aLongDeliveryListSaysWhereItIsAndWhereItStops() throws {
        var state = Fixtures.apply(Fixtures.loaded(width: 100, height: 30), Fixtures.keys(.enter)).0
        let many = (0..<200).map { index in
            var row = Fixtures.deliveries[0]
            row.id = "d\(index)"
            return row
        }
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, many)).0
        state = Fixtures.apply(state, Fixtures.keys(.character("G"))).0
        var grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        let header = grid.text.split(separator: "\n").first { $0.contains("TIME") } ?? ""
        #expect(header.contains("182–200 of the newest 200"), "\(header)")
    }

    @Test func redeliverFailedConfirmation() throws {
        var (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter))
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = Fixtures.apply(state, Fixtures.keys(.character("R"))).0
        state = update(state, .failedCounted(webhookID: Fixtures.webhooks[0].id, matching: "", count: 12)).0
        try check(state, "redeliver-failed-80x24")
        state = Fixtures.apply(state, Fixtures.keys(.escape, .character("/")) + Fixtures.type("job_7") + Fixtures.keys(.enter, .character("R"))).0
        state = update(state, .failedCounted(webhookID: Fixtures.webhooks[0].id, matching: "job_7", count: 1)).0
        try check(state, "redeliver-failed-matching-80x24")
    }

    @Test(arguments: sizes) func help(size: (Int, Int)) throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(width: size.0, height: size.1), Fixtures.keys(.character("?")))
        try check(state, "help-\(size.0)x\(size.1)")
    }

    @Test(arguments: sizes) func detailsWithDeliveries(size: (Int, Int)) throws {
        var (state, _) = Fixtures.apply(Fixtures.loaded(width: size.0, height: size.1), Fixtures.keys(.enter))
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = update(state, .healthLoaded(
            webhookID: Fixtures.webhooks[0].id, HealthSummary(attempts: 132, succeeded: 128, p95Milliseconds: 48))).0
        try check(state, "details-\(size.0)x\(size.1)")
    }

    @Test func detailsSearch() throws {
        let id = Fixtures.webhooks[0].id
        var (state, _) = Fixtures.apply(Fixtures.loaded(width: 100, height: 30), Fixtures.keys(.enter))
        state = update(state, .deliveriesLoaded(webhookID: id, Fixtures.deliveries)).0
        state = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("503")).0
        state = update(state, .deliveriesLoaded(webhookID: id, search: "503", [Fixtures.deliveries[0]])).0
        try check(state, "details-search-100x30")
        state = Fixtures.apply(state, Fixtures.keys(.backspace, .backspace, .backspace) + Fixtures.type("nope")).0
        state = update(state, .deliveriesLoaded(webhookID: id, search: "nope", [])).0
        try check(state, "details-search-none-100x30")
    }

    @Test func attemptsAndRequestResponse() throws {
        var (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.enter))
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, Fixtures.deliveries)).0
        state = Fixtures.apply(state, Fixtures.keys(.down, .enter)).0
        state = update(state, .attemptsLoaded(deliveryID: "d2", [Fixtures.attempt])).0
        try check(state, "attempts-80x24")
        state = Fixtures.apply(state, Fixtures.keys(.enter)).0
        try check(state, "attempt-80x24")
    }

    @Test func filterShowsOnlyMatches() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("/")) + Fixtures.type("example.com"))
        try check(state, "filter-80x24")
    }

    /// On a narrow screen the filter box was drawn over the title's count: "Webhooks (100 of 32
    /// / filter: …" for 100 of 326, and at 60 columns "Webhooks (10 / filter: …".
    @Test(arguments: [(70, 24), (60, 16), (100, 30)])
    func theFilterNeverCoversTheCounts(width: Int, height: Int) {
        let many = (0..<326).map { index in
            WebhookRow(id: String(format: "%08d-0000-4000-8000-000000000000", index), name: "bulk-\(index)",
                       url: "http://127.0.0.1:19250/bulk/\(index)", events: ["job.status"], active: true)
        }
        var state = update(Fixtures.state(width: width, height: height), .webhooksLoaded(many)).0
        state = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("127.0.0.1:19250/bulk/1")).0
        let matches = many.filter { $0.url.contains("127.0.0.1:19250/bulk/1") }.count
        let title = text(state).split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(title.hasPrefix(" Webhooks (\(matches) of 326)"), "\(title)")
        #expect(title.hasSuffix(" of \(matches)"), "the position marker is whole: \(title)")
    }

    /// At 60–70 columns the Secret's hint did not fit under its input and started under the
    /// label instead; it shortens to fit where it belongs.
    @Test(arguments: [60, 70, 100])
    func formHintsStayUnderTheirInputs(width: Int) {
        let state = Fixtures.apply(Fixtures.loaded(width: width, height: 24), Fixtures.keys(.character("n"))).0
        let layout = FormLayout(width: width, height: 24, eventCount: state.eventChoices.count)
        let lines = text(state).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (y, start) in [(layout.urlY + 1, "https://…"), (layout.secretY + 1, "Optional · ^G generate")] {
            let line = lines[y]
            let column = line.range(of: start).map { TextWidth.of(String(line[..<$0.lowerBound])) }
            #expect(column == layout.fieldX, "\(width): \(line)")
        }
    }

    /// At 80 columns the header read "/tmp/qa….sqlite", which did not say which database.
    @Test func theHeaderKeepsTheDatabasesFileName() {
        #expect(Painter.shortPath("/tmp/qa-r2c/orders.sqlite", to: 19) == "/tmp…/orders.sqlite")
        #expect(Painter.shortPath("/tmp/qa-r2c/orders.sqlite", to: 40) == "/tmp/qa-r2c/orders.sqlite")
        // A name too long for the room is shortened in its middle, as before.
        #expect(Painter.shortPath("/srv/hookdash/hookdash.sqlite", to: 15) == TextWidth.shortenMiddle("/srv/hookdash/hookdash.sqlite", to: 15))
        #expect(TextWidth.of(Painter.shortPath("/a/very-long-file-name-indeed.sqlite", to: 12)) <= 12)
    }

    /// A long filter on a wide screen scrolled inside a 30-column box with room to spare.
    @Test func aLongFilterWidensItsBoxOnAWideScreen() {
        let typed = "erp.internal.example.org/integrations/webhooks/receive"
        let state = Fixtures.apply(Fixtures.loaded(width: 200, height: 30), Fixtures.keys(.character("/")) + Fixtures.type(typed)).0
        let title = text(state).split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(title.contains("filter: " + typed), "\(title)")
        #expect(title.hasPrefix(" Webhooks (1 of 4)"), "\(title)")
    }

    /// At 60 columns the position marker was written over the RESULT heading: "RES 1–5 of 12".
    @Test(arguments: [(60, 16), (80, 16), (120, 16)])
    func theDetailsPositionNeverCoversTheHeading(width: Int, height: Int) {
        var state = Fixtures.apply(Fixtures.loaded(width: width, height: height), Fixtures.keys(.enter)).0
        let rows = (0..<12).map { index in
            DeliveryRow(id: "d\(index)", event: "job.status", messageID: "m\(index)", status: .delivered, attemptCount: 1,
                        lastStatusCode: 200, createdAt: Fixtures.now.addingTimeInterval(Double(-index)))
        }
        state = update(state, .deliveriesLoaded(webhookID: Fixtures.webhooks[0].id, rows)).0
        let header = text(state).split(separator: "\n", omittingEmptySubsequences: false)[DetailsLayout.listTop - 1]
        #expect(header.contains("RESULT"), "\(header)")
        #expect(header.hasSuffix(" of 12") || header.hasSuffix("/12"), "\(header)")
    }

    /// At 60–66 columns a sort's name left the filter no room: it vanished while being typed.
    @Test func aFilterBeingTypedIsShownBeforeTheOrdersName() {
        var state = Fixtures.apply(Fixtures.loaded(width: 60, height: 16), Fixtures.keys(.character("o"), .character("o"), .character("o"))).0
        state = Fixtures.apply(state, Fixtures.keys(.character("/")) + Fixtures.type("example")).0
        let title = text(state).split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(title.contains("example"), "\(title)")
    }

    @Test func theTitleSaysTheOrder() {
        let state = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("o"), .character("o"))).0
        let title = text(state).split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(title.hasPrefix(" Webhooks (4) · failing first"), "\(title)")
    }

    @Test func simulateMenu() throws {
        let (state, _) = Fixtures.apply(Fixtures.loaded(), Fixtures.keys(.character("s"), .down))
        try check(state, "simulate-80x24")
    }

    @Test func ctrlCOnAChangedFormAsks() throws {
        let (state, _) = Fixtures.apply(
            Fixtures.loaded(), Fixtures.keys(.character("e")) + Fixtures.type("!") + Fixtures.keys(.control("c")))
        try check(state, "quit-unsaved-80x24")
    }

    /// Toasts were painted over the help's border and its "↓ more" marker; stacked ones of
    /// different lengths started at different columns.
    @Test func toastsLineUpAndStayUnderTheHelp() throws {
        var state = Fixtures.loaded(width: 100, height: 30)
        state = update(state, .notify(.success, "job.status → Billing: 200 in 12 ms")).0
        state = update(state, .notify(.failure, "order.status → Orders → ERP 日本: HTTP 500 in 40 ms")).0
        let lines = text(state).split(separator: "\n").map(String.init)
        let starts = lines.filter { $0.contains(" → ") && $0.contains(" ms") }.map { $0.prefix { $0 == " " }.count }
        #expect(starts.count == 2 && starts[0] == starts[1], "\(starts)")
        let help = text(Fixtures.apply(state, Fixtures.keys(.character("?"))).0)
        #expect(!help.contains("200 in 12 ms"), "the help covers the toasts")
        #expect(help.contains("└"))
    }

    @Test func toastsAppearAboveTheFooter() throws {
        var state = Fixtures.loaded()
        state = update(state, .notify(.success, "job.status → Billing: 200 in 12 ms")).0
        state = update(state, .notify(.failure, "order.status → Billing: HTTP 500 in 40 ms")).0
        try check(state, "toasts-80x24")
    }

    /// A database that takes no writes (a full disk) pauses deliveries: the header says so
    /// until they resume, not only a toast that fades.
    @Test func pausedDeliveriesShowInTheHeaderUntilTheyResume() throws {
        var state = Fixtures.loaded(width: 100, height: 30)
        state = update(state, .queuePaused("the disk holding the database is full — free some space")).0
        try check(state, "queue-paused-100x30")
        state.now = state.now.addingTimeInterval(60)
        state = update(state, .tick(state.now)).0
        var grid = Grid(width: 100, height: 30)
        render(state, into: &grid, theme: .dark)
        #expect(grid.text.split(separator: "\n")[0].contains("▲ queue paused"), "still paused after the toast went")
        state = update(state, .queuePaused(nil)).0
        render(state, into: &grid, theme: .dark)
        #expect(grid.text.split(separator: "\n")[0].contains("● queue running"))
        #expect(grid.text.contains("Deliveries resumed: the database takes writes again"))
    }

    @Test func selectionIsDrawnInTheSelectionStyle() {
        let state = Fixtures.loaded()
        var grid = Grid(width: 80, height: 24)
        render(state, into: &grid, theme: .dark)
        #expect(grid[5, state.tableTop].style == Theme.dark[.selection])
        #expect(grid[5, state.tableTop + 1].style == Theme.dark[.normal])
        var mono = Grid(width: 80, height: 24)
        render(state, into: &mono, theme: Theme.dark.monochrome)
        #expect(mono[5, state.tableTop].style.attributes.contains(.reverse))
    }
}
