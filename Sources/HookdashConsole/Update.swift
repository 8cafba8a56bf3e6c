import Foundation
import HookdashDomain
import HookdashStore
import HookdashUI

/// The console's only way to change: a pure function from state and action to the next state and
/// the effects the runner should perform.
public func update(_ state: ConsoleState, _ action: ConsoleAction) -> (ConsoleState, [ConsoleEffect]) {
    var next = state
    let effects = next.apply(action)
    return (next, effects)
}

extension ConsoleState {
    static let toastDuration: TimeInterval = 6

    mutating func apply(_ action: ConsoleAction) -> [ConsoleEffect] {
        switch action {
        case .input(let event):
            let effects = refusingWritesToALostFile(handle(event))
            // Once a text field has the keys, a paste would be taken: the note saying it
            // was ignored no longer holds.
            if isTypingText { toasts.removeAll { $0.text == Self.pasteIgnoredNote } }
            return effects
        case .tick(let date):
            // Nothing on screen shows time finer than a second: ticks within one leave the
            // state unchanged, so an idle console is drawn once a second, not on every tick.
            now = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
            toasts.removeAll { $0.expiresAt <= date }
            return []
        case .webhooksLoaded(let rows):
            let former = visibleWebhooks
            widestInStore = nil
            webhooks = rows
            webhookTotal = nil
            hasLoaded = true
            keepSelectionValid(formerRows: former)
            return []
        case .firstWebhooksLoaded(let rows, let total, let widest):
            widestInStore = widest
            webhooks = rows
            webhookTotal = total
            hasLoaded = true
            keepSelectionValid()
            return []
        case .queueUpdated(let summary):
            queue = summary
            return []
        case .databaseFileLost(let how):
            guard databaseFileLost != how else { return [] }
            databaseFileLost = how
            toast(.failure, "Database file \(how) under this console: changes here are lost at quit. Quit and restart.")
            return []
        case .queuePaused(let trouble):
            queuePausedBecause = trouble
            if let trouble {
                toast(.failure, "Deliveries paused: \(trouble)")
            } else {
                toast(.success, "Deliveries resumed: the database takes writes again")
            }
            return []
        case .saved(let row):
            if let index = webhooks.firstIndex(where: { $0.id == row.id }) {
                webhooks[index] = row
            } else {
                webhooks.append(row)
            }
            selectedWebhookID = row.id
            // A filter that would hide the saved row would make the save look lost; clearing
            // it silently made the filter look lost instead.
            var clearedFilter = ""
            if !visibleWebhooks.contains(where: { $0.id == row.id }) {
                clearedFilter = "; the filter “\(filter.text)” was cleared to show it"
                filter = TextField()
            }
            // Only the form that was saved closes (not one opened while the save waited).
            if case .form(let form) = topScreen, form.isSaving {
                screens.removeLast()
                var text = form.mode == .create ? "Created “\(ToastText.name(row.name))”" : "Saved “\(ToastText.name(row.name))”"
                if form.mode != .create, form.hasChanged(.secret), row.previousSecretUntil != nil {
                    text += "; the old secret also signs for a day"
                }
                toast(.success, text + clearedFilter)
            } else {
                // Its form was left while the save waited; the save still happened.
                toast(.success, "Saved “\(ToastText.name(row.name))”" + clearedFilter)
            }
            scrollSelectionIntoView()
            return [.reloadWebhooks]
        case .saveRejected(let errors):
            updateForm { form in
                form.isSaving = false
                form.errors = errors
                form.banner = nil
                if let first = FormField.allCases.first(where: { errors[$0] != nil }) {
                    form.focus = Self.focus(for: first)
                }
            }
            return []
        case .saveFailed(let message):
            updateForm { form in
                form.isSaving = false
                form.banner = message
            }
            return []
        case .staleEdit(let current):
            updateForm { form in
                form.isSaving = false
                form.staleCurrent = current
                if let current {
                    // What to do first, then their values (what to weigh before taking them): a
                    // long name or URL of theirs is what a narrow box cuts.
                    let theirs = form.changedElsewhere(in: current).map(\.theirs)
                    form.banner = "Changed elsewhere: ^L takes it, keeping your edits"
                        + (theirs.isEmpty ? "" : " — " + theirs.joined(separator: ", "))
                } else {
                    form.webhookGone = true
                    form.banner = "This webhook was deleted elsewhere. Esc to leave."
                }
            }
            return []
        case .deleted(let id, let name):
            let former = visibleWebhooks
            webhooks.removeAll { $0.id == id }
            // Whatever was open on it is gone; back to the dashboard.
            screens.removeAll()
            overlay = nil
            keepSelectionValid(formerRows: former)
            toast(.success, "Deleted “\(ToastText.name(name))”")
            return [.reloadWebhooks]
        case .healthLoaded(let webhookID, let health):
            for index in screens.indices {
                guard case .details(var details) = screens[index], details.webhookID == webhookID else { continue }
                details.health = health
                screens[index] = .details(details)
            }
            return []
        case .deliveriesLoaded(let webhookID, let filter, let search, let rows):
            for index in screens.indices {
                // A list read for the filter before the last `f` press, or for an earlier
                // search text, is stale.
                guard case .details(var details) = screens[index], details.webhookID == webhookID,
                      details.filter == filter, details.searchText == search else { continue }
                let selectedID = details.deliveries.indices.contains(details.selectedIndex)
                    ? details.deliveries[details.selectedIndex].id : nil
                details.deliveries = rows
                details.hasLoaded = true
                if let selectedID, let kept = rows.firstIndex(where: { $0.id == selectedID }) {
                    details.selectedIndex = kept
                } else {
                    details.selectedIndex = min(details.selectedIndex, max(0, rows.count - 1))
                }
                screens[index] = .details(details)
            }
            for index in screens.indices {
                guard case .attempts(var attempts) = screens[index],
                      let row = rows.first(where: { $0.id == attempts.delivery.id }) else { continue }
                attempts.delivery = row
                screens[index] = .attempts(attempts)
            }
            return []
        case .attemptsLoaded(let deliveryID, let rows):
            for index in screens.indices {
                guard case .attempts(var attempts) = screens[index], attempts.delivery.id == deliveryID else { continue }
                attempts.attempts = rows
                attempts.selectedIndex = min(attempts.selectedIndex, max(0, rows.count - 1))
                screens[index] = .attempts(attempts)
            }
            return []
        case .secretGenerated(let secret):
            updateForm { form in
                form.secret.replace(with: secret)
                form.secretRevealed = true
                form.errors[.secret] = nil
            }
            return []
        case .failedCounted(let webhookID, let matching, let count):
            // Only if the question still fits what is on screen (no key moved on meanwhile).
            guard overlay == nil, case .details(let details) = topScreen, details.webhookID == webhookID,
                  details.searchText == matching, let webhook = webhooks.first(where: { $0.id == webhookID })
            else { return [] }
            if count == 0 {
                // Failed rows on screen made "no failed deliveries" read as wrong: they are tests.
                let failedTests = details.deliveries.filter { $0.status == .failed && !$0.liveMode }.count
                let which = matching.isEmpty ? "" : " matching “\(matching)”"
                let (tests, are) = failedTests == 1 ? ("The failed delivery", "is a test event")
                    : ("All \(failedTests) failed deliveries", "are test events")
                toast(.info, failedTests > 0
                    ? "\(tests)\(which) \(are), which R leaves out; r resends the selected one"
                    : "No failed deliveries\(which) to “\(ToastText.name(webhook.name))” to redeliver")
            } else {
                overlay = .confirm(Confirmation(
                    .redeliverFailed(webhookID: webhookID, name: webhook.name, matching: matching, count: count)))
            }
            return []
        case .notify(let kind, let text, let settles):
            if let settles { toasts.removeAll { $0.inProgress == settles } }
            toast(kind, text)
            return []
        }
    }

    /// Deletes, test events and redeliveries written to a removed or replaced file would be
    /// lost at quit; they are refused with the reason instead.
    mutating func refusingWritesToALostFile(_ effects: [ConsoleEffect]) -> [ConsoleEffect] {
        guard let lost = databaseFileLost else { return effects }
        return effects.filter { effect in
            switch effect {
            case .delete, .sendTest, .redeliver, .redeliverFailed, .simulate:
                if let progress = effect.progress { toasts.removeAll { $0.inProgress == progress } }
                toast(.failure, "Not done: the database file was \(lost). Quit and start again.")
                return false
            default:
                return true
            }
        }
    }

    static let pasteIgnoredNote = "Paste ignored: pasted text goes into a text field"

    /// A paste longer than its field's limit is cut, and saying so beats a silently short URL.
    mutating func notePaste(fitted: Bool, limit: Int) {
        if !fitted { toast(.info, "Pasted text cut to fit: the field takes \(Painter.grouped(limit)) characters") }
    }

    mutating func toast(_ kind: Toast.Kind, _ text: String, inProgress: String? = nil) {
        // The same words again replace the earlier note instead of stacking under it.
        toasts.removeAll { $0.text == text && $0.kind == kind }
        toasts.append(Toast(kind: kind, text: text, expiresAt: now.addingTimeInterval(Self.toastDuration), inProgress: inProgress))
        if toasts.count > 4 { toasts.removeFirst(toasts.count - 4) }
    }

    mutating func updateForm(_ change: (inout FormState) -> Void) {
        guard let index = screens.lastIndex(where: { if case .form = $0 { true } else { false } }),
              case .form(var form) = screens[index] else { return }
        change(&form)
        screens[index] = .form(form)
    }

    static func focus(for field: FormField) -> FormState.Focus {
        switch field {
        case .name: .name
        case .url: .url
        case .secret: .secret
        case .events: .event(0)
        case .status: .status
        }
    }

    // MARK: Input

    mutating func handle(_ event: InputEvent) -> [ConsoleEffect] {
        if case .resize(let newWidth, let newHeight) = event {
            width = newWidth
            height = newHeight
            for index in screens.indices {
                guard case .attempt(var view) = screens[index] else { continue }
                view.layOut(width: newWidth)
                // A taller or wider screen needs less scrolling: kept, the top stayed hidden
                // with nothing to say it was there.
                view.scroll = min(view.scroll, view.maxScroll(width: newWidth, height: newHeight))
                screens[index] = .attempt(view)
            }
            scrollSelectionIntoView()
            return []
        }
        if isTooSmall {
            // A changed form's question cannot be shown here: quitting waits until it can be
            // asked (it is, once the window is large enough), instead of losing the edits.
            if case .key(let key) = event, key == .character("q") || key == .control("c") {
                if let index = screens.lastIndex(where: { if case .form(let form) = $0 { form.isDirty } else { false } }),
                   case .form(var form) = screens[index] {
                    form.discardQuestion = .quit
                    screens[index] = .form(form)
                } else {
                    shouldQuit = true
                }
            }
            return []
        }
        if case .key(.control("z")) = event { return [.suspend] }
        // F1 is help on every screen, in a text field too, where ? is typed; over another
        // overlay it would take that overlay's place.
        if case .key(.function(1)) = event, overlay == nil {
            openHelp()
            return []
        }
        // In a form Ctrl-L reloads a webhook changed elsewhere.
        if case .key(.control("l")) = event, overlay != nil || !isShowingForm { return [.redraw] }
        if case .key(.control("c")) = event {
            // Typed changes are not thrown away by one keystroke: the form asks first, and a
            // second Ctrl-C is the answer.
            if overlay == nil, case .form(var form) = topScreen, form.isDirty, !form.discardQuits {
                form.discardQuestion = .quit
                screens[screens.count - 1] = .form(form)
                return []
            }
            shouldQuit = true
            return []
        }
        // A paste is text for a text field. Elsewhere its letters ran as commands (q quit,
        // d asked to delete); it is dropped, and the toast says where it would go.
        if case .paste = event, !isTypingText {
            toast(.info, Self.pasteIgnoredNote)
            return []
        }
        if let overlay {
            return handleOverlay(overlay, event)
        }
        switch topScreen {
        case .form(let form): return handleForm(form, event)
        case .details(let details): return handleDetails(details, event)
        case .attempts(let attempts): return handleAttempts(attempts, event)
        case .attempt(let view): return handleAttemptView(view, event)
        case nil: return handleDashboard(event)
        }
    }

    /// The help, at the part about the screen it opens over (the dashboard's part is first).
    mutating func openHelp() {
        let section = switch topScreen {
        case nil: "Move"
        case .form: "Form"
        case .details: "Details"
        case .attempts, .attempt: "Attempt"
        }
        let lines = HelpText.wrapped(width: width)
        let first = lines.firstIndex { $0.section == section } ?? 0
        overlay = .help(scroll: max(0, min(first, lines.count - HelpText.visibleLines(width: width, height: height))))
    }

    var isShowingForm: Bool {
        if case .form = topScreen { true } else { false }
    }

    var isTypingText: Bool {
        if overlay != nil { return false }
        if topScreen == nil { return isEditingFilter }
        if case .details(let details) = topScreen { return details.isEditingSearch }
        if case .form(let form) = topScreen, !form.isConfirmingDiscard {
            return [.name, .url, .secret].contains(form.focus)
        }
        return false
    }

    // MARK: Dashboard

    var tableTop: Int { 4 }
    var tableRows: Int { max(1, height - tableTop - 2) }

    mutating func handleDashboard(_ event: InputEvent) -> [ConsoleEffect] {
        if isEditingFilter { return handleFilterTyping(event) }
        switch event {
        case .key(let key):
            switch key {
            case .character("q"): shouldQuit = true
            case .escape:
                if !filter.text.isEmpty { filter = TextField() ; keepSelectionValid() }
            case .up, .character("k"): moveSelection(by: -1)
            case .down, .character("j"): moveSelection(by: 1)
            case .home, .character("g"): moveSelection(to: 0)
            case .end, .character("G"): moveSelection(to: visibleWebhooks.count - 1)
            case .character("o"):
                order = order.next
                // The selected webhook stays selected, wherever the new order puts it.
                keepSelectionValid()
            case .pageUp: moveSelection(by: -tableRows)
            case .pageDown: moveSelection(by: tableRows)
            case .character("n"): screens.append(.form(FormState()))
            case .character("e"):
                if let webhook = selectedWebhook { screens.append(.form(FormState(editing: webhook))) }
            case .character("d"), .delete:
                if let webhook = selectedWebhook {
                    overlay = .confirm(Confirmation(.deleteWebhook(id: webhook.id, name: webhook.name)))
                }
            case .character("t"): return sendTestToSelection()
            case .enter, .right, .character("l"):
                if let webhook = selectedWebhook {
                    screens.append(.details(DetailsState(webhookID: webhook.id)))
                    return [.loadDeliveries(webhookID: webhook.id)]
                }
            case .character("s"): overlay = .simulate(selected: 0)
            case .character("/"): isEditingFilter = true
            case .character("?"): openHelp()
            case .character("r"):
                toast(.info, "Read the webhooks again")
                return [.reloadWebhooks]
            default: break
            }
        case .mouse(let mouse):
            switch mouse.button {
            case .wheelUp: moveSelection(by: -3)
            case .wheelDown: moveSelection(by: 3)
            case .left:
                let row = mouse.y - tableTop + dashboardScroll
                if mouse.y >= tableTop, mouse.y < tableTop + tableRows, visibleWebhooks.indices.contains(row) {
                    selectedWebhookID = visibleWebhooks[row].id
                }
            default: break
            }
        default: break
        }
        return []
    }

    mutating func sendTestToSelection() -> [ConsoleEffect] {
        guard let webhook = selectedWebhook else { return [] }
        let effect = ConsoleEffect.sendTest(webhookID: webhook.id)
        toast(.info, "Sending test event to “\(ToastText.name(webhook.name))”…", inProgress: effect.progress)
        return [effect]
    }

    mutating func handleFilterTyping(_ event: InputEvent) -> [ConsoleEffect] {
        switch event {
        case .key(.escape):
            filter = TextField()
            isEditingFilter = false
        case .key(.enter), .key(.down), .key(.up), .key(.tab):
            isEditingFilter = false
            if case .key(let key) = event, key == .down || key == .up { _ = handleDashboard(event) }
        // What is searched for never starts or ends in a line break (a copied id brings one).
        case .paste(let text): notePaste(fitted: filter.insert(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit: filter.limit)
        case .key(let key): Self.edit(&filter, key)
        default: return []
        }
        keepSelectionValid()
        return []
    }

    /// Applies an editing key to a text field; returns false when the key is not an edit.
    @discardableResult
    static func edit(_ field: inout TextField, _ key: Key) -> Bool {
        switch key {
        case .character(let character): field.insert(String(character))
        case .backspace: field.deleteBackward()
        case .delete, .control("d"): field.deleteForward()
        case .left, .control("b"): field.moveLeft()
        case .right, .control("f"): field.moveRight()
        case .home, .control("a"): field.moveHome()
        case .end, .control("e"): field.moveEnd()
        case .control("u"): field.deleteToStart()
        case .control("w"), .alt(.backspace): field.deleteWordBackward()
        case .alt(.character("b")), .alt(.left): field.moveWordLeft()
        case .alt(.character("f")), .alt(.right): field.moveWordRight()
        default: return false
        }
        return true
    }

    mutating func moveSelection(by offset: Int) {
        let rows = visibleWebhooks
        guard !rows.isEmpty else { return }
        let current = rows.firstIndex { $0.id == selectedWebhookID } ?? 0
        moveSelection(to: current + offset)
    }

    mutating func moveSelection(to index: Int) {
        let rows = visibleWebhooks
        guard !rows.isEmpty else { return }
        selectedWebhookID = rows[min(max(0, index), rows.count - 1)].id
        scrollSelectionIntoView()
    }

    /// When the selected row went (deleted here or elsewhere), the cursor stays where it was,
    /// on the row that took its place, not back at the top of a long list.
    mutating func keepSelectionValid(formerRows: [WebhookRow] = []) {
        let rows = visibleWebhooks
        if !rows.contains(where: { $0.id == selectedWebhookID }) {
            if let former = formerRows.firstIndex(where: { $0.id == selectedWebhookID }), !rows.isEmpty {
                selectedWebhookID = rows[min(former, rows.count - 1)].id
            } else {
                selectedWebhookID = rows.first?.id
            }
        }
        scrollSelectionIntoView()
    }

    mutating func scrollSelectionIntoView() {
        let rows = visibleWebhooks
        let index = rows.firstIndex { $0.id == selectedWebhookID } ?? 0
        if index < dashboardScroll { dashboardScroll = index }
        if index >= dashboardScroll + tableRows { dashboardScroll = index - tableRows + 1 }
        dashboardScroll = max(0, min(dashboardScroll, max(0, rows.count - tableRows)))
    }

    // MARK: Overlays

    mutating func handleOverlay(_ current: Overlay, _ event: InputEvent) -> [ConsoleEffect] {
        guard case .key(let key) = event else { return [] }
        switch current {
        case .help(let scroll):
            let page = HelpText.visibleLines(width: width, height: height)
            let last = max(0, HelpText.wrapped(width: width).count - page)
            func to(_ line: Int) { overlay = .help(scroll: max(0, min(line, last))) }
            switch key {
            case .escape, .character("q"), .character("?"), .function(1), .enter: overlay = nil
            case .down, .character("j"): to(scroll + 1)
            case .up, .character("k"): to(scroll - 1)
            case .pageDown, .character(" "): to(scroll + page)
            case .pageUp: to(scroll - page)
            case .home, .character("g"): to(0)
            case .end, .character("G"): to(last)
            default: break
            }
        case .confirm(var confirm):
            switch key {
            case .escape, .character("n"): overlay = nil
            case .tab, .backTab, .left, .right, .character("h"), .character("l"):
                confirm.confirmFocused.toggle()
                overlay = .confirm(confirm)
            case .enter:
                overlay = nil
                if confirm.confirmFocused { return [confirm.effect] }
            // As the discard and quit questions take y and n: one way to answer every question.
            case .character("y"):
                overlay = nil
                return [confirm.effect]
            default: break
            }
        case .simulate(let selected):
            let count = SimulationKind.allCases.count
            switch key {
            case .escape, .character("q"): overlay = nil
            case .up, .character("k"): overlay = .simulate(selected: (selected + count - 1) % count)
            case .down, .character("j"), .tab: overlay = .simulate(selected: (selected + 1) % count)
            case .character(let digit) where digit.wholeNumberValue.map({ (1...count).contains($0) }) ?? false:
                overlay = nil
                return startSimulation(SimulationKind.allCases[digit.wholeNumberValue! - 1])
            case .enter:
                overlay = nil
                return startSimulation(SimulationKind.allCases[selected])
            default: break
            }
        }
        return []
    }

    mutating func startSimulation(_ kind: SimulationKind) -> [ConsoleEffect] {
        // Said at once, not after a job's six seconds of steps queued for nobody. Only when
        // every webhook is loaded: the first screenful may not hold the subscriber.
        if webhookTotal == nil, !webhooks.contains(where: { $0.active && $0.events.contains(kind.event) }) {
            toast(.failure, "No Active webhook subscribes to \(kind.event): n creates one (or e sets one Active) for the demo to reach")
            return []
        }
        let effect = ConsoleEffect.simulate(kind)
        toast(.info, "Simulating: \(kind.title)", inProgress: effect.progress)
        return [effect]
    }

    // MARK: Form

    mutating func handleForm(_ original: FormState, _ event: InputEvent) -> [ConsoleEffect] {
        var form = original
        defer { if !screens.isEmpty, case .form = screens[screens.count - 1] { screens[screens.count - 1] = .form(form) } }
        if form.isConfirmingDiscard {
            if case .key(let key) = event {
                switch key {
                case .character("y"), .character("Y"):
                    screens.removeLast()
                    if form.discardQuits { shouldQuit = true }
                    return []
                case .character("n"), .character("N"), .escape:
                    form.discardQuestion = nil
                default: break
                }
            }
            return []
        }
        let order = form.focusOrder(eventCount: eventChoices.count)
        let position = order.firstIndex(of: form.focus) ?? 0
        let devMode = devMode
        defer { Self.validateLeftField(&form, from: order[position], eventChoices: eventChoices, devMode: devMode) }
        func move(_ offset: Int) {
            form.focus = order[(position + offset + order.count) % order.count]
            // Tabbing into a field lands after its text, as in any form: the cursor left
            // mid-text made Ctrl-U then delete only part of it.
            switch form.focus {
            case .name: form.name.moveEnd()
            case .url: form.url.moveEnd()
            case .secret: form.secret.moveEnd()
            default: break
            }
        }
        func submit() -> [ConsoleEffect] {
            guard !form.isSaving else { return [] }
            // The file at the path is not the one open here: a save would land in a file
            // nobody will read again, and "Saved" would be a lie. The form keeps what was typed.
            if let lost = databaseFileLost {
                form.banner = "Not saved: the database file was \(lost). Quit and start again."
                return []
            }
            form.isSaving = true
            return [.save(form.submission(eventChoices: eventChoices))]
        }

        switch event {
        case .paste(let text):
            // A URL or a secret copied from a page or a terminal often brings the line break
            // or the space around it, never part of either: they go. Inside, a space stays
            // one, for the check to point out, rather than joining what may be two things.
            let pasted = [.url, .secret].contains(form.focus) ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
            var fitted = true, limit = 0
            editFocusedField(&form) { field in
                fitted = field.insert(pasted)
                limit = field.limit
            }
            notePaste(fitted: fitted, limit: limit)
            return []
        case .mouse(let mouse):
            if mouse.button == .left, let focus = formFocus(atX: mouse.x, y: mouse.y, form: form) {
                form.focus = focus
                if case .event(let index) = focus { toggleEvent(&form, index) }
                if focus == .status { form.active.toggle() }
                if focus == .save { return submit() }
                if focus == .cancel { return cancelForm(&form) }
            }
            return []
        case .key(let key):
            switch key {
            case .escape: return cancelForm(&form)
            case .tab, .down: move(1)
            case .backTab, .up: move(-1)
            case .control("s"): return submit()
            case .control("r"): form.secretRevealed.toggle()
            case .control("g"): return [.generateSecret]
            case .control("l"):
                // With no version saved elsewhere to take, Ctrl-L paints the screen again, as
                // everywhere else: a `wall` message over a long edit could not be cleared.
                guard let current = form.staleCurrent else { return [.redraw] }
                // A field both changed keeps this operator's value: say whose was dropped.
                let overridden = form.changedElsewhere(in: current).filter(\.alsoHere)
                form = form.rebased(on: current)
                form.banner = overridden.isEmpty
                    ? "Now on their version, with your edits. ^S saves"
                    : "^S saves your \(overridden.map(\.label).joined(separator: ", ")) over theirs, Esc drops yours — theirs: "
                        + overridden.map(\.theirs).joined(separator: ", ")
            case .enter:
                switch form.focus {
                case .save: return submit()
                case .cancel: return cancelForm(&form)
                case .event(let index): toggleEvent(&form, index)
                case .status: form.active.toggle()
                default: move(1)
                }
            // Outside the text fields q backs out, as Esc does (asking first if anything
            // changed), and ? opens the help; in them both are typed.
            case .character("q") where ![.name, .url, .secret].contains(form.focus):
                return cancelForm(&form)
            case .character("?") where ![.name, .url, .secret].contains(form.focus):
                openHelp()
            default:
                switch form.focus {
                case .name, .url, .secret:
                    var full: Int?
                    editFocusedField(&form) { field in
                        if case .character = key, field.characters.count >= field.limit { full = field.limit }
                        Self.edit(&field, key)
                    }
                    // Keys typed into a full field went nowhere without a word.
                    if let full { toast(.info, "The field takes at most \(Painter.grouped(full)) characters") }
                case .event(let index):
                    if key == .character(" ") || key == .character("x") { toggleEvent(&form, index) }
                    if key == .right || key == .character("l") { move(1) }
                    if key == .left || key == .character("h") { move(-1) }
                case .status:
                    if [.character(" "), .left, .right, .character("h"), .character("l")].contains(key) {
                        form.active.toggle()
                    }
                case .save, .cancel:
                    if key == .left || key == .right { form.focus = form.focus == .save ? .cancel : .save }
                    if key == .character(" ") { return form.focus == .save ? submit() : cancelForm(&form) }
                }
            }
        default: break
        }
        return []
    }

    /// Checks a text field with the domain's validator as focus leaves it, so a mistake shows
    /// beside the field while the rest is filled in, not only on save. Untouched fields stay
    /// quiet: a new form does not open full of "required".
    static func validateLeftField(_ form: inout FormState, from left: FormState.Focus, eventChoices: [EventChoice], devMode: Bool) {
        guard form.focus != left, let field = FormField(focus: left), form.hasChanged(left) else { return }
        let draft = form.submission(eventChoices: eventChoices).draft
        let problem: String? = switch WebhookValidator.validate(draft, options: ValidationOptions(devMode: devMode)) {
        case .success: nil
        case .failure(let failure): failure.errors.first { $0.field.rawValue == field.rawValue }?.message
        }
        form.errors[field] = problem
    }

    mutating func editFocusedField(_ form: inout FormState, _ change: (inout TextField) -> Void) {
        switch form.focus {
        case .name: change(&form.name); form.errors[.name] = nil
        case .url: change(&form.url); form.errors[.url] = nil
        case .secret: change(&form.secret); form.errors[.secret] = nil
        default: break
        }
    }

    func toggleEvent(_ form: inout FormState, _ index: Int) {
        guard eventChoices.indices.contains(index) else { return }
        let name = eventChoices[index].name
        if form.events.contains(name) { form.events.remove(name) } else { form.events.insert(name) }
        form.errors[.events] = nil
    }

    static let copiedMessageID = "Copied the message id to the clipboard"

    public static let inactiveWebhookNote = "This webhook is Inactive, so nothing is sent to it: e, then Active, resumes it"

    func webhookIsActive(_ id: String) -> Bool {
        webhooks.first { $0.id == id }?.active ?? false
    }

    mutating func cancelForm(_ form: inout FormState) -> [ConsoleEffect] {
        if form.isDirty, !form.webhookGone {
            form.discardQuestion = .discard
            return []
        }
        screens.removeLast()
        return []
    }

    // MARK: Details and deliveries

    mutating func handleDetails(_ original: DetailsState, _ event: InputEvent) -> [ConsoleEffect] {
        var details = original
        let listRows = max(1, height - DetailsLayout.listTop - 2)
        defer {
            if !screens.isEmpty, case .details(let top) = screens[screens.count - 1], top.webhookID == details.webhookID {
                details.scroll = Self.scroll(details.scroll, keeping: details.selectedIndex, rows: listRows, count: details.deliveries.count)
                screens[screens.count - 1] = .details(details)
            }
        }
        let count = details.deliveries.count
        func select(_ index: Int) { details.selectedIndex = max(0, min(index, count - 1)) }
        func reload() -> [ConsoleEffect] {
            [.loadDeliveries(webhookID: details.webhookID, filter: details.filter, search: details.searchText)]
        }
        // Deleted elsewhere: the screen says so, and its rows (no longer drawn) cannot be opened.
        guard webhooks.contains(where: { $0.id == details.webhookID }) else {
            guard case .key(let key) = event else { return [] }
            switch key {
            case .escape, .backspace, .left, .character("h"): screens.removeLast()
            case .character("q"): shouldQuit = true
            case .character("?"): openHelp()
            default: break
            }
            return []
        }
        if details.isEditingSearch {
            let before = details.searchText
            switch event {
            case .key(.escape):
                details.search = TextField()
                details.isEditingSearch = false
            case .key(.enter), .key(.tab):
                details.isEditingSearch = false
            case .key(.down), .key(.up):
                details.isEditingSearch = false
                select(details.selectedIndex + (event == .key(.down) ? 1 : -1))
            case .paste(let text):
                notePaste(fitted: details.search.insert(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit: details.search.limit)
            case .key(let key): Self.edit(&details.search, key)
            default: return []
            }
            guard details.searchText != before else { return [] }
            details.selectedIndex = 0
            details.scroll = 0
            return reload()
        }
        switch event {
        case .key(let key):
            switch key {
            case .escape where !details.searchText.isEmpty:
                // As on the dashboard: Esc clears the search before it leaves.
                details.search = TextField()
                details.selectedIndex = 0
                details.scroll = 0
                return reload()
            case .character("/"):
                details.isEditingSearch = true
            case .escape, .backspace, .left, .character("h"): screens.removeLast()
            case .character("q"): shouldQuit = true
            case .up, .character("k"): select(details.selectedIndex - 1)
            case .down, .character("j"): select(details.selectedIndex + 1)
            case .home, .character("g"): select(0)
            case .end, .character("G"): select(count - 1)
            case .pageUp: select(details.selectedIndex - listRows)
            case .pageDown: select(details.selectedIndex + listRows)
            case .character("t"):
                selectedWebhookID = details.webhookID
                return sendTestToSelection()
            case .character("e"):
                if let webhook = webhooks.first(where: { $0.id == details.webhookID }) {
                    screens.append(.form(FormState(editing: webhook)))
                }
            case .character("d"):
                if let webhook = webhooks.first(where: { $0.id == details.webhookID }) {
                    overlay = .confirm(Confirmation(.deleteWebhook(id: webhook.id, name: webhook.name)))
                }
            case .character("r") where !webhookIsActive(details.webhookID), .character("R") where !webhookIsActive(details.webhookID):
                toast(.failure, Self.inactiveWebhookNote)
            case .character("r"):
                guard details.deliveries.indices.contains(details.selectedIndex) else { return [] }
                let delivery = details.deliveries[details.selectedIndex]
                let effect = ConsoleEffect.redeliver(deliveryID: delivery.id)
                toast(.info, "Redelivering \(delivery.event)…", inProgress: effect.progress)
                return [effect]
            case .character("y"):
                guard details.deliveries.indices.contains(details.selectedIndex) else { return [] }
                return [.copy(details.deliveries[details.selectedIndex].messageID, confirmation: Self.copiedMessageID)]
            case .character("R"):
                return [.countFailed(webhookID: details.webhookID, matching: details.searchText)]
            case .enter, .right, .character("l"):
                guard details.deliveries.indices.contains(details.selectedIndex) else { return [] }
                let delivery = details.deliveries[details.selectedIndex]
                let name = webhooks.first { $0.id == details.webhookID }?.name ?? ""
                var attempts = AttemptsState(delivery: delivery, webhookName: name)
                attempts.webhookID = details.webhookID
                screens.append(.attempts(attempts))
                return [.loadAttempts(deliveryID: delivery.id)]
            case .character("s"): overlay = .simulate(selected: 0)
            case .character("f"):
                details.filter = details.filter.next
                details.selectedIndex = 0
                details.scroll = 0
                details.hasLoaded = false
                return reload()
            case .character("?"): openHelp()
            default: break
            }
        case .mouse(let mouse):
            switch mouse.button {
            case .wheelUp: select(details.selectedIndex - 3)
            case .wheelDown: select(details.selectedIndex + 3)
            case .left:
                let row = mouse.y - DetailsLayout.listTop + details.scroll
                if mouse.y >= DetailsLayout.listTop, details.deliveries.indices.contains(row) { details.selectedIndex = row }
            default: break
            }
        default: break
        }
        return []
    }

    static func scroll(_ scroll: Int, keeping index: Int, rows: Int, count: Int) -> Int {
        var result = scroll
        if index < result { result = index }
        if index >= result + rows { result = index - rows + 1 }
        return max(0, min(result, max(0, count - rows)))
    }

    mutating func handleAttempts(_ original: AttemptsState, _ event: InputEvent) -> [ConsoleEffect] {
        var attempts = original
        defer {
            if !screens.isEmpty, case .attempts = screens[screens.count - 1] { screens[screens.count - 1] = .attempts(attempts) }
        }
        guard case .key(let key) = event else {
            if case .mouse(let mouse) = event, mouse.button == .wheelDown || mouse.button == .wheelUp {
                attempts.selectedIndex = max(0, min(attempts.attempts.count - 1, attempts.selectedIndex + (mouse.button == .wheelDown ? 1 : -1)))
            }
            return []
        }
        switch key {
        case .escape, .backspace, .left, .character("h"): screens.removeLast()
        case .character("q"): shouldQuit = true
        case .up, .character("k"): attempts.selectedIndex = max(0, attempts.selectedIndex - 1)
        case .down, .character("j"): attempts.selectedIndex = max(0, min(attempts.attempts.count - 1, attempts.selectedIndex + 1))
        case .character("r"):
            let effect = ConsoleEffect.redeliver(deliveryID: attempts.delivery.id)
            toast(.info, "Redelivering \(attempts.delivery.event)…", inProgress: effect.progress)
            return [effect]
        case .character("y"): return [.copy(attempts.delivery.messageID, confirmation: Self.copiedMessageID)]
        case .enter, .right, .character("l"):
            guard attempts.attempts.indices.contains(attempts.selectedIndex) else { return [] }
            let attempt = attempts.attempts[attempts.selectedIndex]
            var view = AttemptViewState(
                title: "Attempt \(attempt.number) · \(attempts.delivery.event) → \(attempts.webhookName)",
                lines: AttemptText.lines(for: attempt, delivery: attempts.delivery),
                messageID: attempts.delivery.messageID, deliveryID: attempts.delivery.id, sentBody: attempt.sentBody,
                replay: RequestReplay(
                    url: attempt.requestURL, headers: attempt.requestHeaders, body: attempt.sentBody,
                    messageID: attempts.delivery.messageID, webhookID: attempts.webhookID))
            view.layOut(width: width)
            screens.append(.attempt(view))
        case .character("?"): openHelp()
        default: break
        }
        return []
    }

    mutating func handleAttemptView(_ original: AttemptViewState, _ event: InputEvent) -> [ConsoleEffect] {
        var view = original
        let page = AttemptViewState.page(height: height)
        let maxScroll = view.maxScroll(width: width, height: height)
        switch event {
        case .key(let key):
            switch key {
            case .escape, .backspace, .left, .character("h"): screens.removeLast(); return []
            case .character("q"): shouldQuit = true
            case .up, .character("k"): view.scroll -= 1
            case .down, .character("j"): view.scroll += 1
            case .pageUp, .character("b"): view.scroll -= page
            case .pageDown, .character(" "): view.scroll += page
            case .home, .character("g"): view.scroll = 0
            case .end, .character("G"): view.scroll = maxScroll
            case .character("?"): openHelp()
            case .character("y"): return [.copy(view.messageID, confirmation: Self.copiedMessageID)]
            case .character("c"):
                let webhook = webhooks.first { $0.id == view.replay.webhookID }
                return copy(view.replay.curl(secret: webhook?.secret, previousSecrets: webhook?.previousSecrets(signingAt: now) ?? [], at: now),
                            confirmation: "Copied a curl command for this request, signed now, to the clipboard",
                            name: "The curl command",
                            elsewhere: "hookdash deliveries show \(view.deliveryID) --json prints its URL, headers and body")
            case .character("p"):
                return copy(view.sentBody, confirmation: "Copied the payload as sent to the clipboard", name: "The payload",
                            elsewhere: "hookdash deliveries show \(view.deliveryID) --json prints it")
            default: break
            }
        case .mouse(let mouse):
            if mouse.button == .wheelUp { view.scroll -= 3 }
            if mouse.button == .wheelDown { view.scroll += 3 }
        default: break
        }
        view.scroll = max(0, min(view.scroll, maxScroll))
        screens[screens.count - 1] = .attempt(view)
        return []
    }
}

/// The request and response of one attempt as scrollable text.
enum AttemptText {
    static func lines(for attempt: AttemptRow, delivery: DeliveryRow) -> [String] {
        var lines: [String] = []
        lines.append("Message  \(delivery.messageID)\(delivery.liveMode ? "" : "  (test)")")
        let result = attempt.statusCode.map { "HTTP \($0)" } ?? "no response"
        lines.append("Result   \(result) in \(attempt.durationMilliseconds) ms"
            + (attempt.error.map { " — \(TerminalSafe.text($0))" } ?? ""))
        lines.append("")
        lines.append("── Request ──")
        if !attempt.requestURL.isEmpty { lines.append("POST \(attempt.requestURL)") }
        lines += attempt.requestHeaders.map { "\($0.0): \($0.1)" }
        lines.append("")
        lines += bodyLines(attempt.requestBody)
        lines.append("")
        lines.append("── Response ──")
        if let status = attempt.statusCode { lines.append("Status: \(status)") }
        // The endpoint wrote the rest: control characters are shown (^[), not dropped.
        lines += attempt.responseHeaders.map { "\(TerminalSafe.text($0.0)): \(TerminalSafe.text($0.1))" }
        lines.append("")
        lines += attempt.responseBody.isEmpty ? ["(empty body)"] : bodyLines(attempt.responseBody)
        if attempt.responseBodyCut {
            lines += ["", "(cut here: hookdash keeps the first \(AttemptRecord.keptResponseBytes / 1024) KiB of a response\(declaredLength(attempt)))"]
        }
        return lines
    }

    /// ", which was 1,532,118 bytes" from the response's content-length, when it said.
    static func declaredLength(_ attempt: AttemptRow) -> String {
        guard let header = attempt.responseHeaders.first(where: { $0.0.lowercased() == "content-length" }),
              let bytes = Int(header.1.trimmingCharacters(in: .whitespaces)) else { return "" }
        return ", which was \(Painter.grouped(bytes)) bytes"
    }

    /// CRLF, CR and LF all end a line (a Swift Character holds "\r\n" whole, so splitting on
    /// "\n" alone left CRLF bodies on one line); tabs become spaces the grid can draw.
    static func bodyLines(_ body: String) -> [String] {
        body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { line in
            TerminalSafe.text(line.replacingOccurrences(of: "\t", with: "    "))
        }
    }
}
