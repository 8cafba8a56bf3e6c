import Foundation

/// Runs the real `hookdash` binary as a subprocess.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLIHarness {
    /// The binary SwiftPM built beside the test bundle (or HOOKDASH_BIN).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["HOOKDASH_BIN"] { return override }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // `swift test` runs .build/<triple>/debug/hookdashPackageTests.xctest
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("hookdash").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("hookdash").path
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        try runProgram(binary, arguments, stdin: stdin, environment: environment)
    }

    static func runProgram(_ program: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "HOOKDASH_DB")
        env.removeValue(forKey: "HOOKDASH_DEV")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.wait()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary folder with a database path, removed afterwards.
final class Sandbox {
    let folder: String
    var db: String { folder + "/hookdash.sqlite" }

    init() throws {
        folder = NSTemporaryDirectory() + "hookdash-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func hookdash(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        try CLIHarness.run(["--db", db] + arguments, stdin: stdin, environment: environment)
    }

    /// Subcommand options follow the subcommand: `hookdash webhooks create --db …`.
    func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        try CLIHarness.run(arguments + ["--db", db], stdin: stdin, environment: environment)
    }

    /// Creates a webhook with `--dev` (so it may point at a loopback listener); returns its id.
    func createWebhook(name: String, url: String, events: [String] = ["job.status"]) throws -> String {
        let created = try run(
            ["webhooks", "create", "--dev", "--name", name, "--url", url, "--json"] + events.flatMap { ["--event", $0] })
        guard created.status == 0,
              let id = (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["id"] as? String
        else { throw CLITestFailure("webhooks create failed: \(created.stderr)") }
        return id
    }

    /// The console on this sandbox's database in a 100×30 tmux session, which stays open
    /// (`sleep 30`) after the console exits so its last screen can still be read.
    func console(dev: Bool = false) throws -> TmuxSession {
        try TmuxSession(width: 100, height: 30, command: "\(CLIHarness.binary) --db \(db)\(dev ? " --dev" : ""); sleep 30")
    }

    /// The database's bytes (main file and write-ahead log), to prove a refused command wrote
    /// nothing. A missing log and an empty one hold the same (no) content.
    func snapshot() -> [Data] {
        [FileManager.default.contents(atPath: db) ?? Data(), FileManager.default.contents(atPath: db + "-wal") ?? Data()]
    }

    func write(_ name: String, _ text: String) -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}

struct CLITestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
