import Foundation
import Synchronization
import HookdashDomain
import Testing
@testable import HookdashCLI

/// The operator's notify command: what it is given, and what happens when it fails or hangs.
@Suite struct NotifyCommandTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-notify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
    }

    @Test func theNoticeArrivesAsJSONOnStdinAndInTheEnvironment() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = Mutex<[String]>([])
        let notifier = NotifyCommand(
            command: #"cat > "$DIR/notice.json"; printf '%s|%s' "$HOOKDASH_EVENT" "$HOOKDASH_TEXT" > "$DIR/env.txt""#
                .replacingOccurrences(of: "$DIR", with: folder),
            outputPath: folder + "/log", onFailure: { failure in failures.withLock { $0.append(failure) } })
        notifier.send(.webhookDisabled(
            id: "1a2b3c4d-0000-4000-8000-000000000000", url: "https://hooks.example.com/in",
            reason: "every attempt failed for 5 days", database: "/srv/hookdash.sqlite"))
        notifier.finish(within: 10)

        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(read("notice.json").utf8)) as? [String: String])
        #expect(object["event"] == "webhook.disabled")
        #expect(object["webhookId"] == "1a2b3c4d-0000-4000-8000-000000000000")
        #expect(object["url"] == "https://hooks.example.com/in")
        #expect(object["reason"] == "every attempt failed for 5 days")
        #expect(object["database"] == "/srv/hookdash.sqlite")
        #expect(object["at"]?.hasSuffix("Z") == true)
        let text = "webhook 1a2b3c4d (https://hooks.example.com/in) set Inactive: every attempt failed for 5 days; "
            + "hookdash webhooks edit 1a2b3c4d --active resumes it"  // https: no --dev
        #expect(object["text"] == text)
        #expect(read("env.txt") == "webhook.disabled|" + text)
        #expect(read("notice.json").contains("https://hooks.example.com/in"), "slashes are not escaped")
        #expect(failures.withLock { $0 }.isEmpty)
    }

    /// SIGPIPE is ignored in hookdash (SwiftNIO does it), and the notify command inherited
    /// that: `yes | head -1` in it printed "Broken pipe".
    @Test func theCommandRunsWithSIGPIPEAtItsDefault() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        signal(SIGPIPE, SIG_IGN)
        let notifier = NotifyCommand(
            command: #"grep SigIgn /proc/$$/status > "\#(folder)/signals"; yes | head -1 > /dev/null"#,
            outputPath: folder + "/log", onFailure: { _ in })
        notifier.send(.webhookDisabled(id: "1a2b3c4d-0000-4000-8000-000000000000", url: "https://a.example/", reason: "gone", database: "db"))
        notifier.finish(within: 10)
        let mask = UInt64(read("signals").split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16)
        #expect(mask.map { $0 & (1 << (UInt64(SIGPIPE) - 1)) == 0 } == true, "\(read("signals"))")
        #expect(!read("log").contains("Broken pipe"), "\(read("log"))")
    }

    /// A notice queued behind a slow one says when its event happened, and a failure report
    /// names the webhook it was about.
    @Test func aNoticeCarriesItsOwnTimeAndAFailureNamesItsWebhook() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = Mutex<[String]>([])
        let notice = OperatorNotice.webhookDisabled(
            id: "1a2b3c4d-0000-4000-8000-000000000000", url: "https://hooks.example.com/in", reason: "gone", database: "db")
        try await Task.sleep(for: .milliseconds(1100))
        let notifier = NotifyCommand(
            command: #"cat > "\#(folder)/notice.json"; exit 2"#, outputPath: folder + "/log",
            onFailure: { failure in failures.withLock { $0.append(failure) } })
        notifier.send(notice)
        notifier.finish(within: 10)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(read("notice.json").utf8)) as? [String: String])
        #expect(object["at"] == Timestamp.iso8601(notice.at))
        #expect(failures.withLock { $0 } == [
            "the notify command exited with status 2 for webhook.disabled (webhook 1a2b3c4d); its output is in \(folder)/log",
        ])
    }

    @Test func noticesGoOutInOrderOneAtATime() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notifier = NotifyCommand(
            command: #"sleep 0.1; echo "$HOOKDASH_EVENT" >> "\#(folder)/events""#, outputPath: folder + "/log",
            onFailure: { _ in })
        notifier.send(.deliveriesPaused(trouble: "the disk holding the database is full — free some space", database: "db"))
        notifier.send(.deliveriesResumed(database: "db"))
        notifier.finish(within: 10)
        #expect(read("events") == "deliveries.paused\ndeliveries.resumed\n")
    }

    /// A failing command is reported with where its output went; one that never reads its
    /// stdin does not take hookdash down with SIGPIPE.
    @Test func aFailingCommandIsReportedAndItsOutputKept() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = Mutex<[String]>([])
        let notifier = NotifyCommand(
            command: "echo 'chat server said no' >&2; exit 3", outputPath: folder + "/log",
            onFailure: { failure in failures.withLock { $0.append(failure) } })
        notifier.send(.deliveriesResumed(database: "db"))
        notifier.finish(within: 10)
        #expect(failures.withLock { $0 } == [
            "the notify command exited with status 3 for deliveries.resumed; its output is in \(folder)/log",
        ])
        #expect(read("log") == "chat server said no\n")
    }

    /// A talkative command filled the log past its 16 MB (60 MB seen): what it prints beyond
    /// 64 KiB per notice is left out, and the log says how much.
    @Test func aTalkativeCommandsOutputIsCut() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notifier = NotifyCommand(
            command: "head -c 1000000 /dev/zero | tr '\\0' x", outputPath: folder + "/log", onFailure: { _ in })
        notifier.send(.deliveriesResumed(database: "db"))
        notifier.finish(within: 10)
        let log = read("log")
        #expect(log.hasPrefix(String(repeating: "x", count: NotifyOutputCopy.limit) + "\n[hookdash: "), "\(log.prefix(80))")
        #expect(log.hasSuffix("[hookdash: \(1_000_000 - NotifyOutputCopy.limit) more bytes of the notify command's output were left out]\n"))
    }

    @Test func aHangingCommandIsStoppedAfterItsTimeoutWithEverythingItStarted() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = Mutex<[String]>([])
        // A duration no other process uses, to find both the shell and its `sleep` in /proc.
        let seconds = "30.\(Int.random(in: 100_000...999_999))"
        let notifier = NotifyCommand(
            command: "sleep \(seconds); echo done", outputPath: folder + "/log", timeout: 0.5,
            onFailure: { failure in failures.withLock { $0.append(failure) } })
        notifier.send(.deliveriesResumed(database: "db"))
        notifier.finish(within: 20)
        #expect(failures.withLock { $0 } == [
            "the notify command did not finish within 0.5 s and was stopped (deliveries.resumed)",
        ])
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let lingering = processes.filter { Int($0) != nil }.filter { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains(seconds)
        }
        #expect(lingering.isEmpty, "still running: \(lingering)")
    }

    /// `serve` waits a limited time for its notices; whatever is left then is stopped or
    /// dropped, and said so, instead of running on after hookdash has exited.
    @Test func nothingOutlivesTheWaitAtExit() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = Mutex<[String]>([])
        let seconds = "30.\(Int.random(in: 100_000...999_999))"
        let notifier = NotifyCommand(
            command: "sleep \(seconds)", outputPath: folder + "/log", timeout: 0.6,
            onFailure: { failure in failures.withLock { $0.append(failure) } })
        notifier.send(.deliveriesPaused(trouble: "full", database: "db"))
        notifier.send(.deliveriesResumed(database: "db"))
        notifier.send(.deliveriesPaused(trouble: "full again", database: "db"))
        notifier.finish(within: 0.9)  // the first runs out its 0.6 s; the second is cut short
        #expect(failures.withLock { $0 } == [
            "the notify command did not finish within 0.6 s and was stopped (deliveries.paused)",
            "the notify command was stopped because hookdash was exiting (deliveries.resumed)",
            "deliveries.paused was not sent: hookdash was exiting, and earlier notices had used the time it waits",
        ])
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let lingering = processes.filter { Int($0) != nil }.filter { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains(seconds)
        }
        #expect(lingering.isEmpty, "still running: \(lingering)")
    }
}
