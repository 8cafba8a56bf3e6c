import ArgumentParser
import Foundation
import HookdashDelivery
import HookdashDomain
import Synchronization

/// Something the operator should hear about even when nobody watches the terminal: a webhook
/// hookdash switched off, deliveries paused by a database that takes no writes, and their
/// resumption.
struct OperatorNotice: Sendable, Equatable {
    /// "webhook.disabled", "deliveries.paused" or "deliveries.resumed".
    let event: String
    /// One sentence, ready for a chat message or a mail subject (also `serve`'s stderr line).
    let text: String
    let details: [String: String]
    /// When it happened (the "at" a notice carries), not when the command got to run it.
    var at = Date()

    /// "webhook.disabled (webhook 1a2b3c4d)": which notice a failure report is about.
    var subject: String {
        details["webhookId"].map { "\(event) (webhook \($0.prefix(8)))" } ?? event
    }

    static func webhookDisabled(id: String, url: String, reason: String, database: String) -> OperatorNotice {
        // An http:// URL passes validation only in development mode, so the edit needs it too.
        let dev = url.lowercased().hasPrefix("http://") ? " --dev" : ""
        return OperatorNotice(
            event: "webhook.disabled",
            text: "webhook \(id.prefix(8)) (\(url)) set Inactive: \(reason); "
                + "hookdash webhooks edit \(id.prefix(8)) --active\(dev) resumes it",
            details: ["webhookId": id, "url": url, "reason": reason, "database": database])
    }

    /// The engine's store trouble (nil: its end) as the notice it is.
    static func storeTrouble(_ trouble: String?, database: String) -> OperatorNotice {
        trouble.map { deliveriesPaused(trouble: $0, database: database) } ?? deliveriesResumed(database: database)
    }

    static func deliveriesPaused(trouble: String, database: String) -> OperatorNotice {
        OperatorNotice(
            event: "deliveries.paused",
            text: "deliveries paused, the database takes no writes: \(trouble); "
                + "nothing queued is lost, and they resume by themselves",
            details: ["trouble": trouble, "database": database])
    }

    static func deliveriesResumed(database: String) -> OperatorNotice {
        OperatorNotice(
            event: "deliveries.resumed", text: "the database takes writes again; deliveries resume",
            details: ["database": database])
    }

    /// `{"at","event","text",…details}`, keys sorted.
    func json(at date: Date) -> Data {
        var object = details
        object["event"] = event
        object["text"] = text
        object["at"] = Timestamp.iso8601(date)
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

/// Runs the operator's notify command (`--notify CMD`, or `notify = CMD` in the config file)
/// once per notice, in order, off the caller's thread: `/bin/sh -c CMD` with the notice as
/// JSON on stdin and `HOOKDASH_EVENT` and `HOOKDASH_TEXT` in its environment. Its output is
/// appended to the delivery log (the terminal belongs to the console); a command that fails
/// or hangs is reported through `onFailure`, never fatal.
final class NotifyCommand: Sendable {
    let command: String
    let outputPath: String
    let timeout: TimeInterval
    private let onFailure: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "hookdash.notify")
    private let pending = DispatchGroup()
    /// The command running now, and whether the process is exiting (notices not yet started
    /// are then dropped, and reported, instead of outliving it).
    private let state = Mutex<(running: pid_t?, exiting: Bool)>((nil, false))

    /// The delivery log, which the command's output joins.
    private let log: FileLogSink

    init(command: String, outputPath: String, timeout: TimeInterval = 30, onFailure: @escaping @Sendable (String) -> Void) {
        self.command = command
        self.outputPath = outputPath
        log = FileLogSink(path: outputPath)
        self.timeout = timeout
        self.onFailure = onFailure
    }

    func send(_ notice: OperatorNotice) {
        pending.enter()
        queue.async {
            defer { self.pending.leave() }
            self.run(notice)
        }
    }

    /// Waits, at most `limit`, for the notices already sent: `serve --until-idle` must not
    /// exit before its notice went out. Past the limit the running command is stopped with
    /// everything it started and the rest are dropped, each reported: nothing outlives hookdash.
    func finish(within limit: TimeInterval) {
        if pending.wait(timeout: .now() + limit) == .success { return }
        let running = state.withLock { state in
            state.exiting = true
            return state.running
        }
        if let running { Self.stop(running) }
        _ = pending.wait(timeout: .now() + 5)
    }

    /// Foundation starts the command as the leader of a process group of its own: the whole
    /// group goes, with everything the command started, whatever it ignores.
    private static func stop(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    private func run(_ notice: OperatorNotice) {
        if state.withLock({ $0.exiting }) {
            onFailure("\(notice.subject) was not sent: hookdash was exiting, and earlier notices had used the time it waits")
            return
        }
        let process = Process()
        // SwiftNIO ignores SIGPIPE in this whole process, and an ignored signal stays ignored
        // across exec — a shell cannot even reset it — so `… | head` in the command printed
        // "Broken pipe" errors, and some commands looped until stopped. GNU env restores it.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/env") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["--default-signal=PIPE", "/bin/sh", "-c", command]
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
        }
        var environment = ProcessInfo.processInfo.environment
        environment["HOOKDASH_EVENT"] = notice.event
        environment["HOOKDASH_TEXT"] = notice.text
        process.environment = environment
        // Written whole before the command starts (a notice is far below a pipe's 64 KiB) and
        // while this process holds the read end, so a command that never reads its stdin
        // cannot make this process die of SIGPIPE.
        let input = Pipe()
        try? input.fileHandleForWriting.write(contentsOf: notice.json(at: notice.at))
        try? input.fileHandleForWriting.close()
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            onFailure("the notify command could not start (\(SystemWords.describe(error))); \(notice.subject) was not sent")
            return
        }
        try? output.fileHandleForWriting.close()
        let copied = NotifyOutputCopy.start(from: output.fileHandleForReading, to: log)
        defer { _ = copied.wait(timeout: .now() + 2) }
        state.withLock { $0.running = process.processIdentifier }
        defer { state.withLock { $0.running = nil } }
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            Self.stop(process.processIdentifier)
            _ = exited.wait(timeout: .now() + 2)
            onFailure("the notify command did not finish within \(Self.seconds(timeout)) and was stopped (\(notice.subject))")
            return
        }
        if state.withLock({ $0.exiting }), process.terminationReason == .uncaughtSignal {
            onFailure("the notify command was stopped because hookdash was exiting (\(notice.subject))")
            return
        }
        if process.terminationReason == .exit, process.terminationStatus == 0 { return }
        let how = process.terminationReason == .exit
            ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
        onFailure("the notify command \(how) for \(notice.subject); its output is in \(outputPath)")
    }


    private static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

/// `--notify COMMAND` for the processes that deliver for long (`serve`, the console).
struct NotifyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Shell command run when hookdash disables a webhook or deliveries pause or resume; it gets the notice as JSON on stdin and HOOKDASH_EVENT and HOOKDASH_TEXT. Or `notify = …` in the config file; --notify '' runs none this time.",
            valueName: "command"))
    var notify: String?

    /// The flag, else the config file's `notify`; nil when neither is set, or when the flag is
    /// empty: that is how one run goes without the config file's command.
    func command(config loaded: UserConfig? = nil) throws -> String? {
        if let notify { return notify.trimmingCharacters(in: .whitespaces).isEmpty ? nil : notify }
        return try (loaded ?? UserConfig.load())["notify"]?.value
    }
}

/// Copies a notify command's output into the delivery log as it comes, up to `limit` bytes
/// per notice, then drains the rest and says how much was left out: a talkative command
/// wrote 60 MB into a log that is meant to stay near 16 MB.
enum NotifyOutputCopy {
    static let limit = 64 << 10

    /// Signals once the output has ended (every holder of the pipe's write end has exited).
    static func start(from reader: FileHandle, to log: FileLogSink) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var kept = 0
            var dropped = 0
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                let room = max(0, limit - kept)
                if room > 0 { log.write(String(decoding: chunk.prefix(room), as: UTF8.self)) }
                kept += min(room, chunk.count)
                dropped += chunk.count - min(room, chunk.count)
            }
            if dropped > 0 {
                log.write("\n[hookdash: \(dropped) more bytes of the notify command's output were left out]\n")
            }
            done.signal()
        }
        return done
    }
}
