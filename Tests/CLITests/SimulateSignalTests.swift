import Foundation
import Testing

/// `simulate job` stopped between steps (Ctrl-C, a stop signal) left the job RUNNING for good
/// at the receivers, and with its output in a file, even the message ids it had queued were lost.
@Suite("CLI: simulate job interrupted")
struct SimulateSignalTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedJobStillEnds(signal: Int32) throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "Jobs", url: "https://jobs.example.com/in")
        let outputPath = sandbox.folder + "/out.txt"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["simulate", "job", "--interval", "30", "--db", sandbox.db]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        func output() -> String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
        while !output().contains("job PENDING"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(output().contains("job PENDING"), "the first step is in the file at once")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()

        #expect(process.terminationStatus == 128 + signal)
        let lines = output().split(separator: "\n")
        #expect(lines.count == 7 || lines.count == 9, "\(lines)")
        #expect(lines.last?.contains("job SUCCEEDED") == true, "\(lines)")
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("interrupted: the job's remaining steps were queued at once"), "\(stderr)")
    }
}
