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

    @Test("an attempt waits for DNS only so long, and a late answer serves the next one")
    func aSilentNameServerEndsTheWait() async throws {
        let release = DispatchSemaphore(value: 0)
        let calls = NIOLockedValueBox(0)
        let resolver = HostResolver { _ in
            calls.withLockedValue { $0 += 1 }
            release.wait()
            return [IPAddress("203.0.113.9")!]
        }
        await #expect(throws: ResolutionError.self) { try await resolver.resolve("silent.example", within: .milliseconds(200)) }
        do {
            _ = try await resolver.resolve("silent.example", within: .milliseconds(200))
        } catch {
            #expect("\(error)" == "cannot resolve silent.example: no answer from DNS within 0.2 s")
        }
        release.signal()
        var answer: [IPAddress] = []
        for _ in 0..<100 where answer.isEmpty {
            answer = (try? await resolver.resolve("silent.example", within: .milliseconds(200))) ?? []
        }
        #expect(answer == [IPAddress("203.0.113.9")!])
        #expect(calls.withLockedValue { $0 } == 1, "the attempts that gave up waited on the one lookup")
    }

    /// The answer and the time limit race; an answer that came first must win, however the
    /// threads interleave (a cancelled timer once claimed the result for itself).
    @Test func anAnswerInTimeIsNeverReportedAsLate() async throws {
        let resolver = HostResolver { _ in [IPAddress("203.0.113.5")!] }
        let late = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<20_000 {
                group.addTask {
                    do {
                        _ = try await resolver.resolve("host\(index).example", within: .seconds(30))
                        return false
                    } catch { return true }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(late == 0, "\(late) answers that came at once were reported as no answer")
    }

    @Test func localhostResolvesForReal() async throws {
        let addresses = try await HostResolver().resolve("localhost")
        #expect(addresses.contains { AddressPolicy().refusal(for: $0) == "loopback" }, "\(addresses)")
    }
}
