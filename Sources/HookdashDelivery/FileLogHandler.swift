import Foundation
import Glibc
import Logging
import NIOConcurrencyHelpers

/// swift-log handler appending lines to a file: the terminal belongs to the console.
/// Callers never put secrets in messages or metadata.
public struct FileLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: FileLogSink

    public init(label: String, sink: FileLogSink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // A format style value, not a formatter per line: `serve` logs every attempt.
        let time = Date().formatted(Self.timeFormat)
        sink.write("\(time) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n")
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension Logger {
    /// The delivery engine's logger, appending to the file at `path` (the console, `serve`,
    /// `webhooks test` and the benchmark all log the same way).
    public static func deliveryLog(path: String) -> Logger {
        let sink = FileLogSink(path: path)
        return Logger(label: "hookdash.delivery") { label in FileLogHandler(label: label, sink: sink) }
    }
}

/// One open log file shared by every logger of a process.
///
/// The file is kept to about `maxBytes`: when it grows past that it becomes `PATH.1` (replacing
/// the previous one) and a new file starts, so a `serve` that runs for months does not fill the
/// disk. Several processes may log to one file (a console and `serve` on one database): a
/// process that finds the file at its path is no longer the one it holds (another rotated it)
/// reopens the path.
public final class FileLogSink: Sendable {
    private struct State {
        var handle: FileHandle?
        var writesSinceCheck = 0
    }

    private let state: NIOLockedValueBox<State>
    private let path: String
    let maxBytes: UInt64
    /// Writes between two size checks (a check is two `stat` calls).
    private let checkEvery: Int

    /// Creates the file (mode 0600) and its folder when missing.
    public init(path: String, maxBytes: UInt64 = 16 << 20, checkEvery: Int = 64) {
        self.path = path
        self.maxBytes = maxBytes
        self.checkEvery = max(1, checkEvery)
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        state = NIOLockedValueBox(State(handle: Self.open(path)))
        // At once too, not only every `checkEvery` writes: a `serve --until-idle` run from
        // cron writes a few dozen lines and exits, and the file only ever grew.
        state.withLockedValue { rotateIfNeeded(&$0) }
    }

    /// Appends text as it is (a log line, or a notify command's output), rotating as needed.
    public func write(_ line: String) {
        state.withLockedValue { state in
            state.writesSinceCheck += 1
            if state.writesSinceCheck >= checkEvery {
                state.writesSinceCheck = 0
                rotateIfNeeded(&state)
            }
            // A full disk loses log lines, never the process: the attempts are in the database.
            try? state.handle?.write(contentsOf: Data(line.utf8))
        }
    }

    private func rotateIfNeeded(_ state: inout State) {
        guard let handle = state.handle else {
            state.handle = Self.open(path)
            return
        }
        var held = stat()
        var current = stat()
        guard fstat(handle.fileDescriptor, &held) == 0 else { return }
        let pathIsOurs = stat(path, &current) == 0 && current.st_ino == held.st_ino && current.st_dev == held.st_dev
        if pathIsOurs, UInt64(held.st_size) < maxBytes { return }
        if pathIsOurs { _ = rename(path, path + ".1") }
        try? handle.close()
        state.handle = Self.open(path)
    }

    /// O_APPEND: with several processes writing, every line lands at the end instead of over
    /// another process's lines at a stale offset.
    private static func open(_ path: String) -> FileHandle? {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
