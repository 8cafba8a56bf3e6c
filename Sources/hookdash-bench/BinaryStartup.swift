import Foundation

/// Times the real `hookdash` binary from exec to its first frame on a pseudo-terminal: what a
/// person waits for after pressing Enter (process start, database open, reads, ncurses set-up).
enum BinaryStartup {
    struct Result {
        let milliseconds: Double
        let bytes: Int
        /// The console's peak resident memory (VmHWM) once its first frame is up.
        let peakKilobytes: Int?
    }

    enum Failure: Error, CustomStringConvertible {
        case noPty
        case noFrame(String)

        var description: String {
            switch self {
            case .noPty: "cannot open a pseudo-terminal"
            case .noFrame(let output): "no first frame within 10 s; the console printed: \(output.suffix(400))"
            }
        }
    }

    /// Starts `binary --db path` on a 120×40 pty, waits until a frame with the loaded table
    /// ("Webhooks (N)") and the footer's "quit" (the last thing a frame draws) has arrived,
    /// then presses q and waits for the process to end.
    static func measure(binary: String, databasePath: String) throws -> Result {
        // Linux's devpts directly (Glibc's module exports neither grantpt/unlockpt/ptsname nor
        // the _IOW macros): unlock the new pty, then ask for its number. asm-generic values.
        let TIOCSPTLCK: UInt = 0x4004_5431
        let TIOCGPTN: UInt = 0x8004_5430
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0
        else { throw Failure.noPty }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        guard let slave = FileHandle(forUpdatingAtPath: slavePath) else { throw Failure.noPty }
        defer { close(master) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--db", databasePath]
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = nil
        process.environment = environment
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        let started = DispatchTime.now()
        try process.run()
        try slave.close()

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let marker = Array("quit".utf8)
        // The table's title carries the count only once the rows are loaded: a frame drawn over
        // a failed read (an error toast) does not count.
        let loaded = Array("Webhooks (".utf8)
        func contains(_ needle: [UInt8]) -> Bool {
            output.count >= needle.count
                && output.indices.dropLast(needle.count - 1).contains { output[$0..<$0 + needle.count].elementsEqual(needle) }
        }
        var elapsed: Double?
        let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        while elapsed == nil, DispatchTime.now().uptimeNanoseconds < deadline {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { break }
            output += buffer[0..<count]
            if contains(marker), contains(loaded) {
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
            }
        }
        // Let the first poll and the engine's start run before reading the high-water mark.
        usleep(300_000)
        let peak = peakKilobytes(pid: process.processIdentifier)
        _ = "q".utf8.withContiguousStorageIfAvailable { write(master, $0.baseAddress, $0.count) }
        // Drain so the console never blocks on a full pty while quitting.
        let quitDeadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < quitDeadline {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 50) > 0 { _ = read(master, &buffer, buffer.count) }
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        guard let elapsed else { throw Failure.noFrame(String(decoding: output, as: UTF8.self)) }
        return Result(milliseconds: elapsed, bytes: output.count, peakKilobytes: peak)
    }

    static func peakKilobytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}
