import Foundation
import Testing

/// `--disable-after` (and `disable-after` in the config file): how long every attempt to a
/// webhook may fail before `serve` sets it inactive and says so.
@Suite("CLI: serve disables a dead endpoint")
struct DisableAfterTests {
    @Test func serveDisablesAWebhookFailingLongerThanTheLimitAndSaysSo() throws {
        let sandbox = try Sandbox()
        let broken = try Listener(folder: sandbox.folder, respond: 503, name: "broken")
        let id = try sandbox.createWebhook(name: "Dead", url: "http://127.0.0.1:\(broken.port)/hooks")

        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        let first = try sandbox.run(["serve", "--dev", "--until-idle", "--disable-after", "1s"])
        #expect(!first.stderr.contains("set Inactive"), "\(first.stderr)")
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        let second = try sandbox.run(["serve", "--dev", "--until-idle", "--disable-after", "1s"])
        #expect(second.stderr.contains(
            "webhook \(id.prefix(8)) (http://127.0.0.1:\(broken.port)/hooks) set Inactive: every attempt failed for 1 second; "
                + "hookdash webhooks edit \(id.prefix(8)) --active --dev resumes it"), "\(second.stderr)")
        let shown = try sandbox.run(["webhooks", "show", id])
        #expect(shown.stdout.contains("Status:   Disabled by hookdash: every attempt failed for 1 second"), "\(shown.stdout)")
        #expect(shown.stdout.range(
            of: #"Last 24 h: 2 attempts: 0 answered 2xx \(0 %\), 2 answered otherwise; answers took \d+ ms median, \d+ ms at p95"#,
            options: .regularExpression) != nil, "\(shown.stdout)")
        // The hint works as printed.
        #expect(try sandbox.run(["webhooks", "edit", String(id.prefix(8)), "--active", "--dev"]).status == 0)
        #expect(try sandbox.run(["webhooks", "list"]).stdout.contains("Active"))
    }

    /// `notify = COMMAND` in the config file runs the command when serve disables a webhook,
    /// with the notice as JSON on stdin; serve waits for it before exiting.
    @Test func theNotifyCommandHearsOfTheDisable() throws {
        let sandbox = try Sandbox()
        let broken = try Listener(folder: sandbox.folder, respond: 503, name: "broken")
        let id = try sandbox.createWebhook(name: "Dead", url: "http://127.0.0.1:\(broken.port)/hooks")
        let config = sandbox.folder + "/config"
        let notices = sandbox.folder + "/notices.jsonl"
        try FileManager.default.createDirectory(atPath: config + "/hookdash", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: config + "/hookdash/config",
            contents: Data("notify = sleep 0.3; cat >> \(notices); echo >> \(notices)\n".utf8))
        for pause in [1.2, 0] {
            #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
            let served = try sandbox.run(
                ["serve", "--dev", "--until-idle", "--disable-after", "1s"], environment: ["XDG_CONFIG_HOME": config])
            #expect(served.status == 0, "\(served.stderr)")
            Thread.sleep(forTimeInterval: pause)
        }
        let lines = ((try? String(contentsOfFile: notices, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.count == 1, "one notice, for the one disable: \(lines)")
        let notice = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: String])
        #expect(notice["event"] == "webhook.disabled")
        #expect(notice["webhookId"] == id)
        #expect(notice["url"] == "http://127.0.0.1:\(broken.port)/hooks")
        #expect(notice["reason"] == "every attempt failed for 1 second")
        #expect(notice["database"] == sandbox.db)
    }

    @Test func neverKeepsAFailingWebhookActive() throws {
        let sandbox = try Sandbox()
        let broken = try Listener(folder: sandbox.folder, respond: 503, name: "broken")
        _ = try sandbox.createWebhook(name: "Dead", url: "http://127.0.0.1:\(broken.port)/hooks")
        let config = sandbox.folder + "/config"
        try FileManager.default.createDirectory(atPath: config + "/hookdash", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: config + "/hookdash/config", contents: Data("disable-after = never\n".utf8))
        for _ in 0..<2 {
            #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
            let served = try sandbox.run(["serve", "--dev", "--until-idle"], environment: ["XDG_CONFIG_HOME": config])
            #expect(!served.stderr.contains("set Inactive"), "\(served.stderr)")
            Thread.sleep(forTimeInterval: 0.3)
        }
        #expect(try sandbox.run(["webhooks", "list"]).stdout.contains("Active"))
    }

    @Test func badDurationsAreRefusedWithTheRightWords() throws {
        let sandbox = try Sandbox()
        let flag = try sandbox.run(["serve", "--disable-after", "soon"])
        #expect(flag.status == 64)
        #expect(flag.stderr.contains("--disable-after"), "\(flag.stderr)")
        #expect(try sandbox.run(["serve", "--disable-after", "0s"]).status == 64)

        let config = sandbox.folder + "/config"
        try FileManager.default.createDirectory(atPath: config + "/hookdash", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: config + "/hookdash/config", contents: Data("theme = dark\ndisable-after = a while\n".utf8))
        let configured = try sandbox.run(["serve", "--until-idle"], environment: ["XDG_CONFIG_HOME": config])
        #expect(configured.status != 0)
        #expect(configured.stderr.contains("line 2: disable-after: 'a while' is not a duration above zero such as 5d, 12h or 30m, or never"),
                "\(configured.stderr)")
    }
}
