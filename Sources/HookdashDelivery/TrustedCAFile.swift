import Foundation
import NIOSSL

/// Checks a `--ca-file` (or `ca-file =`) before anything is sent: a key, a folder or a
/// broken file was accepted, and then every HTTPS delivery failed as a TLS error that did
/// not point back at the setting.
public enum TrustedCAFile {
    /// Nil when the file holds at least one certificate; otherwise why not, in words.
    public static func problem(at path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "cannot read \(path): no such file" }
        if isFolder.boolValue { return "\(path) is a folder; give the PEM file of the certificate authority" }
        guard FileManager.default.isReadableFile(atPath: path) else { return "cannot read \(path)" }
        let certificates = try? NIOSSLCertificate.fromPEMFile(path)
        guard let certificates, !certificates.isEmpty else {
            return "\(path) holds no certificate (a PEM file with -----BEGIN CERTIFICATE----- blocks is expected)"
        }
        return nil
    }
}
