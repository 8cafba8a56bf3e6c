import Foundation
import GRDB
import HookdashConsole
import HookdashCrypto
import HookdashDelivery
import HookdashDomain
import HookdashStore
import HookdashTerminal
import HookdashUI
import Logging
import Synchronization

public struct ConsoleOptions: Sendable {
    public var databasePath: String
    public var devMode: Bool
    public var themeName: String?
    public var delivery: DeliveryConfiguration
    public var deliveryLogPath: String
    /// Run for each operator notice (`NotifyCommand`); nil for none.
    public var notifyCommand: String?

    public init(databasePath: String, devMode: Bool, themeName: String?, delivery: DeliveryConfiguration,
                deliveryLogPath: String, notifyCommand: String? = nil) {
        self.notifyCommand = notifyCommand
        self.databasePath = databasePath
        self.devMode = devMode
        self.themeName = themeName
        self.delivery = delivery
        self.deliveryLogPath = deliveryLogPath
    }
}

/// Runs the console: owns the terminal on the calling thread, runs the delivery engine in the
/// background, and feeds store changes (from this or any other process) back as actions.
public enum ConsoleApp {
    /// How often the store is read for changes made elsewhere.
    static let pollInterval: TimeInterval = 0.5

    static let suspendNotice = "hookdash: suspended; deliveries from this console wait meanwhile (fg resumes it)\n"
    static let stopWait: TimeInterval = 3
    static let stopNotice = """
        hookdash: quit without waiting longer for the delivery queue (a slow endpoint, or a database \
        another process holds); attempts still in flight are sent again when their lease runs out, \
        so nothing is lost

        """

    /// Why the screen may look a little off, and how to make it right.
    static func substitutionNotice(_ substitution: Terminal.Substitution) -> String {
        substitution.requested.isEmpty
            ? "TERM is not set; drawing as \(substitution.used)"
            : "TERM=\(substitution.requested) is unknown here; drawing as \(substitution.used) (apt install ncurses-term)"
    }

    /// Returns the process exit status (128 + signal when a signal ended it).
    public static func run(options: ConsoleOptions) throws -> Int32 {
        // Before the database is opened or the queue started: nothing happens where it cannot run.
        let terminalType = try Terminal.resolveInteractive()
        let environment = ProcessInfo.processInfo.environment
        var theme = try ThemeLoader.load(name: options.themeName, environment: environment)
        let store = try WebhookStore.open(path: options.databasePath)
        var engineStopped = false
        defer {
            // As every command leaves it: the write-ahead log checkpointed into the database
            // file and removed, so a copy of the .sqlite file alone holds everything. Idle
            // readers go first — the last connection to close must be the writer, or SQLite
            // keeps the log. Skipped when the engine may still be writing.
            if engineStopped {
                store.dbPool.releaseMemory()
                // Not for long: a save still waiting for a database another process holds
                // would hold the close up to the busy timeout.
                let pool = store.dbPool
                blocking(atMost: Self.stopWait) { try? pool.close() }
            }
        }
        let queue = QueueStore(store.dbPool)
        let engineNotices = Mutex<[ConsoleAction]>([])
        let notifier = options.notifyCommand.map {
            NotifyCommand(command: $0, outputPath: options.deliveryLogPath, onFailure: { failure in
                engineNotices.withLock { $0.append(.notify(.failure, "Notify: \(failure)")) }
            })
        }
        let database = options.databasePath
        let engine = DeliveryEngine(
            queue: queue, configuration: options.delivery,
            logger: Logger.deliveryLog(path: options.deliveryLogPath),
            // Turning a webhook off is news the operator must not miss in the dashboard.
            onWebhookDisabled: { id, url, reason in
                // Named as every other toast names a webhook; its URL when it is gone already.
                let name = (try? store.webhook(id: id)).flatMap { $0 }.map { "“\(ToastText.name($0.name))”" } ?? url
                engineNotices.withLock { $0.append(.notify(.failure, "Disabled (set Inactive): \(name): \(reason)")) }
                notifier?.send(.webhookDisabled(id: id, url: url, reason: reason, database: database))
            },
            onStoreTrouble: { trouble in
                engineNotices.withLock { $0.append(.queuePaused(trouble)) }
                notifier?.send(.storeTrouble(trouble, database: database))
            })
        var engineStarted = false
        // A notice still going out gets a moment after the engine stops, not the command's
        // whole timeout: quitting stays quick.
        defer { notifier?.finish(within: 5) }
        defer {
            // Quitting waits for attempts in flight to be recorded and leases given back, but
            // not for long: a slow endpoint or a database another process holds could make
            // `q` take 15–30 s.
            engineStopped = blocking(atMost: Self.stopWait, { await engine.stop() })
            if !engineStopped { StandardStream.write(Self.stopNotice, to: .standardError) }
        }

        TerminationSignals.install()
        let terminal = try Terminal(options: Terminal.Options(terminalType: terminalType.type))
        defer { terminal.close() }
        if environment["NO_COLOR"].map({ !$0.isEmpty }) ?? false || terminal.colorCount < 8 {
            theme = theme.monochrome
        } else {
            theme = theme.fitted(toColorCount: terminal.colorCount)
        }
        var state = ConsoleState(width: terminal.width, height: terminal.height, databasePath: options.databasePath)
        state.devMode = options.devMode
        let effects = EffectRunner(
            store: store, queue: queue, engine: engine, devMode: options.devMode,
            fileWatch: DatabaseFileWatch(path: options.databasePath))
        // Runs before the engine stops (defers run last-declared first), so the hurried steps
        // are in the queue, and those the engine can send in its stop wait go out.
        defer { effects.finishSimulations(within: Self.stopWait) }
        state = effects.loadFirstScreenful(state, queueRunning: true)
        if let substitution = terminalType.substitution {
            state = update(state, .notify(.info, Self.substitutionNotice(substitution))).0
        }
        var grid = Grid(width: state.width, height: state.height)
        var lastDrawn: (ConsoleState, Grid)?
        var lastPoll = Date()

        while !state.shouldQuit {
            if let signal = TerminationSignals.received { return 128 + signal }
            if terminal.isHungUp { return 128 + SIGHUP }
            // Draw before waiting for input, so the first frame does not wait out a poll timeout.
            if lastDrawn?.0 != state {
                if grid.width != state.width || grid.height != state.height {
                    grid = Grid(width: state.width, height: state.height)
                }
                let cursor = render(state, into: &grid, theme: theme)
                if lastDrawn?.1 != grid || cursor != nil {
                    terminal.draw(grid, cursor: cursor.map { ($0.x, $0.y) })
                }
                lastDrawn = (state, grid)
            }
            if !engineStarted {
                // After the first frame: the rest of the webhooks (before any key is handled, so
                // keys act on the whole list), then the engine, whose start-up queries would
                // otherwise compete with the first frame on a small machine. The start is waited
                // for (it returns at once) so a quick `q` cannot stop the engine before it starts.
                engineStarted = true
                state = effects.refresh(state, queueRunning: true)
                lastPoll = Date()
                blocking { await engine.start() }
            }
            var actions = terminal.nextEvents(timeoutMilliseconds: 50).map(ConsoleAction.input)
            actions += effects.drainResults()
            actions += engineNotices.withLock { notices in
                defer { notices.removeAll() }
                return notices
            }
            let now = Date()
            actions.append(.tick(now))
            for action in actions {
                let (next, requested) = update(state, action)
                state = next
                for effect in requested {
                    // These touch the terminal, so they run here, not in the runner: the
                    // terminal belongs to this thread.
                    switch effect {
                    case .redraw:
                        terminal.invalidate()
                        lastDrawn = nil
                        state = effects.refresh(state, queueRunning: true)
                    case .suspend where !Terminal.canSuspend:
                        state = update(state, .notify(.info, "Ctrl-Z: no shell started hookdash here to resume it; q quits")).0
                    case .suspend:
                        terminal.suspend(saying: Self.suspendNotice)
                        lastDrawn = nil
                        state = update(state, .input(.resize(width: terminal.width, height: terminal.height))).0
                    case .copy(let text, let confirmation):
                        terminal.copyToClipboard(base64: Base64.encode(Array(text.utf8)))
                        state = update(state, .notify(.success, confirmation)).0
                    default:
                        for result in effects.perform(effect, state: state) {
                            state = update(state, result).0
                        }
                    }
                }
            }
            if now.timeIntervalSince(lastPoll) >= pollInterval {
                lastPoll = now
                state = effects.refresh(state, queueRunning: true)
            }
        }
        return 0
    }
}

/// Runs async work to completion from synchronous code (the console owns its thread), or
/// until `seconds` have passed (the work goes on, unwaited); returns whether it finished.
@discardableResult
func blocking(atMost seconds: TimeInterval? = nil, _ work: @escaping @Sendable () async -> Void) -> Bool {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await work()
        done.signal()
    }
    guard let seconds else {
        done.wait()
        return true
    }
    return done.wait(timeout: .now() + seconds) == .success
}

/// Loads the theme named by `--theme` or the config file (ConsoleCommand decides), else dark.
enum ThemeLoader {
    static func load(name requested: String?, environment: [String: String]) throws -> Theme {
        let folder = UserConfig.folder(environment)
        let name = requested ?? "dark"
        // A path, or a file in this folder named as one ("mine.theme"), or a name in themes/.
        let candidates = name.contains("/") ? [name]
            : [folder + "/themes/" + name + ".theme"] + (name.hasSuffix(".theme") ? [name] : [])
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IOFailure(message: "cannot read theme file \(path) (permission denied?)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw InvalidInput(message: "theme file \(path) is not UTF-8 text")
            }
            do {
                return try Theme.parse(text, name: path)
            } catch {
                throw InvalidInput(message: error.description)
            }
        }
        if let builtIn = Theme.builtIn(named: name) { return builtIn }
        throw UsageError(message: "unknown theme '\(name)' (built in: dark, light, high-contrast; or a file in \(folder)/themes/)")
    }
}

/// Performs the console's effects against the store and queue. Quick store work runs inline;
/// network work runs in the engine, and its outcomes come back through `drainResults`.
final class EffectRunner: @unchecked Sendable {
    let store: WebhookStore
    let queue: QueueStore
    let engine: DeliveryEngine
    let devMode: Bool
    private let lock = NSLock()
    private var results: [ConsoleAction] = []
    /// A test or redelivery whose outcome has not been announced yet.
    private struct WatchedAttempt {
        let webhookName: String
        /// The delivery's attempts before this one: the outcome is the next.
        let attemptsBefore: Int
        /// The progress toast the outcome replaces.
        let settles: String?
    }

    /// By delivery id.
    private var watchedAttempts: [String: WatchedAttempt] = [:]

    private let simulations = RunningSimulations()

    /// The database file as opened: each refresh checks the path still names it.
    let fileWatch: DatabaseFileWatch?

    init(store: WebhookStore, queue: QueueStore, engine: DeliveryEngine, devMode: Bool, fileWatch: DatabaseFileWatch? = nil) {
        self.store = store
        self.queue = queue
        self.engine = engine
        self.devMode = devMode
        self.fileWatch = fileWatch
    }

    func drainResults() -> [ConsoleAction] {
        lock.withLock {
            defer { results.removeAll() }
            return results
        }
    }

    private func post(_ action: ConsoleAction) {
        lock.withLock { results.append(action) }
    }

    /// Start-up: the oldest `state.height` webhooks (all a first frame can show) and the count of
    /// all, so the first frame does not wait for thousands of rows. `refresh` loads the rest.
    func loadFirstScreenful(_ state: ConsoleState, queueRunning: Bool) -> ConsoleState {
        do {
            let snapshot = try ConsoleSnapshot.load(store: store, queue: queue, queueRunning: queueRunning, limit: state.height)
            var next = update(state, .firstWebhooksLoaded(
                snapshot.webhooks, total: snapshot.total ?? snapshot.webhooks.count,
                widest: snapshot.widestOfAll)).0
            next = update(next, .queueUpdated(snapshot.queue)).0
            return next
        } catch {
            return refresh(state, queueRunning: queueRunning)
        }
    }

    /// Re-reads everything visible so changes from other processes show up.
    func refresh(_ state: ConsoleState, queueRunning: Bool) -> ConsoleState {
        var next = state
        if let lost = fileWatch?.problem() { next = update(next, .databaseFileLost(lost.word)).0 }
        do {
            // Re-reading every webhook each tick is costly with thousands of them, so the full
            // read happens only when the table or the latest outcomes changed.
            let stamp = try queue.dashboardStamp()
            if stamp != lastStamp || !next.hasLoaded {
                let snapshot = try ConsoleSnapshot.load(store: store, queue: queue, queueRunning: queueRunning)
                if snapshot.webhooks != next.webhooks || !next.hasLoaded || next.webhookTotal != nil {
                    next = update(next, .webhooksLoaded(snapshot.webhooks)).0
                }
                next = update(next, .queueUpdated(snapshot.queue)).0
                lastStamp = stamp
            } else {
                let stats = try queue.queueStats()
                next = update(next, .queueUpdated(StoreRows.queue(stats, running: queueRunning))).0
            }
            for screen in next.screens {
                switch screen {
                case .details(let details):
                    let search = details.searchText
                    if let rows = try deliveryRowsIfChanged(details.webhookID, details.filter, search: search, stamp: stamp),
                       rows != details.deliveries || !details.hasLoaded {
                        next = update(next, .deliveriesLoaded(
                            webhookID: details.webhookID, filter: details.filter, search: search, rows)).0
                    }
                    if let health = try healthIfDue(details.webhookID, shown: details.health, stamp: stamp) {
                        next = update(next, .healthLoaded(webhookID: details.webhookID, health)).0
                    }
                case .attempts(let attempts):
                    let rows = try attemptRows(attempts.delivery.id, messageID: attempts.delivery.messageID)
                    if rows != attempts.attempts { next = update(next, .attemptsLoaded(deliveryID: attempts.delivery.id, rows)).0 }
                default: break
                }
            }
            announceFinishedTests()
        } catch {
            next = update(next, .notify(.failure, "Database: \(DatabaseTrouble.words(for: error))")).0
        }
        return next
    }

    private var lastStamp: DashboardStamp?

    /// The details' 24 h health is read when the screen opens and again on a change once
    /// 50 times its last read's cost has passed (at most `healthInterval`): a busy webhook's day
    /// can span many attempts, and the list around it reloads on every change; a quiet one's
    /// reads in a millisecond, and a fixed 10 s left "1 try" beside two rows for that long.
    /// With no change it is read every `healthInterval`, as attempts age out of the day.
    private var healthReadAt: [String: (at: Date, cost: TimeInterval, stamp: DashboardStamp?)] = [:]
    static let healthInterval: TimeInterval = 10

    static func healthIsDue(waited: TimeInterval, lastCost: TimeInterval, changed: Bool) -> Bool {
        waited >= healthInterval || (changed && waited >= lastCost * 50)
    }

    private func healthIfDue(_ webhookID: String, shown: HealthSummary?, stamp: DashboardStamp? = nil) throws -> HealthSummary? {
        let now = Date()
        if shown != nil, let last = healthReadAt[webhookID],
           !Self.healthIsDue(waited: now.timeIntervalSince(last.at), lastCost: last.cost, changed: stamp != nil && stamp != last.stamp) {
            return nil
        }
        let health = try queue.health(webhookID: webhookID, since: now.addingTimeInterval(-24 * 3600))
        healthReadAt[webhookID] = (now, Date().timeIntervalSince(now), stamp)
        return StoreRows.health(health)
    }

    private func announceFinishedTests() {
        let watched = lock.withLock { watchedAttempts }
        for (deliveryID, watch) in watched {
            guard let delivery = try? queue.delivery(id: deliveryID) else { continue }
            // Deleting the webhook cancels the delivery, whose count then never moves: without
            // this the watch, and a read on every refresh, would stay for good.
            if delivery.status == .cancelled {
                post(.notify(.info, "\(delivery.eventType) → \(watch.webhookName): cancelled with its webhook", settles: watch.settles))
                _ = lock.withLock { watchedAttempts.removeValue(forKey: deliveryID) }
                continue
            }
            guard delivery.attemptCount > watch.attemptsBefore else { continue }
            let attempt = (try? queue.attempts(deliveryID: deliveryID))?.last
            // How long an answer took; an error without one says its own time ("within 15 s").
            let duration = attempt.map { " in \($0.durationMilliseconds) ms" } ?? ""
            let name = watch.webhookName
            if let status = delivery.lastStatusCode, (200..<300).contains(status) {
                post(.notify(.success, "\(delivery.eventType) → \(name): \(status)\(duration)", settles: watch.settles))
            } else {
                // When it retries goes before a long error text, which a toast may cut.
                let retry = delivery.status == .pending
                    ? delivery.nextAttemptAt.map { "retry " + RelativeTime.describeFuture($0, from: Date()) } : nil
                let reason = if let code = delivery.lastStatusCode {
                    ["HTTP \(code)\(duration)", retry].compactMap { $0 }.joined(separator: " · ")
                } else {
                    [retry, delivery.lastError ?? "failed"].compactMap { $0 }.joined(separator: " · ")
                }
                post(.notify(.failure, "\(delivery.eventType) → \(name): \(reason)", settles: watch.settles))
            }
            _ = lock.withLock { watchedAttempts.removeValue(forKey: deliveryID) }
        }
    }

    /// Store writes wait for a database another process holds (an import, a long transaction
    /// in a sqlite3 shell) up to the 30 s busy timeout; on this thread they froze the screen
    /// meanwhile. They run on their own queue, in order; one done within `inlineWait` (the
    /// usual few milliseconds) still returns its results inline, so nothing flickers.
    private let writes = DispatchQueue(label: "hookdash.console.writes")
    static let inlineWait: TimeInterval = 0.25

    func perform(_ effect: ConsoleEffect, state: ConsoleState) -> [ConsoleAction] {
        switch effect {
        case .save, .delete, .sendTest, .redeliver, .redeliverFailed:
            let handoff = WriteHandoff()
            writes.async { [self] in
                let results = outcome(of: effect, state: state)
                if !handoff.deliverInline(results) { results.forEach(post) }
            }
            return handoff.waitInline(seconds: Self.inlineWait)
        default:
            return outcome(of: effect, state: state)
        }
    }

    private func outcome(of effect: ConsoleEffect, state: ConsoleState) -> [ConsoleAction] {
        do {
            switch effect {
            case .reloadWebhooks:
                return []
            case .save(let submission):
                do {
                    return try save(submission)
                } catch {
                    // The form stays open with what was typed; the banner says why.
                    return [.saveFailed((error as? StoreError)?.description ?? DatabaseTrouble.words(for: error))]
                }
            case .delete(let id):
                do {
                    let removed = try store.delete(id: id)
                    return [.deleted(id: removed.id, name: removed.name)]
                } catch StoreError.notFound {
                    let name = Self.toastName(of: id, in: state)
                    return [.notify(.info, "“\(name)” was already deleted elsewhere")]
                }
            case .sendTest(let id):
                let results = try queue.enqueueTest(webhookID: id)
                let ids = results.flatMap(\.deliveryIDs)
                let name = Self.toastName(of: id, in: state)
                let watch = WatchedAttempt(webhookName: name, attemptsBefore: 0, settles: effect.progress)
                lock.withLock { for deliveryID in ids { watchedAttempts[deliveryID] = watch } }
                let engine = engine
                Task { _ = await engine.processDue(onlyIDs: ids) }
                if ids.isEmpty { return [.notify(.failure, "“\(name)” has no events to test", settles: effect.progress)] }
                return []
            case .loadDeliveries(let id, let filter, let search):
                let health = try healthIfDue(id, shown: nil).map { ConsoleAction.healthLoaded(webhookID: id, $0) }
                let rows = try deliveryRows(id, filter, search: search)
                return [.deliveriesLoaded(webhookID: id, filter: filter, search: search, rows)] + (health.map { [$0] } ?? [])
            case .loadAttempts(let id):
                let messageID = try queue.delivery(id: id)?.messageID ?? ""
                return [.attemptsLoaded(deliveryID: id, try attemptRows(id, messageID: messageID))]
            case .redeliver(let id):
                let attemptsBefore = try queue.delivery(id: id)?.attemptCount ?? 0
                try queue.redeliver(deliveryID: id)
                let name = state.webhooks.first(where: { webhook in
                    state.screens.contains { if case .details(let d) = $0 { d.webhookID == webhook.id } else { false } }
                }).map { ToastText.name($0.name) } ?? "its webhook"
                lock.withLock {
                    watchedAttempts[id] = WatchedAttempt(webhookName: name, attemptsBefore: attemptsBefore, settles: effect.progress)
                }
                let engine = engine
                Task { _ = await engine.processDue(onlyIDs: [id]) }
                return []
            case .redeliverFailed(let webhookID, let matching):
                let count = try queue.redeliverFailed(webhookID: webhookID, matching: matching)
                let name = Self.toastName(of: webhookID, in: state)
                let which = matching.isEmpty ? "" : " matching “\(matching)”"
                // The engine's next poll (a quarter second) picks them up.
                return [count == 0
                    ? .notify(.info, "No failed deliveries\(which) to “\(name)”")
                    : .notify(.success, "Redelivering \(Wording.count(count, "failed delivery", "failed deliveries"))\(which) to “\(name)”")]
            case .countFailed(let webhookID, let matching):
                return [.failedCounted(
                    webhookID: webhookID, matching: matching, count: try queue.failedCount(webhookID: webhookID, matching: matching))]
            case .simulate(let kind):
                simulate(kind)
                return []
            case .copy, .suspend, .redraw:
                return [] // The loop copies and suspends: the terminal belongs to its thread.
            case .generateSecret:
                return [.secretGenerated(SecretGenerator.generate())]
            }
        } catch let error as StoreError {
            return [.notify(.failure, error.description, settles: effect.progress)]
        } catch let error as QueueError where error.isInactiveWebhook {
            // The console's own words for it, as its details screen says it.
            return [.notify(.failure, ConsoleState.inactiveWebhookNote, settles: effect.progress)]
        } catch let error as QueueError {
            return [.notify(.failure, error.description, settles: effect.progress)]
        } catch {
            return [.notify(.failure, DatabaseTrouble.words(for: error), settles: effect.progress)]
        }
    }

    /// Attempts with the message body (stored once per message, identical on every attempt).
    private func attemptRows(_ deliveryID: String, messageID: String) throws -> [AttemptRow] {
        let message = try messageText(messageID)
        return try queue.attempts(deliveryID: deliveryID).map { StoreRows.attempt($0, message: message) }
    }

    /// The message an attempts screen shows, read and formatted when it opens and then kept
    /// while it refreshes (a message never changes). The loop's thread only.
    private var shownMessage: (id: String, text: StoreRows.MessageText)?

    private func messageText(_ messageID: String) throws -> StoreRows.MessageText {
        if let shownMessage, shownMessage.id == messageID { return shownMessage.text }
        let text = StoreRows.MessageText(try queue.message(id: messageID)?.body ?? Data())
        shownMessage = (messageID, text)
        return text
    }

    private func save(_ submission: FormSubmission) throws -> [ConsoleAction] {
        switch WebhookValidator.validate(submission.draft, options: ValidationOptions(devMode: devMode)) {
        case .failure(let failure):
            var errors: [FormField: String] = [:]
            for error in failure.errors {
                guard let field = FormField(rawValue: error.field.rawValue) else { continue }
                if errors[field] == nil { errors[field] = error.message }
            }
            return [.saveRejected(errors)]
        case .success(let valid):
            if let id = submission.webhookID, let version = submission.expectedVersion {
                let outcome = try? queue.lastOutcome(webhookID: id)
                do {
                    let saved = try store.update(id: id, expectedVersion: version, valid)
                    return [.saved(Self.row(saved, outcome: outcome))]
                } catch StoreError.stale {
                    return [.staleEdit(current: try store.webhook(id: id).map { Self.row($0, outcome: outcome) })]
                } catch StoreError.notFound {
                    return [.staleEdit(current: nil)]
                }
            }
            let created = try store.create(valid)
            return [.saved(Self.row(created, outcome: nil))]
        }
    }

    /// Queues the remaining steps of running demo jobs at once and waits (at most `seconds`)
    /// for them: quitting halfway left the job RUNNING for good at the receiver.
    func finishSimulations(within seconds: TimeInterval) {
        let running = simulations.hurryAll()
        guard !running.isEmpty else { return }
        blocking(atMost: seconds) {
            for task in running { await task.value }
        }
    }

    private func simulate(_ kind: SimulationKind) {
        let queue = queue
        let engine = engine
        let post: @Sendable (ConsoleAction) -> Void = { [weak self] action in self?.post(action) }
        let simulations = simulations
        let id = UUID()
        let task = Task.detached {
            defer { simulations.remove(id) }
            do {
                switch kind {
                case .jobSucceeds, .jobFails:
                    var job = SimulatedJob(taskCount: 2, now: Date())
                    var queued = 0
                    for step in job.steps(failing: kind == .jobFails) {
                        if step.index > 0, !simulations.hurrying { try await Task.sleep(for: .milliseconds(400)) }
                        job.apply(step, at: Date())
                        let result = try queue.enqueue(NewMessage(
                            eventType: DeliverySamples.jobStatus, liveMode: true, body: job.body(), createdAt: Date()))
                        queued += result.deliveryIDs.count
                        // Kick the engine without waiting: a slow endpoint must not hold up the demo.
                        Task { _ = await engine.processDue(onlyIDs: result.deliveryIDs) }
                    }
                    let outcome = kind == .jobFails ? "FAILED" : "SUCCEEDED"
                    post(Self.simulated("Demo job \(outcome)", queued: queued, event: DeliverySamples.jobStatus))
                case .orderFulfilled, .orderFails:
                    let now = Date()
                    let status = kind == .orderFails ? "FAILED" : "FULFILLED"
                    let body = DeliverySamples.orderBody(
                        orderID: DeliverySamples.newID(), status: status, createdAt: now.addingTimeInterval(-90), updatedAt: now)
                    let result = try queue.enqueue(NewMessage(
                        eventType: DeliverySamples.orderStatus, liveMode: true, body: body, createdAt: now))
                    Task { _ = await engine.processDue(onlyIDs: result.deliveryIDs) }
                    post(Self.simulated("Demo order \(status)", queued: result.deliveryIDs.count, event: DeliverySamples.orderStatus))
                }
            } catch {
                post(.notify(.failure, "Simulation failed: \(DatabaseTrouble.words(for: error))", settles: Progress.simulation))
            }
        }
        simulations.add(id, task)
    }

    /// The newest 200 a details screen lists (that match `search`, when it is not empty).
    private func deliveryRows(_ webhookID: String, _ filter: DeliveryFilter, search: String) throws -> [DeliveryRow] {
        let status = StoreRows.status(filter)
        let records = search.isEmpty
            ? try queue.deliveries(webhookID: webhookID, status: status, limit: StoreRows.detailsLimit)
            : try queue.deliveries(webhookID: webhookID, status: status, matching: search, limit: StoreRows.detailsLimit)
        return records.map(Self.row)
    }

    /// What the last search read and when: a search reads up to `QueueStore.searchWindow`
    /// deliveries (tens of milliseconds), so the half-second refresh repeats it only when an
    /// attempt, a webhook change or a new delivery may have changed its answer.
    private var lastSearch: (query: String, stamp: DashboardStamp, newestDelivery: Int)?

    private func deliveryRowsIfChanged(
        _ webhookID: String, _ filter: DeliveryFilter, search: String, stamp: DashboardStamp
    ) throws -> [DeliveryRow]? {
        guard !search.isEmpty else { return try deliveryRows(webhookID, filter, search: search) }
        let query = "\(webhookID) \(filter.rawValue) \(search)"
        let newest = try queue.newestDeliveryRowID()
        if let last = lastSearch, last.query == query, last.stamp == stamp, last.newestDelivery == newest { return nil }
        lastSearch = (query, stamp, newest)
        return try deliveryRows(webhookID, filter, search: search)
    }

    /// A simulation that reached no webhook says why, instead of seeming to have worked.
    static func simulated(_ what: String, queued: Int, event: String) -> ConsoleAction {
        queued == 0
            ? .notify(.failure, "\(what): no active webhook subscribes to \(event)", settles: Progress.simulation)
            // Queued, not delivered: the endpoints' answers show in the rows.
            : .notify(.success, "\(what): \(Wording.deliveries(queued)) queued", settles: Progress.simulation)
    }

    /// A webhook's name as toasts say it, or its id when the console no longer lists it.
    static func toastName(of id: String, in state: ConsoleState) -> String {
        ToastText.name(state.webhooks.first { $0.id == id }?.name ?? id)
    }

    static func row(_ webhook: Webhook, outcome: DeliveryOutcome?) -> WebhookRow { StoreRows.webhook(webhook, outcome: outcome) }
    static func row(_ delivery: DeliveryRecord) -> DeliveryRow { StoreRows.delivery(delivery) }
}

/// Hands a write's results to the console loop that waits for them briefly, or, once it has
/// stopped waiting, tells the writer to post them instead; the lock makes it exactly one.
private final class WriteHandoff: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var results: [ConsoleAction]?
    private var waiting = true

    /// False when the loop has stopped waiting: the caller posts the results.
    func deliverInline(_ results: [ConsoleAction]) -> Bool {
        lock.withLock {
            guard waiting else { return false }
            self.results = results
            done.signal()
            return true
        }
    }

    func waitInline(seconds: TimeInterval) -> [ConsoleAction] {
        _ = done.wait(timeout: .now() + seconds)
        return lock.withLock {
            waiting = false
            return results ?? []
        }
    }
}

/// Demo jobs still walking their steps, and whether to hurry them (the console is quitting).
final class RunningSimulations: Sendable {
    private let state = Mutex<(running: [UUID: Task<Void, Never>], hurry: Bool)>(([:], false))

    var hurrying: Bool { state.withLock { $0.hurry } }

    func add(_ id: UUID, _ task: Task<Void, Never>) {
        state.withLock { $0.running[id] = task }
    }

    func remove(_ id: UUID) {
        state.withLock { _ = $0.running.removeValue(forKey: id) }
    }

    /// From now on steps follow one another at once; returns the jobs still running.
    func hurryAll() -> [Task<Void, Never>] {
        state.withLock { state in
            state.hurry = true
            return Array(state.running.values)
        }
    }
}
