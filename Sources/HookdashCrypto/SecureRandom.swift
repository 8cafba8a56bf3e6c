import CLibCrypto

/// Cryptographically secure random bytes from OpenSSL's RAND_bytes.
public enum SecureRandom {
    public static func bytes(count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return buffer }
        let status = buffer.withUnsafeMutableBytes { raw in
            RAND_bytes(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count))
        }
        // A failing CSPRNG must never silently yield predictable secrets.
        precondition(status == 1, "libcrypto RAND_bytes failed")
        return buffer
    }
}
