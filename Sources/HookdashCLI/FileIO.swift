import Foundation

enum FileInput {
    /// Reads a file, or standard input for "-", with messages that name the file.
    static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MissingInput(message: "\(path): no such file")
        }
        if isDirectory.boolValue { throw MissingInput(message: "\(path) is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOFailure(message: "\(path): cannot read (permission denied?)")
        }
        return data
    }
}

enum FileOutput {
    /// Writes through a temporary file and a rename so a crash never leaves half a file,
    /// with mode 0600 because the content holds secrets.
    static func writeSecretFile(_ data: Data, to path: String) throws {
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
            throw IOFailure(message: "\(path): cannot write (\(error.localizedDescription))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw IOFailure(message: "\(path): cannot write (\(reason))")
        }
    }
}
