import Foundation
import HookdashDomain
import Testing
@testable import HookdashStore

/// When a secret changes, the old one keeps signing for a day beside the new one.
@Suite("Secret rotation")
struct SecretRotationTests {
    /// Now (whole seconds): reads compare the overlap with the real clock.
    let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

    func change(_ store: WebhookStore, _ id: String, secret: String, at now: Date) throws -> Webhook {
        let current = try #require(try store.webhook(id: id))
        var draft = current.draft
        draft.secret = secret
        return try store.update(id: id, expectedVersion: current.version, try WebhookValidator.validate(draft).get(), now: now)
    }

    func claimOne(_ queue: QueueStore, at now: Date) async throws -> ClaimedDelivery {
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data(#"{"id":"1"}"#.utf8), createdAt: now))
        let claimed = try await queue.claimDue(owner: "test:1:abcd", now: now, leaseDuration: 60, limit: 1)
        return try #require(claimed.first)
    }

    @Test("the replaced secret signs for a day, then stops; none is kept when signing stops")
    func overlapThenExpiry() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let webhook = try store.create(try validFields(secret: "whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZA=="), now: start)

        // Not a secret change: nothing to keep.
        var renamed = webhook.draft
        renamed.name = "Renamed"
        let fields = try WebhookValidator.validate(renamed).get()
        #expect(try store.update(id: webhook.id, expectedVersion: 1, fields, now: start).previousSecretUntil == nil)

        let rotatedAt = start.addingTimeInterval(60)
        let rotated = try change(store, webhook.id, secret: "whsec_bmV3IHNlY3JldCBuZXcgc2VjcmV0IG5ldw==", at: rotatedAt)
        let until = rotatedAt.addingTimeInterval(SecretRotation.overlap)
        #expect(rotated.previousSecretUntil == until)
        #expect(try store.listWithLastOutcome().first?.webhook.previousSecretUntil == until)

        var claimed = try await claimOne(queue, at: rotatedAt.addingTimeInterval(3600))
        #expect(claimed.secret == "whsec_bmV3IHNlY3JldCBuZXcgc2VjcmV0IG5ldw==")
        #expect(claimed.previousSecrets == ["whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZA=="])
        claimed = try await claimOne(queue, at: until.addingTimeInterval(1))
        #expect(claimed.previousSecrets.isEmpty, "a day later the old secret no longer signs")

        // Removing the secret removes every signature, the old one's too.
        _ = try change(store, webhook.id, secret: "", at: rotatedAt.addingTimeInterval(120))
        claimed = try await claimOne(queue, at: rotatedAt.addingTimeInterval(180))
        #expect(claimed.secret == nil && claimed.previousSecrets.isEmpty)
        // And setting one again has nothing old to keep.
        #expect(try change(store, webhook.id, secret: "plain-secret", at: rotatedAt.addingTimeInterval(240)).previousSecretUntil == nil)
    }

    /// Rotate, notice a typo, rotate again: the first secret stopped signing at the second
    /// change, and receivers still on it rejected every delivery.
    @Test("a second change within the day keeps the first old secret signing too")
    func secondChangeKeepsTheFirst() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let webhook = try store.create(try validFields(secret: "secret-one"), now: start)
        _ = try change(store, webhook.id, secret: "secret-two", at: start.addingTimeInterval(60))
        let last = try change(store, webhook.id, secret: "secret-three", at: start.addingTimeInterval(120))
        #expect(last.previousSecretUntil == start.addingTimeInterval(120 + SecretRotation.overlap))
        var claimed = try await claimOne(queue, at: start.addingTimeInterval(180))
        #expect(claimed.secret == "secret-three")
        #expect(claimed.previousSecrets == ["secret-two", "secret-one"])
        // Back to an old one: it signs as the secret, not twice.
        _ = try change(store, webhook.id, secret: "secret-one", at: start.addingTimeInterval(240))
        claimed = try await claimOne(queue, at: start.addingTimeInterval(300))
        #expect(claimed.previousSecrets == ["secret-three", "secret-two"])
        // At most three old secrets sign at once, the newest.
        for (offset, secret) in ["secret-four", "secret-five"].enumerated() {
            _ = try change(store, webhook.id, secret: secret, at: start.addingTimeInterval(360 + Double(offset) * 60))
        }
        claimed = try await claimOne(queue, at: start.addingTimeInterval(600))
        #expect(claimed.previousSecrets == ["secret-four", "secret-one", "secret-three"])
        // A day after the last change none does.
        claimed = try await claimOne(queue, at: start.addingTimeInterval(420 + SecretRotation.overlap + 1))
        #expect(claimed.previousSecrets.isEmpty)
    }

    @Test("an import that changes the secret rotates it too; the JSON form stays the SPEC's")
    func importRotates() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let webhook = try store.create(try validFields(secret: "first-secret"), now: start)
        var json = webhook.json
        guard case .object(var pairs) = json else { Issue.record("not an object"); return }
        pairs = pairs.map { $0.0 == "secret" ? ("secret", .string("second-secret")) : $0 }
        json = .object(pairs)
        let entries = try WebhookImport.parse(Data("[\(json.pretty())]".utf8)).get()
        #expect(try store.importWebhooks(entries, now: start.addingTimeInterval(10)).updated == 1)
        let imported = try #require(try store.webhook(id: webhook.id))
        #expect(imported.secret == "second-secret")
        #expect(imported.previousSecretUntil != nil)
        guard case .object(let keys) = imported.json else { Issue.record("not an object"); return }
        #expect(keys.map(\.0) == Webhook.jsonKeys)
    }
}
