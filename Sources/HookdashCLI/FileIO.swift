import Foundation
import Synchronization

enum FileInput {
    /// Reads a file, or standard input for "-", with messages that name the file. With a
    /// limit, reads no more than that many bytes, so a huge input is not read whole.
    static func read(_ path: String, atMost limit: Int? = nil) throws -> Data {
        if path == "-" { return try read(FileHandle.standardInput, named: "stdin", atMost: limit) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MissingInput(message: "\(path): no such file")
        }
        if isDirectory.boolValue { throw MissingInput(message: "\(path) is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IOFailure(message: "\(path): cannot read (permission denied?)")
        }
        return try read(handle, named: path, atMost: limit)
    }

    private static func read(_ handle: FileHandle, named name: String, atMost limit: Int?) throws -> Data {
        do {
            let data = try limit.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()
            return data ?? Data()
        } catch {
            throw IOFailure(message: "\(name): cannot read (\(SystemWords.describe(error)))")
        }
    }
}

enum StandardStream {
    /// A full disk behind a redirected stream, or a terminal gone, must not crash a command
    /// whose real work is elsewhere (`serve` delivering): the line is dropped instead.
    static func write(_ text: String, to handle: FileHandle) {
        try? handle.write(contentsOf: Data(text.utf8))
    }
}

/// A command's result on standard output, written so that a failed write is known. stdio
/// writes a text larger than its buffer at once and only sets an error flag when that
/// fails, which the flush at exit never sees: an 8 KB export to a full disk exited 0.
enum StandardOutput {
    private static let firstFailure = Mutex<Int32?>(nil)

    /// The errno of the first write that failed, if one did.
    static var failure: Int32? { firstFailure.withLock { $0 } }

    static func write(_ text: String) {
        // Whatever print() buffered goes first, in order.
        fflush(nil)
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                firstFailure.withLock { $0 = $0 ?? code }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

enum FileOutput {
    /// Whether two paths name one file: the same inode when both exist, else the same
    /// absolute path once the folder's links are resolved (`./x.sqlite` and `x.sqlite`).
    static func isSameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        if stat(a, &first) == 0, stat(b, &second) == 0 {
            return first.st_dev == second.st_dev && first.st_ino == second.st_ino
        }
        func resolved(_ path: String) -> String {
            let url = URL(fileURLWithPath: path)
            return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
        }
        return resolved(a) == resolved(b)
    }

    /// Writes through a temporary file and a rename so a crash never leaves half a file,
    /// with mode 0600 because the content holds secrets. A symbolic link is followed (the
    /// file it names is replaced, the link stays), and what is not a regular file (a pipe,
    /// /dev/stdout, a terminal) is written to as it is, never replaced by a file.
    static func writeSecretFile(_ data: Data, to requested: String) throws {
        var info = stat()
        if stat(requested, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            guard info.st_mode & S_IFMT != S_IFDIR else { throw UsageError(message: "\(requested) is a folder; name a file in it") }
            try writeInPlace(data, to: requested)
            return
        }
        let path = linkTarget(requested)
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw IOFailure(message: "\(path): cannot write (\(String(cString: strerror(errno))))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary)
            throw IOFailure(message: "\(path): cannot write (\(SystemWords.describe(error)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw IOFailure(message: "\(path): cannot write (\(reason))")
        }
    }

    /// The file a chain of symbolic links ends at (which may not exist yet), else `path`.
    private static func linkTarget(_ path: String) -> String {
        var current = path
        for _ in 0..<16 {
            guard let next = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            let folder = (current as NSString).deletingLastPathComponent
            current = next.hasPrefix("/") || folder.isEmpty ? next : folder + "/" + next
        }
        return current
    }

    private static func writeInPlace(_ data: Data, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw IOFailure(message: "\(path): cannot write (\(String(cString: strerror(errno))))")
        }
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            throw IOFailure(message: "\(path): cannot write (\(SystemWords.describe(error)))")
        }
    }
}

/// A file error in the system's own words ("Input/output error", "No space left on device")
/// rather than Foundation's "The operation could not be completed. (NSCocoaErrorDomain
/// error 256.)".
enum SystemWords {
    static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError { return describe(underlying) }
        return nsError.localizedDescription
    }
}
