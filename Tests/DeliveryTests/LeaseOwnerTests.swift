import Foundation
import Testing
@testable import HookdashDelivery

/// A restarted worker frees the leases of processes that died on this host.
@Suite struct LeaseOwnerTests {
    /// A SIGKILLed `serve` whose parent has not waited for it yet is a zombie: it still
    /// answers `kill(pid, 0)`, but it will never send again. Its leases were kept for the
    /// lease's whole minute, so a `serve --until-idle` started at once left them unsent.
    @Test func aKilledProcessNotYetWaitedForIsDead() throws {
        var pid: pid_t = 0
        let arguments = ["/bin/sleep", "30"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, &argv, environ) == 0)
        let host = LeaseOwner.current().split(separator: ":")[0]
        let owner = "\(host):\(pid):0badc0de"
        #expect(!LeaseOwner.isDeadLocalProcess(owner), "a running process")

        kill(pid, SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while !LeaseOwner.isZombie(pid), Date() < deadline { usleep(10_000) }
        #expect(LeaseOwner.isDeadLocalProcess(owner), "killed, not yet waited for")

        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(LeaseOwner.isDeadLocalProcess(owner), "gone")
    }
}
