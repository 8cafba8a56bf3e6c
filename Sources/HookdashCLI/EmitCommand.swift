import ArgumentParser
import Foundation
import HookdashDomain
import HookdashStore

struct EmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Queue an event for every active webhook subscribed to it.",
        discussion: """
        The body is a JSON object of at most 1 MB, read from --file or stdin; it is
        wrapped in the event envelope and queued, in one transaction, for every active
        webhook subscribed to the event. `hookdash serve` (or an open console)
        delivers it.

        Examples:
          hookdash emit order.status --file order.json
          echo '{"id":"o-1","status":"FULFILLED"}' | hookdash emit order.status --json
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Event type: job.status or order.status.")
    var event: String

    @Option(name: .long, help: "File holding the JSON body (default: stdin).")
    var file: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() throws {
        try ErrorReporter.guarded {
            guard let eventType = EventType(rawValue: event) else {
                let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
                let guess = CommandWords.suggestion(for: event, among: EventType.allCases.map(\.rawValue))
                throw InvalidInput(message: "unknown event '\(event)'" + (guess.isEmpty ? " (known: \(known))" : guess))
            }
            // Before the body: with no database, a body typed by hand would be wasted.
            let queue = try store.openExistingQueue()
            if file == nil, isatty(STDIN_FILENO) == 1 {
                // Typed by hand, the body would otherwise look like a hang.
                StandardStream.write(
                    "hookdash: type the JSON body, then Ctrl-D on a line of its own (or pass --file BODY.json)\n",
                    to: .standardError)
            }
            // Room for a byte order mark and surrounding whitespace, which do not count, and one
            // byte past that tells a body that is too large without reading all of it.
            let readLimit = DeliveryEnvelope.maxBodyBytes + 64 * 1024
            let raw = try FileInput.read(file ?? "-", atMost: readLimit + 1)
            let body: Data
            do throws(DeliveryEnvelope.BodyProblem) {
                guard raw.count <= readLimit else { throw .tooLarge(bytes: nil) }
                body = try DeliveryEnvelope.checkedBody(raw)
            } catch .tooLarge {
                // Only the first bytes were read: the size is the file's, and unknown for stdin.
                let size = file.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
                throw InvalidInput(message: DeliveryEnvelope.BodyProblem.tooLarge(bytes: size).description)
            } catch {
                throw InvalidInput(message: error.description)
            }
            let result = try queue.enqueue(NewMessage(eventType: eventType.rawValue, liveMode: true, body: body, createdAt: Date()))
            if result.deliveryIDs.isEmpty { noteNobodySubscribes(event) }
            if json {
                JSONOutput.print(.object([
                    ("messageId", .string(result.messageID)), ("event", .string(event)),
                    ("deliveries", .array(result.deliveryIDs.map(JSONValue.string))),
                ]))
            } else {
                print("Queued message \(result.messageID) (\(event)): \(Wording.deliveries(result.deliveryIDs.count))")
            }
        }
    }
}
