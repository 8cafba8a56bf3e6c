import Foundation
import HookdashCrypto
import HookdashDelivery
import HookdashDomain
import HookdashReceiver
import HookdashStore
import Testing

/// True when python3 can import the reference `standardwebhooks` library (pip install standardwebhooks).
private let stockVerifierAvailable: Bool = {
    (try? runProcess("/usr/bin/env", ["python3", "-c", "import standardwebhooks.webhooks"])) == 0
}()

@Suite struct StockVerifierTests {
    /// The request's body and headers (a JSON object) as files, for the Python verifier.
    func files(for request: RecordedRequest, in folder: URL, named name: String) throws -> (body: String, headers: String) {
        let bodyPath = folder.appendingPathComponent("body-\(name)").path
        let headersPath = folder.appendingPathComponent("headers-\(name).json").path
        try Data(request.body).write(to: URL(fileURLWithPath: bodyPath))
        let headers = Dictionary(request.headers.map { ($0.name, $0.value) }) { first, _ in first }
        try JSONSerialization.data(withJSONObject: headers).write(to: URL(fileURLWithPath: headersPath))
        return (bodyPath, headersPath)
    }

    @Test(.enabled(if: stockVerifierAvailable, "python3 module standardwebhooks missing: pip install standardwebhooks"))
    func referenceLibraryAcceptsOurDeliveries() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        let secret = SecretGenerator.generate()
        try database.addWebhook(url: receiver.url(), secret: secret, events: ["job.status", "order.status"])
        try database.emit()
        try database.emit("order.status", body: #"{"id":"o-1","status":"FULFILLED","note":"ünïcødé ✓"}"#)
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        #expect(await engine.processDue() == 2)
        await engine.shutdown()
        await receiver.stop()

        for (index, request) in receiver.requests.enumerated() {
            let (bodyPath, headersPath) = try files(for: request, in: database.folder, named: "\(index)")
            let script = """
                import json, sys
                from standardwebhooks.webhooks import Webhook
                body = open(sys.argv[2], 'rb').read()
                headers = json.load(open(sys.argv[3]))
                Webhook(sys.argv[1]).verify(body, headers)
                tampered = body.replace(b'"liveMode":true', b'"liveMode":false')
                try:
                    Webhook(sys.argv[1]).verify(tampered, headers)
                    sys.exit(3)
                except Exception:
                    pass
                """
            let status = try runProcess("/usr/bin/env", ["python3", "-c", script, secret, bodyPath, headersPath])
            #expect(status == 0, "stock verifier rejected delivery \(index) (exit \(status))")
        }
        #expect(receiver.requests.count == 2)
    }

    /// During a rotation every request carries a signature per secret: a receiver still on an
    /// old secret and one already on the new secret all verify it with the stock library.
    @Test(.enabled(if: stockVerifierAvailable, "python3 module standardwebhooks missing: pip install standardwebhooks"))
    func bothSecretsVerifyDuringARotation() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        // Changed twice within the day (a typo noticed): receivers on either old secret verify.
        let old = SecretGenerator.generate(), middle = SecretGenerator.generate(), new = SecretGenerator.generate()
        let id = try database.addWebhook(url: receiver.url(), secret: old)
        for secret in [middle, new] {
            let current = try #require(try database.store.webhook(id: id))
            var draft = current.draft
            draft.secret = secret
            let fields = try WebhookValidator.validate(draft, options: ValidationOptions(devMode: true)).get()
            try database.store.update(id: id, expectedVersion: current.version, fields)
        }
        try database.emit()
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration())
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()

        let request = try #require(receiver.requests.first)
        #expect(request.header("webhook-signature")?.split(separator: " ").count == 3)
        let (bodyPath, headersPath) = try files(for: request, in: database.folder, named: "rotated")
        let script = """
            import json, sys
            from standardwebhooks.webhooks import Webhook
            Webhook(sys.argv[1]).verify(open(sys.argv[2], 'rb').read(), json.load(open(sys.argv[3])))
            """
        for secret in [old, middle, new] {
            #expect(try runProcess("/usr/bin/env", ["python3", "-c", script, secret, bodyPath, headersPath]) == 0)
        }
        let stranger = SecretGenerator.generate()
        #expect(try runProcess("/usr/bin/env", ["python3", "-c", script, stranger, bodyPath, headersPath]) != 0)
    }
}
