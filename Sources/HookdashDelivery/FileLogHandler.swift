import Foundation
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
        let time = ISO8601DateFormatter().string(from: Date())
        sink.write("\(time) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n")
    }
}

/// One open log file shared by every logger of a process.
public final class FileLogSink: Sendable {
    private let handle: NIOLockedValueBox<FileHandle?>

    /// Creates the file (mode 0600) and its folder when missing.
    public init(path: String) {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
        self.handle = NIOLockedValueBox(handle)
    }

    func write(_ line: String) {
        handle.withLockedValue { $0?.write(Data(line.utf8)) }
    }
}
