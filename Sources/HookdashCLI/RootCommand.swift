import ArgumentParser
import Foundation
import HookdashDelivery
import HookdashDomain

/// `hookdash`: with no subcommand, opens the console.
public struct Hookdash: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "hookdash",
        abstract: "A terminal console for outgoing webhooks.",
        discussion: """
        With no subcommand, hookdash opens the console on the database.
        Every command that uses the database takes --db PATH (default: $HOOKDASH_DB,
        else $XDG_DATA_HOME/hookdash/hookdash.sqlite) and --dev (allow http:// and
        loopback URLs; also HOOKDASH_DEV=1), anywhere on the line.

        Examples:
          hookdash                        open the console
          hookdash --dev                  the console, allowing http:// to localhost
          hookdash webhooks list --json
          hookdash webhooks create --name Billing \\
              --url https://example.com/hooks --event job.status

        Exit codes: 0 success, 1 a test delivery failed (webhooks test), 64 usage,
        65 invalid data, 66 missing input file or unknown id, 74 I/O or database
        error, 75 try again (another process changed the webhook meanwhile, or the
        delivery is in flight).
        """,
        version: version,
        subcommands: [
            WebhooksCommand.self, EventsCommand.self,
            EmitCommand.self, SimulateCommand.self, DeliveriesCommand.self, RedeliverCommand.self,
            ServeCommand.self, ListenCommand.self, ConsoleCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )

    public init() {}
}

/// A command whose output is its result (an export, a list): written to a full disk it must
/// not exit 0. Commands whose work is done elsewhere (emit, create, serve) keep exit 0 when
/// only their report is lost — a script retrying on failure would emit or create twice.
protocol OutputIsTheResult {}

/// The process entry point. Synchronous on purpose: the console must own the real main
/// thread (see SWIFT-NOTES on resize), while async commands run on the cooperative pool.
public enum CLIEntry {
    public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        AllocatorTuning.keepFreedMemoryForReuse()
        do {
            let arguments = GlobalOptions.hoisted(arguments)
            if let problem = CommandWords.problem(in: arguments) {
                ErrorReporter.printError(problem)
                exit(ExitStatus.usage)
            }
            var command = try Hookdash.parseAsRoot(arguments)
            if let asyncCommand = command as? AsyncParsableCommand {
                try runBlocking(asyncCommand)
            } else {
                try command.run()
            }
            if command is OutputIsTheResult { checkStandardOutput() } else { warnIfOutputLost() }
            exit(0)
        } catch {
            // ArgumentParser's own messages quote the arguments too ("Unknown option '…'").
            let message = Hookdash.fullMessage(for: error)
            let code = Hookdash.exitCode(for: error).rawValue
            if !message.isEmpty {
                StandardStream.write(TerminalSafe.text(message, keepingLineBreaks: true) + "\n", to: code == 0 ? .standardOutput : .standardError)
            }
            exit(code)
        }
    }

    /// Flushes every stream (C's `stdout` cannot be named under strict concurrency): the last
    /// buffer of an output cut short by a full disk or a closed pipe fails here.
    private static func checkStandardOutput() {
        guard let reason = lostOutput() else { return }
        ErrorReporter.printError("could not write the output (\(reason)); it is incomplete")
        exit(ExitStatus.ioError)
    }

    /// The work is done (an event queued, a webhook created), so the exit stays 0 — a script
    /// retrying on failure would do it twice — but a lost report (the message id of an
    /// `emit --json > /dev/full`) is said on stderr, not left silent.
    private static func warnIfOutputLost() {
        guard let reason = lostOutput() else { return }
        ErrorReporter.printError("done, but its output could not be written (\(reason))")
    }

    /// Why the output was not all written, in the system's words; nil when it was, or when its
    /// reader stopped early (`| head`), which got what it wanted.
    private static func lostOutput() -> String? {
        // stdio writes an output larger than its buffer at once, and a failure of that write
        // only sets the stream's error flag: the flush that follows has nothing left to fail on.
        let flushed = fflush(nil) == 0
        guard let failure = flushed ? StandardOutput.failure : errno, failure != EPIPE else { return nil }
        return failure == 0 ? "write error" : String(cString: strerror(failure))
    }

    private static func runBlocking(_ command: AsyncParsableCommand) throws {
        let finished = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        let box = CommandBox(command: command)
        Task.detached {
            do {
                var command = box.command
                try await command.run()
            } catch {
                outcome.set(error)
            }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.get() { throw error }
    }
}

/// Carries the parsed command into the detached task; it is only touched there.
private final class CommandBox: @unchecked Sendable {
    let command: AsyncParsableCommand
    init(command: AsyncParsableCommand) { self.command = command }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func set(_ error: Error) { lock.withLock { self.error = error } }
    func get() -> Error? { lock.withLock { error } }
}

/// `--db` and `--dev` may come before the subcommand (`hookdash --db x webhooks list`);
/// ArgumentParser gives options to the command that declares them, so they are moved after it.
enum GlobalOptions {
    static let withValue: Set<String> = ["--db"]
    static let flags: Set<String> = ["--dev"]

    /// Moves `--db` and `--dev` from among the leading command words (`hookdash --db X
    /// webhooks list`, `hookdash webhooks --db X list`) to right after them, where every
    /// subcommand accepts them. Right after, not at the end: a `--db` given later on the line
    /// must still win, as the last of an option does everywhere (scripts append overrides).
    static func hoisted(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var words: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if flags.contains(argument) || (withValue.contains(name) && argument.contains("=")) {
                globals.append(argument)
                index += 1
            } else if withValue.contains(argument), index + 1 < arguments.count {
                globals += [argument, arguments[index + 1]]
                index += 2
            } else if !argument.hasPrefix("-") {
                words.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !globals.isEmpty else { return arguments }
        return words + globals + arguments[index...]
    }
}
