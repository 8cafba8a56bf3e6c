import HookdashCrypto

/// Where the CLI gets a generated `whsec_` secret: OpenSSL's random bytes, via HookdashCrypto.
enum SecretSource {
    static func generate() -> String { SecretGenerator.generate() }
}
