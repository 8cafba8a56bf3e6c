import ArgumentParser
import HookdashCrypto
import Foundation
import HookdashDomain
import HookdashReceiver

struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Run a local receiver on 127.0.0.1 that prints each request and verifies its signature.",
        discussion: """
        Point a webhook at it with --dev (plain http:// to localhost is a
        development-mode URL).

        Examples:
          hookdash listen --port 8787 --secret whsec_…
          hookdash listen --respond 500                 try retries by hand
          hookdash listen --delay 2000 --fail-rate 0.3
          hookdash listen --body                        print each payload too
          hookdash listen --secret whsec_… --reject-invalid   401 to a ✗
        """)

    // Accepted so `hookdash --db x listen` works like every other command; the receiver
    // keeps nothing.
    @OptionGroup(visibility: .hidden) var store: StoreOptions

    @Option(name: .long, parsing: .unconditional, help: "Port (0 picks a free one).")
    var port: Int = 8787

    @Option(name: .long, help: "Webhook secret to verify signatures with.")
    var secret: String?

    @Option(name: .long, parsing: .unconditional, help: "Status code to answer.")
    var respond: Int = 200

    @Option(name: .long, parsing: .unconditional, help: "Delay before answering, in milliseconds.")
    var delay: Int = 0

    @Option(name: .long, parsing: .unconditional, help: "Fraction of requests (0…1) answered with 500.")
    var failRate: Double = 0

    @Flag(name: .long, help: "Also print each request's body, pretty-printed.")
    var body = false

    @Flag(name: .long, help: "With --secret: answer 401 to a request whose signature is absent or does not verify.")
    var rejectInvalid = false

    @Option(name: .long, help: "Certificate PEM for HTTPS (with --key).")
    var cert: String?

    @Option(name: .long, help: "Private key PEM for HTTPS (with --cert).")
    var key: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (100...599).contains(respond) else { throw ValidationError("--respond must be an HTTP status 100…599") }
        guard delay >= 0 else { throw ValidationError("--delay must not be negative") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        guard (cert == nil) == (key == nil) else { throw ValidationError("--cert and --key go together") }
        guard !rejectInvalid || !(secret ?? "").isEmpty else {
            throw ValidationError("--reject-invalid needs --secret, the secret signatures are checked with")
        }
        // A secret no signature could match would mark every request ✗ for the wrong reason.
        if let secret, !secret.isEmpty, StandardWebhooksSigner(secret: secret) == nil {
            throw ValidationError("--secret starting with whsec_ must be base64 after the prefix (copy it from `hookdash webhooks show ID --json`)")
        }
    }

    func run() async throws {
        try await ErrorReporter.guarded {
            let formatter = ListenLineFormatter(secret: secret)
            let policy = ReceiverPolicy(
                defaultResponse: ReceiverResponse(status: respond, delayMilliseconds: delay, body: "ok\n"),
                failRate: failRate, rejectingUnverifiedWith: rejectInvalid ? secret : nil)
            let tls = cert.flatMap { cert in key.map { ReceiverTLSFiles(certificatePath: cert, privateKeyPath: $0) } }
            let receiver: Receiver
            do {
                let printsBody = body
                receiver = try await Receiver.start(port: port, policy: policy, tls: tls, keepsRequests: false) { request in
                    var text = formatter.line(for: request)
                    if printsBody {
                        // The sender wrote it: shown, never obeyed by the terminal.
                        let pretty = TerminalSafe.text(JSONPretty.format(Data(request.body)), keepingLineBreaks: true)
                        text += "\n" + pretty.split(separator: "\n", omittingEmptySubsequences: false)
                            .map { "    " + $0 }.joined(separator: "\n")
                    }
                    // One write per request, so answers to concurrent requests never interleave.
                    writeLine(text)
                }
            } catch let error as ReceiverStartError where error.isMissingFile {
                throw MissingInput(message: error.description)
            } catch let error as ReceiverStartError where error.isAboutAFile {
                throw InvalidInput(message: error.description)
            } catch {
                throw IOFailure(message: "cannot listen on 127.0.0.1:\(port): \(error)")
            }
            writeLine("Listening on \(receiver.url(path: "/")) — point a webhook at it (needs --dev for loopback). Ctrl-C stops.")
            let stop = ServeStopSignal()
            _ = await stop.wait()
            await receiver.stop()
        }
    }
}


/// Unbuffered, so each request shows up at once even when stdout is a pipe.
private func writeLine(_ line: String) {
    StandardStream.write(line + "\n", to: .standardOutput)
}
