import Foundation
import GRDB
import HookdashStore
import Testing

private let specKeys: Set<String> = ["id", "url", "name", "active", "events", "createdAt", "updatedAt", "secret"]

private func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func jsonArray(_ text: String) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
}

/// A command that must be refused: its exit code, a word stderr must contain, and no write.
struct RefusedCase: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let status: Int32
    let stderrMentions: String
    var testDescription: String { arguments.joined(separator: " ") }
}

private let create = ["webhooks", "create"]
private let good = ["--name", "Billing", "--url", "https://example.com/hooks", "--event", "job.status"]

let refusedCases: [RefusedCase] = [
    .init(arguments: create + ["--name", "x", "--url", "http://example.com/", "--event", "job.status"], status: 65, stderrMentions: "url: HTTPS is required"),
    .init(arguments: create + ["--name", "x", "--url", "ftp://example.com/", "--event", "job.status"], status: 65, stderrMentions: "url: HTTPS is required"),
    .init(arguments: create + ["--name", "x", "--url", "example.com", "--event", "job.status"], status: 65, stderrMentions: "url: Enter a full URL"),
    .init(arguments: create + ["--name", "x", "--url", "https://u:p@example.com/", "--event", "job.status"], status: 65, stderrMentions: "url: URL must not contain a user name"),
    .init(arguments: create + ["--name", "x", "--url", "https://example.com/#f", "--event", "job.status"], status: 65, stderrMentions: "url: URL must not contain a fragment"),
    .init(arguments: create + ["--name", String(repeating: "n", count: 101), "--url", "https://example.com/", "--event", "job.status"], status: 65, stderrMentions: "name: Name is too long (max 100)"),
    .init(arguments: create + ["--name", "   ", "--url", "https://example.com/", "--event", "job.status"], status: 65, stderrMentions: "name: Name is required"),
    .init(arguments: create + ["--name", "a\u{1B}b", "--url", "https://example.com/", "--event", "job.status"], status: 65, stderrMentions: "name: Name contains control characters"),
    .init(arguments: create + ["--name", "x", "--url", "https://example.com/", "--event", "invoice.paid"], status: 65, stderrMentions: "events: Unknown event \"invoice.paid\""),
    .init(arguments: create + ["--name", "x", "--url", "https://example.com/"], status: 64, stderrMentions: "missing --event"),
    .init(arguments: create + ["--name", "x", "--url", "https://example.com/", "--event", "job.status", "--secret", "two words"], status: 65, stderrMentions: "secret: Secret may hold only printable ASCII"),
    .init(arguments: create + ["--url", "https://example.com/", "--event", "job.status"], status: 64, stderrMentions: "--name"),
    .init(arguments: create + good + ["--colour", "red"], status: 64, stderrMentions: "--colour"),
    .init(arguments: create + good + ["--secret", "s", "--generate-secret"], status: 64, stderrMentions: "--generate-secret"),
    .init(arguments: ["webhooks", "frobnicate"], status: 64, stderrMentions: "frobnicate"),
    .init(arguments: ["webhooks", "show", "0a1b2c3d-0000-4000-8000-000000000000"], status: 66, stderrMentions: "no webhook with id"),
    .init(arguments: ["webhooks", "edit", "0a1b2c3d-0000-4000-8000-000000000000", "--name", "x"], status: 66, stderrMentions: "no webhook with id"),
    .init(arguments: ["webhooks", "delete", "0a1b2c3d-0000-4000-8000-000000000000", "--yes"], status: 66, stderrMentions: "no webhook with id"),
    .init(arguments: ["webhooks", "import", "/nonexistent/file.json"], status: 66, stderrMentions: "/nonexistent/file.json: no such file"),
]

@Suite("CLI: webhooks end to end")
struct WebhookCommandTests {
    @Test("create then list --json shows the record with exactly the SPEC keys")
    func createAndList() throws {
        let sandbox = try Sandbox()
        let created = try sandbox.run(create + good + ["--event", "order.status", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let object = try jsonObject(created.stdout)
        #expect(Set(object.keys) == specKeys)
        #expect(object["name"] as? String == "Billing")
        #expect(object["events"] as? [String] == ["job.status", "order.status"])
        #expect(object["active"] as? Bool == true)
        #expect(object["secret"] as? String == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

        let listed = try sandbox.run(["webhooks", "list", "--json"])
        #expect(listed.status == 0)
        let array = try jsonArray(listed.stdout)
        #expect(array.count == 1)
        #expect(Set(array[0].keys) == specKeys)
        #expect(array[0]["id"] as? String == object["id"] as? String)

        let table = try sandbox.run(["webhooks", "list"])
        #expect(table.stdout.contains("Billing"))
        #expect(table.stdout.contains("https://example.com/hooks"))
        #expect(table.stdout.contains("Active"))
        #expect(!table.stdout.contains("whsec_"), "the table must not print secrets")
    }

    @Test("global options may come before the subcommand, and HOOKDASH_DB works")
    func globalOptionPlacement() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.hookdash(create + good).status == 0)
        let viaEnv = try CLIHarness.run(["webhooks", "list", "--json"], environment: ["HOOKDASH_DB": sandbox.db])
        #expect(try jsonArray(viaEnv.stdout).count == 1)
        let dev = try CLIHarness.run(["--dev", "--db", sandbox.db, "webhooks", "create", "--name", "Local", "--url", "http://127.0.0.1:9/", "--event", "job.status"])
        #expect(dev.status == 0, "\(dev.stderr)")
        let devEnv = try sandbox.run(create + ["--name", "Local2", "--url", "http://localhost:9/", "--event", "job.status"], environment: ["HOOKDASH_DEV": "1"])
        #expect(devEnv.status == 0, "\(devEnv.stderr)")
    }

    @Test("refused commands exit with their code, name the field, and leave the database unchanged", arguments: refusedCases)
    func refused(_ testCase: RefusedCase) throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(create + ["--name", "Existing", "--url", "https://example.com/", "--event", "job.status"]).status == 0)
        let before = sandbox.snapshot()
        let result = try sandbox.run(testCase.arguments)
        #expect(result.status == testCase.status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(testCase.stderrMentions), "stderr: \(result.stderr)")
        #expect(sandbox.snapshot() == before)
    }

    @Test("edit changes only the named fields and bumps updatedAt")
    func edit() throws {
        let sandbox = try Sandbox()
        let created = try jsonObject(try sandbox.run(create + good + ["--json"]).stdout)
        let id = try #require(created["id"] as? String)
        let edited = try sandbox.run(["webhooks", "edit", id, "--name", "Billing (prod)", "--inactive", "--event", "order.status", "--json"])
        #expect(edited.status == 0, "\(edited.stderr)")
        let object = try jsonObject(edited.stdout)
        #expect(object["name"] as? String == "Billing (prod)")
        #expect(object["url"] as? String == "https://example.com/hooks")
        #expect(object["active"] as? Bool == false)
        #expect(object["events"] as? [String] == ["order.status"])
        #expect(object["createdAt"] as? String == created["createdAt"] as? String)

        let prefix = String(id.prefix(8))
        let shown = try sandbox.run(["webhooks", "show", prefix])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("Billing (prod)"))
        #expect(shown.stdout.contains("Inactive"))
        #expect(shown.stdout.hasSuffix("Last 24 h: no attempts\n"), "\(shown.stdout)")

        let invalid = try sandbox.run(["webhooks", "edit", id, "--url", "http://example.com/"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("url"))
        let nothing = try sandbox.run(["webhooks", "edit", id])
        #expect(nothing.status == 64)
        #expect(nothing.stderr.contains("nothing to change"))
    }

    @Test("generated secrets are whsec_ and 32 random bytes")
    func generatedSecret() throws {
        let sandbox = try Sandbox()
        let first = try jsonObject(try sandbox.run(create + good + ["--generate-secret", "--json"]).stdout)
        let second = try jsonObject(try sandbox.run(create + good + ["--generate-secret", "--json"]).stdout)
        let secret = try #require(first["secret"] as? String)
        #expect(secret.hasPrefix("whsec_"))
        #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
        #expect(secret != second["secret"] as? String)
    }

    @Test("a new secret says how long the old one keeps signing, and show repeats it")
    func rotatingTheSecret() throws {
        let sandbox = try Sandbox()
        let created = try jsonObject(try sandbox.run(create + good + ["--generate-secret", "--json"]).stdout)
        let id = try #require(created["id"] as? String)
        let edited = try sandbox.run(["webhooks", "edit", id, "--generate-secret"])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stdout.contains("The previous secret also signs until "), "\(edited.stdout)")
        let shown = try sandbox.run(["webhooks", "show", String(id.prefix(8))])
        #expect(shown.stdout.contains("the previous secret also signs until "), "\(shown.stdout)")
        // A second change within the day keeps the first old secret signing too, and says two.
        let again = try sandbox.run(["webhooks", "edit", id, "--generate-secret"])
        #expect(again.stdout.contains("The 2 previous secrets also sign until "), "\(again.stdout)")
        #expect(try sandbox.run(["webhooks", "show", id]).stdout.contains("the 2 previous secrets also sign until "))
        // Without a secret nothing is signed, the old one neither.
        #expect(try sandbox.run(["webhooks", "edit", id, "--no-secret"]).status == 0)
        #expect(!(try sandbox.run(["webhooks", "show", id]).stdout.contains("previous secret")))
    }

    @Test("a webhook hookdash disabled shows as Disabled with its reason until edit --active resumes it")
    func disabledWebhook() throws {
        let sandbox = try Sandbox()
        let created = try jsonObject(try sandbox.run(create + good + ["--json"]).stdout)
        let id = try #require(created["id"] as? String)
        // What the engine writes when every attempt has failed for 5 days (AutoDisableTests).
        try WebhookStore.open(path: sandbox.db).dbPool.write { db in
            try db.execute(
                sql: "UPDATE webhooks SET active = 0, failingSince = 1, disabledReason = 'every attempt failed for 5 days' WHERE id = ?",
                arguments: [id])
        }
        let listed = try sandbox.run(["webhooks", "list"])
        #expect(listed.stdout.contains("Disabled"), "\(listed.stdout)")
        let shown = try sandbox.run(["webhooks", "show", id])
        #expect(shown.stdout.contains(
            "Status:   Disabled by hookdash: every attempt failed for 5 days; set it Active to resume"), "\(shown.stdout)")
        #expect(try sandbox.run(["webhooks", "edit", id, "--active"]).status == 0)
        let resumed = try sandbox.run(["webhooks", "show", id])
        #expect(resumed.stdout.contains("Status:   Active"), "\(resumed.stdout)")
        #expect(!(try sandbox.run(["webhooks", "list"]).stdout.contains("Disabled")))
    }

    @Test("delete asks on a terminal and refuses without one unless --yes")
    func delete() throws {
        let sandbox = try Sandbox()
        let id = try #require(try jsonObject(try sandbox.run(create + good + ["--json"]).stdout)["id"] as? String)
        let refused = try sandbox.run(["webhooks", "delete", id])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--yes"))
        #expect(try jsonArray(try sandbox.run(["webhooks", "list", "--json"]).stdout).count == 1)
        let deleted = try sandbox.run(["webhooks", "delete", id, "--yes"])
        #expect(deleted.status == 0)
        #expect(deleted.stdout.contains("Billing"))
        #expect(try jsonArray(try sandbox.run(["webhooks", "list", "--json"]).stdout).isEmpty)
    }

    @Test("on a terminal, delete asks and honours the answer")
    func deleteAsksOnTerminal() throws {
        let sandbox = try Sandbox()
        let id = try #require(try jsonObject(try sandbox.run(create + good + ["--json"]).stdout)["id"] as? String)
        // `script` gives the command a real pseudo-terminal; the answer arrives after the prompt.
        func answer(_ reply: String) throws -> CLIResult {
            let command = "'\(CLIHarness.binary)' webhooks delete \(id) --db '\(sandbox.db)'"
            return try CLIHarness.runProgram("/bin/sh", ["-c", "(sleep 0.3; echo \(reply)) | script -qec \"\(command)\" /dev/null"])
        }
        let declined = try answer("n")
        #expect(declined.stdout.contains("Delete webhook \"Billing\""), "\(declined.stdout)")
        #expect(declined.stdout.contains("Not deleted."))
        #expect(try jsonArray(try sandbox.run(["webhooks", "list", "--json"]).stdout).count == 1)
        let accepted = try answer("y")
        #expect(accepted.stdout.contains("Deleted webhook \(id)"), "\(accepted.stdout)")
        #expect(try jsonArray(try sandbox.run(["webhooks", "list", "--json"]).stdout).isEmpty)
    }

    @Test("export and import round-trip losslessly")
    func exportImportRoundTrip() throws {
        let source = try Sandbox()
        #expect(try source.run(create + good + ["--generate-secret"]).status == 0)
        #expect(try source.run(create + ["--name", "Orders 注文 🚀", "--url", "https://[2001:db8::1]:8443/o?x=1", "--event", "order.status", "--inactive"]).status == 0)
        let exportPath = source.folder + "/export.json"
        let exported = try source.run(["webhooks", "export", "--output", exportPath])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("Exported 2 webhooks to"), "\(exported.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: exportPath)
        #expect((attributes[.posixPermissions] as! NSNumber).intValue & 0o777 == 0o600)

        let target = try Sandbox()
        let imported = try target.run(["webhooks", "import", exportPath])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Imported 2 webhooks: 2 created"), "\(imported.stdout)")
        let again = try target.run(["webhooks", "export"])
        #expect(again.stdout == String(decoding: FileManager.default.contents(atPath: exportPath)!, as: UTF8.self))

        // Importing again updates nothing; importing an edit updates by id.
        #expect(try target.run(["webhooks", "import", exportPath]).stdout.contains("2 unchanged"))
        let edited = again.stdout.replacingOccurrences(of: "Orders 注文 🚀", with: "Orders renamed")
        let fromStdin = try target.run(["webhooks", "import", "-"], stdin: Data(edited.utf8))
        #expect(fromStdin.stdout.contains("1 updated"), "\(fromStdin.stdout)\(fromStdin.stderr)")
        #expect(try target.run(["webhooks", "list"]).stdout.contains("Orders renamed"))
    }

    @Test("a broken or invalid import file is refused whole, naming entries and fields")
    func importRefused() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(create + good).status == 0)
        let before = sandbox.snapshot()

        let broken = sandbox.write("broken.json", "[{\"name\": \"x\",")
        let brokenResult = try sandbox.run(["webhooks", "import", broken])
        #expect(brokenResult.status == 65)
        #expect(brokenResult.stderr.contains("not valid JSON"))

        let mixed = sandbox.write("mixed.json", """
        [{"name": "fine", "url": "https://example.com/a", "events": ["job.status"]},
         {"name": "", "url": "http://example.com/", "events": ["nope"]}]
        """)
        let mixedResult = try sandbox.run(["webhooks", "import", mixed])
        #expect(mixedResult.status == 65)
        #expect(mixedResult.stderr.contains("entry 1, name: Name is required"))
        #expect(mixedResult.stderr.contains("entry 1, url: HTTPS is required"))
        #expect(mixedResult.stderr.contains("entry 1, events: Unknown event \"nope\""))
        #expect(sandbox.snapshot() == before)

        let doubtful = sandbox.write("doubtful.json", """
        [{"name": "a", "name": "b", "url": "https://example.com/a", "events": ["job.status"]},
         {"name": "c", "url": "https://example.com/c", "events": ["job.status"],
          "createdAt": "2026-01-02T00:00:00Z", "updatedAt": "2020-01-01T00:00:00Z"},
         {"name": "d", "url": "https://example.com/d", "events": ["job.status"],
          "createdAt": "9999-12-31T23:59:59Z", "updatedAt": "9999-12-31T23:59:59Z"}]
        """)
        let doubtfulResult = try sandbox.run(["webhooks", "import", doubtful])
        #expect(doubtfulResult.status == 65)
        #expect(doubtfulResult.stderr.contains("entry 0, name: appears twice; keep one"), "\(doubtfulResult.stderr)")
        #expect(doubtfulResult.stderr.contains("entry 1, updatedAt: is before createdAt"), "\(doubtfulResult.stderr)")
        // A time ahead would win every later import's "newer" check, and an edit after it
        // wrote the year 10000.
        #expect(doubtfulResult.stderr.contains("entry 2, createdAt: is in the future (9999-12-31T23:59:59Z)"), "\(doubtfulResult.stderr)")
        #expect(sandbox.snapshot() == before)
        #expect(try jsonArray(try sandbox.run(["webhooks", "list", "--json"]).stdout).count == 1)
    }

    @Test("a file that is not a hookdash database is refused with exit 74 and left untouched")
    func foreignDatabase() throws {
        let sandbox = try Sandbox()
        let content = Data("definitely not sqlite".utf8)
        #expect(FileManager.default.createFile(atPath: sandbox.db, contents: content))
        let result = try sandbox.run(["webhooks", "list"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("is not a SQLite database"))
        #expect(FileManager.default.contents(atPath: sandbox.db) == content)
    }

    /// A WAL-mode database cut short was refused as "left untouched", yet gained -wal and -shm files.
    @Test func aTruncatedDatabaseGainsNoSideFiles() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "One", url: "https://example.com/hooks")
        let whole = try #require(FileManager.default.contents(atPath: sandbox.db))
        let cut = sandbox.folder + "/cut.sqlite"
        #expect(FileManager.default.createFile(atPath: cut, contents: whole.prefix(whole.count / 2)))
        let result = try CLIHarness.run(["webhooks", "list", "--db", cut])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("untouched"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cut + "-wal") && !FileManager.default.fileExists(atPath: cut + "-shm"))
        #expect(FileManager.default.contents(atPath: cut) == whole.prefix(whole.count / 2))
    }

    @Test("a database path that cannot be used gives a clear error and exit 74", arguments: [
        ("/", "it is a folder"),
        // The system's words, not Foundation's "The operation could not be completed".
        ("/proc/hookdash-nope/db.sqlite", "cannot create the folder /proc/hookdash-nope: No such file or directory"),
        // It reads as empty, so it passed for a new database and failed as "disk I/O error".
        ("/dev/null", "cannot open the database /dev/null: it is not a regular file"),
    ])
    func unusablePath(_ path: String, _ message: String) throws {
        let result = try CLIHarness.run(create + good + ["--db", path])
        #expect(result.status == 74)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// A name typed in a Latin-1 terminal was stored as "bad�" and the command said "Created".
    @Test func aNameThatIsNotUTF8IsRefused() throws {
        let sandbox = try Sandbox()
        let result = try CLIHarness.runProgram("/bin/sh", ["-c", """
            "\(CLIHarness.binary)" webhooks create --db "\(sandbox.db)" --name "$(printf 'bad\\377')" \
                --url https://example.com/hooks --event job.status
            """])
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("--name is not valid UTF-8 text"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.db), "nothing was created")
        // A database path with such a byte opened a file of another name (the byte became "�").
        let path = try CLIHarness.runProgram("/bin/sh", ["-c", """
            "\(CLIHarness.binary)" webhooks create --db "\(sandbox.folder)/$(printf 'db\\377').sqlite" \
                --name ok --url https://example.com/hooks --event job.status
            """])
        #expect(path.status == 64, "\(path.stderr)")
        #expect(path.stderr.contains("holds bytes that are not UTF-8"), "\(path.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.folder).isEmpty, "no file of another name")
        // U+FFFD itself, typed as such, is a character like any other.
        #expect(try sandbox.run(create + ["--name", "ok \u{FFFD}", "--url", "https://example.com/hooks", "--event", "job.status"]).status == 0)
    }

    /// Foundation said "The operation could not be completed. (NSCocoaErrorDomain error 256.)".
    @Test("a file that cannot be read is explained in the system's words, exit 74")
    func unreadableFile() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "One", url: "https://example.com/hooks")
        let result = try sandbox.run(["emit", "job.status", "--file", "/proc/self/mem"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("/proc/self/mem: cannot read ("), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
    }

    @Test("events prints the catalogue")
    func events() throws {
        let result = try CLIHarness.run(["events", "--json"])
        #expect(result.status == 0)
        let object = try jsonObject(result.stdout)
        let data = try #require(object["data"] as? [[String: String]])
        #expect(data.map { $0["name"] } == ["job.status", "order.status"])
        #expect(data[0]["title"] == "Job Status Updates")
        #expect(data[1]["description"] == "Sent when order status is updated")
        #expect(try CLIHarness.run(["events"]).stdout.contains("Order Status Updates"))
    }

    @Test("--help on every command shows examples", arguments: [
        ["--help"], ["webhooks", "--help"], ["webhooks", "list", "--help"], ["webhooks", "show", "--help"],
        ["webhooks", "create", "--help"], ["webhooks", "edit", "--help"], ["webhooks", "delete", "--help"],
        ["webhooks", "export", "--help"], ["webhooks", "import", "--help"], ["events", "--help"],
        ["webhooks", "test", "--help"], ["emit", "--help"], ["serve", "--help"], ["simulate", "--help"],
        ["simulate", "job", "--help"], ["simulate", "order", "--help"], ["deliveries", "--help"],
        ["deliveries", "list", "--help"], ["deliveries", "show", "--help"], ["redeliver", "--help"],
        ["listen", "--help"], ["console", "--help"],
    ])
    func help(_ arguments: [String]) throws {
        let result = try CLIHarness.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
        #expect(result.stdout.contains("Example"), "\(arguments) has no examples")
    }
}
