import ArgumentParser
import Dispatch
import Foundation
import HookdashDelivery
import HookdashStore
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Deliver queued events headless until stopped (SIGTERM/SIGINT stop gracefully).",
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
                queue: queue, configuration: configuration, logger: logger, onAttempt: report.record,
                onWebhookDisabled: { id, url, reason in
                    announce(.webhookDisabled(id: id, url: url, reason: reason, database: database))
                },
                onStoreTrouble: { trouble in
                    announce(.storeTrouble(trouble, database: database))
                })
            // Exiting must not cut off a notice that is still going out.
            defer { notifier.map { $0.finish(within: $0.timeout + 5) } }
            if untilIdle {
                await engine.runUntilIdle()
                say(report.summary)
                return
            }
            let stopSignal = ServeStopSignal()
            await engine.start()
            say("delivering from \(store.databasePath) (log: \(store.deliveryLogPath)); Ctrl-C stops")
            let received = await stopSignal.wait()
            say("\(received), finishing in-flight deliveries…")
            await engine.stop()
            say(report.summary)
        }
    }
}

/// Turns SIGTERM/SIGINT into an awaitable event instead of killing the process mid-attempt.
final class ServeStopSignal: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let stream: AsyncStream<String>

    init() {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        self.stream = stream
        sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { signalNumber, name in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
    }

    func wait() async -> String {
        for await name in stream { return name }
        return "stopped"
    }
}
