import Foundation
import HookdashCrypto
import HookdashDelivery
import HookdashReceiver
import HookdashStore
import Testing

/// True when python3 can import the reference `standardwebhooks` library (pip install standardwebhooks).
private let stockVerifierAvailable: Bool = {
    (try? runProcess("/usr/bin/env", ["python3", "-c", "import standardwebhooks.webhooks"])) == 0
}()

@Suite struct StockVerifierTests {
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
            let bodyPath = database.folder.appendingPathComponent("body-\(index)").path
            let headersPath = database.folder.appendingPathComponent("headers-\(index).json").path
            try Data(request.body).write(to: URL(fileURLWithPath: bodyPath))
            let headers = Dictionary(request.headers.map { ($0.name, $0.value) }) { first, _ in first }
            try JSONSerialization.data(withJSONObject: headers).write(to: URL(fileURLWithPath: headersPath))
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
}
