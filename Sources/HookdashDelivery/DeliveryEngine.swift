import Foundation
import HookdashDomain
import HookdashStore
import Logging
import NIOConcurrencyHelpers

/// The background worker: leases due deliveries from the shared database, sends them with
/// bounded concurrency (overall and per endpoint), records every attempt and schedules retries.
/// Runs inside the console or headless (`hookdash serve`); several engines may share one database.
public actor DeliveryEngine {
    public nonisolated let owner: String
    private let queue: QueueStore
    private let configuration: DeliveryConfiguration
    private let clock: DeliveryClock
    private let logger: Logger
    private let sender: DeliverySender
    private let clients: EndpointClients
    private let onAttempt: (@Sendable (AttemptReport) -> Void)?
    /// An attempt `onAttempt` reported as to retry or failed whose webhook was deleted while it
    /// was in flight: the delivery ended cancelled instead.
    private let onCancelledInFlight: (@Sendable (_ deliveryID: String, _ reportedAs: DeliveryTransition) -> Void)?
    /// A webhook this engine set inactive — its attempts kept failing (`FailureStreak`) or its
    /// endpoint answered 410 Gone — with the URL they went to and the reason stored.
    private let onWebhookDisabled: (@Sendable (_ webhookID: String, _ url: String, _ reason: String) -> Void)?
    /// The database stopped taking writes (a full disk, a read-only file), in words; nil once
    /// it takes them again. Called once per stretch of trouble, not per failed write.
    private let onStoreTrouble: (@Sendable (_ trouble: String?) -> Void)?
    /// The kind of write that failed last, while the trouble lasts.
    private var troubledBy: StoreWrite?
    private var storeTroubled: Bool { troubledBy != nil }
    /// While in trouble, a claim may still succeed where the record that follows fails (a
    /// nearly full disk), and each delivery so sent goes out again when its lease runs out:
    /// so only one delivery at a time probes the database, at most this often.
    private var nextProbe: Date?

    /// Deliveries claimed and not yet recorded (still leased by us).
    private var slots = Slots()
    private var outstanding: Int { slots.outstanding }
    private var finished: [(AttemptResult, DeliveryTransition, Slots.Holder)] = []
    private var flushing = false
    /// A claim is being written: a second one at the same time would lease more than the
    /// free slots.
    private var claiming = false
    private var claimWaiters: [CheckedContinuation<Void, Never>] = []
    /// While the loop runs, each group commit also leases the next due deliveries.
    private var claimsWithRecords = false
    private var loop: Task<Void, Never>?
    private var waiter: CheckedContinuation<Void, Never>?
    private var pollTimer: Task<Void, Never>?
    private var foundNothingLastTime = false
    /// When this engine was made: the plain-http grace runs from here too (see below).
    private let createdAt: Date
    private var pollTimerFiredSinceClaim = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var reclaimedDeadLeases = false

    public init(
        queue: QueueStore, configuration: DeliveryConfiguration = DeliveryConfiguration(),
        clock: DeliveryClock = SystemDeliveryClock(),
        logger: Logger = Logger(label: "hookdash.delivery", factory: { _ in SwiftLogNoOpLogHandler() }),
        onAttempt: (@Sendable (AttemptReport) -> Void)? = nil,
        onCancelledInFlight: (@Sendable (_ deliveryID: String, _ reportedAs: DeliveryTransition) -> Void)? = nil,
        onWebhookDisabled: (@Sendable (_ webhookID: String, _ url: String, _ reason: String) -> Void)? = nil,
        onStoreTrouble: (@Sendable (_ trouble: String?) -> Void)? = nil
    ) {
        self.onAttempt = onAttempt
        self.onCancelledInFlight = onCancelledInFlight
        self.onWebhookDisabled = onWebhookDisabled
        self.onStoreTrouble = onStoreTrouble
        owner = LeaseOwner.current()
        createdAt = clock.now()
        self.queue = queue
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        clients = EndpointClients(configuration: configuration)
        sender = DeliverySender(
            configuration: configuration, clients: clients, resolver: HostResolver(), clock: clock)
    }

    // MARK: Lifecycle

    /// Starts working in the background; returns at once.
    public func start() {
        guard loop == nil else { return }
        logger.info("delivery engine started", metadata: ["owner": "\(owner)"])
        loop = Task { await self.run(untilIdle: false) }
    }

    /// Stops claiming, lets in-flight attempts finish and be recorded, gives back leases and
    /// closes connections.
    public func stop() async {
        claimsWithRecords = false
        loop?.cancel()
        wake()
        await loop?.value
        loop = nil
        pollTimer?.cancel()
        await waitForOutstanding()
        try? await queue.releaseLeases(owner: owner)
        await clients.shutdown()
        logger.info("delivery engine stopped", metadata: ["owner": "\(owner)"])
    }

    /// Works until nothing is due or in flight (`serve --until-idle`, scripts, tests), then
    /// closes connections. Deliveries waiting for a later retry do not keep it running.
    /// `stop()` ends it early as it ends `start()`'s loop.
    public func runUntilIdle() async {
        guard loop == nil else { return }
        let task = Task { await self.run(untilIdle: true) }
        loop = task
        await task.value
        if loop == task { loop = nil }
        pollTimer?.cancel()
        await waitForOutstanding()
        await clients.shutdown()
    }

    /// One pass (tests with a manual clock, `webhooks test`): claims what is due now (only
    /// `onlyIDs` when given), sends it and waits until every attempt is recorded.
    /// Returns how many attempts were made.
    @discardableResult
    public func processDue(onlyIDs: [String]? = nil) async -> Int {
        var total = 0
        while true {
            let started = await claimAndDispatch(onlyIDs: onlyIDs)
            total += started
            await waitForOutstanding()
            if started == 0 { return total }
        }
    }

    /// Closes connections of an engine driven only by `processDue()`.
    public func shutdown() async {
        await waitForOutstanding()
        await clients.shutdown()
    }

    // MARK: Loop

    private func run(untilIdle: Bool) async {
        await reclaimDeadLeasesOnce()
        claimsWithRecords = true
        defer { claimsWithRecords = false }
        while !Task.isCancelled {
            let started = await claimAndDispatch()
            if started > 0 { continue }
            if untilIdle, outstanding == 0 {
                let next = try? await queue.nextDueDate()
                if next.map({ $0 > clock.now() }) ?? true { return }
            }
            await waitForWork()
        }
    }

    /// Leases as many due deliveries as free slots allow and sends each in its own task.
    private func claimAndDispatch(onlyIDs: [String]? = nil) async -> Int {
        await reclaimDeadLeasesOnce()
        // A test event sent from the console (processDue) waits for a running claim instead
        // of being left to the loop's next poll.
        while claiming { await withCheckedContinuation { claimWaiters.append($0) } }
        // Claim in batches: one write transaction per few completions, not per completion.
        // A poll may claim for fewer free slots: with the others held by endpoints that hang,
        // no completion comes to fill them, and work for healthy endpoints would wait for it.
        let batch = max(1, configuration.concurrency / 4)
        let free = configuration.concurrency - outstanding
        let polled = pollTimerFiredSinceClaim
        pollTimerFiredSinceClaim = false
        guard free > 0, free >= batch || outstanding == 0 || polled else { return 0 }
        var request = claimRequest(slots, onlyIDs: onlyIDs)
        if storeTroubled {
            // One at a time: while a probe is in flight, its record will tell.
            guard outstanding == 0 else { return 0 }
            if let nextProbe, clock.now() < nextProbe { return 0 }
            nextProbe = clock.now().addingTimeInterval(configuration.troubleProbeInterval)
            request = request.limited(to: 1)
        }
        claiming = true
        defer { endClaim() }
        // After a claim that found nothing, polls read before they write (see hasDueWork).
        if foundNothingLastTime, onlyIDs == nil, !storeTroubled,
           let due = try? await queue.hasDueWork(now: request.now, plainHTTPDueBefore: request.plainHTTPDueBefore), !due {
            return 0
        }
        let claimed: [ClaimedDelivery]
        do {
            claimed = try await queue.claimDue(request)
            storeWorked(.claim)
        } catch {
            storeFailed(error, doing: .claim)
            return 0
        }
        foundNothingLastTime = claimed.isEmpty
        noteFallback(request, found: claimed)
        dispatch(claimed)
        return claimed.count
    }

    /// A claim for the slots `slots` leaves free: at most `perEndpoint` per endpoint, counting
    /// what other processes on the database have in flight there, and webhooks of full
    /// endpoints skipped in SQL.
    private func claimRequest(_ slots: Slots, onlyIDs: [String]? = nil) -> ClaimRequest {
        let limit = configuration.perEndpoint
        let busy = NIOLockedValueBox(slots.perEndpoint)
        let saturated = slots.endpoints(atLimit: limit)
        let now = clock.now()
        // Deliveries asked for by id (a test event, a redelivery: someone waits for the
        // answer) are not held back by what other processes send to the endpoint: behind
        // a `serve` with a backlog there, `webhooks test` waited out its backlog and failed.
        // This process's own per-endpoint limit still holds (`admit`).
        let heldElsewhere: (@Sendable ([LeasesHeldElsewhere]) -> Set<String>)? = onlyIDs != nil ? nil
            : Self.endpointsFullElsewhere(busy: busy, webhooksByEndpoint: slots.webhooksByEndpoint, limit: limit)
        return ClaimRequest(
            owner: owner, now: now, leaseDuration: configuration.leaseDuration,
            limit: configuration.concurrency - slots.outstanding, onlyIDs: onlyIDs,
            excludingWebhookIDs: slots.webhooks(at: saturated),
            excludingEndpoints: fallbackOffered(saturated: saturated, now: now),
            plainHTTPDueBefore: plainHTTPDueBefore(now: now, onlyIDs: onlyIDs),
            heldElsewhere: heldElsewhere
        ) { url in
            let endpoint = Endpoint.key(url)
            return busy.withLockedValue { counts in
                guard counts[endpoint, default: 0] < limit else { return false }
                counts[endpoint, default: 0] += 1
                return true
            }
        }
    }

    /// The webhooks to skip because their endpoint is full once other processes' leases there
    /// are added to this one's (`busy`, which `admit` then counts on from).
    private static func endpointsFullElsewhere(
        busy: NIOLockedValueBox<[String: Int]>, webhooksByEndpoint: [String: Set<String>], limit: Int
    ) -> @Sendable ([LeasesHeldElsewhere]) -> Set<String> {
        { leases in
            // Nothing else in flight (one process): no work on the claim's path.
            guard !leases.isEmpty else { return [] }
            return busy.withLockedValue { counts in
                var webhooks = webhooksByEndpoint
                for lease in leases {
                    let endpoint = Endpoint.key(lease.url)
                    counts[endpoint, default: 0] += lease.count
                    webhooks[endpoint, default: []].insert(lease.webhookID)
                }
                return Set(webhooks.filter { counts[$0.key, default: 0] >= limit }.values.joined())
            }
        }
    }

    /// Without `--dev` this process would only record a refusal for a plain http:// URL: it
    /// leaves such deliveries to a process that may send them (a console with `--dev` on the
    /// same file) for a while — each refusal costs a step of the ladder — then takes them to
    /// say why they are not sent. Deliveries asked for by id (a test, a redelivery) are its own.
    /// The grace also runs from this engine's start: a backlog that fell due during an outage
    /// is not refused at once by whichever process happens to start first.
    private func plainHTTPDueBefore(now: Date, onlyIDs: [String]?) -> Date? {
        guard !configuration.allowsPlainHTTP, onlyIDs == nil else { return nil }
        guard now.timeIntervalSince(createdAt) >= configuration.plainHTTPGrace else { return .distantPast }
        return now.addingTimeInterval(-configuration.plainHTTPGrace)
    }

    /// A look past a window of refused deliveries (the store's fallback pass) that found
    /// nothing: while the same endpoints stay saturated, for a quarter of a second, claims do
    /// not look again. When one endpoint holds all the backlog, its scan ran on every claim
    /// and tripled the time 9,000 deliveries took.
    private var fruitlessFallback: (endpoints: Set<String>, until: Date)?

    private func fallbackOffered(saturated: Set<String>, now: Date) -> Set<String> {
        if let fruitless = fruitlessFallback, fruitless.endpoints == saturated, now < fruitless.until { return [] }
        return saturated
    }

    private func noteFallback(_ request: ClaimRequest, found claimed: [ClaimedDelivery]) {
        guard !request.excludingEndpoints.isEmpty, claimed.isEmpty else { return }
        fruitlessFallback = (request.excludingEndpoints, request.now.addingTimeInterval(0.25))
    }

    private func endClaim() {
        claiming = false
        let waiting = claimWaiters
        claimWaiters.removeAll()
        waiting.forEach { $0.resume() }
    }

    private func dispatch(_ claimed: [ClaimedDelivery]) {
        for delivery in claimed {
            let holder = Slots.Holder(delivery)
            slots.take(holder)
            let sender = self.sender
            Task {
                let result = await sender.send(delivery)
                await self.finish(delivery, result, holder)
            }
        }
    }

    private func finish(_ delivery: ClaimedDelivery, _ result: AttemptResult, _ holder: Slots.Holder) async {
        let transition = decide(delivery, result)
        logger.info("attempt", metadata: [
            "delivery": "\(delivery.deliveryID)", "message": "\(delivery.messageID)",
            "status": "\(result.draft.responseStatus.map(String.init) ?? "-")",
            "error": "\(result.draft.errorClass?.rawValue ?? "-")", "transition": "\(transition)",
        ])
        onAttempt?(AttemptReport(delivery: delivery, result: result, transition: transition))
        finished.append((result, transition, holder))
        await flushFinished()
    }

    /// Group commit: attempts that finish while a write is running go in the next transaction.
    /// While the loop runs, the same transaction leases work for the slots the batch frees.
    /// The counts drop only after the commit, so a crash never finds more deliveries sent
    /// and unrecorded than the concurrency.
    private func flushFinished() async {
        guard !flushing else { return }
        flushing = true
        while !finished.isEmpty {
            let batch = finished
            finished.removeAll()
            var claim: ClaimRequest?
            if claimsWithRecords, !claiming, !storeTroubled {
                var after = slots
                batch.forEach { after.release($0.2) }
                claim = claimRequest(after)
                claiming = true
            }
            var claimed: [ClaimedDelivery] = []
            do {
                let gone = Set(batch.filter { $0.0.endpointGone }.map(\.2.webhookID))
                let outcome = try await queue.record(
                    batch.map { ($0.0.draft, $0.1) }, owner: owner, deactivating: gone, now: clock.now(),
                    disableAfter: configuration.disableAfterFailingFor, thenClaim: claim)
                claimed = outcome.claimed
                if let claim { noteFallback(claim, found: claimed) }
                storeWorked(.record)
                for deliveryID in outcome.cancelled {
                    guard let transition = batch.first(where: { $0.0.draft.deliveryID == deliveryID })?.1 else { continue }
                    onCancelledInFlight?(deliveryID, transition)
                }
                for deliveryID in outcome.takenOver {
                    logger.notice(
                        "attempt not recorded: it outlived its lease (was this process stopped?) and another process took the delivery over",
                        metadata: ["delivery": "\(deliveryID)"])
                }
                for (webhookID, reason) in outcome.disabled {
                    let url = batch.first { $0.2.webhookID == webhookID }?.0.draft.requestURL ?? ""
                    logger.notice(
                        "webhook set inactive: \(reason)", metadata: ["webhook": "\(webhookID)", "url": "\(url)"])
                    onWebhookDisabled?(webhookID, url, reason)
                }
            } catch {
                // The leases expire and the deliveries are retried: at least once, never lost.
                storeFailed(error, doing: .record)
            }
            if claim != nil { endClaim() }
            batch.forEach { slots.release($0.2) }
            dispatch(claimed)
            wake()
            if outstanding == 0 { resumeIdleWaiters() }
        }
        flushing = false
    }

    private func decide(_ delivery: ClaimedDelivery, _ result: AttemptResult) -> DeliveryTransition {
        if result.succeeded { return .succeeded }
        if result.endpointGone { return .failed }
        // A test event is one attempt the operator watches. A redelivery that fails goes on
        // along the ladder from where the delivery was, so redelivering one that was still
        // retrying never costs it its remaining attempts; one whose ladder is spent fails again.
        guard delivery.trigger != .test, delivery.liveMode else { return .failed }
        let failures = delivery.attemptCount + 1
        guard let delay = configuration.retrySchedule.delay(afterFailures: failures, retryAfter: result.retryAfter)
        else { return .failed }
        return .retry(at: clock.now().addingTimeInterval(delay))
    }

    // MARK: Waiting

    /// Sleeps until an attempt is recorded or the next poll for work that other processes
    /// queued, or that fell due (a retry). The poll runs while busy too: one slow attempt in
    /// flight must not hold back work for other endpoints until it ends. One timer serves
    /// many waits — under load the loop waits after every group commit.
    private func waitForWork() async {
        if pollTimer == nil {
            let interval = configuration.idlePollInterval
            pollTimer = Task { [weak self] in
                try? await Task.sleep(for: interval)
                await self?.pollTimerFired()
            }
        }
        await withCheckedContinuation { continuation in
            if Task.isCancelled { continuation.resume() } else { waiter = continuation }
        }
    }

    private func pollTimerFired() {
        pollTimer = nil
        pollTimerFiredSinceClaim = true
        wake()
    }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }

    private func waitForOutstanding() async {
        guard outstanding > 0 else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func resumeIdleWaiters() {
        let waiting = idleWaiters
        idleWaiters.removeAll()
        waiting.forEach { $0.resume() }
    }

    /// Deliveries leased by a process on this host that no longer exists (SIGKILL, crash)
    /// are released at once instead of waiting for the lease to expire.
    private func reclaimDeadLeasesOnce() async {
        guard !reclaimedDeadLeases else { return }
        reclaimedDeadLeases = true
        do {
            let released = try await queue.releaseLeases { LeaseOwner.isDeadLocalProcess($0) }
            if released > 0 { logger.notice("released leases of dead processes", metadata: ["count": "\(released)"]) }
        } catch {
            storeFailed(error, doing: .leaseRelease)
        }
    }

    // MARK: Store trouble

    enum StoreWrite: String {
        case claim = "claim"
        case record = "recording attempts"
        case leaseRelease = "releasing dead leases"
    }

    private func storeFailed(_ error: any Error, doing write: StoreWrite) {
        logger.error("\(write.rawValue) failed", metadata: ["error": "\(error)"])
        let wasTroubled = storeTroubled
        // A failed record outranks a failed claim: only a record proves records work again.
        if troubledBy != .record { troubledBy = write }
        if !wasTroubled { onStoreTrouble?(DatabaseTrouble.words(for: error)) }
    }

    /// Ends the trouble when this kind of write proves the database takes what failed.
    private func storeWorked(_ write: StoreWrite) {
        guard let troubledBy, write == .record || troubledBy != .record else { return }
        self.troubledBy = nil
        nextProbe = nil
        onStoreTrouble?(nil)
    }
}

/// The engine's claimed-and-unrecorded deliveries, counted overall, per endpoint and per
/// webhook at each endpoint (to skip webhooks of full endpoints when claiming).
struct Slots {
    /// What one delivery holds.
    struct Holder {
        let endpoint: String
        let webhookID: String

        init(_ delivery: ClaimedDelivery) {
            endpoint = Endpoint.key(delivery.url)
            webhookID = delivery.webhookID
        }
    }

    private(set) var outstanding = 0
    private var webhooksInFlight: [String: [String: Int]] = [:]

    /// In flight per endpoint (read once per claim, over at most the concurrency's entries).
    var perEndpoint: [String: Int] { webhooksInFlight.mapValues { $0.values.reduce(0, +) } }

    /// The webhooks in flight at each endpoint.
    var webhooksByEndpoint: [String: Set<String>] { webhooksInFlight.mapValues { Set($0.keys) } }

    mutating func take(_ holder: Holder) {
        outstanding += 1
        webhooksInFlight[holder.endpoint, default: [:]][holder.webhookID, default: 0] += 1
    }

    mutating func release(_ holder: Holder) {
        outstanding -= 1
        webhooksInFlight[holder.endpoint]?[holder.webhookID, default: 1] -= 1
        if webhooksInFlight[holder.endpoint]?[holder.webhookID] == 0 {
            webhooksInFlight[holder.endpoint]?[holder.webhookID] = nil
        }
        if webhooksInFlight[holder.endpoint]?.isEmpty == true { webhooksInFlight[holder.endpoint] = nil }
    }

    /// Webhooks whose endpoint has `limit` or more deliveries in flight.
    /// Endpoints with `limit` or more in flight from this process.
    func endpoints(atLimit limit: Int) -> Set<String> {
        Set(webhooksInFlight.filter { $0.value.values.reduce(0, +) >= limit }.keys)
    }

    /// The webhooks in flight at `endpoints`.
    func webhooks(at endpoints: Set<String>) -> Set<String> {
        Set(endpoints.flatMap { webhooksInFlight[$0].map { Array($0.keys) } ?? [] })
    }

}

/// Deliveries to one scheme://host:port share a per-endpoint limit.
enum Endpoint {
    static func key(_ url: String) -> String { EndpointKey.of(url) }

    /// "host:port", for messages about the endpoint.
    static func authority(_ url: String) -> String {
        let key = key(url)
        return key.range(of: "://").map { String(key[$0.upperBound...]) } ?? key
    }
}

/// Lease owner ids name the host and process ("HOST:PID:TAG"), so a restarted worker can
/// tell which leases belong to processes that died.
public enum LeaseOwner {
    static func current() -> String {
        "\(hostName()):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The host and process an owner id names; nil for one that is not hookdash's.
    public static func process(of owner: String) -> (host: String, pid: Int32)? {
        let parts = owner.split(separator: ":")
        guard parts.count == 3, let pid = Int32(parts[1]) else { return nil }
        return (String(parts[0]), pid)
    }

    static func isDeadLocalProcess(_ owner: String) -> Bool {
        guard let (host, pid) = process(of: owner), host == hostName() else { return false }
        if pid == getpid() { return false }
        if kill(pid, 0) == -1 && errno == ESRCH { return true }
        return isZombie(pid)
    }

    /// A killed process its parent has not yet waited for (a script restarting `serve` before
    /// `wait`, a container without an init) still answers `kill(pid, 0)`; it will never send
    /// again, so its leases are free.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.range(of: ") ", options: .backwards)
        else { return false }
        // "PID (COMMAND) STATE …": the command may itself hold ") ", hence the last one.
        return ["Z", "X"].contains(stat[end.upperBound...].prefix(1))
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
