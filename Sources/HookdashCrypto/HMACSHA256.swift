import CLibCrypto

/// HMAC-SHA256 computed by OpenSSL's libcrypto.
public enum HMACSHA256 {
    public static let outputLength = 32

    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        let produced = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                output.withUnsafeMutableBytes { outputBytes in
                    HMAC(
                        EVP_sha256(),
                        keyBytes.baseAddress, Int32(keyBytes.count),
                        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                        outputBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), &outputLength
                    )
                }
            }
        }
        // HMAC() only fails when libcrypto itself is broken (e.g. SHA-256 unavailable): not recoverable.
        precondition(produced != nil && outputLength == UInt32(Self.outputLength), "libcrypto HMAC-SHA256 failed")
        return Array(output.prefix(Int(outputLength)))
    }
}

/// Comparison whose duration does not depend on where the inputs differ, so a receiver
/// cannot be probed byte by byte.
public enum ConstantTime {
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
