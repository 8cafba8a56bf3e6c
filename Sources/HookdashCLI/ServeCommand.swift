import ArgumentParser
import Dispatch
import Foundation
import HookdashDelivery
import HookdashStore
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Deliver queued events headless until stopped (SIGTERM, SIGINT and SIGHUP stop gracefully).",
        discussion: """
        Several serve processes and consoles may share one database: deliveries are
        leased, so none is sent twice at once.

        Examples:
          hookdash serve
          hookdash serve --dev --until-idle   (deliver what is due to localhost, exit)
          hookdash serve --ca-file private-ca.pem --allow-private 10.1.0.0/16
          hookdash serve --notify 'logger -t hookdash "$HOOKDASH_TEXT"'
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var engineOptions: DeliveryEngineOptions
    @OptionGroup var notifyOptions: NotifyOptions

    @Flag(name: .long, help: "Exit when nothing is due or in flight.")
    var untilIdle = false

    func run() async throws {
        // A closed stderr (`serve 2>&1 | logger`, the logger restarted) must lose a line, not
        // the delivery worker: its first write killed it.
        signal(SIGPIPE, SIG_IGN)
        try await ErrorReporter.guarded {
            let config = try UserConfig.load()
            let configuration = try engineOptions.configuration(devMode: store.devMode, config: config)
            let queue = try store.openQueue()
            let logger = Logger.deliveryLog(path: store.deliveryLogPath)
            let report = ServeReport(printsAttempts: isatty(STDOUT_FILENO) == 1)
            @Sendable func say(_ text: String) { StandardStream.write("hookdash serve: \(text)\n", to: .standardError) }
            let notifier = try notifyOptions.command(config: config).map {
                NotifyCommand(command: $0, outputPath: store.deliveryLogPath, onFailure: { say($0) })
            }
            let database = store.databasePath
            @Sendable func announce(_ notice: OperatorNotice) {
                say(notice.text)
                notifier?.send(notice)
            }
            let engine = DeliveryEngine(
                queue: queue, configuration: configuration, logger: logger, onAttempt: report.record, onCancelledInFlight: report.cancelledInFlight,
                onWebhookDisabled: { id, url, reason in
                    announce(.webhookDisabled(id: id, url: url, reason: reason, database: database))
                },
                onStoreTrouble: { trouble in
                    announce(.storeTrouble(trouble, database: database))
                })
            // Exiting must not cut off a notice that is still going out.
            defer { notifier.map { $0.finish(within: $0.timeout + 5) } }
            // --until-idle too: a script's `timeout` or Ctrl-C must not cut off attempts whose
            // requests already went out, leaving them to be sent again.
            let stopSignal = ServeStopSignal()
            // A serve left on a removed or replaced file would never see the events emitted
            // to the file now at its path: it stops, so a supervisor restarts it on that one.
            let watch = DatabaseFileWatch(path: store.databasePath)
            let watcher = Task {
                guard let watch else { return }
                while !Task.isCancelled {
                    try await Task.sleep(for: ServeStopSignal.fileCheckInterval)
                    if let problem = watch.problem() {
                        stopSignal.stop(.databaseFileLost("the database file \(watch.path) was \(problem.word) while serve had it open"))
                        return
                    }
                }
            }
            defer { watcher.cancel() }
            // Without --dev, deliveries to plain http:// are left a while to a process that may
            // send them: `--until-idle` sat silent for those 30 s, and a script took it for a hang.
            if !store.devMode, let waiting = try? queue.pendingToPlainHTTP(), waiting > 0 {
                say("\(Wording.count(waiting, "delivery goes", "deliveries go")) to a plain http:// URL, which only --dev sends: "
                    + "left \(Int(configuration.plainHTTPGrace)) s for a process with --dev, then refused as needing it")
            }
            if untilIdle {
                Task {
                    await engine.runUntilIdle()
                    stopSignal.stop(.idle)
                }
            } else {
                await engine.start()
                // Under a supervisor (systemd, no terminal) there is no Ctrl-C to press.
                let howToStop = isatty(STDIN_FILENO) != 0 ? "; Ctrl-C stops" : ""
                say("delivering from \(store.databasePath) (log: \(store.deliveryLogPath))\(howToStop)")
            }
            let received = await stopSignal.wait()
            if case .idle = received {
                say(report.summary)
                // "Idle" means nothing this process can send now: a script learns what is
                // left, and when, instead of reading the summary as "all delivered".
                for line in (try? await ServeLeftover.lines(queue)) ?? [] { say(line) }
                return
            }
            say("\(received), finishing in-flight deliveries…")
            await engine.stop()
            say(report.summary)
            if case .databaseFileLost = received {
                ErrorReporter.printError("stopped so that a restart opens the file now at \(store.databasePath)")
                throw ReportedFailure(code: ExitStatus.ioError)
            }
        }
    }
}

/// Why `serve` stops; its description starts the line it prints.
enum ServeStop: CustomStringConvertible {
    case signal(String)
    case databaseFileLost(String)
    /// `--until-idle` found nothing more due or in flight.
    case idle

    var description: String {
        switch self {
        case .signal(let name): name
        case .databaseFileLost(let text): text
        case .idle: "idle"
        }
    }
}

/// Turns SIGTERM/SIGINT/SIGHUP into an awaitable event instead of killing the process mid-attempt.
final class ServeStopSignal: @unchecked Sendable {
    static let fileCheckInterval: Duration = .seconds(2)
    private let sources: [DispatchSourceSignal]
    private let stream: AsyncStream<ServeStop>
    private let continuation: AsyncStream<ServeStop>.Continuation

    init() {
        let (stream, continuation) = AsyncStream<ServeStop>.makeStream()
        self.stream = stream
        self.continuation = continuation
        // SIGHUP too: a `serve` left in the foreground of an SSH session that drops would
        // otherwise die mid-attempt, its leases held until they run out. Unless it was
        // ignored from the start: `nohup hookdash serve &` asks to outlive the session.
        let hangUp = Self.isIgnored(SIGHUP) ? [] : [(SIGHUP, "SIGHUP")]
        sources = ([(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] + hangUp).map { signalNumber, name in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield(.signal(name)) }
            source.resume()
            return source
        }
    }

    /// Whether `number` was set to be ignored before this process started (by `nohup`).
    static func isIgnored(_ number: Int32) -> Bool {
        var current = sigaction()
        sigaction(number, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1  // SIG_IGN
    }

    /// Stops `serve` as a signal would.
    func stop(_ reason: ServeStop) {
        continuation.yield(reason)
    }

    func wait() async -> ServeStop {
        for await reason in stream { return reason }
        return .signal("stopped")
    }
}

/// What `serve --until-idle` leaves pending when it stops.
enum ServeLeftover {
    static func lines(_ queue: QueueStore, now: Date = Date()) async throws -> [String] {
        let stats = try queue.queueStats(now: now)
        var lines: [String] = []
        if stats.inFlight > 0 {
            lines.append("\(Wording.count(stats.inFlight, "delivery", "deliveries")) being sent by another process on this database")
        }
        let waiting = stats.pending - stats.inFlight
        if waiting > 0 {
            let next = try await queue.nextDueDate().map { "; the next is due at \(DeliveryEnvelope.iso8601($0))" } ?? ""
            lines.append(waiting == 1
                ? "1 delivery waits for a retry or for its webhook to be Active\(next)"
                : "\(waiting) deliveries wait for a retry or for their webhook to be Active\(next)")
        }
        return lines
    }

}
