import Foundation
import Logging
import Testing
@testable import HookdashDelivery

@Suite struct FileLogTests {
    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func theLogIsKeptToItsSizeWithOneOlderFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite.delivery.log").path
        let sink = FileLogSink(path: path, maxBytes: 2_000, checkEvery: 1)
        let logger = Logger(label: "test") { FileLogHandler(label: $0, sink: sink) }
        for index in 0..<500 { logger.info("attempt", metadata: ["n": "\(index)"]) }

        let current = lines(path), older = lines(path + ".1")
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        #expect(size(path) <= 2_000 + 200)
        #expect(size(path + ".1") <= 2_000 + 200)
        #expect(current.last?.hasSuffix("n=499") == true)
        // Nothing is lost between the two files: the newest lines run on without a gap.
        let numbers = (older + current).compactMap { $0.split(separator: "=").last.flatMap { Int($0) } }
        #expect(numbers == Array((numbers.first ?? 0)...499))
        #expect(try mode(of: path) == 0o600)
        // Each line: ISO-8601 time with milliseconds, level, label, message, metadata.
        #expect(current.last?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info test: attempt n=499$"#, options: .regularExpression) != nil)
    }

    /// A short run (`serve --until-idle` from cron) writes fewer lines than the check
    /// interval: a log already past its size is rotated when a process opens it.
    @Test func aLogAlreadyTooLargeIsRotatedWhenOpened() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("db.sqlite.delivery.log").path
        try String(repeating: "old line\n", count: 500).write(toFile: path, atomically: false, encoding: .utf8)
        let sink = FileLogSink(path: path, maxBytes: 2_000)
        sink.write("first line of this run\n")
        #expect(lines(path) == ["first line of this run"])
        #expect(lines(path + ".1").count == 500)
    }

    @Test func twoProcessesOnOneLogNeitherOverwriteNorLoseLines() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("shared.log").path
        // Two sinks on one path behave like two processes: separate descriptors.
        let first = FileLogSink(path: path, maxBytes: 1 << 30)
        let second = FileLogSink(path: path, maxBytes: 1 << 30)
        for index in 0..<200 {
            first.write("first \(index)\n")
            second.write("second \(index)\n")
        }
        let all = lines(path)
        #expect(all.count == 400)
        #expect(all.filter { $0.hasPrefix("first ") }.count == 200)
        #expect(all.filter { $0.hasPrefix("second ") }.count == 200)

        // When one rotates, the other notices at its next check and follows to the new file.
        let rotating = FileLogSink(path: path, maxBytes: 100, checkEvery: 1)
        let follower = FileLogSink(path: path, maxBytes: 1 << 30, checkEvery: 1)
        rotating.write("rotating 1\n")
        follower.write("follower 1\n")
        #expect(lines(path) == ["rotating 1", "follower 1"])
        #expect(lines(path + ".1").count == 400)
    }

    /// /dev/full fails every write with ENOSPC, as a full disk does: lines are lost, the
    /// process is not (Foundation's `FileHandle.write(_:)` used to trap here and took `serve`
    /// and the console down with it).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
    func aFullDiskLosesLinesButNeverCrashes() {
        let sink = FileLogSink(path: "/dev/full", checkEvery: 1)
        let logger = Logger(label: "test") { FileLogHandler(label: $0, sink: sink) }
        for index in 0..<100 { logger.error("recording attempts failed", metadata: ["n": "\(index)"]) }
    }

    func mode(of path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber)?.intValue ?? 0
    }
}
