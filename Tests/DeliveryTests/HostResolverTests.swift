import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import HookdashDelivery

/// One endpoint whose DNS never answers must not hold up deliveries to the others. The
/// lookup function is replaced only to make one host's lookup hang on demand; the real
/// getaddrinfo path is covered by `localhostResolvesForReal`.
@Suite("Host resolution")
struct HostResolverTests {
    @Test("a hanging lookup holds up neither other hosts nor more threads than one")
    func aHangingHostHoldsUpNothingElse() async throws {
        let release = DispatchSemaphore(value: 0)
        let calls = NIOLockedValueBox<[String: Int]>([:])
        let resolver = HostResolver { host in
            calls.withLockedValue { $0[host, default: 0] += 1 }
            if host == "hangs.example" { release.wait() }
            return [IPAddress("203.0.113.7")!]
        }
        // More deliveries to the hanging host than NIO's shared pool has threads (one per core).
        let stuck = (0..<(ProcessInfo.processInfo.activeProcessorCount + 6)).map { _ in
            Task { try await resolver.resolve("hangs.example") }
        }
        try await Task.sleep(for: .milliseconds(100))
        // Would wait for the hanging one if it held every lookup thread (polled, so that a
        // failure ends the test instead of hanging it).
        let answer = NIOLockedValueBox<[IPAddress]?>(nil)
        let other = Task {
            let addresses = try? await resolver.resolve("answers.example")
            answer.withLockedValue { $0 = addresses }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while answer.withLockedValue({ $0 }) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(answer.withLockedValue { $0 } == [IPAddress("203.0.113.7")!], "another host's lookup waited for the hanging one")
        for _ in stuck { release.signal() }
        for task in stuck { #expect(try await task.value == [IPAddress("203.0.113.7")!]) }
        await other.value
        #expect(calls.withLockedValue { $0["hangs.example"] } == 1, "concurrent deliveries share one lookup")
        _ = try await resolver.resolve("hangs.example")
        #expect(calls.withLockedValue { $0["hangs.example"] } == 1, "then the answer is cached")
    }

    @Test func localhostResolvesForReal() async throws {
        let addresses = try await HostResolver().resolve("localhost")
        #expect(addresses.contains { AddressPolicy().refusal(for: $0) == "loopback" }, "\(addresses)")
    }
}
