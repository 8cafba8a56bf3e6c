import Foundation
import HookdashReceiver

/// Where the benchmark's requests go.
protocol BenchReceiver {
    func url(path: String) -> String
    var port: Int { get }
    var requestCount: Int { get }
    /// The receiver's own CPU time so far (user+system), when it runs in a process of its own.
    var cpuSeconds: Double? { get }
    func stop() async
}

/// The old way, kept for comparison (`--in-process-receiver`): the server shares the engine's
/// process and NIO event loops.
struct InProcessReceiver: BenchReceiver {
    let receiver: Receiver

    func url(path: String) -> String { receiver.url(path: path) }
    var port: Int { receiver.port }
    var requestCount: Int { receiver.requestCount }
    var cpuSeconds: Double? { nil }
    func stop() async { await receiver.stop() }
}

/// The benchmark's receiver runs in a process of its own (this binary, `receive` mode), as a
/// real endpoint would: the engine under test then does not share its event loops with the
/// server, and `wrk` measures the very same server.
final class ReceiverProcess: BenchReceiver {
    let port: Int
    private let process: Process
    private let commands: FileHandle
    private let replies: FileHandle

    private init(port: Int, process: Process, commands: FileHandle, replies: FileHandle) {
        self.port = port
        self.process = process
        self.commands = commands
        self.replies = replies
    }

    static func launch() throws -> ReceiverProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["receive"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let replies = output.fileHandleForReading
        guard let line = readLine(replies), line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw BenchError.receiverDidNotStart
        }
        return ReceiverProcess(port: port, process: process, commands: input.fileHandleForWriting, replies: replies)
    }

    func url(path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var requestCount: Int {
        commands.write(Data("count\n".utf8))
        return readLine(replies).flatMap { Int($0) } ?? -1
    }

    var cpuSeconds: Double? {
        commands.write(Data("cpu\n".utf8))
        return readLine(replies).flatMap { Double($0) }
    }

    /// Closing its stdin stops the receiver.
    func stop() {
        try? commands.close()
        process.waitUntilExit()
    }

    /// The child side: serves until stdin closes, answering `count` with the requests seen and
    /// `cpu` with its CPU seconds so far.
    static func serve() async throws {
        let receiver = try await Receiver.start(keepsRequests: false)
        // Unbuffered writes: the parent waits for each reply.
        let output = FileHandle.standardOutput
        output.write(Data("port \(receiver.port)\n".utf8))
        while let line = Swift.readLine() {
            switch line {
            case "count": output.write(Data("\(receiver.requestCount)\n".utf8))
            case "cpu": output.write(Data("\(Measure.processCPUSeconds())\n".utf8))
            default: break
            }
        }
        await receiver.stop()
    }
}

enum BenchError: Error, CustomStringConvertible {
    case receiverDidNotStart
    case wrkMissing(path: String)

    var description: String {
        switch self {
        case .receiverDidNotStart: "the benchmark's receiver process did not start"
        case .wrkMissing(let path):
            "\(path) not found: the receiver's ceiling is measured with wrk; install it with scripts/ensure-deps bench (Debian package wrk)"
        }
    }
}

/// One line from a pipe (byte by byte: only a few short replies are read).
private func readLine(_ handle: FileHandle) -> String? {
    var bytes: [UInt8] = []
    while true {
        let data = handle.readData(ofLength: 1)
        guard let byte = data.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
        if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(byte)
    }
}
