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
