import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hookdash listen` that cannot start says why in words and exits at once.
@Suite("CLI: listen refusals")
struct ListenErrorTests {
    /// A listening TCP socket on a free loopback port, held by this test process.
    final class BusyPort {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
            guard bound == 0, listen(descriptor, 1) == 0 else {
                close(descriptor)
                throw POSIXError(.EADDRINUSE)
            }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }

    /// Runs `hookdash ARGS` under `timeout`, so a receiver that starts instead of refusing
    /// fails the test (exit 124) rather than hanging it.
    func listenFor(seconds: Int = 10, _ arguments: [String]) throws -> CLIResult {
        try CLIHarness.runProgram("/usr/bin/timeout", [String(seconds), CLIHarness.binary, "listen"] + arguments)
    }

    @Test("a port in use is named, with what to do, exit 74")
    func portInUse() throws {
        let busy = try BusyPort()
        let result = try listenFor(["--port", String(busy.port)])
        #expect(result.status == 74)
        #expect(result.stderr.contains("port \(busy.port) is already in use"), "\(result.stderr)")
        #expect(result.stderr.contains("--port"))
    }

    /// It used to start, and then mark every request's signature ✗ as a mismatch.
    @Test("a whsec_ secret that is not base64 is refused, exit 64")
    func brokenSecret() throws {
        let result = try listenFor(["--port", "0", "--secret", "whsec_!!!not-base64"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--secret starting with whsec_ must be base64 after the prefix"), "\(result.stderr)")
        let plain = try listenFor(seconds: 1, ["--port", "0", "--secret", "any text works as bytes"])
        #expect(plain.status == 124, "a secret without the prefix is its own bytes, and listen starts: \(plain.stderr)")
    }

    /// It said "cannot listen on 127.0.0.1:0: failedToLoadPrivateKey".
    @Test("a key that is not the certificate's is named as such, exit 65",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
    func keyOfAnotherCertificate() throws {
        let sandbox = try Sandbox()
        for name in ["one", "two"] {
            let made = try CLIHarness.runProgram("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-keyout", sandbox.folder + "/\(name).key", "-out", sandbox.folder + "/\(name).pem",
            ])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let result = try listenFor(["--port", "0", "--cert", sandbox.folder + "/one.pem", "--key", sandbox.folder + "/two.key"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("the private key \(sandbox.folder)/two.key does not belong to the certificate \(sandbox.folder)/one.pem"),
                "\(result.stderr)")
    }

    @Test("a missing certificate is named, exit 66; one that holds none says so, exit 65")
    func unreadableCertificate() throws {
        let sandbox = try Sandbox()
        let junk = sandbox.write("junk.pem", "not a certificate\n")
        let missing = sandbox.folder + "/missing.pem"

        let noCertificate = try listenFor(["--port", "0", "--cert", missing, "--key", junk])
        #expect(noCertificate.status == 66)
        #expect(noCertificate.stderr.contains("cannot read the certificate \(missing) (a PEM file is expected): no such file"), "\(noCertificate.stderr)")

        let brokenCertificate = try listenFor(["--port", "0", "--cert", junk, "--key", junk])
        #expect(brokenCertificate.status == 65)
        #expect(brokenCertificate.stderr.contains("cannot read the certificate \(junk) (a PEM file is expected): it holds no certificate in PEM form"),
                "\(brokenCertificate.stderr)")
        #expect(!brokenCertificate.stderr.contains("failedTo"), "NIOSSL's internals stay out")
    }
}
