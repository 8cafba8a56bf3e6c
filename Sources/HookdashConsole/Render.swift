import Foundation
import HookdashDomain
import HookdashUI

/// Where the text cursor belongs after drawing (inside a focused text field), if anywhere.
public struct CursorPosition: Equatable, Sendable {
    public var x: Int
    public var y: Int
}

/// Draws the whole console state into a grid. Pure: the same state always gives the same grid.
@discardableResult
public func render(_ state: ConsoleState, into grid: inout Grid, theme: Theme) -> CursorPosition? {
    var painter = Painter(state: state, theme: theme, grid: grid)
    let cursor = painter.paint()
    grid = painter.grid
    return cursor
}

enum DetailsLayout {
    static let listTop = 9
}

struct Painter {
    let state: ConsoleState
    let theme: Theme
    var grid: Grid
    var cursor: CursorPosition?

    init(state: ConsoleState, theme: Theme, grid: Grid) {
        self.state = state
        self.theme = theme
        self.grid = grid
    }

    var width: Int { grid.width }
    var height: Int { grid.height }

    mutating func paint() -> CursorPosition? {
        grid.fill(grid.bounds, style: theme[.normal])
        if state.isTooSmall {
            paintTooSmall()
            return nil
        }
        paintHeader()
        switch state.topScreen {
        case nil: paintDashboard()
        case .form(let form):
            paintForm(form)
        case .details(let details): paintDetails(details)
        case .attempts(let attempts): paintAttempts(attempts)
        case .attempt(let view): paintAttemptView(view)
        }
        // Under a dialog or the help, not over their borders and "↓ more" markers.
        paintToasts()
        switch state.overlay {
        case .help(let scroll): paintHelp(scroll: scroll)
        case .confirm(let confirm): paintConfirmation(confirm)
        case .simulate(let selected): paintSimulate(selected)
        case nil: break
        }
        paintFooter()
        return state.overlay == nil ? cursor : nil
    }

    // MARK: Frame

    mutating func paintTooSmall() {
        let lines = [
            "Terminal too small",
            "hookdash needs \(ConsoleState.minimumWidth)×\(ConsoleState.minimumHeight); this is \(state.width)×\(state.height).",
            state.hasChangedForm ? "Enlarge the window: a changed form asks before quitting." : "Enlarge the window, or press q to quit.",
        ]
        let top = max(0, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let fitted = TextWidth.truncate(line, to: width)
            grid.put(fitted, x: max(0, (width - TextWidth.of(fitted)) / 2), y: top + offset,
                     style: offset == 0 ? theme[.title] : theme[.normal])
        }
    }

    mutating func paintHeader() {
        let style = theme[.header]
        grid.fill(Rect(x: 0, y: 0, width: width, height: 1), style: style)
        let queue = state.queue
        let queueText = state.databaseFileLost.map { "▲ database file \($0): quit and start again " }
            ?? Self.queueText(queue, paused: state.queuePausedBecause != nil, width: width)
        let queueWidth = TextWidth.of(queueText)
        let left = " hookdash │ "
        grid.put(left, x: 0, y: 0, style: style)
        let pathRoom = width - TextWidth.of(left) - queueWidth - 2
        if pathRoom >= 8 {
            grid.put(Self.shortPath(Self.abbreviateHome(state.databasePath), to: pathRoom),
                     x: TextWidth.of(left), y: 0, style: style)
            grid.put(queueText, x: width - queueWidth, y: 0, style: style)
        } else {
            let room = width - TextWidth.of(left)
            grid.put(TextWidth.truncate(queueText, to: room), x: TextWidth.of(left), y: 0, style: style)
        }
    }

    /// Narrower terminals get fewer words, never fewer counts: the database path needs the
    /// room more than "queue running" (the dot says it), and below 80 columns the counts go
    /// without it.
    static func queueText(_ queue: QueueSummary, paused: Bool, width: Int) -> String {
        let counts = "\(queue.inFlight) in flight  \(queue.due) due  \(queue.waiting) waiting  \(queue.failed) failed "
        let (dot, word) = paused ? ("▲", "paused") : queue.running ? ("●", "running") : ("○", "stopped")
        switch width {
        case 100...: return "\(dot) queue \(word)  " + counts
        case 80..<100: return "\(dot) \(word)  " + counts
        default: return "\(dot) " + counts
        }
    }

    /// The folder gives way before the file name: "/tmp/qa….sqlite" did not say which of the
    /// databases in a folder this is; "/tmp…/orders.sqlite" does.
    static func shortPath(_ path: String, to room: Int) -> String {
        guard TextWidth.of(path) > room, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            return TextWidth.shortenMiddle(path, to: room)
        }
        let name = String(path[slash...])
        let folderRoom = room - TextWidth.of(name)
        guard folderRoom >= 2 else { return TextWidth.shortenMiddle(path, to: room) }
        return TextWidth.truncate(String(path[..<slash]), to: folderRoom) + name
    }

    static func abbreviateHome(_ path: String) -> String {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty, home != "/",
              path.hasPrefix(home + "/") else { return path }
        return "~" + path.dropFirst(home.count)
    }

    mutating func paintFooter() {
        let items = footerItems()
        let y = height - 1
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: theme[.footer])
        // Back, help and quit always show, so every other key stays discoverable and the way
        // out of a screen is never hidden behind its other keys.
        let pinned = items.filter { $0.1 == "help" || $0.1 == "back" || ($0.0 == "q" && $0.1 == "quit") }
        var others = items.filter { item in !pinned.contains { $0 == item } }
        func widthOf(_ items: [(String, String)]) -> Int {
            items.reduce(0) { $0 + TextWidth.of($1.0) + 1 + TextWidth.of($1.1) + 2 }
        }
        let pinnedWidth = widthOf(pinned)
        func fits() -> Bool { 1 + widthOf(others) + pinnedWidth <= width }
        // Short labels before dropping keys: at 80 columns `o sort` fell off the dashboard's
        // footer, and `R`, `y` and `s` off the details' at 100. Then the arrows go, then Enter,
        // which opens everywhere: the keys only this screen has matter more.
        if !fits() { others = others.map { ($0.0, Self.compactFooterLabels[$0.1] ?? $0.1) } }
        if !fits() { others.removeAll { $0.0 == "↑↓" } }
        if !fits() { others.removeAll { $0.0 == "⏎" } }
        var x = 1
        for (key, label) in others {
            let itemWidth = TextWidth.of(key) + 1 + TextWidth.of(label)
            if x + itemWidth + pinnedWidth > width { break }
            x += grid.put(key, x: x, y: y, style: theme[.footerKey])
            x += grid.put(" " + label, x: x, y: y, style: theme[.footer]) + 2
        }
        for (key, label) in pinned {
            x += grid.put(key, x: x, y: y, style: theme[.footerKey])
            x += grid.put(" " + label, x: x, y: y, style: theme[.footer]) + 2
        }
    }

    static let compactFooterLabels = [
        "delete": "del", "simulate": "sim", "redeliver failed": "all failed",
        "attempts": "open", "copy message id": "copy", "request/response": "open", "clear filter": "clear",
    ]

    func footerItems() -> [(String, String)] {
        switch state.overlay {
        case .help:
            let scrolls = HelpText.wrapped(width: width).count > HelpText.visibleLines(width: width, height: height)
            return (scrolls ? [("↑↓", "scroll")] : []) + [("Esc", "close help"), ("q", "close")]
        case .confirm: return [("y", "yes"), ("n", "no"), ("Tab", "switch"), ("Enter", "choose"), ("Esc", "cancel")]
        case .simulate: return [("↑↓", "choose"), ("Enter", "run"), ("1-4", "run"), ("Esc", "cancel")]
        case nil: break
        }
        switch state.topScreen {
        case nil:
            if state.isEditingFilter { return [("Enter", "keep filter"), ("Esc", "clear"), ("↑↓", "move")] }
            var items: [(String, String)] = []
            if state.selectedWebhook != nil { items.append(("⏎", "open")) }
            items.append(("n", "new"))
            if state.selectedWebhook != nil { items += [("e", "edit"), ("d", "delete"), ("t", "test")] }
            // Nothing to filter, sort or simulate for on an empty dashboard: n is what to press.
            if !state.webhooks.isEmpty {
                items.append(("/", "filter"))
                if state.webhooks.count > 1 { items.append(("o", "sort")) }
                items.append(("s", "simulate"))
            }
            if !state.filter.text.isEmpty { items.append(("Esc", "clear filter")) }
            return items + [("?", "help"), ("q", "quit")]
        case .form(let form):
            if form.isConfirmingDiscard {
                return form.discardQuits
                    ? [("y", "quit without saving"), ("n", "keep editing")]
                    : [("y", "discard changes"), ("n", "keep editing")]
            }
            // Only a save the database keeps waiting (another process is writing) lasts a frame.
            if form.isSaving { return [("Saving…", "waiting for the database, which another process is writing"), ("Esc", "cancel")] }
            var items: [(String, String)] = [("Tab", "next"), ("S-Tab", "prev"), ("^S", "save")]
            switch form.focus {
            case .secret: items += [("^R", form.secretRevealed ? "hide" : "reveal"), ("^G", "generate")]
            case .event, .status: items.append(("Space", "toggle"))
            default: break
            }
            if form.staleCurrent != nil { items.append(("^L", "reload")) }
            // In a text field ? is typed; F1 opens the help from anywhere.
            let typing = [.name, .url, .secret].contains(form.focus)
            return items + [("Esc", "cancel"), (typing ? "F1" : "?", "help")]
        case .details(let details):
            if !state.webhooks.contains(where: { $0.id == details.webhookID }) { return [("Esc", "back"), ("q", "quit")] }
            if details.isEditingSearch { return [("Enter", "keep search"), ("Esc", "clear"), ("↑↓", "move")] }
            // What a person watching deliveries reaches for first comes first: a narrow footer
            // drops from the end.
            return [("↑↓", "move"), ("⏎", "attempts"), ("r", "redeliver"), ("R", "redeliver failed"), ("t", "test"),
                    ("f", "filter"), ("y", "copy message id"), ("/", "find"), ("e", "edit"), ("d", "delete"),
                    ("s", "simulate"), ("Esc", "back"), ("?", "help"), ("q", "quit")]
        case .attempts:
            return [("↑↓", "move"), ("⏎", "request/response"), ("r", "redeliver"), ("Esc", "back"),
                    ("y", "copy message id"), ("?", "help"), ("q", "quit")]
        case .attempt:
            return [("↑↓", "scroll"), ("Esc", "back"), ("y/p/c", "copy id/payload/curl"), ("PgUp/PgDn", "page"),
                    ("g/G", "top/end"), ("?", "help")]
        }
    }

    /// A toast is often the only place its words appear, and its end often says what to do
    /// ("… — check the disk"): a long one wraps, up to `toastRows` rows, instead of being cut.
    static let toastRows = 3

    mutating func paintToasts() {
        var y = height - 2
        // The toast keeps a cell from each screen edge and a space inside either side, and
        // its icon and a space come first (later rows are indented under the text).
        let room = width - 6
        let wrapped = state.toasts.reversed().map { toast in
            var rows = TextWidth.wrapWords(toast.text, columns: room)
            if rows.count > Self.toastRows {
                rows = Array(rows.prefix(Self.toastRows))
                rows[rows.count - 1] = TextWidth.truncate(rows[rows.count - 1] + " …", to: room)
            }
            return (toast, rows)
        }
        // One width for the stack, so its toasts line up on the left as well as the right.
        let boxWidth = (wrapped.flatMap(\.1).map(TextWidth.of).max() ?? 0) + 4
        for (toast, rows) in wrapped {
            let icon = switch toast.kind {
            case .info: "•"
            case .success: "✓"
            case .failure: "✗"
            }
            let style = toast.kind == .failure ? theme[.toast].adding(.bold) : theme[.toast]
            for (index, row) in rows.enumerated().reversed() {
                guard y >= 1 else { return }
                grid.put(TextWidth.pad(" \(index == 0 ? icon : " ") \(row)", to: boxWidth), x: width - boxWidth - 1, y: y, style: style)
                y -= 1
            }
        }
    }

    // MARK: Dashboard

    struct Columns {
        var name: Int, url: Int, events: Int, status: Int, last: Int
        /// When the column cannot hold a URL on screen, its host and path matter more than the
        /// scheme (the details show it whole): every https:// row then drops it, alike. A
        /// plain http:// one keeps it, so the exception still shows.
        var dropsSchemes = false
    }

    static func tableURL(_ url: String, dropScheme: Bool) -> String {
        guard dropScheme, url.lowercased().hasPrefix("https://") else { return url }
        return String(url.dropFirst("https://".count))
    }

    func dashboardColumns() -> Columns {
        let available = width - 2 - (width >= 72 ? 4 : 3) * 2
        // "✗ refused just now" needs 18; narrow screens shorten it instead.
        // Below 72 cells the events column goes (the details show them): name and URL need it more.
        let events = width >= 72 ? 10 : 0, status = 8
        var last = width >= 100 ? 18 : 15
        // Names are what people read the table by: up to a quarter of the row, and no wider than
        // the longest one listed, so short names leave the room to the URL. The longest of
        // all listed, not of those on screen: the columns then stay put while scrolling.
        var name = max(10, min(state.widest.name, available * 25 / 100))
        var url = available - name - events - status - last
        // At the narrowest sizes the URL keeps 10 cells and "Last delivery", then the name,
        // give way, so the row never runs off the screen.
        if url < 10 {
            let given = min(10 - url, last - 12)
            last -= given
            url += given
        }
        if url < 10 {
            let given = min(10 - url, name - 10)
            name -= given
            url += given
        }
        let urlWidth = max(6, url)
        return Columns(
            name: name, url: urlWidth, events: events, status: status, last: last,
            dropsSchemes: state.widest.url > urlWidth)
    }

    mutating func paintDashboard() {
        let rows = state.visibleWebhooks
        let titleY = 2
        let total = state.webhookTotal ?? state.webhooks.count
        // While only the first screenful is loaded the count comes from the store.
        let count = state.webhookTotal ?? rows.count
        let position = state.hasLoaded && !rows.isEmpty && count > state.tableRows
            ? " \(state.dashboardScroll + 1)–\(min(count, state.dashboardScroll + state.tableRows)) of \(count) " : ""
        var title = (!state.hasLoaded ? " Webhooks"
            : state.filter.text.trimmingCharacters(in: .whitespaces).isEmpty ? " Webhooks (\(total))"
            : " Webhooks (\(rows.count) of \(total))")
        // The order's name gives way to a filter being typed where both do not fit: a filter
        // one cannot see is typed blind.
        if let order = state.order.label {
            let filtering = state.isEditingFilter || !state.filter.text.isEmpty
            let room = width - max(16, TextWidth.of(position) + 1) - TextWidth.of(title) - TextWidth.of(" · \(order)")
            if !filtering || room >= 15 { title += " · \(order)" }
        }
        grid.put(title, x: 0, y: titleY, style: theme[.title])
        // The box keeps its place whether or not the marker shows (it comes and goes as the
        // filter narrows the list), unless a long marker needs the room.
        paintFilterIndicator(y: titleY, between: TextWidth.of(title), and: width - max(16, TextWidth.of(position) + 1))
        if !position.isEmpty {
            grid.put(position, x: width - TextWidth.of(position) - 1, y: titleY, style: theme[.muted])
        }
        let columns = dashboardColumns()
        let headerY = titleY + 1
        let headers = ["NAME", "URL", "EVENTS", "STATUS", columns.last >= 13 ? "LAST DELIVERY" : "LAST"]
        let widths = [columns.name, columns.url, columns.events, columns.status, columns.last]
        grid.fill(Rect(x: 0, y: headerY, width: width, height: 1), style: theme[.tableHeader])
        var x = 2
        for (header, columnWidth) in zip(headers, widths) where columnWidth > 0 {
            grid.put(header, x: x, y: headerY, style: theme[.tableHeader], maxWidth: columnWidth)
            x += columnWidth + 2
        }
        let top = state.tableTop
        let visibleRows = state.tableRows
        if !state.hasLoaded {
            centre(["Loading…"], top: top, rows: visibleRows, style: theme[.muted])
            return
        }
        if state.webhooks.isEmpty {
            centre(["The webhooks dashboard is empty.", "Press n to create a webhook."], top: top, rows: visibleRows,
                   style: theme[.normal])
            return
        }
        if rows.isEmpty {
            centre(["No webhook matches “\(state.filter.text)”.", "Esc clears the filter."], top: top,
                   rows: visibleRows, style: theme[.muted])
            return
        }
        for (offset, webhook) in rows.dropFirst(state.dashboardScroll).prefix(visibleRows).enumerated() {
            let y = top + offset
            let selected = webhook.id == state.selectedWebhookID
            paintWebhookRow(webhook, y: y, columns: columns, selected: selected)
        }
    }

    /// The filter box between the title's end and the position marker's start, so that
    /// neither count is ever written over ("Webhooks (100 of 32 / filter: …" read as 32).
    /// A narrow screen shortens the box, then the label.
    mutating func paintFilterIndicator(y: Int, between titleEnd: Int, and markerStart: Int) {
        guard state.isEditingFilter || !state.filter.text.isEmpty else { return }
        let room = markerStart - titleEnd
        var label = " / filter: "
        if room - TextWidth.of(label) < 12 { label = " / " }
        // A long filter widens the box as far as the title leaves room, rather than scrolling
        // in 30 columns of a 200-column screen.
        let preferred = max(min(30, width / 3), TextWidth.of(state.filter.text) + 1)
        let boxWidth = min(preferred, room - TextWidth.of(label))
        guard boxWidth >= 3 else { return }
        let x = markerStart - boxWidth - TextWidth.of(label)
        grid.put(label, x: x, y: y, style: theme[.filter])
        let fieldX = x + TextWidth.of(label)
        let style = state.isEditingFilter ? theme[.inputFocused] : theme[.input]
        grid.fill(Rect(x: fieldX, y: y, width: boxWidth, height: 1), style: style)
        let visible = state.filter.visible(width: boxWidth, masked: false, fromStart: !state.isEditingFilter)
        grid.put(visible.text, x: fieldX, y: y, style: style, maxWidth: boxWidth)
        if state.isEditingFilter { cursor = CursorPosition(x: fieldX + visible.cursorColumn, y: y) }
    }

    mutating func paintWebhookRow(_ webhook: WebhookRow, y: Int, columns: Columns, selected: Bool) {
        let base = selected ? theme[.selection] : theme[.normal]
        if selected { grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: base) }
        grid.put(selected ? "›" : " ", x: 0, y: y, style: base)
        var x = 2
        grid.put(TextWidth.truncate(webhook.name, to: columns.name), x: x, y: y, style: base)
        x += columns.name + 2
        grid.put(TextWidth.shortenMiddle(Self.tableURL(webhook.url, dropScheme: columns.dropsSchemes), to: columns.url), x: x, y: y, style: base)
        x += columns.url + 2
        if columns.events > 0 {
            grid.put(TextWidth.truncate(state.eventsColumn(webhook), to: columns.events), x: x, y: y, style: base)
            x += columns.events + 2
        }
        let statusStyle = selected ? base : theme[webhook.active ? .active : .inactive]
        grid.put(webhook.statusWord, x: x, y: y, style: statusStyle)
        x += columns.status + 2
        var (text, role) = lastDeliveryText(webhook.lastDelivery)
        // The first delivery to a webhook has no outcome until its attempt ends (up to 15 s).
        if state.sendsFirstDelivery(webhook) { (text, role) = (state.lastDeliveryColumn(webhook), .warning) }
        if TextWidth.of(text) > columns.last {
            if text.hasSuffix(" ago") { text.removeLast(4) } else if text.hasSuffix(" just now") { text = text.dropLast(9) + " now" }
        }
        grid.put(TextWidth.truncate(text, to: columns.last), x: x, y: y, style: selected ? base : theme[role])
    }

    func lastDeliveryText(_ last: LastDelivery?) -> (String, ThemeRole) {
        let text = LastDelivery.columnText(last)
        guard let last else { return (text, .muted) }
        let ago = RelativeTime.describe(from: last.at, to: state.now)
        switch last.outcome {
        case .succeeded: return ("\(text) \(ago)", .success)
        case .failed: return ("\(text) \(ago)", .error)
        case .pending: return (text, .warning)
        }
    }

    mutating func centre(_ lines: [String], top: Int, rows: Int, style: Style) {
        let start = top + max(0, (rows - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let fitted = TextWidth.truncate(line, to: width - 2)
            grid.put(fitted, x: max(0, (width - TextWidth.of(fitted)) / 2), y: start + offset,
                     style: offset == 0 ? style.adding(.bold) : style)
        }
    }

    // MARK: Form

    mutating func paintForm(_ form: FormState) {
        let layout = FormLayout(width: width, height: height, eventCount: state.eventChoices.count)
        let box = layout.box
        grid.fill(box, style: theme[.dialog])
        grid.box(box, style: theme[.border], title: form.title, titleStyle: theme[.title])
        let labelX = layout.labelX
        let fieldX = layout.fieldX
        let fieldWidth = layout.fieldWidth

        func label(_ text: String, required: Bool, y: Int) {
            let used = grid.put(text, x: labelX, y: y, style: theme[.label])
            if required { grid.put(" *", x: labelX + used, y: y, style: theme[.required]) }
        }
        func message(_ field: FormField, y: Int, hints: [String] = []) {
            let right = box.x + box.width - 2
            let error = form.errors[field].map { "✗ " + $0 }
            // A hint takes its longest form that fits under the input, where it belongs.
            let hint = hints.first { TextWidth.of($0) <= right - fieldX } ?? hints.last
            guard let text = error ?? hint else { return }
            // A line too long for the space under the input starts under the label instead,
            // so it is read whole on a narrow terminal (a disabled webhook's reason was cut
            // at the box's edge); what still does not fit ends in "…".
            let x = TextWidth.of(text) <= right - fieldX ? fieldX : labelX
            grid.put(TextWidth.truncate(text, to: right - x), x: x, y: y, style: theme[error == nil ? .muted : .error])
        }
        func textField(_ field: TextField, focus: FormState.Focus, masked: Bool, y: Int) {
            let focused = form.focus == focus && !form.isConfirmingDiscard
            let style = focused ? theme[.inputFocused] : theme[.input]
            grid.fill(Rect(x: fieldX, y: y, width: fieldWidth, height: 1), style: style)
            let visible = field.visible(width: fieldWidth - 2, masked: masked, fromStart: !focused)
            grid.put(visible.text, x: fieldX + 1, y: y, style: style, maxWidth: fieldWidth - 2)
            if focused { cursor = CursorPosition(x: fieldX + 1 + visible.cursorColumn, y: y) }
        }

        label("Name", required: true, y: layout.nameY)
        textField(form.name, focus: .name, masked: false, y: layout.nameY)
        message(.name, y: layout.nameY + 1)
        label("URL endpoint", required: true, y: layout.urlY)
        textField(form.url, focus: .url, masked: false, y: layout.urlY)
        message(.url, y: layout.urlY + 1, hints: ["https://… (Signed JSON POSTs go here)", "https://…"])
        label("Secret", required: false, y: layout.secretY)
        textField(form.secret, focus: .secret, masked: !form.secretRevealed, y: layout.secretY)
        let secretHints = form.secret.text.isEmpty
            ? ["Optional · ^G generate · empty sends no signature", "Optional · ^G generate · empty: unsigned",
               "Optional · ^G generate"]
            : [form.secretRevealed ? "^R hide · ^G generate new" : "^R reveal · ^G generate new"]
        message(.secret, y: layout.secretY + 1, hints: secretHints)

        label("Events", required: true, y: layout.eventsY)
        var x = fieldX
        for (index, choice) in state.eventChoices.enumerated() {
            let checked = form.events.contains(choice.name)
            let focused = form.focus == .event(index) && !form.isConfirmingDiscard
            let text = "[\(checked ? "x" : " ")] \(choice.label)"
            x += grid.put(text, x: x, y: layout.eventsY, style: focused ? theme[.inputFocused] : theme[.normal]) + 3
        }
        message(.events, y: layout.eventsY + 1)

        label("Status", required: true, y: layout.statusY)
        let statusFocused = form.focus == .status && !form.isConfirmingDiscard
        let activeText = form.active ? "(•) Active  ( ) Inactive" : "( ) Active  (•) Inactive"
        grid.put(activeText, x: fieldX, y: layout.statusY, style: statusFocused ? theme[.inputFocused] : theme[.normal])
        // The dashboard says Disabled; here, where it is undone, why.
        let disabledHint = form.disabledReason.map { reason in
            form.active ? "Active resumes deliveries (disabled: \(reason))" : "Disabled by hookdash: \(reason)"
        }
        message(.status, y: layout.statusY + 1, hints: disabledHint.map { [$0] } ?? [])

        let save = "[ Save ]", cancel = "[ Cancel ]"
        let buttonsWidth = TextWidth.of(save) + 3 + TextWidth.of(cancel)
        let buttonsX = box.x + (box.width - buttonsWidth) / 2
        grid.put(save, x: buttonsX, y: layout.buttonsY,
                 style: form.focus == .save && !form.isConfirmingDiscard ? theme[.buttonFocused] : theme[.button])
        grid.put(cancel, x: buttonsX + TextWidth.of(save) + 3, y: layout.buttonsY,
                 style: form.focus == .cancel && !form.isConfirmingDiscard ? theme[.buttonFocused] : theme[.button])
        if let banner = form.banner {
            let text = TextWidth.truncate(banner, to: box.width - 4)
            grid.put(text, x: box.x + (box.width - TextWidth.of(text)) / 2, y: layout.bannerY, style: theme[.warning])
        }
        if form.isConfirmingDiscard {
            paintDialog(
                title: form.discardQuits ? "Quit without saving?" : "Discard changes?",
                lines: ["Your changes to this webhook are not saved.", "",
                        form.discardQuits ? "y quit · n keep editing · Ctrl-C quit" : "y discard · n keep editing"],
                width: 50)
        }
    }

    // MARK: Details

    mutating func paintDetails(_ details: DetailsState) {
        guard let webhook = state.webhooks.first(where: { $0.id == details.webhookID }) else {
            centre(["This webhook no longer exists.", "Esc goes back."], top: 2, rows: height - 4, style: theme[.muted])
            return
        }
        grid.put(" Webhook · ", x: 0, y: 2, style: theme[.title])
        grid.put(TextWidth.truncate(webhook.name, to: width - 24), x: 11, y: 2, style: theme[.title])
        let status = (webhook.active ? "● " : "○ ") + webhook.statusWord
        grid.put(status, x: width - TextWidth.of(status) - 2, y: 2, style: theme[webhook.active ? .active : .inactive])
        let half = width / 2
        // The left column ends two cells before the right one starts.
        let leftWidth = half - 3
        func time(_ date: Date) -> String {
            let full = Self.timestamp(date, zone: state.timeZone)
            return TextWidth.of(full) <= leftWidth - 9 ? full : Self.shortTimestamp(date, zone: state.timeZone, seconds: true)
        }
        field("URL", webhook.url, x: 1, y: 3, width: width - 2)
        var events = webhook.events.joined(separator: ", ")
        if TextWidth.of(events) > leftWidth - 9 { events = webhook.events.map { $0.split(separator: ".").first.map(String.init) ?? $0 }.joined(separator: ", ") }
        field("Events", events, x: 1, y: 4, width: leftWidth)
        field("Secret", Self.secretText(webhook, now: state.now, zone: state.timeZone), x: half, y: 4, width: width - half - 1)
        field("ID", webhook.id, x: 1, y: 5, width: width - 2)
        field("Created", time(webhook.createdAt), x: 1, y: 6, width: leftWidth)
        if let reason = webhook.disabledReason, !webhook.active {
            // Why it stopped, where the eye lands after the status; e then Active resumes it.
            // A sentence, not a label and a value: "Disabled" fills the label column, and the
            // reason ran on from it ("Disabled the endpoint answered 410 Gone").
            grid.put(TextWidth.truncate("Disabled: " + reason, to: width - half - 1), x: half, y: 6, style: theme[.normal])
        } else {
            field("Updated", time(webhook.updatedAt), x: half, y: 6, width: width - half - 1)
        }

        let shown = details.filter == .all ? "" : " · \(details.filter.rawValue) only"
        let searching = details.isEditingSearch || !details.searchText.isEmpty
        var title = " Deliveries\(shown)" + (searching ? "" : " (newest first, live)")
        var right = width
        if !searching, width >= 70 {
            let hint = "f: \(details.filter.next == .all ? "show all" : "show \(details.filter.next.rawValue)")"
            right = width - TextWidth.of(hint) - 2
            grid.put(hint, x: right, y: 7, style: theme[.muted])
        }
        // "(newest first, live)" gives way to the whole 24 h summary, whose tries count was
        // the first thing dropped at 70–90 columns.
        if !searching, let whole = details.health?.texts.first,
           TextWidth.of(title) + 3 + TextWidth.of(whole) + 2 > right {
            title = " Deliveries\(shown)"
        }
        grid.put(title, x: 0, y: 7, style: theme[.title])
        if searching { paintSearch(details, x: TextWidth.of(title) + 2, y: 7) }
        if let health = details.health, !searching {
            let left = TextWidth.of(title) + 3
            if let text = health.texts.first(where: { left + TextWidth.of($0) + 2 <= right }) {
                grid.put(text, x: left, y: 7, style: theme[.muted])
            }
        }
        let headerY = DetailsLayout.listTop - 1
        grid.fill(Rect(x: 0, y: headerY, width: width, height: 1), style: theme[.tableHeader])
        let columns = Self.deliveryColumns(width: width, hasTests: details.deliveries.contains { !$0.liveMode })
        var x = 2
        for (title, columnWidth) in columns {
            grid.put(title, x: x, y: headerY, style: theme[.tableHeader], maxWidth: columnWidth)
            x += columnWidth + 2
        }
        let top = DetailsLayout.listTop
        let rows = max(1, height - top - 2)
        // Where the list is, and that it stops at the newest 200 (the search looks further).
        let count = details.deliveries.count
        if count > rows || count >= StoreRows.detailsLimit {
            let range = "\(details.scroll + 1)–\(min(count, details.scroll + rows))"
            let long = " " + (count >= StoreRows.detailsLimit ? "\(range) of the newest \(count)" : "\(range) of \(count)") + " "
            // After the RESULT heading, never over it ("RES 1–5 of 12"); shorter where it is narrow.
            let headingEnd = x - (columns.last?.1 ?? 0) - 2 + TextWidth.of(columns.last?.0 ?? "")
            if let position = [long, " \(range)/\(count) "].first(where: { width - TextWidth.of($0) - 1 >= headingEnd }) {
                grid.put(position, x: width - TextWidth.of(position) - 1, y: headerY, style: theme[.tableHeader])
            }
        }
        if !details.hasLoaded {
            centre(["Loading deliveries…"], top: top, rows: rows, style: theme[.muted])
            return
        }
        if details.deliveries.isEmpty, !details.searchText.isEmpty {
            let among = "among the newest \(Self.grouped(StoreRows.searchWindow))"
            centre(["No delivery \(among) matches “\(TextWidth.truncate(details.searchText, to: 30))”.",
                    "It looks in message ids, HTTP statuses, errors and payloads. Esc clears it."],
                   top: top, rows: rows, style: theme[.muted])
            return
        }
        if details.deliveries.isEmpty {
            let lines = details.filter == .all
                ? ["No deliveries yet.", "Press t to send a test event, or s to simulate one."]
                : ["No \(details.filter.rawValue) deliveries.", "Press f to show \(details.filter.next == .all ? "all" : details.filter.next.rawValue)."]
            centre(lines, top: top, rows: rows, style: theme[.muted])
            return
        }
        for (offset, delivery) in details.deliveries.dropFirst(details.scroll).prefix(rows).enumerated() {
            let index = details.scroll + offset
            let y = top + offset
            let selected = index == details.selectedIndex
            let base = selected ? theme[.selection] : theme[.normal]
            if selected { grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: base) }
            grid.put(selected ? "›" : " ", x: 0, y: y, style: base)
            var x = 2
            let time = columns[0].1 >= 19
                ? Self.timestamp(delivery.createdAt, zone: state.timeZone)
                : Self.shortTimestamp(delivery.createdAt, zone: state.timeZone, seconds: true)
            var cells: [(String, ThemeRole?)] = [
                (time, nil),
                (delivery.event + (delivery.liveMode ? "" : "*"), nil),
                (delivery.status.rawValue, Self.role(for: delivery.status)),
                ("\(delivery.attemptCount)", nil),
                (delivery.result(now: state.now, webhookActive: webhook.active, waitsForDev: waitsForDev(webhook.url)),
                 Self.role(for: delivery.status)),
            ]
            if columns.count == 4 { cells.remove(at: 3) }
            for ((text, role), (_, columnWidth)) in zip(cells, columns) {
                let style = selected ? base : (role.map { theme[$0] } ?? base)
                grid.put(TextWidth.truncate(text, to: columnWidth), x: x, y: y, style: style)
                x += columnWidth + 2
            }
        }
    }

    /// The delivery list's columns: below 80 cells the time loses its year, and below 70 the
    /// tries go, so the result (when it retries, why it failed) keeps room to be read. The
    /// event's heading explains the mark of test events when any are listed.
    static func deliveryColumns(width: Int, hasTests: Bool) -> [(String, Int)] {
        var columns = [("TIME", width >= 80 ? 19 : 14), ("EVENT", 13), ("STATUS", 10)]
        columns[1].0 = hasTests ? "EVENT (*test)" : "EVENT"
        if width >= 70 { columns.append(("TRIES", 5)) }
        let used = columns.reduce(2) { $0 + $1.1 + 2 }
        columns.append(("RESULT", max(8, width - used)))
        return columns
    }

    /// "10,000", whatever the process's locale (screens are compared in tests).
    static func grouped(_ number: Int) -> String {
        var digits = Array(String(number))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }

    /// The details' search box, beside the list's title: "/ find: ▏".
    mutating func paintSearch(_ details: DetailsState, x: Int, y: Int) {
        let label = "/ find: "
        grid.put(label, x: x, y: y, style: theme[.filter])
        let fieldX = x + TextWidth.of(label)
        let boxWidth = max(8, min(40, width - fieldX - 2))
        let style = details.isEditingSearch ? theme[.inputFocused] : theme[.input]
        grid.fill(Rect(x: fieldX, y: y, width: boxWidth, height: 1), style: style)
        let visible = details.search.visible(width: boxWidth, masked: false, fromStart: !details.isEditingSearch)
        grid.put(visible.text, x: fieldX, y: y, style: style, maxWidth: boxWidth)
        if details.isEditingSearch { cursor = CursorPosition(x: fieldX + visible.cursorColumn, y: y) }
    }

    mutating func field(_ name: String, _ value: String, x: Int, y: Int, width fieldWidth: Int, cutAtEnd: Bool = false) {
        let label = TextWidth.pad(name, to: 8)
        grid.put(label, x: x, y: y, style: theme[.muted])
        let room = max(4, fieldWidth - 9)
        let shown = cutAtEnd ? TextWidth.truncate(value, to: room) : TextWidth.shortenMiddle(value, to: room)
        grid.put(shown, x: x + 9, y: y, style: theme[.normal])
    }

    static func secretText(_ webhook: WebhookRow, now: Date, zone: TimeZone = .current) -> String {
        if webhook.secret.isEmpty { return "none (unsigned)" }
        let kind = webhook.secret.hasPrefix("whsec_") ? "whsec_… · signed" : "plain text · signed"
        guard let until = webhook.previousSecretUntil, until > now else { return kind }
        // A time, not "for 23h": a span read just after the change rounds down and looks wrong.
        return "new · old until " + shortTimestamp(until, zone: zone)
    }

    /// "12-03 14:05": month, day, hour and minute, for narrow columns and near dates.
    static func shortTimestamp(_ date: Date, zone: TimeZone, seconds: Bool = false) -> String {
        let full = timestamp(date, zone: zone)  // "2026-12-03 14:05:09"
        return String(full.dropFirst(5).prefix(seconds ? 14 : 11))
    }

    static func role(for status: DeliveryRow.Status) -> ThemeRole {
        switch status {
        case .delivered: .success
        case .failed: .error
        case .pending, .inFlight: .warning
        case .cancelled: .muted
        }
    }

    static func timestamp(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    // MARK: Attempts

    /// Only a process with `--dev` sends to a plain http:// URL.
    func waitsForDev(_ url: String) -> Bool {
        !state.devMode && url.lowercased().hasPrefix("http://")
    }

    mutating func paintAttempts(_ attempts: AttemptsState) {
        let delivery = attempts.delivery
        // Its id is what `hookdash deliveries show` and `redeliver` take.
        grid.put(TextWidth.truncate(" Delivery \(delivery.id) · \(delivery.event) → \(attempts.webhookName)", to: width - 2),
                 x: 0, y: 2, style: theme[.title])
        field("Message", delivery.messageID + (delivery.liveMode ? "" : " (test)"), x: 1, y: 3, width: width - 2)
        field("Status", delivery.status.rawValue, x: 1, y: 4, width: width - 2)
        let webhook = state.webhooks.first { $0.id == attempts.webhookID }
        let result = delivery.result(
            now: state.now, webhookActive: webhook?.active ?? true, waitsForDev: webhook.map { waitsForDev($0.url) } ?? false)
        // A line of its own, cut at its end: beside Status, and shortened in its middle, it lost
        // the failing host of "connection refused by host:port (nothing is listening there)".
        field("Result", result, x: 1, y: 5, width: width - 2, cutAtEnd: true)
        let headerY = 6
        grid.fill(Rect(x: 0, y: headerY, width: width, height: 1), style: theme[.tableHeader])
        let columns = [("#", 3), ("STARTED", 19), ("DURATION", 9), ("RESULT", max(8, width - 2 - 3 - 19 - 9 - 6))]
        var x = 2
        for (title, columnWidth) in columns {
            grid.put(title, x: x, y: headerY, style: theme[.tableHeader])
            x += columnWidth + 2
        }
        if attempts.attempts.isEmpty {
            centre(["No attempts yet."], top: headerY + 1, rows: height - headerY - 3, style: theme[.muted])
            return
        }
        for (index, attempt) in attempts.attempts.prefix(max(0, height - headerY - 3)).enumerated() {
            let y = headerY + 1 + index
            let selected = index == attempts.selectedIndex
            let base = selected ? theme[.selection] : theme[.normal]
            if selected { grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: base) }
            grid.put(selected ? "›" : " ", x: 0, y: y, style: base)
            let result = attempt.statusCode.map { "HTTP \($0)" } ?? "no response"
            let detail = result + (attempt.error.map { " · \($0)" } ?? "")
            let cells = ["\(attempt.number)", Self.timestamp(attempt.startedAt, zone: state.timeZone),
                         "\(attempt.durationMilliseconds) ms", detail]
            var x = 2
            for (text, (_, columnWidth)) in zip(cells, columns) {
                let style = selected ? base : (text == detail ? theme[attempt.succeeded ? .success : .error] : base)
                grid.put(TextWidth.truncate(text, to: columnWidth), x: x, y: y, style: style)
                x += columnWidth + 2
            }
        }
    }

    mutating func paintAttemptView(_ view: AttemptViewState) {
        grid.put(TextWidth.truncate(" " + view.title, to: width - 2), x: 0, y: 2, style: theme[.title])
        let top = 3
        let rows = AttemptViewState.page(height: height)
        let lines = view.rows(width: width)
        for (offset, line) in lines.dropFirst(view.scroll).prefix(rows).enumerated() {
            let style = line.hasPrefix("── ") ? theme[.title] : theme[.normal]
            grid.put(line, x: 1, y: top + offset, style: style, maxWidth: width - 2)
        }
        if lines.count > rows {
            let position = " \(view.scroll + 1)–\(min(lines.count, view.scroll + rows)) of \(lines.count) "
            grid.put(position, x: width - TextWidth.of(position) - 1, y: 2, style: theme[.muted])
        }
    }

    // MARK: Overlays

    mutating func paintDialog(title: String, lines: [String], width dialogWidth: Int) {
        let boxWidth = min(dialogWidth, width - 2)
        let boxHeight = min(lines.count + 4, height - 2)
        let box = Rect(x: (width - boxWidth) / 2, y: max(1, (height - boxHeight) / 2), width: boxWidth, height: boxHeight)
        grid.fill(box, style: theme[.dialog])
        grid.box(box, style: theme[.border], title: title, titleStyle: theme[.title])
        for (offset, line) in lines.prefix(boxHeight - 4).enumerated() {
            // A narrow terminal's dialog may not hold a line: cut, it says so.
            grid.put(TextWidth.truncate(line, to: boxWidth - 6), x: box.x + 3, y: box.y + 2 + offset, style: theme[.dialog])
        }
    }

    mutating func paintConfirmation(_ confirm: Confirmation) {
        // The name gives way on a narrow screen, so the question keeps its closing ”?.
        let lines = confirm.lines(nameWidth: min(36, width - 2 - 6 - 24)) + ["", ""]
        let boxWidth = min(max(56, (lines.map(TextWidth.of).max() ?? 0) + 6), width - 2)
        paintDialog(title: confirm.title, lines: lines, width: boxWidth)
        let boxHeight = min(lines.count + 4, height - 2)
        let boxY = max(1, (height - boxHeight) / 2)
        let cancel = "[ Cancel ]", act = "[ \(confirm.button) ]"
        let total = TextWidth.of(cancel) + 3 + TextWidth.of(act)
        let x = (width - total) / 2
        let y = boxY + boxHeight - 2
        grid.put(cancel, x: x, y: y, style: confirm.confirmFocused ? theme[.button] : theme[.buttonFocused])
        grid.put(act, x: x + TextWidth.of(cancel) + 3, y: y,
                 style: confirm.confirmFocused ? theme[.buttonFocused].adding(.bold) : theme[.button])
    }

    mutating func paintSimulate(_ selected: Int) {
        let lines = SimulationKind.allCases.enumerated().map { index, kind in "\(index + 1)  \(kind.title)" }
        let boxWidth = min(60, width - 2)
        paintDialog(title: "Simulate", lines: lines, width: boxWidth)
        let boxHeight = min(lines.count + 4, height - 2)
        let boxY = max(1, (height - boxHeight) / 2)
        let boxX = (width - boxWidth) / 2
        let y = boxY + 2 + selected
        grid.restyle(Rect(x: boxX + 2, y: y, width: boxWidth - 4, height: 1)) { _ in theme[.selection] }
    }

    mutating func paintHelp(scroll: Int) {
        let lines = HelpText.wrapped(width: width)
        let visible = HelpText.visibleLines(width: width, height: height)
        let first = max(0, min(scroll, lines.count - visible))
        let boxWidth = HelpText.boxWidth(width)
        let boxHeight = visible + 2
        let box = Rect(x: (width - boxWidth) / 2, y: max(1, (height - boxHeight) / 2), width: boxWidth, height: boxHeight)
        grid.fill(box, style: theme[.dialog])
        grid.box(box, style: theme[.border], title: "Keys", titleStyle: theme[.title])
        for (offset, line) in lines.dropFirst(first).prefix(visible).enumerated() {
            let y = box.y + 1 + offset
            grid.put(line.section, x: box.x + 2, y: y, style: theme[.title], maxWidth: 12)
            grid.put(line.keys, x: box.x + 15, y: y, style: theme[.dialog], maxWidth: boxWidth - 17)
        }
        // A short terminal shows part of the help: say that more is there and how to reach it.
        let more = [first > 0 ? "↑" : nil, first + visible < lines.count ? "↓" : nil].compactMap { $0 }
        if !more.isEmpty {
            let note = " \(more.joined(separator: " ")) more "
            grid.put(note, x: box.x + boxWidth - TextWidth.of(note) - 2, y: box.y + boxHeight - 1, style: theme[.title])
        }
    }
}

/// Every key, for the help overlay.
enum HelpText {
    struct Line {
        var section: String
        var keys: String
    }

    static func boxWidth(_ width: Int) -> Int { min(74, width - 2) }

    /// How many help lines fit on a terminal `height` rows high.
    static func visibleLines(width: Int, height: Int) -> Int {
        min(wrapped(width: width).count, max(1, height - 4))
    }

    /// `lines` with each keys text wrapped at word boundaries to the box's keys column.
    static func wrapped(width: Int) -> [Line] {
        let room = max(10, boxWidth(width) - 17)
        return lines.flatMap { line in
            TextWidth.wrapWords(line.keys, columns: room).enumerated().map { index, keys in
                Line(section: index == 0 ? line.section : "", keys: keys)
            }
        }
    }

    static let lines: [Line] = [
        Line(section: "Move", keys: "↑ ↓  j k   g G  Home End   PgUp PgDn"),
        Line(section: "Open / back", keys: "Enter → l open · Esc ← h Backspace back"),
        Line(section: "Mouse", keys: "click selects a row · wheel scrolls"),
        Line(section: "Dashboard", keys: "n new   e edit   d delete   t send test event"),
        Line(section: "", keys: "s simulate a job or order   / filter: anything a row shows, or the id"),
        Line(section: "", keys: "o sorts: by name, failing first, latest delivery first, as created"),
        Line(section: "", keys: "r reads the list again   Esc clears the filter"),
        Line(section: "Details", keys: "t test   e edit   d delete   Enter attempts"),
        Line(section: "", keys: "r redeliver the selected delivery · R every failed one"),
        Line(section: "", keys: "f shows failed, pending, delivered, then all again"),
        Line(section: "", keys: "s simulate   y copy the message id"),
        Line(section: "", keys: "/ finds by message id, status, error or payload text"),
        Line(section: "Attempt", keys: "↑ ↓ PgUp PgDn g G scroll request and response"),
        Line(section: "Copy", keys: "y message id · p payload as sent · c curl resending it"),
        Line(section: "", keys: "(p and c in an attempt; to the clipboard by OSC 52)"),
        Line(section: "Form", keys: "Tab Shift-Tab ↑ ↓ move · Space toggles · Ctrl-S saves"),
        Line(section: "", keys: "Enter: next field, or presses the focused button"),
        Line(section: "", keys: "Ctrl-R shows/hides the secret · Ctrl-G generates one"),
        Line(section: "", keys: "Ctrl-L takes a version saved elsewhere, keeping your edits"),
        Line(section: "Text", keys: "← → Home End Backspace Delete Ctrl-A Ctrl-E Ctrl-U"),
        Line(section: "", keys: "Alt-b Alt-f move a word · Ctrl-W Alt-Backspace delete one"),
        Line(section: "Help", keys: "? or F1 opens and closes this help (in a text field, F1)"),
        Line(section: "Screen", keys: "Ctrl-L paints it again"),
        Line(section: "Suspend", keys: "Ctrl-Z back to the shell · fg returns"),
        Line(section: "Quit", keys: "q (Esc backs out first) · Ctrl-C anywhere (a changed form asks first)"),
    ]
}

/// Where the form's parts go, shared by drawing and mouse hit-testing.
struct FormLayout {
    let box: Rect
    let labelX: Int
    let fieldX: Int
    let fieldWidth: Int
    let nameY, urlY, secretY, eventsY, statusY, buttonsY, bannerY: Int

    init(width: Int, height: Int, eventCount: Int) {
        let boxWidth = min(78, width - 2)
        let boxHeight = min(15, height - 2)
        box = Rect(x: (width - boxWidth) / 2, y: max(1, (height - boxHeight) / 2), width: boxWidth, height: boxHeight)
        labelX = box.x + 3
        fieldX = labelX + 16
        fieldWidth = box.x + box.width - 3 - fieldX
        nameY = box.y + 2
        urlY = nameY + 2
        secretY = urlY + 2
        eventsY = secretY + 2
        statusY = eventsY + 2
        buttonsY = statusY + 2
        bannerY = buttonsY + 1
    }
}

extension ConsoleState {
    func formFocus(atX x: Int, y: Int, form: FormState) -> FormState.Focus? {
        let layout = FormLayout(width: width, height: height, eventCount: eventChoices.count)
        guard layout.box.contains(x: x, y: y) else { return nil }
        switch y {
        case layout.nameY: return .name
        case layout.urlY: return .url
        case layout.secretY: return .secret
        case layout.statusY: return .status
        case layout.eventsY:
            var start = layout.fieldX
            for (index, choice) in eventChoices.enumerated() {
                let end = start + 4 + TextWidth.of(choice.label)
                if x >= start && x < end { return .event(index) }
                start = end + 3
            }
            return nil
        case layout.buttonsY:
            return x < layout.box.x + layout.box.width / 2 ? .save : .cancel
        default: return nil
        }
    }
}
