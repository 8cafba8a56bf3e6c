import Foundation
import Testing

/// Output redirected to a full disk (/dev/full fails every write with ENOSPC) loses lines,
/// never the work: `serve >> serve.log` on a full disk still delivers, and exit codes stay true.
@Suite("CLI: output to a full disk")
struct FullOutputTests {
    static let devFull = "/dev/full"

    func runWithOutputToFullDisk(_ arguments: [String], stdin: String = "") throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOOKDASH_DB"] = nil
        environment["HOOKDASH_DEV"] = nil
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: Self.devFull)
        process.standardError = FileHandle(forWritingAtPath: Self.devFull)
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: devFull), "needs /dev/full"))
    func serveDeliversAndCommandsKeepTheirExitCodes() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder)
        _ = try sandbox.createWebhook(name: "Logged", url: "http://127.0.0.1:\(listener.port)/hooks")
        #expect(try runWithOutputToFullDisk(["emit", "job.status", "--db", sandbox.db], stdin: "{}") == 0)
        #expect(try runWithOutputToFullDisk(["serve", "--dev", "--until-idle", "--db", sandbox.db]) == 0)
        let delivered = try sandbox.run(["deliveries", "--status", "succeeded", "--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(delivered.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 1, "\(delivered.stdout)")
        #expect(try runWithOutputToFullDisk(["emit", "no.such.event", "--db", sandbox.db], stdin: "{}") == 65)
    }
}
