import Foundation
import HookdashDomain
import Testing
@testable import HookdashCrypto

/// The vector published with the Standard Webhooks reference libraries (libraries/*/tests).
private enum PublishedVector {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let messageID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp: Int64 = 1_614_265_330
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    static let nearMissSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
}

@Suite struct StandardWebhooksSignerTests {
    @Test func reproducesThePublishedVector() throws {
        let signer = try #require(StandardWebhooksSigner(secret: PublishedVector.secret))
        let signature = signer.signature(
            messageID: PublishedVector.messageID, timestamp: PublishedVector.timestamp, body: PublishedVector.body)
        #expect(signature == PublishedVector.signature)
    }

    @Test func unprefixedSecretIsUsedAsItsUTF8Bytes() throws {
        let signer = try #require(StandardWebhooksSigner(secret: "plain-text-secret"))
        #expect(signer.key.bytes == Array("plain-text-secret".utf8))
        // Cross-checked with: printf 'm.1.{}' | openssl dgst -sha256 -hmac plain-text-secret -binary | base64
        #expect(signer.signature(messageID: "m", timestamp: 1, body: Array("{}".utf8))
            == "v1," + Self.opensslHMAC(key: "plain-text-secret", message: "m.1.{}"))
    }

    @Test func prefixedSecretIsDecodedBeforeUse() throws {
        let key = try #require(SigningKey(secret: PublishedVector.secret))
        #expect(key.bytes == Base64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(key.bytes.count == 24)
    }

    @Test func emptyOrMalformedSecretGivesNoSigner() {
        #expect(StandardWebhooksSigner(secret: "") == nil)
        #expect(StandardWebhooksSigner(secret: "whsec_") == nil)
        #expect(StandardWebhooksSigner(secret: "whsec_***not base64***") == nil)
    }

    @Test func signatureCoversEveryPart() throws {
        let signer = try #require(StandardWebhooksSigner(secret: PublishedVector.secret))
        let base = signer.signature(messageID: "a", timestamp: 1, body: [1, 2])
        #expect(base != signer.signature(messageID: "b", timestamp: 1, body: [1, 2]))
        #expect(base != signer.signature(messageID: "a", timestamp: 2, body: [1, 2]))
        #expect(base != signer.signature(messageID: "a", timestamp: 1, body: [1, 3]))
    }

    /// Independent reference: the `openssl` CLI, not our code.
    static func opensslHMAC(key: String, message: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["dgst", "-sha256", "-hmac", key, "-binary"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(message.utf8))
        try? input.fileHandleForWriting.close()
        let digest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return digest.base64EncodedString()
    }
}

@Suite struct StandardWebhooksVerifierTests {
    private func verifier() throws -> StandardWebhooksVerifier {
        try #require(StandardWebhooksVerifier(secret: PublishedVector.secret))
    }

    @Test func acceptsThePublishedSignature() throws {
        #expect(try verifier().isValid(
            signatureHeader: PublishedVector.signature, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp, body: PublishedVector.body))
    }

    @Test func acceptsTheSameKeyWithoutItsPrefix() throws {
        let keyBytes = try #require(Base64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(StandardWebhooksVerifier(key: SigningKey(bytes: keyBytes)).isValid(
            signatureHeader: PublishedVector.signature, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp, body: PublishedVector.body))
    }

    @Test func refusesNearMissSignature() throws {
        #expect(try !verifier().isValid(
            signatureHeader: PublishedVector.nearMissSignature, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp, body: PublishedVector.body))
    }

    @Test func refusesTamperedBodyIdOrTimestamp() throws {
        let verifier = try verifier()
        #expect(!verifier.isValid(
            signatureHeader: PublishedVector.signature, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp, body: Array(#"{"test": 2432232315}"#.utf8)))
        #expect(!verifier.isValid(
            signatureHeader: PublishedVector.signature, messageID: "msg_other",
            timestamp: PublishedVector.timestamp, body: PublishedVector.body))
        #expect(!verifier.isValid(
            signatureHeader: PublishedVector.signature, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp + 1, body: PublishedVector.body))
    }

    @Test func acceptsOneValidAmongSeveralSignatures() throws {
        let header = [
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            PublishedVector.signature,
            "garbage",
        ].joined(separator: " ")
        #expect(try verifier().isValid(
            signatureHeader: header, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp, body: PublishedVector.body))
    }

    @Test func refusesValidDigestUnderAnotherVersion() throws {
        let header = PublishedVector.signature.replacingOccurrences(of: "v1,", with: "v2,")
        #expect(try !verifier().isValid(
            signatureHeader: header, messageID: PublishedVector.messageID,
            timestamp: PublishedVector.timestamp, body: PublishedVector.body))
    }
}

@Suite struct SecretGeneratorTests {
    @Test func generatesPrefixed32ByteKeys() throws {
        let secret = SecretGenerator.generate()
        #expect(secret.hasPrefix("whsec_"))
        let key = try #require(SigningKey(secret: secret))
        #expect(key.bytes.count == 32)
    }

    @Test func generatedSecretsDiffer() {
        let secrets = Set((0..<64).map { _ in SecretGenerator.generate() })
        #expect(secrets.count == 64)
    }
}

@Suite struct PrimitiveTests {
    @Test func hmacMatchesRFC4231Case2() {
        let digest = HMACSHA256.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func base64AcceptsUnpaddedAndRefusesJunk() {
        #expect(Base64.decode("AQI") == [1, 2])
        #expect(Base64.decode("AQI=") == [1, 2])
        #expect(Base64.decode("A") == nil)
        #expect(Base64.decode("!!!!") == nil)
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }
}
