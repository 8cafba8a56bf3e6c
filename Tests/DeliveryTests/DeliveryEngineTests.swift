import Foundation
import Synchronization
import GRDB
import HookdashCrypto
import HookdashDelivery
import HookdashReceiver
import HookdashStore
import Testing

@Suite struct FanOutTests {
    @Test func onlyActiveSubscribersGetDeliveries() throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let subscribed = try database.addWebhook(url: "https://a.example/hooks")
        try database.addWebhook(url: "https://b.example/hooks", active: false)
        try database.addWebhook(url: "https://c.example/hooks", events: ["order.status"])
        let both = try database.addWebhook(url: "https://d.example/hooks", events: ["order.status", "job.status"])

        let result = try database.emit()
        let targets = try result.deliveryIDs.compactMap { try database.queue.delivery(id: $0)?.webhookID }
        #expect(Set(targets) == [subscribed, both])
        let stats = try database.queue.queueStats()
        #expect(stats.pending == 2 && stats.due == 2 && stats.inFlight == 0)
    }

    @Test func envelopeKeepsKeyOrderAndBodyBytes() throws {
        let database = try TestDatabase()
        defer { database.remove() }
        try database.addWebhook(url: "https://a.example/hooks")
        let result = try database.emit(body: #"{"zeta":1,"alpha":[true,null]}"#)
        let message = try #require(try database.queue.message(id: result.messageID))
        let text = String(decoding: message.body, as: UTF8.self)
        #expect(text.hasPrefix(#"{"event":"job.status","liveMode":true,"messageId":"\#(result.messageID)","timestamp":""#))
        #expect(text.hasSuffix(#"","body":{"zeta":1,"alpha":[true,null]}}"#))
        #expect((try JSONSerialization.jsonObject(with: message.body)) is [String: Any])
    }
}

@Suite struct DeliveryEngineTests {
    @Test func signedDeliveryArrivesVerifiedAndIsRecorded() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        let secret = SecretGenerator.generate()
        try database.addWebhook(url: receiver.url(), secret: secret)
        let emitted = try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())

        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()

        let request = try #require(receiver.requests.first)
        let message = try #require(try database.queue.message(id: emitted.messageID))
        #expect(request.method == "POST" && request.path == "/hooks")
        #expect(request.body == Array(message.body))
        #expect(request.header("content-type") == "application/json")
        #expect(request.header("user-agent")?.hasPrefix("hookdash/") == true)
        #expect(request.header("webhook-id") == emitted.messageID)
        let verifier = try #require(StandardWebhooksVerifier(secret: secret))
        #expect(SignatureCheck.check(request, verifier: verifier) == .valid)

        let delivery = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(delivery.status == .succeeded && delivery.attemptCount == 1 && delivery.lastStatusCode == 200)
        let attempts = try database.queue.attempts(deliveryID: delivery.id)
        #expect(attempts.count == 1)
        #expect(attempts[0].trigger == .scheduled && attempts[0].responseStatus == 200)
        #expect(attempts[0].responseBody == Data("ok\n".utf8))
        #expect(attempts[0].requestHeaders.contains { $0.name == "webhook-signature" })
        #expect(!attempts[0].requestHeaders.contains { $0.value.contains(secret) })
        let outcome = try #require(try database.queue.lastOutcomeByWebhook()[delivery.webhookID])
        #expect(outcome.status == .succeeded && outcome.statusCode == 200)
    }

    @Test func noSecretMeansNoSignatureHeader() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url(), secret: "")
        try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        let request = try #require(receiver.requests.first)
        #expect(request.header("webhook-signature") == nil)
        #expect(request.header("webhook-id") != nil && request.header("webhook-timestamp") != nil)
    }

    @Test func retriesFollowTheLadderOnTheReplaceableClock() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(script: [ReceiverResponse(status: 500)]))
        try database.addWebhook(url: receiver.url(), secret: "plain")
        let clock = ManualDeliveryClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let emitted = try database.emit(at: clock.now())
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)

        #expect(await engine.processDue() == 1)
        let afterFailure = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(afterFailure.status == .pending && afterFailure.attemptCount == 1 && afterFailure.lastStatusCode == 500)
        #expect(afterFailure.nextAttemptAt == clock.now().addingTimeInterval(5))
        #expect(await engine.processDue() == 0)  // not due yet

        clock.advance(by: 5)
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()

        let attempts = try database.queue.attempts(deliveryID: emitted.deliveryIDs[0])
        #expect(attempts.map(\.responseStatus) == [500, 200])
        #expect(attempts.map(\.trigger) == [.scheduled, .scheduled])
        #expect(attempts[1].startedAt.timeIntervalSince(attempts[0].startedAt) == 5)
        #expect(try database.queue.delivery(id: emitted.deliveryIDs[0])?.status == .succeeded)
        let ids = Set(receiver.requests.compactMap { $0.header("webhook-id") })
        #expect(ids == [emitted.messageID])
    }

    @Test func failsAfterTheLastStepAndCanBeRedelivered() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 503)))
        try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let emitted = try database.emit(at: clock.now())
        let deliveryID = emitted.deliveryIDs[0]
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)

        var gaps: [TimeInterval] = []
        for _ in 0..<8 {
            #expect(await engine.processDue() == 1)
            let delivery = try #require(try database.queue.delivery(id: deliveryID))
            if let next = delivery.nextAttemptAt {
                gaps.append(next.timeIntervalSince(clock.now()))
                clock.advance(by: next.timeIntervalSince(clock.now()))
            }
        }
        #expect(zip(gaps, RetrySchedule.standardDelays).allSatisfy { abs($0 - $1) < 0.001 })
        #expect(gaps.count == 7)
        let failed = try #require(try database.queue.delivery(id: deliveryID))
        #expect(failed.status == .failed && failed.attemptCount == 8)
        #expect(try database.queue.queueStats().failed == 1)
        clock.advance(by: 86_400)
        #expect(await engine.processDue() == 0)

        receiver.setPolicy(ReceiverPolicy())
        try database.queue.redeliver(deliveryID: deliveryID, now: clock.now())
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()
        let attempts = try database.queue.attempts(deliveryID: deliveryID)
        #expect(attempts.count == 9)
        #expect(attempts.last?.trigger == .manual && attempts.last?.responseStatus == 200)
        #expect(try database.queue.delivery(id: deliveryID)?.status == .succeeded)
        #expect(Set(receiver.requests.compactMap { $0.header("webhook-id") }) == [emitted.messageID])
    }

    @Test func aFailedRedeliveryOfARetryingDeliveryKeepsItsRemainingAttempts() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 500)))
        try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let deliveryID = try database.emit(at: clock.now()).deliveryIDs[0]
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)
        #expect(await engine.processDue() == 1)  // attempt 1 fails: retry in 5 s

        try database.queue.redeliver(deliveryID: deliveryID, now: clock.now())
        #expect(await engine.processDue() == 1)  // the manual attempt fails too
        let afterManual = try #require(try database.queue.delivery(id: deliveryID))
        #expect(afterManual.status == .pending && afterManual.attemptCount == 2)
        #expect(afterManual.nextAttemptAt == clock.now().addingTimeInterval(RetrySchedule.standardDelays[1]))

        receiver.setPolicy(ReceiverPolicy())
        clock.advance(by: RetrySchedule.standardDelays[1])
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()
        let attempts = try database.queue.attempts(deliveryID: deliveryID)
        #expect(attempts.map(\.trigger) == [.scheduled, .manual, .scheduled])
        #expect(try database.queue.delivery(id: deliveryID)?.status == .succeeded)
    }

    @Test func redirectIsNotFollowedAndRecorded() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let elsewhere = try await Receiver.start()
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(script: [.redirect(to: elsewhere.url())]))
        try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        await elsewhere.stop()
        #expect(elsewhere.requestCount == 0)
        let attempt = try #require(try database.queue.attempts(deliveryID: emitted.deliveryIDs[0]).first)
        #expect(attempt.errorClass == .redirect && attempt.responseStatus == 302)
        #expect(try database.queue.delivery(id: emitted.deliveryIDs[0])?.status == .pending)
    }

    /// 304 Not Modified is in the 3xx range but points nowhere: a plain failed answer.
    @Test func notModifiedIsAFailedAnswerNotARedirect() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 304)))
        try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        let attempt = try #require(try database.queue.attempts(deliveryID: emitted.deliveryIDs[0]).first)
        #expect(attempt.responseStatus == 304 && attempt.errorClass == nil)
        #expect(try database.queue.delivery(id: emitted.deliveryIDs[0])?.lastError == "HTTP 304")
    }

    /// Standard Webhooks: 410 Gone means "no more webhooks from you".
    @Test func goneDisablesTheWebhookInsteadOfRetrying() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 410)))
        let gone = try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        let collected = Mutex<[AttemptReport]>([])
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(),
            onAttempt: { report in collected.withLock { $0.append(report) } })
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        let reports = collected.withLock { $0 }

        let delivery = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(delivery.status == .failed, "no retries after 410")
        #expect(delivery.attemptCount == 1)
        let webhook = try #require(try database.store.webhook(id: gone))
        #expect(!webhook.active)
        #expect(webhook.version == 2, "a new version, so an open edit form sees the change")
        let attempt = try #require(try database.queue.attempts(deliveryID: emitted.deliveryIDs[0]).first)
        #expect(attempt.responseStatus == 410)
        #expect(attempt.errorText?.hasPrefix("HTTP 410 Gone: the endpoint wants no more webhooks") == true)
        #expect(reports.map(\.transition) == [.failed])
        #expect(attempt.errorText?.hasSuffix("so the webhook was set Inactive") == true)
        // Inactive webhooks get nothing: the next message queues no delivery for it.
        #expect(try database.emit().deliveryIDs.isEmpty)

        // A test event still goes to it, and its 410 no longer claims to set it Inactive.
        let testIDs = try database.queue.enqueueTest(webhookID: gone).flatMap(\.deliveryIDs)
        let tester = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        await tester.processDue(onlyIDs: testIDs)
        await tester.shutdown()
        await receiver.stop()
        let testAttempt = try #require(try database.queue.attempts(deliveryID: testIDs[0]).first)
        #expect(testAttempt.errorText?.hasSuffix("and the webhook is Inactive") == true, "\(testAttempt.errorText ?? "")")
    }

    /// Standard Webhooks names 429 and 503 as the answers whose Retry-After is heeded.
    @Test(arguments: [(429, 7), (503, 9)])
    func retryAfterIsHonouredWithinTheCap(status: Int, seconds: Int) async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(script: [ReceiverResponse(status: status, headers: ["retry-after": String(seconds)])]))
        try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let emitted = try database.emit(at: clock.now())
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        let delivery = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(delivery.nextAttemptAt == clock.now().addingTimeInterval(TimeInterval(seconds)))
        #expect(RetrySchedule().delay(afterFailures: 1, retryAfter: 3600) == 10)
    }

    /// Two processes on one file, one with --dev: the other leaves plain http:// deliveries to
    /// it (each refusal it recorded cost the delivery a step of the ladder), and only after
    /// they have waited a while takes one to record why it is not sent.
    @Test func aProcessWithoutDevLeavesPlainHTTPToOneWithIt() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Date())
        // Due for an hour (an outage): a process without --dev that starts now leaves it too.
        let first = try database.emit(at: clock.now().addingTimeInterval(-3600))
        let strict = DeliveryEngine(queue: database.queue, configuration: DeliveryConfiguration(), clock: clock)
        #expect(await strict.processDue() == 0, "left for a process with --dev")
        let dev = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)
        #expect(await dev.processDue() == 1)
        #expect(try database.queue.delivery(id: first.deliveryIDs[0])?.status == .succeeded)

        let second = try database.emit(at: clock.now())
        clock.advance(by: 31)  // nobody with --dev came for it
        #expect(await strict.processDue() == 1)
        await strict.shutdown()
        await dev.shutdown()
        await receiver.stop()
        let refusal = try #require(try database.queue.attempts(deliveryID: second.deliveryIDs[0]).first)
        #expect(refusal.errorClass == .ssrf)
        #expect(refusal.errorText?.contains("--dev") == true, "\(refusal.errorText ?? "")")
        #expect(receiver.requestCount == 1)
    }

    @Test func loopbackIsRefusedWithoutDevMode() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url(hostName: "localhost").replacingOccurrences(of: "http:", with: "https:"))
        try database.addWebhook(url: "https://169.254.169.254/latest/meta-data")
        try database.addWebhook(url: "https://0.0.0.0/hooks")
        let emitted = try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: DeliveryConfiguration())
        #expect(await engine.processDue() == 3)
        await engine.shutdown()
        await receiver.stop()
        #expect(receiver.requestCount == 0)
        var texts: [String] = []
        for deliveryID in emitted.deliveryIDs {
            let attempt = try #require(try database.queue.attempts(deliveryID: deliveryID).first)
            #expect(attempt.errorClass == .ssrf)
            texts.append(attempt.errorText ?? "")
        }
        // Each names what was refused and the exact flag that allows it.
        #expect(texts.contains {
            $0.hasPrefix("refused: localhost resolves only to non-public addresses: 127.0.0.1 (loopback)")
                && $0.hasSuffix("; to allow it: --dev (loopback) or --allow-private 127.0.0.1/32")
        }, "\(texts)")
        #expect(texts.contains(
            "refused: 169.254.169.254 (link-local) is not a public address; to allow it: --allow-private 169.254.169.254/32"),
            "\(texts)")
        // A connection to 0.0.0.0 reaches this host: no flag is offered, none would allow it.
        #expect(texts.contains("refused: 0.0.0.0 (unspecified) is not a public address, and no setting allows it"), "\(texts)")
    }

    @Test func allowPrivateRangeLetsLoopbackThrough() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let folder = database.folder
        let certificate = try TestCertificate(in: folder)
        let receiver = try await Receiver.start(tls: certificate.receiverFiles)
        try database.addWebhook(url: receiver.url())
        try database.emit()
        let configuration = DeliveryConfiguration(
            caFilePath: certificate.certificatePath,
            addressPolicy: AddressPolicy(allowedRanges: [try #require(CIDRRange("127.0.0.0/8"))]))
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        #expect(receiver.requestCount == 1)
    }

    @Test func inactiveWebhookPendingWorkIsHeld() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url(), active: false)
        let emitted = try database.emit()
        #expect(emitted.deliveryIDs.isEmpty)
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        #expect(await engine.processDue() == 0)
        await engine.shutdown()
        await receiver.stop()
        #expect(receiver.requestCount == 0)
    }

    @Test func testEventsGoOutOncePerSubscribedEvent() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 500)))
        let webhookID = try database.addWebhook(url: receiver.url(), events: ["job.status", "order.status"])
        let results = try database.queue.enqueueTest(webhookID: webhookID)
        #expect(results.count == 2)
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        #expect(await engine.processDue() == 2)
        await engine.shutdown()
        await receiver.stop()
        let events = Set(receiver.requests.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])?["event"] as? String
        })
        #expect(events == ["job.status", "order.status"])
        #expect(receiver.requests.allSatisfy { $0.bodyText.contains(#""liveMode":false"#) })
        for result in results {
            // A test event is one attempt: it fails visibly instead of retrying for hours.
            let delivery = try #require(try database.queue.delivery(id: result.deliveryIDs[0]))
            #expect(delivery.status == .failed && delivery.trigger == .scheduled)
            #expect(try database.queue.attempts(deliveryID: delivery.id).first?.trigger == .test)
        }
    }

    @Test func deletingAWebhookCancelsItsPendingDeliveries() throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let webhookID = try database.addWebhook(url: "https://a.example/hooks")
        let emitted = try database.emit()
        try database.store.delete(id: webhookID)
        #expect(try database.queue.delivery(id: emitted.deliveryIDs[0])?.status == .cancelled)
        #expect(try database.queue.queueStats().pending == 0)
        #expect(throws: QueueError.webhookNotFound(webhookID)) {
            try database.queue.redeliver(deliveryID: emitted.deliveryIDs[0])
        }
    }

    /// Deleted while its attempt was in flight: the attempt is recorded and counted (it read
    /// "cancelled after 0 attempts" above "Attempt 1"); if the endpoint took it, the delivery
    /// was delivered, whatever became of its webhook, and otherwise it stays cancelled.
    @Test(arguments: [(200, DeliveryStatus.succeeded), (500, DeliveryStatus.cancelled)])
    func anAttemptInFlightWhenItsWebhookIsDeletedStillCounts(answer: Int, ends: DeliveryStatus) async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: answer, delayMilliseconds: 1_000)))
        let webhookID = try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        // Whoever watched the attempt end as "to retry" hears that it ended cancelled instead
        // (`serve` said "1 to retry" with nothing left to retry).
        let heard = Mutex<[String]>([])
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(),
            onCancelledInFlight: { id, _ in heard.withLock { $0.append(id) } })
        let sending = Task { await engine.processDue() }
        #expect(await receiver.waitForRequests(count: 1, timeout: .seconds(30)))
        try database.store.delete(id: webhookID)
        _ = await sending.value
        await engine.shutdown()
        await receiver.stop()
        let delivery = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(delivery.status == ends && delivery.attemptCount == 1 && delivery.lastStatusCode == answer)
        #expect(heard.withLock { $0 } == (ends == .cancelled ? [delivery.id] : []))
        #expect(delivery.nextAttemptAt == nil, "not retried")
        #expect(try database.queue.attempts(deliveryID: delivery.id).count == 1)
    }
}

@Suite struct ConnectionReuseTests {
    /// Endpoints on Node.js or Apache close a connection after 5 s idle; one reused at that
    /// moment was reset unread, failing the attempt. Idle ones are closed first, and a later
    /// delivery opens a new connection.
    @Test func anIdleConnectionIsClosedBeforeTheEndpointClosesIt() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let server = try await BodyOnNoContentServer.start()
        try database.addWebhook(url: server.url(path: "/ok"))
        var configuration = devConfiguration()
        // Long enough that a busy machine's emit between the two sends (an fsync) does not
        // outlast it, short enough to wait out below.
        configuration.idleConnectionTimeout = .milliseconds(1_000)
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        try database.emit()
        #expect(await engine.processDue() == 1)
        try database.emit()
        #expect(await engine.processDue() == 1)
        // Back to back the pool reuses the connection, unless (a loaded machine) the second
        // request starts before the first one's connection is back in the pool.
        let backToBack = server.connections(to: "/ok")
        #expect(backToBack <= 2)
        try await Task.sleep(for: .milliseconds(2_500))
        try database.emit()
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await server.stop()
        #expect(server.requests(to: "/ok") == 3)
        #expect(server.connections(to: "/ok") == backToBack + 1, "after the idle time, a new connection")
        #expect(DeliveryConfiguration().idleConnectionTimeout < .seconds(5), "under Node's and Apache's 5 s")
    }

    /// An endpoint that closes a kept-alive connection just as the next request goes out on it
    /// (50 ms after every answer, say) failed that attempt as "closed the connection without
    /// answering"; it is now sent again at once, on a new connection.
    @Test func aRequestOnAConnectionClosedUnderItIsSentAgain() async throws {
        let server = try await BodyOnNoContentServer.start()
        let (failedAttempts, succeeded) = try await deliver(3, to: [BodyOnNoContentServer.oncePerConnectionPath], concurrency: 1, server)
        #expect(failedAttempts.isEmpty)
        #expect(succeeded == 3)
        #expect(server.requests(to: BodyOnNoContentServer.oncePerConnectionPath) == 5, "3 answered, 2 closed unanswered")
        #expect(server.connections(to: BodyOnNoContentServer.oncePerConnectionPath) == 3)
    }

    /// Emits `messages` to a webhook per path on `server`, delivers them one at a time per
    /// endpoint, and returns the failed attempts' errors and how many deliveries succeeded.
    func deliver(
        _ messages: Int, to paths: [String], concurrency: Int, _ server: BodyOnNoContentServer
    ) async throws -> (failedAttempts: [String], succeeded: Int) {
        let database = try TestDatabase()
        defer { database.remove() }
        for path in paths { try database.addWebhook(url: server.url(path: path)) }
        for _ in 0..<messages { try database.emit() }
        var configuration = devConfiguration(concurrency: concurrency)
        configuration.perEndpoint = 1
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        await engine.runUntilIdle()
        await engine.shutdown()
        await server.stop()
        let failedAttempts = try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT errorText FROM attempts WHERE errorText IS NOT NULL")
        }
        return (failedAttempts, try database.queue.deliveries(webhookID: nil, status: .succeeded, limit: 100).count)
    }

    /// A 204 whose server adds a body leaves those bytes on the kept-alive connection. The
    /// next request on it, to another webhook at the same endpoint, read them as its answer
    /// and failed as "not HTTP/1.1" after the endpoint had taken it, so it was sent twice.
    @Test func aBodyAfterA204DoesNotSpoilTheNextDeliveryOnTheConnection() async throws {
        let server = try await BodyOnNoContentServer.start()
        let (failedAttempts, succeeded) = try await deliver(5, to: [BodyOnNoContentServer.noContentPath, "/ok"], concurrency: 8, server)
        #expect(failedAttempts.isEmpty)
        #expect(server.requests(to: "/ok") == 5, "each delivery sent once")
        #expect(server.requests(to: BodyOnNoContentServer.noContentPath) == 5)
        #expect(succeeded == 10)
    }
}

@Suite struct HTTPSDeliveryTests {
    @Test func httpsWithPrivateCAIsVerifiedAndSigned() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let certificate = try TestCertificate(in: database.folder)
        let receiver = try await Receiver.start(tls: certificate.receiverFiles)
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        try database.addWebhook(url: receiver.url(hostName: "localhost"), secret: secret)
        let emitted = try database.emit()
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(caFile: certificate.certificatePath))
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        let request = try #require(receiver.requests.first)
        #expect(SignatureCheck.check(request, verifier: StandardWebhooksVerifier(secret: secret)) == .valid)
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(envelope["event"] as? String == "job.status")
        #expect(envelope["messageId"] as? String == emitted.messageID)
        #expect(envelope["liveMode"] as? Bool == true)
        #expect(try database.queue.delivery(id: emitted.deliveryIDs[0])?.status == .succeeded)
    }

    @Test func untrustedCertificateIsATLSFailure() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let certificate = try TestCertificate(in: database.folder)
        let receiver = try await Receiver.start(tls: certificate.receiverFiles)
        try database.addWebhook(url: receiver.url(hostName: "localhost"))
        let emitted = try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        await engine.processDue()
        await engine.shutdown()
        await receiver.stop()
        #expect(receiver.requestCount == 0)
        let attempt = try #require(try database.queue.attempts(deliveryID: emitted.deliveryIDs[0]).first)
        #expect(attempt.errorClass == .tls)
    }

    @Test func closedPortIsRefused() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        // A bound socket that never listens: connections to it are refused, and no other
        // test's receiver can take its port meanwhile (a stopped receiver's port could be).
        let port = try ClosedPort()
        defer { port.close() }
        try database.addWebhook(url: "http://127.0.0.1:\(port.number)/hooks")
        let emitted = try database.emit()
        var configuration = devConfiguration()
        configuration.connectTimeout = .seconds(60)
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        await engine.processDue()
        await engine.shutdown()
        let attempt = try #require(try database.queue.attempts(deliveryID: emitted.deliveryIDs[0]).first)
        #expect(attempt.errorClass == .refused)
        // Refused is final for this attempt (the ladder retries later): it must not wait out
        // the connect timeout retrying the connection, as the HTTP client does by default.
        #expect(attempt.durationMilliseconds < 30_000)
        let delivery = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(delivery.status == .pending)
        #expect(delivery.attemptCount == 1)
    }
}

@Suite struct SharedDatabaseTests {
    @Test func twoEnginesOnOneDatabaseNeverDoubleSend() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(delayMilliseconds: 2)))
        for _ in 0..<3 { try database.addWebhook(url: receiver.url()) }
        for _ in 0..<100 { try database.emit() }
        // A second process is modelled by a second connection pool on the same file.
        let otherQueue = QueueStore(try TestDatabase.open(path: database.path))
        let first = DeliveryEngine(queue: database.queue, configuration: devConfiguration(concurrency: 8))
        let second = DeliveryEngine(queue: otherQueue, configuration: devConfiguration(concurrency: 8))
        async let one: Void = first.runUntilIdle()
        async let two: Void = second.runUntilIdle()
        _ = await (one, two)
        await receiver.stop()

        #expect(receiver.requestCount == 300)
        let attempts = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM attempts") }
        #expect(attempts == 300)
        #expect(try database.queue.deliveries(webhookID: nil, status: .succeeded, limit: 1000).count == 300)
    }

    /// A process stopped (Ctrl-Z) with an attempt in flight loses its lease; another takes the
    /// delivery over and delivers it. When the first resumes, its late answer is not stored:
    /// it sat after the other's as attempt 2, begun earlier and lasting the whole stop.
    @Test func anAttemptThatOutlivedItsLeaseIsNotStoredOverTheTakeover() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        // Answers take long enough that the takeover's claim, even on a loaded machine, comes
        // before the stopped process's answer does.
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 200, delayMilliseconds: 2_500)))
        try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        var shortLease = devConfiguration()
        shortLease.leaseDuration = 0.3
        let stopped = DeliveryEngine(queue: database.queue, configuration: shortLease)
        let late = Task { await stopped.processDue() }
        #expect(await receiver.waitForRequests(count: 1, timeout: .seconds(10)))
        try await Task.sleep(for: .milliseconds(400))
        let other = DeliveryEngine(
            queue: QueueStore(try TestDatabase.open(path: database.path)), configuration: devConfiguration())
        #expect(await other.processDue() == 1, "the expired lease is taken over")
        await other.shutdown()
        _ = await late.value
        await stopped.shutdown()
        await receiver.stop()

        #expect(receiver.requestCount == 2, "both went out")
        let attempts = try database.queue.attempts(deliveryID: emitted.deliveryIDs[0])
        #expect(attempts.count == 1, "only the attempt of the process that held the lease")
        let delivery = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(delivery.status == .succeeded && delivery.attemptCount == 1)
    }

    /// Two processes each allowed 2 per endpoint send one endpoint 2 at a time between
    /// them, not 4: each claim counts the leases the other holds there.
    @Test func thePerEndpointLimitHoldsAcrossProcesses() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let delay = 300
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(delayMilliseconds: delay)))
        try database.addWebhook(url: receiver.url(path: "/a"))
        try database.addWebhook(url: receiver.url(path: "/b"))
        for _ in 0..<8 { try database.emit() }
        var configuration = devConfiguration(concurrency: 8)
        configuration.perEndpoint = 2
        let first = DeliveryEngine(queue: database.queue, configuration: configuration)
        let second = DeliveryEngine(
            queue: QueueStore(try TestDatabase.open(path: database.path)), configuration: configuration)
        async let one: Void = first.runUntilIdle()
        async let two: Void = second.runUntilIdle()
        _ = await (one, two)
        await receiver.stop()

        #expect(receiver.requestCount == 16)
        // Each request is open from its arrival until the receiver answers, `delay` later; a
        // slot is refilled only after its answer is recorded, so a little less than `delay`
        // cannot join two requests that followed one another.
        let arrivals = receiver.requests.map(\.receivedAt).sorted()
        let mostAtOnce = arrivals.map { start in
            arrivals.filter { $0 >= start && $0 < start.addingTimeInterval(Double(delay - 20) / 1000) }.count
        }.max() ?? 0
        #expect(mostAtOnce == 2, "requests open at once at the endpoint")
    }
}

@Suite struct FairnessTests {
    /// Whether a delivery to a healthy endpoint, queued once `hanging` attempts to an
    /// endpoint that takes 6 s are in flight, arrives within 4 s (before any of them ends).
    func arrivesBesideHangingAttempts(_ hanging: Int, configuration: DeliveryConfiguration) async throws -> Bool {
        let database = try TestDatabase()
        defer { database.remove() }
        let slow = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 200, delayMilliseconds: 6_000)))
        let fast = try await Receiver.start()
        try database.addWebhook(url: slow.url(), events: ["job.status"])
        try database.addWebhook(url: fast.url(), events: ["order.status"])
        for _ in 0..<hanging { try database.emit("job.status") }
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        await engine.start()
        #expect(await slow.waitForRequests(count: hanging, timeout: .seconds(10)))
        try database.emit("order.status")
        let arrived = await fast.waitForRequests(count: 1, timeout: .seconds(4))
        await engine.stop()
        await slow.stop()
        await fast.stop()
        return arrived
    }

    /// Work queued (by another process, or by a retry falling due) while an attempt is in
    /// flight is claimed at the next poll, not when that attempt ends.
    @Test func workQueuedWhileASlowAttemptIsInFlightIsSentAtOnce() async throws {
        #expect(try await arrivesBesideHangingAttempts(1, configuration: devConfiguration()),
                "the healthy endpoint waited for the slow attempt")
    }

    /// Fewer free slots than a claim batch (here 1 of 8, the other 7 held by a hanging
    /// endpoint) still take new work at the next poll: no completion is coming to trigger one.
    @Test func aFewFreeSlotsBesideHangingAttemptsStillTakeNewWork() async throws {
        var configuration = devConfiguration(concurrency: 8)
        configuration.perEndpoint = 7
        #expect(try await arrivesBesideHangingAttempts(7, configuration: configuration),
                "the healthy endpoint waited for the hanging attempts")
    }

    /// A slow endpoint's backlog, from one webhook or spread over many (one endpoint, a path
    /// each), does not hold up another endpoint. Skipping only the webhooks in flight let a
    /// many-webhook backlog fill the claim window, and 3,000 deliveries to a fast endpoint
    /// went out one per slow answer.
    @Test(arguments: [(webhooks: 1, messages: 40), (webhooks: 40, messages: 1)])
    func aSlowEndpointsBacklogDoesNotStarveAnother(slowWebhooks: Int, messages: Int) async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let slow = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 200, delayMilliseconds: 100)))
        let fast = try await Receiver.start()
        for index in 0..<slowWebhooks { try database.addWebhook(url: slow.url(path: "/s/\(index)"), events: ["job.status"]) }
        try database.addWebhook(url: fast.url(), events: ["order.status"])
        for _ in 0..<messages { try database.emit("job.status") }
        try database.emit("order.status", at: Date().addingTimeInterval(1))
        var configuration = devConfiguration(concurrency: 2)
        configuration.perEndpoint = 1
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        await engine.start()
        #expect(await fast.waitForRequests(count: 1, timeout: .seconds(30)))
        let slowSoFar = slow.requestCount
        await engine.stop()
        await slow.stop()
        await fast.stop()
        // The claim window (2 × 8 candidates) is far smaller than the slow backlog of 40:
        // without skipping saturated endpoints the fast one would wait for most of it.
        #expect(slowSoFar < 20, "the fast endpoint waited for \(slowSoFar) slow answers")
    }
}

@Suite struct LeaseBoundTests {
    /// At every committed state the engine holds at most `concurrency` leases (the duplicate
    /// bound after a crash) and at most `perEndpoint` per endpoint; guards any claim-ahead scheme.
    @Test func leasesNeverExceedTheConcurrencyOrPerEndpointLimits() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let policy = ReceiverPolicy(defaultResponse: ReceiverResponse(delayMilliseconds: 3))
        let shared = try await Receiver.start(policy: policy)
        let other = try await Receiver.start(policy: policy)
        try database.addWebhook(url: shared.url(path: "/a"))
        try database.addWebhook(url: shared.url(path: "/b"))
        try database.addWebhook(url: other.url(path: "/c"))
        for _ in 0..<40 { try database.emit() }
        var configuration = devConfiguration(concurrency: 6)
        configuration.perEndpoint = 2
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)

        let sampler = Task {
            var most = (total: 0, perEndpoint: 0)
            while !Task.isCancelled {
                let leasedURLs: [String]
                do {
                    leasedURLs = try await database.pool.read { db in
                        try String.fetchAll(db, sql: """
                            SELECT w.url FROM deliveries d JOIN webhooks w ON w.id = d.webhookId
                            WHERE d.leaseOwner IS NOT NULL
                            """)
                    }
                } catch is CancellationError {
                    break
                }
                let byEndpoint = Dictionary(grouping: leasedURLs) { URL(string: $0)?.port ?? 0 }
                most.total = max(most.total, leasedURLs.count)
                most.perEndpoint = max(most.perEndpoint, byEndpoint.values.map(\.count).max() ?? 0)
                try? await Task.sleep(for: .milliseconds(1))
            }
            return most
        }
        await engine.runUntilIdle()
        sampler.cancel()
        let most = try await sampler.value
        await shared.stop()
        await other.stop()

        #expect(try database.queue.deliveries(webhookID: nil, status: .succeeded, limit: 1000).count == 120)
        #expect(most.total >= 2, "the sampler saw the engine at work")
        #expect(most.total <= 6)
        #expect(most.perEndpoint <= 2)
    }
}

/// Holds a loopback TCP port bound but not listening.
final class ClosedPort {
    private let descriptor: Int32
    let number: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard descriptor >= 0, bound == 0, named == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        self.descriptor = descriptor
        number = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
