import ArgumentParser
import Foundation
import HookdashDomain
import HookdashStore

struct WebhooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "List, show, create, edit, delete, export and import webhooks.",
        discussion: """
        Examples:
          hookdash webhooks               (same as: hookdash webhooks list)
          hookdash webhooks create --name Billing \\
              --url https://example.com/hooks --event job.status
          hookdash webhooks edit 3f2a9c1e --inactive
          hookdash webhooks export --output webhooks.json
        """,
        subcommands: [
            ListWebhooks.self, ShowWebhook.self, CreateWebhook.self, EditWebhook.self,
            DeleteWebhook.self, ExportWebhooks.self, ImportWebhooks.self, WebhookTestCommand.self,
        ],
        defaultSubcommand: ListWebhooks.self
    )
}

enum WebhookText {
    static func summary(_ webhook: Webhook) -> String {
        """
        ID:       \(webhook.id)
        Name:     \(webhook.name)
        URL:      \(webhook.url)
        Events:   \(webhook.events.map(\.rawValue).joined(separator: ", "))
        Status:   \(status(webhook))
        Secret:   \(webhook.secret == nil ? "none (deliveries are not signed)" : "set (hidden; see --json)")\(rotation(webhook))
        Created:  \(Timestamp.iso8601(webhook.createdAt))
        Updated:  \(Timestamp.iso8601(webhook.updatedAt))
        """
    }

    static let healthWindow: TimeInterval = 24 * 3600

    /// "Last 24 h: 132 attempts: 128 answered 2xx (96 %), …; answers took 12 ms median, 48 ms at p95"
    static func health(_ health: WebhookHealth) -> String {
        guard health.attempts > 0 else { return "Last 24 h: no attempts" }
        let percent = Percentage.roundedDown(health.succeeded, of: health.attempts)
        var parts = ["\(health.succeeded) answered 2xx (\(percent) %)"]
        if health.otherAnswers > 0 { parts.append("\(health.otherAnswers) answered otherwise") }
        if health.unanswered > 0 { parts.append("\(health.unanswered) got no answer") }
        var text = "Last 24 h: \(Wording.count(health.attempts, "attempt", "attempts")): " + parts.joined(separator: ", ")
        if let median = health.medianMilliseconds, let p95 = health.p95Milliseconds {
            text += "; answers took \(median) ms median, \(p95) ms at p95"
        }
        return text
    }

    private static func status(_ webhook: Webhook) -> String {
        guard !webhook.active, let reason = webhook.disabledReason else { return webhook.statusWord }
        return "Disabled by hookdash: \(reason); set it Active to resume"
    }

    /// While a replaced secret still signs, say until when, so a receiver's owner knows how
    /// long they have to switch.
    static func rotation(_ webhook: Webhook) -> String {
        guard webhook.secret != nil, let until = webhook.previousSecretUntil else { return "" }
        return "\n          \(webhook.previousSecretsSign) until \(Timestamp.iso8601(until)) (rotation)"
    }

    static func table(_ webhooks: [Webhook]) -> String {
        var table = TextTable(headers: ["ID", "NAME", "URL", "EVENTS", "STATUS"])
        table.rows = webhooks.map {
            [String($0.id.prefix(8)), $0.name, $0.url, $0.events.map(\.rawValue).joined(separator: ","), $0.statusWord]
        }
        return table.render()
    }
}

struct ListWebhooks: ParsableCommand, OutputIsTheResult {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List webhooks, oldest first.",
        discussion: """
        Examples:
          hookdash webhooks list
          hookdash webhooks list --json | jq '.[].url'
        """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print a JSON array (SPEC keys).") var json = false

    func run() throws {
        try ErrorReporter.guarded {
            let webhooks = try store.openStoreForReadingIfPresent()?.list() ?? []
            if json {
                JSONOutput.print(.array(webhooks.map(\.json)))
            } else if webhooks.isEmpty {
                print("No webhooks yet. Create one with: hookdash webhooks create --name NAME --url https://… --event job.status")
            } else {
                StandardOutput.write(WebhookText.table(webhooks) + "\n")
            }
        }
    }
}

struct ShowWebhook: ParsableCommand, OutputIsTheResult {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one webhook.",
        discussion: """
        ID may be the full id or an unambiguous prefix of at least 4 characters.
        Examples:
          hookdash webhooks show 3f2a9c1e
          hookdash webhooks show 3f2a9c1e-… --json
        """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The webhook's id, or 4 or more of its first characters (as webhooks list prints it).") var id: String
    @Flag(help: "Print a JSON object (SPEC keys, including the secret).") var json = false

    func run() throws {
        try ErrorReporter.guarded {
            let webhookStore = try store.openStoreForReading()
            let webhook = try webhookStore.webhook(idOrPrefix: id)
            if json {
                // The SPEC's keys only; the health is for people.
                JSONOutput.print(webhook.json)
            } else {
                let health = try QueueStore(webhookStore.dbPool).health(
                    webhookID: webhook.id, since: Date().addingTimeInterval(-WebhookText.healthWindow))
                print(WebhookText.summary(webhook) + "\n" + WebhookText.health(health))
            }
        }
    }
}

struct CreateWebhook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a webhook.",
        discussion: """
        Examples:
          hookdash webhooks create --name Billing \\
              --url https://example.com/hooks --event job.status
          hookdash webhooks create --name Orders --url https://example.com/orders \\
              --event job.status --event order.status --generate-secret --json
          hookdash --dev webhooks create --name Local \\
              --url http://127.0.0.1:8787/ --event job.status
        """)

    @OptionGroup var store: StoreOptions
    @Option(help: "A name, 1 to 100 characters.") var name: String
    @Option(help: "An absolute https:// URL.") var url: String
    @Option(help: "A signing secret: whsec_<base64>, or other printable ASCII without spaces.") var secret: String?
    @Flag(help: "Generate a whsec_ signing secret.") var generateSecret = false
    @Option(name: .customLong("event"), help: ArgumentHelp(
        "An event to subscribe to (repeat for more): job.status, order.status. At least one is required.",
        valueName: "event"))
    var events: [String] = []
    @Flag(help: "Create the webhook inactive (it receives nothing).") var inactive = false
    @Flag(help: "Print the created webhook as JSON.") var json = false

    func validate() throws {
        if secret != nil && generateSecret { throw ValidationError("use either --secret or --generate-secret, not both") }
        if events.isEmpty {
            throw ValidationError("missing --event: job.status or order.status (repeat --event for both)")
        }
    }

    func run() throws {
        try ErrorReporter.guarded {
            try ArgumentText.check([(name, "--name"), (url, "--url"), (secret, "--secret")])
            let secretText = generateSecret ? SecretSource.generate() : (secret ?? "")
            let draft = WebhookDraft(name: name, url: url, secret: secretText, events: events, active: !inactive)
            let fields = try WebhookValidator.validate(draft, options: store.validation).get()
            let webhook = try store.openStore().create(fields)
            if json {
                JSONOutput.print(webhook.json)
            } else {
                print("Created webhook \(webhook.id) (\(webhook.name)).")
                if generateSecret, let secret = webhook.secret { print("Signing secret: \(secret)") }
            }
        }
    }
}

struct EditWebhook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a webhook's fields; fields not named stay as they are.",
        discussion: """
        --event replaces the whole event list. The change is refused if someone else
        changed the webhook between reading and saving.
        Examples:
          hookdash webhooks edit 3f2a9c1e --name "Billing (prod)"
          hookdash webhooks edit 3f2a9c1e --event order.status --inactive
          hookdash webhooks edit 3f2a9c1e --no-secret
        """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The webhook's id, or 4 or more of its first characters (as webhooks list prints it).") var id: String
    @Option(help: "A new name.") var name: String?
    @Option(help: "A new URL.") var url: String?
    @Option(help: "A new signing secret.") var secret: String?
    @Flag(help: "Remove the signing secret.") var noSecret = false
    @Flag(help: "Generate a new whsec_ signing secret.") var generateSecret = false
    @Option(name: .customLong("event"), help: "Events to subscribe to (replaces the list; repeat for more).")
    var events: [String] = []
    @Flag(help: "Make the webhook active.") var active = false
    @Flag(help: "Make the webhook inactive.") var inactive = false
    @Flag(help: "Print the updated webhook as JSON.") var json = false

    func validate() throws {
        if [secret != nil, noSecret, generateSecret].filter({ $0 }).count > 1 {
            throw ValidationError("use only one of --secret, --no-secret and --generate-secret")
        }
        if active && inactive { throw ValidationError("use either --active or --inactive, not both") }
        if name == nil, url == nil, secret == nil, !noSecret, !generateSecret, events.isEmpty, !active, !inactive {
            throw ValidationError("nothing to change: name at least one of --name, --url, --secret, --no-secret, --generate-secret, --event, --active, --inactive")
        }
    }

    func run() throws {
        try ErrorReporter.guarded {
            try ArgumentText.check([(name, "--name"), (url, "--url"), (secret, "--secret")])
            let current = try store.openStoreForReading().webhook(idOrPrefix: id)
            var draft = current.draft
            if let name { draft.name = name }
            if let url { draft.url = url }
            if let secret { draft.secret = secret }
            if noSecret { draft.secret = "" }
            if generateSecret { draft.secret = SecretSource.generate() }
            if !events.isEmpty { draft.events = events }
            if active { draft.active = true }
            if inactive { draft.active = false }
            // The URL was not given: a complaint about it is about the stored one, which only
            // development mode accepts; say that rather than "HTTPS is required".
            if url == nil, !store.devMode, case .failure(let failure) = WebhookValidator.validate(draft, options: store.validation),
               failure.errors.contains(where: { $0.field == .url }),
               case .success = WebhookValidator.validate(draft, options: ValidationOptions(devMode: true)) {
                throw InvalidInput(message: "this webhook's URL \(current.url) is plain http://, which only development mode allows; add --dev (or HOOKDASH_DEV=1) to change it")
            }
            let fields = try WebhookValidator.validate(draft, options: store.validation).get()
            // Nothing to change: no new version, no updatedAt moved, no rotation started.
            if current.with(fields) == current {
                if json { JSONOutput.print(current.json) } else { print("Webhook \(current.id) (\(current.name)) is unchanged.") }
                return
            }
            let updated = try store.openStore().update(id: current.id, expectedVersion: current.version, fields)
            if json {
                JSONOutput.print(updated.json)
            } else {
                print("Updated webhook \(updated.id) (\(updated.name)).")
                if generateSecret, let secret = updated.secret { print("Signing secret: \(secret)") }
                if let until = updated.previousSecretUntil, updated.secret != current.secret {
                    let sign = updated.previousSecretsSign
                    print("\(sign.prefix(1).uppercased() + sign.dropFirst()) until \(Timestamp.iso8601(until)), so the receiver can switch meanwhile.")
                }
            }
        }
    }
}

struct DeleteWebhook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a webhook; its pending deliveries are cancelled.",
        discussion: """
        Asks for confirmation on a terminal; without a terminal, --yes is required.
        Examples:
          hookdash webhooks delete 3f2a9c1e
          hookdash webhooks delete 3f2a9c1e --yes
        """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The webhook's id, or 4 or more of its first characters (as webhooks list prints it).") var id: String
    @Flag(name: [.short, .long], help: "Delete without asking.") var yes = false

    func run() throws {
        try ErrorReporter.guarded {
            let webhook = try store.openStoreForReading().webhook(idOrPrefix: id)
            if !yes {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw UsageError(message: "refusing to delete without --yes: standard input is not a terminal to ask on")
                }
                StandardStream.write("Delete webhook \"\(webhook.name)\" (\(webhook.id))? Pending deliveries to it will be cancelled. [y/N] ", to: .standardError)
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                guard answer == "y" || answer == "yes" else {
                    print("Not deleted.")
                    return
                }
            }
            let deleted = try store.openStore().delete(id: webhook.id)
            print("Deleted webhook \(deleted.id) (\(deleted.name)).")
        }
    }
}

struct ExportWebhooks: ParsableCommand, OutputIsTheResult {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every webhook as a JSON array (secrets included).",
        discussion: """
        The file is created with mode 0600 because it holds signing secrets.
        Examples:
          hookdash webhooks export --output webhooks.json
          hookdash webhooks export > webhooks.json
        """)

    @OptionGroup var store: StoreOptions
    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output (- is standard output).", valueName: "path")) var output: String?

    func run() throws {
        try ErrorReporter.guarded {
            let webhooks = try store.openStoreForReadingIfPresent()?.list() ?? []
            let text = JSONValue.array(webhooks.map(\.json)).pretty() + "\n"
            guard let output, output != "-" else {
                StandardOutput.write(text)
                return
            }
            let database = store.databasePath
            for companion in ["", "-wal", "-shm", "-journal", ".delivery.log", ".delivery.log.1"]
            where FileOutput.isSameFile(output, database + companion) {
                throw UsageError(message: "\(output) is \(companion.isEmpty ? "the database" : "the database's \(companion) file"); writing the export there would destroy it. Choose another file.")
            }
            try FileOutput.writeSecretFile(Data(text.utf8), to: output)
            StandardStream.write("Exported \(Wording.count(webhooks.count, "webhook", "webhooks")) to \(output).\n", to: .standardError)
        }
    }
}

struct ImportWebhooks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create or update webhooks from a JSON array (the export format).",
        discussion: """
        All or nothing: if any entry is invalid, every problem is listed (by entry
        index and field) and nothing is written. Entries whose id exists are
        updated; others are created. Use - to read standard input. An entry that
        would undo a change made after its updatedAt (an older export) stops the
        import (exit 75) unless --overwrite is given.
        Examples:
          hookdash webhooks import webhooks.json
          hookdash webhooks export | hookdash --db other.sqlite webhooks import -
        """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The JSON file to read, or - for standard input.") var file: String
    @Flag(help: "Replace webhooks changed in the database after the file's updatedAt with the file's version.")
    var overwrite = false

    func run() throws {
        try ErrorReporter.guarded {
            // Far beyond any real export (a webhook is under 1 KB), and read whole otherwise.
            let limit = 64 << 20
            let data = try FileInput.read(file, atMost: limit + 1)
            guard data.count <= limit else {
                throw InvalidInput(message: "\(file == "-" ? "standard input" : file) is more than 64 MB; an export of even 50,000 webhooks is far smaller — is it the right file?")
            }
            let entries = try WebhookImport.parse(data, options: store.validation).get()
            let summary = try store.openStore().importWebhooks(entries, overwritingNewer: overwrite)
            print("Imported \(Wording.count(entries.count, "webhook", "webhooks")): \(summary.created) created, \(summary.updated) updated, \(summary.unchanged) unchanged.")
        }
    }
}

struct EventsCommand: ParsableCommand, OutputIsTheResult {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the event types webhooks can subscribe to.",
        discussion: """
        Examples:
          hookdash events
          hookdash events --json
        """)

    @Flag(help: "Print {\"data\":[{name,title,category,description}]}.") var json = false
    // Accepted so `hookdash --db x events` works like every other command; the catalogue is fixed.
    @OptionGroup(visibility: .hidden) var store: StoreOptions

    func run() throws {
        if json {
            JSONOutput.print(EventType.catalogueJSON)
            return
        }
        var table = TextTable(headers: ["NAME", "TITLE", "CATEGORY", "DESCRIPTION"])
        table.rows = EventType.allCases.map { [$0.rawValue, $0.title, $0.category, $0.summary] }
        print(table.render())
    }
}
