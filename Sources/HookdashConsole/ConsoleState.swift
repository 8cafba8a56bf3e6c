import Foundation
import HookdashDomain
import HookdashUI

/// Everything the console shows, as one value. `update` changes it; `render` draws it.
public struct ConsoleState: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var databasePath: String
    public var queue = QueueSummary() {
        // A row reads "… sending" while its first delivery is in flight: the filter sees that.
        didSet { if !filter.text.isEmpty, queue.sendingTo != oldValue.sendingTo { refreshVisibleWebhooks() } }
    }
    /// Why this console's deliveries are paused (the database takes no writes), until they resume.
    public var queuePausedBecause: String?
    /// "removed" or "replaced": the database path no longer names the file this console has
    /// open, so what it shows and saves is not what any other process sees.
    public var databaseFileLost: String?
    public var now: Date
    public var eventChoices = EventChoice.standard
    /// Times are shown in this zone (tests pin UTC so screens are reproducible).
    public var timeZone = TimeZone.current

    public var webhooks: [WebhookRow] = [] {
        didSet { refreshVisibleWebhooks() }
    }
    /// The selection follows a webhook, not a row number, so reloads never jump.
    public var selectedWebhookID: String?
    public var dashboardScroll = 0
    public var filter = TextField() {
        didSet { if filter.text != oldValue.text { refreshVisibleWebhooks() } }
    }
    public var isEditingFilter = false
    /// The dashboard's row order, `o` cycles it.
    public var order = WebhookOrder.created {
        didSet { refreshVisibleWebhooks() }
    }
    /// `webhooks` as the dashboard lists them, filtered and ordered. Kept, not derived on each
    /// read: a key reads it several times, and with 10,000 webhooks each filter-and-sort pass
    /// costs milliseconds.
    public private(set) var visibleWebhooks: [WebhookRow] = []
    /// The widest name and URL among `visibleWebhooks`, all of them and not only those on
    /// screen: the dashboard's columns follow them, so they do not shift while scrolling.
    public private(set) var widest = ColumnWidths()
    /// While only the first screenful is loaded: the widths over all webhooks, from the store,
    /// so the first frame is already the whole list's.
    var widestInStore: ColumnWidths?

    /// Screens above the dashboard, innermost last.
    public var screens: [Screen] = []
    public var overlay: Overlay?
    public var toasts: [Toast] = []
    public var hasLoaded = false
    /// Set while only the first screenful of `webhooks` is loaded: the count of all of them.
    public var webhookTotal: Int?
    public var shouldQuit = false
    /// `--dev`: the form accepts http:// loopback URLs, as saving will.
    public var devMode = false

    public init(width: Int = 80, height: Int = 24, databasePath: String, now: Date = Date()) {
        self.width = width
        self.height = height
        self.databasePath = databasePath
        self.now = now
    }

    public static let minimumWidth = 60
    public static let minimumHeight = 16

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    /// A form with typed changes is open somewhere in the stack of screens.
    public var hasChangedForm: Bool {
        screens.contains { if case .form(let form) = $0 { form.isDirty } else { false } }
    }

    private mutating func refreshVisibleWebhooks() {
        let needle = WebhookFilter.fold(filter.text.trimmingCharacters(in: .whitespaces))
        let matching = needle.isEmpty ? webhooks
            : webhooks.filter { webhook in
                WebhookFilter.matches(webhook, folded: needle, eventsColumn: eventsColumn(webhook),
                                      lastDeliveryColumn: lastDeliveryColumn(webhook))
            }
        visibleWebhooks = order.sorted(matching)
        widest = widestInStore ?? ColumnWidths(visibleWebhooks)
    }

    /// The LAST DELIVERY column without its age: "… sending" while a webhook's first delivery
    /// is in flight (it has no outcome until its attempt ends, up to 15 s).
    public func lastDeliveryColumn(_ webhook: WebhookRow) -> String {
        sendsFirstDelivery(webhook) ? "… sending" : LastDelivery.columnText(webhook.lastDelivery)
    }

    func sendsFirstDelivery(_ webhook: WebhookRow) -> Bool {
        webhook.lastDelivery == nil && queue.sendingTo.contains(webhook.id)
    }

    /// The EVENTS column: the short labels of known events ("job, order"), then any others whole.
    public func eventsColumn(_ webhook: WebhookRow) -> String {
        (eventChoices.filter { webhook.events.contains($0.name) }.map(\.shortLabel)
            + webhook.events.filter { name in !eventChoices.contains { $0.name == name } }).joined(separator: ", ")
    }

    public var selectedWebhook: WebhookRow? {
        selectedWebhookID.flatMap { id in webhooks.first { $0.id == id } }
    }

    public var topScreen: Screen? { screens.last }
}

public enum Screen: Equatable, Sendable {
    case form(FormState)
    case details(DetailsState)
    case attempts(AttemptsState)
    case attempt(AttemptViewState)
}

public enum Overlay: Equatable, Sendable {
    /// `scroll`: the first help line shown, when the terminal is too short for all.
    case help(scroll: Int)
    case confirm(Confirmation)
    case simulate(selected: Int)
}

/// A question before an action that cannot be taken back or touches many deliveries.
public struct Confirmation: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case deleteWebhook(id: String, name: String)
        /// Every failed delivery to the webhook (that the details' search matches, when one is
        /// typed) gets a new manual attempt.
        case redeliverFailed(webhookID: String, name: String, matching: String = "", count: Int)
    }

    public var action: Action
    /// Cancel is focused first so a stray Enter never acts.
    public var confirmFocused = false

    public init(_ action: Action) {
        self.action = action
    }

    var title: String {
        switch action {
        case .deleteWebhook: "Delete webhook"
        case .redeliverFailed: "Redeliver failed deliveries"
        }
    }

    var button: String {
        switch action {
        case .deleteWebhook: "Delete"
        case .redeliverFailed: "Redeliver"
        }
    }

    /// What the dialog says, given room for `nameWidth` cells of the webhook's name.
    func lines(nameWidth: Int) -> [String] {
        switch action {
        case .deleteWebhook(_, let name):
            ["Delete the webhook “\(TextWidth.truncate(name, to: nameWidth))”?", "Its pending deliveries are cancelled.",
             "This cannot be undone."]
        case .redeliverFailed(_, let name, let matching, let count) where !matching.isEmpty:
            ["Redeliver \(Self.failed(count)) to “\(TextWidth.truncate(name, to: nameWidth))”",
             "that match “\(TextWidth.truncate(matching, to: nameWidth))”? Each gets one new attempt now,",
             "with its message id. Receivers deduplicate on webhook-id."]
        case .redeliverFailed(_, let name, _, let count):
            ["Redeliver \(count == 1 ? "the" : "all \(count)") failed \(count == 1 ? "delivery" : "deliveries") to “\(TextWidth.truncate(name, to: nameWidth))”?",
             "Each gets one new attempt now, with its message id.", "Test events stay. Receivers deduplicate on webhook-id."]
        }
    }

    private static func failed(_ count: Int) -> String {
        count == 1 ? "the 1 failed delivery" : "the \(count) failed deliveries"
    }

    var effect: ConsoleEffect {
        switch action {
        case .deleteWebhook(let id, _): .delete(webhookID: id)
        case .redeliverFailed(let webhookID, _, let matching, _): .redeliverFailed(webhookID: webhookID, matching: matching)
        }
    }
}

public struct Toast: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case info, success, failure }
    public var kind: Kind
    public var text: String
    public var expiresAt: Date
    /// The work this toast reports as under way (`Progress`); its outcome removes it.
    public var inProgress: String?

    public init(kind: Kind, text: String, expiresAt: Date, inProgress: String? = nil) {
        self.kind = kind
        self.text = text
        self.expiresAt = expiresAt
        self.inProgress = inProgress
    }
}

public struct FormState: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case create
        case edit(webhookID: String, version: Int)
    }

    /// Focus stops in order; events get one stop per checkbox.
    public enum Focus: Equatable, Hashable, Sendable {
        case name, url, secret, event(Int), status, save, cancel
    }

    public var mode: Mode
    public var name: TextField
    public var url: TextField
    public var secret: TextField
    public var events: Set<String>
    public var active: Bool
    public var focus: Focus = .name
    public var secretRevealed = false
    public var errors: [FormField: String] = [:]
    /// A form-wide problem (store failure, stale edit).
    public var banner: String?
    /// What leaving with unsaved changes asks, while it asks: Esc discards, Ctrl-C also quits.
    public enum DiscardQuestion: Equatable, Sendable { case discard, quit }
    public var discardQuestion: DiscardQuestion?
    public var isConfirmingDiscard: Bool { discardQuestion != nil }
    public var discardQuits: Bool { discardQuestion == .quit }
    /// Submitted, and the store has not answered yet (it waits for a database another
    /// process holds): a second Ctrl-S must not save twice.
    public var isSaving = false
    /// Set when the webhook changed elsewhere since the form opened; Ctrl-L reloads it.
    public var staleCurrent: WebhookRow?
    /// The webhook being edited was deleted elsewhere: nothing here can be saved, so leaving
    /// does not ask about discarding.
    public var webhookGone = false
    private var original: Snapshot

    struct Snapshot: Equatable, Sendable {
        var name, url, secret: String
        var events: Set<String>
        var active: Bool
    }

    public init(creating: Void = ()) {
        mode = .create
        name = TextField(limit: WebhookValidator.maxNameLength)
        url = TextField(limit: WebhookValidator.maxURLLength)
        secret = TextField(limit: WebhookValidator.maxSecretLength)
        events = []
        active = true
        original = Snapshot(name: "", url: "", secret: "", events: [], active: true)
    }

    /// Why hookdash set the webhook being edited Inactive, if it did.
    public var disabledReason: String?

    public init(editing webhook: WebhookRow) {
        mode = .edit(webhookID: webhook.id, version: webhook.version)
        disabledReason = webhook.active ? nil : webhook.disabledReason
        name = TextField(webhook.name, limit: WebhookValidator.maxNameLength)
        url = TextField(webhook.url, limit: WebhookValidator.maxURLLength)
        secret = TextField(webhook.secret, limit: WebhookValidator.maxSecretLength)
        events = Set(webhook.events)
        active = webhook.active
        original = Snapshot(name: webhook.name, url: webhook.url, secret: webhook.secret,
                            events: Set(webhook.events), active: webhook.active)
    }

    public var isDirty: Bool {
        Snapshot(name: name.text, url: url.text, secret: secret.text, events: events, active: active) != original
    }

    /// The fields `current` (saved by someone else) changed since this form opened, by label
    /// ("URL", "Events"), each with whether this form changed it too and their value as it
    /// reads in a banner (the label alone for a secret, which is never shown unasked).
    func changedElsewhere(in current: WebhookRow) -> [(label: String, alsoHere: Bool, theirs: String)] {
        let fields: [(String, theirs: Bool, mine: Bool, value: String)] = [
            ("Name", current.name != original.name, hasChanged(.name), "Name “\(ToastText.name(current.name))”"),
            ("URL", current.url != original.url, hasChanged(.url), "URL \(TextWidth.shortenMiddle(current.url, to: 40))"),
            ("Secret", current.secret != original.secret, hasChanged(.secret), "Secret"),
            ("Events", Set(current.events) != original.events, events != original.events,
             "Events " + (current.events.isEmpty ? "none" : current.events.joined(separator: ", "))),
            ("Status", current.active != original.active, active != original.active,
             "Status " + (current.active ? "Active" : "Inactive")),
        ]
        return fields.filter(\.theirs).map { ($0.0, $0.mine, $0.value) }
    }

    /// This form moved onto `current`: its values, except the fields typed here, which keep
    /// what was typed. Saving then changes only what this operator changed.
    func rebased(on current: WebhookRow) -> FormState {
        var merged = FormState(editing: current)
        if hasChanged(.name) { merged.name = name }
        if hasChanged(.url) { merged.url = url }
        if hasChanged(.secret) { merged.secret = secret }
        if events != original.events { merged.events = events }
        if active != original.active { merged.active = active }
        merged.focus = focus
        merged.secretRevealed = secretRevealed
        return merged
    }

    /// Whether the text field differs from what the form opened with.
    func hasChanged(_ field: Focus) -> Bool {
        switch field {
        case .name: name.text != original.name
        case .url: url.text != original.url
        case .secret: secret.text != original.secret
        default: false
        }
    }

    public var title: String {
        switch mode {
        case .create: "Create Webhook"
        case .edit: "Edit Webhook"
        }
    }

    public func focusOrder(eventCount: Int) -> [Focus] {
        [.name, .url, .secret] + (0..<eventCount).map { Focus.event($0) } + [.status, .save, .cancel]
    }

    func submission(eventChoices: [EventChoice]) -> FormSubmission {
        var webhookID: String?
        var version: Int?
        if case .edit(let id, let expected) = mode {
            webhookID = id
            version = expected
        }
        return FormSubmission(
            webhookID: webhookID, expectedVersion: version, name: name.text, url: url.text, secret: secret.text,
            events: eventChoices.map(\.name).filter { events.contains($0) }, active: active)
    }
}

public struct DetailsState: Equatable, Sendable {
    public var webhookID: String
    public var deliveries: [DeliveryRow] = []
    public var selectedIndex = 0
    public var scroll = 0
    public var hasLoaded = false
    /// Which deliveries the list shows; `f` cycles through them.
    public var filter = DeliveryFilter.all
    /// The last 24 h, read less often than the list (it can span many attempts).
    public var health: HealthSummary?
    /// `/`: finds deliveries by message id, status, error or payload text as it is typed.
    public var search = TextField()
    public var isEditingSearch = false

    /// What the list is searched for ("" shows every delivery the filter allows).
    public var searchText: String { search.text.trimmingCharacters(in: .whitespaces) }

    public init(webhookID: String) { self.webhookID = webhookID }
}

/// The details list's filter: a long history can bury the few failures that matter.
public enum DeliveryFilter: String, CaseIterable, Equatable, Sendable {
    case all, failed, pending, delivered

    public var next: DeliveryFilter {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

public struct AttemptsState: Equatable, Sendable {
    public var delivery: DeliveryRow
    public var webhookName: String
    public var webhookID = ""
    public var attempts: [AttemptRow] = []
    public var selectedIndex = 0

    public init(delivery: DeliveryRow, webhookName: String) {
        self.delivery = delivery
        self.webhookName = webhookName
    }
}

public struct AttemptViewState: Equatable, Sendable {
    public var title: String
    public var lines: [String] {
        didSet { layout = nil }
    }
    public var scroll = 0
    /// What `y`, `p` and `c` copy: the message id, the body as sent, and a curl command
    /// that sends the same request again.
    public var messageID = ""
    /// Named where a copy too large for the terminal says how else to get it.
    public var deliveryID = ""
    public var sentBody = ""
    public var replay = RequestReplay()

    /// `lines` wrapped for the screen, made when the view opens and when the width changes:
    /// wrapping a 1 MB payload's lines on every frame (the clock ticks it once a second)
    /// and on every key kept a core busy on a screen nobody touched, and made each j slow.
    public private(set) var layout: WrappedLines?

    public struct WrappedLines: Equatable, Sendable {
        public let columns: Int
        public let rows: [String]
    }

    /// The rows of text a screen `height` tall shows (below the header and title, above the footer).
    public static func page(height: Int) -> Int { max(1, height - 4) }

    /// The furthest `scroll` goes on a screen this size: the last page shows full.
    public func maxScroll(width: Int, height: Int) -> Int {
        max(0, rows(width: width).count - Self.page(height: height))
    }

    /// The columns the text gets on a screen `width` wide (a margin on each side).
    public static func columns(forWidth width: Int) -> Int { width - 2 }

    /// Wraps the lines for a screen `width` wide, unless they already are.
    public mutating func layOut(width: Int) {
        let columns = Self.columns(forWidth: width)
        guard layout?.columns != columns else { return }
        layout = WrappedLines(columns: columns, rows: Self.wrap(lines, columns: columns))
    }

    /// The lines as drawn on a screen `width` wide: long ones (a URL in the payload, a long
    /// header) wrap instead of running off the edge unseen.
    public func rows(width: Int) -> [String] {
        let columns = Self.columns(forWidth: width)
        if let layout, layout.columns == columns { return layout.rows }
        return Self.wrap(lines, columns: columns)
    }

    static func wrap(_ lines: [String], columns: Int) -> [String] {
        lines.flatMap { TextWidth.wrap($0, columns: columns) }
    }
}

/// What the dashboard's `/` filter looks through: what a row shows (name, URL, the EVENTS
/// column as drawn, status word, the LAST DELIVERY column without its age), the events' full
/// names from their start (`job.status`, as the CLI takes them), and the id's start, which the
/// CLI prints (`webhooks list` shows 8 characters). Case and accents do not matter ("cafe"
/// finds "Café"). Words that are only ever whole (status, event names) match from their start:
/// "active" is not a part of "Inactive", nor "status" of every row's hidden `job.status`.
public enum WebhookFilter {
    public static func matches(_ webhook: WebhookRow, folded needle: String, eventsColumn: String, lastDeliveryColumn: String) -> Bool {
        func has(_ text: String) -> Bool { fold(text).contains(needle) }
        return webhook.id.hasPrefix(needle) || has(webhook.name) || has(webhook.url) || has(eventsColumn)
            || webhook.events.contains { fold($0).hasPrefix(needle) }
            || fold(webhook.statusWord).hasPrefix(needle)
            // A webhook hookdash disabled is Inactive too (the toast said "set Inactive").
            || (!webhook.active && "inactive".hasPrefix(needle))
            || has(lastDeliveryColumn + failureReason(webhook.lastDelivery))
    }

    /// A failure with a code is shown by its code; its reason ("HTTP 410 Gone: …") is found too.
    private static func failureReason(_ last: LastDelivery?) -> String {
        if case .failed(_?, let reason?)? = last?.outcome { " " + reason } else { "" }
    }

    /// Lower case without accents; ASCII (nearly every name and URL) takes the quick way,
    /// as the filter runs over every loaded webhook on each key.
    public static func fold(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased()
            : text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
    }
}

/// The dashboard's row orders. With hundreds of webhooks, the failing ones are what an
/// operator looks for first.
public enum WebhookOrder: CaseIterable, Equatable, Sendable {
    /// As loaded: oldest first, the order `webhooks list` prints.
    case created
    case name
    /// Those whose last delivery failed, then those hookdash disabled, then the rest; the
    /// latest attempt first within each.
    case failing
    /// The latest attempt first; webhooks never attempted last.
    case lastDelivery

    /// Said in the dashboard's title; nil for the default.
    public var label: String? {
        switch self {
        case .created: nil
        case .name: "by name"
        case .failing: "failing first"
        case .lastDelivery: "latest delivery first"
        }
    }

    public var next: WebhookOrder {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// Stable: rows that tie keep their loaded (oldest-first) order.
    func sorted(_ rows: [WebhookRow]) -> [WebhookRow] {
        switch self {
        case .created:
            return rows
        case .name:
            return stableSorted(rows, by: { WebhookFilter.fold($0.name) }, <)
        case .lastDelivery:
            return stableSorted(rows, by: { -($0.lastDelivery?.at.timeIntervalSince1970 ?? -.infinity) }, <)
        case .failing:
            return stableSorted(rows, by: { row in
                let rank = switch row.lastDelivery?.outcome {
                case .failed?: 0
                default: row.disabledReason != nil && !row.active ? 1 : 2
                }
                return (rank, -(row.lastDelivery?.at.timeIntervalSince1970 ?? -.infinity))
            }, <)
        }
    }

    private func stableSorted<Key>(_ rows: [WebhookRow], by key: (WebhookRow) -> Key, _ less: (Key, Key) -> Bool) -> [WebhookRow] {
        rows.enumerated().map { (key: key($0.element), index: $0.offset, row: $0.element) }
            .sorted { less($0.key, $1.key) || (!less($1.key, $0.key) && $0.index < $1.index) }
            .map(\.row)
    }
}

/// The widest webhook name and URL in a list, in terminal cells.
public struct ColumnWidths: Equatable, Sendable {
    public var name = 0
    public var url = 0

    public init() {}

    public init<Rows: Sequence>(_ rows: Rows) where Rows.Element == (name: String, url: String) {
        for row in rows {
            name = max(name, TextWidth.of(row.name))
            url = max(url, TextWidth.of(row.url))
        }
    }

    public init(_ webhooks: [WebhookRow]) {
        self.init(webhooks.lazy.map { ($0.name, $0.url) })
    }
}
