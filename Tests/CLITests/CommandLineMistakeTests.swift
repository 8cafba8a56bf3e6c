import Foundation
import Testing
@testable import HookdashCLI

/// Mistakes people make on the command line, and the words and exit codes they get back.
@Suite struct CommandLineMistakeTests {
    @Test(arguments: [
        (["webhook", "list"], "unknown command 'webhook' (did you mean 'webhooks'?)"),
        (["servr"], "unknown command 'servr' (did you mean 'serve'?)"),
        (["delivery"], "unknown command 'delivery' (did you mean 'deliveries'?)"),
        (["list"], "unknown command 'list' (did you mean 'webhooks list' or 'deliveries list'?)"),
        (["show", "abcd"], "unknown command 'show' (did you mean 'webhooks show' or 'deliveries show'?)"),
        (["help", "webhook"], "unknown command 'webhook' (did you mean 'webhooks'?)"),
        (["webhooks", "rm", "abcd"], "hookdash webhooks has no command 'rm'; it takes one of: list, show"),
        (["deliveries", "ls"], "hookdash deliveries has no command 'ls'; it takes one of:"),
        (["webhooks", "delet", "1234"], "hookdash webhooks has no command 'delet' (did you mean 'delete'?)"),
        (["simulate", "jobs"], "hookdash simulate has no command 'jobs' (did you mean 'job'?); it takes one of: job, order"),
        (["--db", "/nonexistent/x.sqlite", "simulate"], "hookdash simulate needs one of: job, order"),
        (["--theme", "light", "webhooks", "list"], "--theme belongs to the console, not to hookdash webhooks"),
    ])
    func mistypedCommandWordsAreNamed(arguments: [String], message: String) throws {
        let result = try CLIHarness.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage: hookdash console"), "the console's usage is not the answer: \(result.stderr)")
    }

    @Test(arguments: [
        (["deliveries", "--limit", "-1"], "--limit must be at least 1"),
        (["listen", "--port", "-1"], "--port must be 0…65535"),
        (["listen", "--delay", "-5"], "--delay must not be negative"),
        (["serve", "--concurrency", "-3"], "--concurrency and --per-endpoint must be positive"),
        (["serve", "--disable-after", "-5m"], "--disable-after: '-5m' is not a duration above zero such as 5d, 12h or 30m, or never"),
        (["serve", "--disable-after", "0s"], "--disable-after: '0s' is not a duration above zero"),
    ])
    func aNegativeNumberGetsItsOwnMessage(arguments: [String], message: String) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func anEmptyDatabasePathIsRefusedInsteadOfMeaningTheDefault() throws {
        let sandbox = try Sandbox()
        let dataHome = sandbox.folder + "/data"
        let result = try CLIHarness.run(
            ["--db", "", "webhooks", "create", "--name", "x", "--url", "https://example.com/", "--event", "job.status"],
            environment: ["XDG_DATA_HOME": dataHome])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--db needs a file path"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dataHome + "/hookdash/hookdash.sqlite"))
    }

    @Test func readingAMistypedDatabasePathCreatesNothing() throws {
        let sandbox = try Sandbox()
        let typo = sandbox.folder + "/typo/hookdash.sqlite"
        // Commands that write but need webhooks to do anything refuse it too: they made an
        // empty database there and sent nowhere (emit exited 0).
        for arguments in [
            ["webhooks", "list"], ["deliveries"], ["webhooks", "export"], ["emit", "job.status"],
            ["simulate", "order"], ["webhooks", "test", "abcd1234"],
        ] {
            let result = try CLIHarness.run(arguments + ["--db", typo], stdin: Data("{}".utf8))
            #expect(result.status == 66, "\(arguments)")
            #expect(result.stderr.contains("no database at \(typo)"), "\(result.stderr)")
        }
        let empty = sandbox.folder + "/empty.sqlite"
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        let emptyResult = try CLIHarness.run(["webhooks", "list", "--db", empty])
        #expect(emptyResult.status == 66 && emptyResult.stderr.contains("is an empty file, not a database yet"))
        #expect((try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int) == 0, "left empty")
        let fromEnvironment = try CLIHarness.run(["webhooks", "list"], environment: ["HOOKDASH_DB": typo])
        #expect(fromEnvironment.status == 66)
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/typo"))
    }

    /// The README promises that reading never creates a database; on a machine with none yet,
    /// listings read as empty and lookups say there is nothing yet.
    @Test func readingBeforeAnyDatabaseExistsCreatesNone() throws {
        let sandbox = try Sandbox()
        let dataHome = sandbox.folder + "/data"
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLIHarness.run(arguments, stdin: Data("{}".utf8), environment: ["XDG_DATA_HOME": dataHome, "HOOKDASH_DB": ""])
        }
        for (arguments, output) in [
            (["webhooks", "list"], "No webhooks yet."), (["webhooks", "list", "--json"], "[]"),
            (["webhooks", "export"], "[]"), (["deliveries"], "No deliveries."), (["deliveries", "--json"], "[]"),
        ] {
            let result = try run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.hasPrefix(output), "\(arguments): \(result.stdout)")
        }
        for arguments in [
            ["webhooks", "show", "abcd1234"], ["emit", "job.status"], ["simulate", "order"], ["webhooks", "test", "abcd1234"],
            ["deliveries", "--webhook", "abcd1234"], ["deliveries", "show", "abcd1234"], ["redeliver", "--failed"],
            ["webhooks", "delete", "abcd1234", "--yes"],
        ] {
            let result = try run(arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("there is no database"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dataHome + "/hookdash"))
    }

    /// `--db` works before, between or after the command words, and the last one given wins:
    /// a script appending an override wrote to the earlier, global one.
    @Test func theDatabaseOptionGoesAnywhereAndTheLastOneWins() throws {
        let sandbox = try Sandbox()
        let other = sandbox.folder + "/other.sqlite"
        let created = try CLIHarness.run([
            "--db", sandbox.db, "webhooks", "create", "--name", "x", "--url", "https://example.com/", "--event", "job.status",
            "--db", other,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: other))
        #expect(!FileManager.default.fileExists(atPath: sandbox.db), "the later --db won")
        let between = try CLIHarness.run(["webhooks", "--db", other, "list"])
        #expect(between.status == 0, "\(between.stderr)")
        #expect(between.stdout.contains("https://example.com/"))
        let devBetween = try CLIHarness.run(["webhooks", "--dev", "--db=\(other)", "list", "--json"])
        #expect(devBetween.status == 0, "\(devBetween.stderr)")
    }

    @Test func anEmptyFileAdoptedAsTheDatabaseBecomesPrivate() throws {
        let sandbox = try Sandbox()
        #expect(FileManager.default.createFile(atPath: sandbox.db, contents: nil, attributes: [.posixPermissions: 0o644]))
        #expect(try sandbox.run(["webhooks", "create", "--name", "x", "--url", "https://example.com/", "--event", "job.status"]).status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: sandbox.db)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anIdPrefixThatStartsTwoWebhooksIsCalledAmbiguous() throws {
        let sandbox = try Sandbox()
        let entries = ["abcd1234-0000-4000-8000-000000000001", "abcd1234-0000-4000-8000-000000000002"].map { id in
            #"{"id":"\#(id)","name":"n","url":"https://example.com/","events":["job.status"],"active":true}"#
        }
        let file = sandbox.write("two.json", "[" + entries.joined(separator: ",") + "]")
        #expect(try sandbox.run(["webhooks", "import", file]).status == 0)
        let ambiguous = try sandbox.run(["webhooks", "show", "abcd1234"])
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("abcd1234 starts the id of more than one webhook"), "\(ambiguous.stderr)")
        #expect(ambiguous.stderr.contains("give more of the id"))
        let short = try sandbox.run(["webhooks", "show", "abc"])
        #expect(short.status == 66)
        #expect(short.stderr.contains("needs at least 4 characters"), "\(short.stderr)")
        #expect(try sandbox.run(["webhooks", "show", "abcd1234-0000-4000-8000-000000000002"]).status == 0)
    }

    @Test func theExportIsNeverWrittenOverTheDatabase() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(["webhooks", "create", "--name", "x", "--url", "https://example.com/", "--event", "job.status"]).status == 0)
        let before = sandbox.snapshot()
        for target in [sandbox.db, sandbox.folder + "/./hookdash.sqlite", sandbox.db + "-wal"] {
            let result = try sandbox.run(["webhooks", "export", "--output", target])
            #expect(result.status == 64, "\(target)")
            #expect(result.stderr.contains("writing the export there would destroy it"), "\(result.stderr)")
        }
        #expect(sandbox.snapshot() == before)
        let dash = try sandbox.run(["webhooks", "export", "--output", "-"])
        #expect(dash.status == 0 && dash.stdout.hasPrefix("["))
    }

    /// The export used to rename a file over whatever the path named: a link became a file
    /// (its target kept the old export), a pipe's reader got nothing, /dev/null was replaced.
    @Test func theExportFollowsLinksAndWritesIntoPipes() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(["webhooks", "create", "--name", "x", "--url", "https://example.com/", "--event", "job.status"]).status == 0)
        let target = sandbox.write("target.json", "old")
        let link = sandbox.folder + "/link.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.json")
        #expect(try sandbox.run(["webhooks", "export", "--output", link]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.json", "the link stays")
        #expect((try String(contentsOfFile: target, encoding: .utf8)).hasPrefix("["), "its target has the export")

        let fifo = sandbox.folder + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        nonisolated(unsafe) var received = Data()
        let reader = Thread { received = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        reader.start()
        #expect(try sandbox.run(["webhooks", "export", "--output", fifo]).status == 0)
        let deadline = Date().addingTimeInterval(5)
        while received.isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("["), "the reader got the export")
        var info = stat()
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a pipe")
    }

    /// Re-importing an entry that leaves out "secret" and "active" used to clear the secret
    /// and switch the webhook on; and an update took the file's (older) updatedAt.
    @Test func anImportKeepsWhatItDoesNotMention() throws {
        let sandbox = try Sandbox()
        let id = "abcd1234-0000-4000-8000-000000000001"
        let full = sandbox.write("full.json", #"[{"id":"\#(id)","name":"n","url":"https://example.com/","events":["job.status"],"active":false,"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]"#)
        #expect(try sandbox.run(["webhooks", "import", full]).status == 0)
        let partial = sandbox.write("partial.json", #"[{"id":"\#(id)","name":"renamed","url":"https://example.com/","events":["job.status"],"updatedAt":"2020-01-01T00:00:00Z"}]"#)
        // Dated 2020, the entry is older than the webhook: only --overwrite replaces it.
        let refused = try sandbox.run(["webhooks", "import", partial])
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("webhook abcd1234 (n) changed in the database after the file's updatedAt"), "\(refused.stderr)")
        let result = try sandbox.run(["webhooks", "import", partial, "--overwrite"])
        #expect(result.stdout.contains("1 updated"), "\(result.stdout)")
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["webhooks", "show", id, "--json"]).stdout.utf8)) as? [String: Any])
        #expect(shown["name"] as? String == "renamed")
        #expect(shown["secret"] as? String == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(shown["active"] as? Bool == false)
        #expect((shown["updatedAt"] as? String ?? "") >= (shown["createdAt"] as? String ?? "~"), "updated now, not in 2020")
    }

    /// Re-importing an older export silently undid a later edit. Now the whole import stops
    /// (75), nothing written; an export taken after the edit imports as usual.
    @Test func anOlderExportDoesNotUndoALaterEdit() throws {
        let sandbox = try Sandbox()
        let first = try sandbox.createWebhook(name: "first", url: "https://one.example.com/")
        let second = try sandbox.createWebhook(name: "second", url: "https://two.example.com/")
        let backup = sandbox.folder + "/backup.json"
        #expect(try sandbox.run(["webhooks", "export", "-o", backup]).status == 0)
        // Times are kept to the second (SPEC §1's ISO-8601); an edit in the export's second
        // still counts as later (WebhookStoreTests pins that exactly).
        #expect(try sandbox.run(["webhooks", "edit", second, "--name", "edited by ops"]).status == 0)
        var entries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: backup))) as? [[String: Any]])
        for index in entries.indices { entries[index]["name"] = "renamed \(index)" }
        let edited = sandbox.folder + "/edited.json"
        try JSONSerialization.data(withJSONObject: entries).write(to: URL(fileURLWithPath: edited))

        let refused = try sandbox.run(["webhooks", "import", edited])
        #expect(refused.status == 75)
        #expect(refused.stderr.contains("webhook \(second.prefix(8)) (edited by ops) changed in the database after the file's updatedAt"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--overwrite"))
        let names = try sandbox.run(["webhooks", "list", "--json"]).stdout
        #expect(names.contains("\"first\"") && names.contains("edited by ops"), "nothing was imported: \(names)")
        _ = first

        let fresh = sandbox.folder + "/fresh.json"
        #expect(try sandbox.run(["webhooks", "export", "-o", fresh]).status == 0)
        let imported = try sandbox.run(["webhooks", "import", fresh])
        #expect(imported.status == 0 && imported.stdout.contains("2 unchanged"), "\(imported.stdout)\(imported.stderr)")
    }

    @Test func editingAnHTTPWebhookWithoutDevSaysItIsTheStoredURL() throws {
        let sandbox = try Sandbox()
        let id = try sandbox.createWebhook(name: "local", url: "http://127.0.0.1:9/x")
        let result = try sandbox.run(["webhooks", "edit", id, "--inactive"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("this webhook's URL http://127.0.0.1:9/x is plain http://, which only development mode allows; add --dev"), "\(result.stderr)")
        #expect(try sandbox.run(["webhooks", "edit", id, "--inactive", "--dev"]).status == 0)
    }

    @Test func deliveriesSaysWhenTheListWasCut() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "x", url: "http://127.0.0.1:9/x")
        for _ in 0..<3 { #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0) }
        let cut = try sandbox.run(["deliveries", "--limit", "2"])
        #expect(cut.stdout.split(separator: "\n").count == 3)  // heading and 2 rows
        #expect(cut.stderr.contains("the newest 2 shown; more match"), "\(cut.stderr)")
        let whole = try sandbox.run(["deliveries", "--limit", "3"])
        #expect(whole.stderr.isEmpty, "\(whole.stderr)")
        let json = try sandbox.run(["deliveries", "--json"])
        #expect(json.stdout.contains(#""id": ""#) && json.stdout.hasPrefix("[\n  {\n    \"id\""), "\(json.stdout)")
    }

    @Test(arguments: ["2026-12-01", "2026-12-01T09:30", "2026-12-01T09:30:00", "2026-12-01T09:30+01:00"])
    func sinceTakesADateOrATimeWithoutSeconds(text: String) throws {
        let since = try #require(SinceOption(argument: text))
        let utc = ISO8601DateFormatter()
        let expected: [String: String] = [
            "2026-12-01": "2026-12-01T00:00:00Z", "2026-12-01T09:30": "2026-12-01T09:30:00Z",
            "2026-12-01T09:30:00": "2026-12-01T09:30:00Z", "2026-12-01T09:30+01:00": "2026-12-01T08:30:00Z",
        ]
        #expect(utc.string(from: since.start(Date())) == expected[text])
    }

    @Test func aConfigCommentNeedsASpaceBeforeItAndIsNotInsideQuotes() throws {
        let text = "notify = echo \"a # b\" 'c # d' x#y # a comment\r\ntheme = light\r\n# whole line\r\n"
        let config = try UserConfig.parse(text, path: "config")
        #expect(config["notify"]?.value == "echo \"a # b\" 'c # d' x#y")
        #expect(config["theme"]?.value == "light")
        #expect(config["theme"]?.line == 2)
    }

    /// A mistyped event is named with the one meant, as mistyped commands are.
    @Test func aMistypedEventSuggestsTheOneMeant() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "One", url: "https://example.com/hooks")
        let typo = try sandbox.run(["emit", "order.stauts"], stdin: Data("{}".utf8))
        #expect(typo.status == 65)
        #expect(typo.stderr.contains("unknown event 'order.stauts' (did you mean 'order.status'?)"), "\(typo.stderr)")
        let unknown = try sandbox.run(["emit", "invoice.paid"], stdin: Data("{}".utf8))
        #expect(unknown.stderr.contains("unknown event 'invoice.paid' (known: job.status, order.status)"), "\(unknown.stderr)")
    }

    /// "cannot read the config file PATH" gave no reason.
    @Test func aConfigFileThatCannotBeReadSaysWhy() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.folder + "/config/hookdash/config", withIntermediateDirectories: true)
        let result = try sandbox.run(["serve", "--until-idle"], environment: ["XDG_CONFIG_HOME": sandbox.folder + "/config"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("cannot read the config file \(sandbox.folder)/config/hookdash/config: it is a folder"), "\(result.stderr)")
        // XDG_CONFIG_HOME naming a file hid every setting without a word.
        let file = sandbox.write("not-a-folder", "x")
        let notFolder = try sandbox.run(["serve", "--until-idle"], environment: ["XDG_CONFIG_HOME": file])
        #expect(notFolder.status == 74)
        #expect(notFolder.stderr.contains("cannot read the config file \(file)/hookdash/config: Not a directory"), "\(notFolder.stderr)")
    }

    /// `--notify ''` runs no command this time, whatever the config file says; it was refused.
    @Test func anEmptyNotifyFlagTurnsTheConfigFilesCommandOff() throws {
        let config = try UserConfig.parse("notify = logger -t hookdash\n", path: "config")
        #expect(try NotifyOptions.parse([]).command(config: config) == "logger -t hookdash")
        #expect(try NotifyOptions.parse(["--notify", "echo hi"]).command(config: config) == "echo hi")
        #expect(try NotifyOptions.parse(["--notify", ""]).command(config: config) == nil)
        #expect(try NotifyOptions.parse(["--notify", " "]).command(config: config) == nil)
    }

    /// An export to a full disk must not exit 0 with half a backup written.
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "needs /dev/full"))
    func anOutputThatCannotBeWrittenFailsTheCommand() throws {
        let sandbox = try Sandbox()
        // Past stdio's buffer (4 KiB) the output is written at once, not flushed at exit: 30
        // webhooks export about 8 KB.
        for index in 0..<30 {
            #expect(try sandbox.run([
                "webhooks", "create", "--name", "x\(index)", "--url", "https://example.com/\(index)", "--event", "job.status",
            ]).status == 0)
        }
        for arguments in [["webhooks", "export"], ["webhooks", "list", "--json"], ["events"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
            process.arguments = arguments + ["--db", sandbox.db]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 74, "\(arguments)")
            #expect(stderr.contains("could not write the output (No space left on device)"), "\(stderr)")
        }
        // An emit's work is done when its report is lost: exit 0 (a retry would queue it
        // twice), but said on stderr; it was silent.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["emit", "job.status", "--json", "--db", sandbox.db]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("{}".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(stderr.contains("done, but its output could not be written (No space left on device)"), "\(stderr)")
        #expect(try sandbox.run(["deliveries", "--json"]).stdout.contains("\"status\": \"pending\""), "queued")
    }

    @Test func aThemeFileThatIsNotTextSaysSo() throws {
        let sandbox = try Sandbox()
        let path = sandbox.folder + "/binary.theme"
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0xFF, 0xFE, 0x00, 0x80])))
        #expect(throws: InvalidInput.self) { try ThemeLoader.load(name: path, environment: [:]) }
        do {
            _ = try ThemeLoader.load(name: path, environment: [:])
        } catch let error as InvalidInput {
            #expect(error.message == "theme file \(path) is not UTF-8 text")
        }
    }

    @Test func aConfigLinkToAMissingFileIsReported() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.folder + "/hookdash", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.folder + "/hookdash/config", withDestinationPath: "/nonexistent/config")
        let result = try sandbox.run(["serve", "--until-idle"], environment: ["XDG_CONFIG_HOME": sandbox.folder])
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("links to /nonexistent/config, which does not exist"), "\(result.stderr)")
    }
}
