import Foundation
import Testing

/// `listen --body` shows each payload under its line, pretty-printed, for demos.
@Suite("CLI: listen --body")
struct ListenBodyTests {
    @Test func payloadsArePrintedUnderTheirLine() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder, extra: ["--body"])
        let created = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Demo", "--url", "http://127.0.0.1:\(listener.port)/hooks",
            "--event", "order.status", "--json",
        ])
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try sandbox.run(["webhooks", "test", id, "--dev"]).status == 0)
        let deadline = Date().addingTimeInterval(5)
        while !listener.log.contains("\"body\""), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let lines = listener.log.components(separatedBy: "\n")
        let request = try #require(lines.firstIndex { $0.contains("POST") && $0.contains("order.status") }, "\(listener.log)")
        #expect(lines[request + 1] == "    {")
        #expect(lines.contains("      \"event\": \"order.status\","))
        #expect(lines.contains("      \"liveMode\": false,"))
    }
}

/// `listen --reject-invalid` answers as a real endpoint would to a signature that does not
/// verify: a wrong secret shows as failed deliveries, not as 200s beside a ✗.
@Suite("CLI: listen --reject-invalid")
struct ListenRejectTests {
    @Test func aSignatureThatDoesNotVerifyIsAnswered401() throws {
        let sandbox = try Sandbox()
        let right = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let listener = try Listener(folder: sandbox.folder, secret: right, extra: ["--reject-invalid"])
        let url = "http://127.0.0.1:\(listener.port)/hooks"
        let wrong = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Wrong", "--url", url, "--event", "order.status",
            "--secret", "whsec_" + Data(repeating: 7, count: 24).base64EncodedString(), "--json",
        ])
        let wrongID = try #require((try JSONSerialization.jsonObject(with: Data(wrong.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let rejected = try sandbox.run(["webhooks", "test", wrongID, "--dev"])
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("✗ order.status: HTTP 401"), "\(rejected.stdout)")

        let good = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Right", "--url", url, "--event", "order.status", "--secret", right, "--json",
        ])
        let goodID = try #require((try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try sandbox.run(["webhooks", "test", goodID, "--dev"]).status == 0)
        let deadline = Date().addingTimeInterval(5)
        while listener.log.components(separatedBy: "POST").count < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(listener.log.contains("→ 401"), "\(listener.log)")
        #expect(listener.log.contains("signature ✗"), "\(listener.log)")
        #expect(listener.log.contains("→ 200"), "\(listener.log)")

        let alone = try CLIHarness.run(["listen", "--reject-invalid"])
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("--reject-invalid needs --secret"), "\(alone.stderr)")
    }
}
