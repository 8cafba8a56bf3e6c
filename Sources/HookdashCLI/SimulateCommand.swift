import ArgumentParser
import Foundation
import HookdashStore
import HookdashTerminal

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Emit realistic demo events.",
        discussion: """
        Examples:
          hookdash simulate job
          hookdash simulate order --fail
        """,
        subcommands: [SimulateJobCommand.self, SimulateOrderCommand.self])
}

struct SimulateJobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Walk a demo job with tasks through PENDING → RUNNING → SUCCEEDED (or FAILED), emitting job.status.",
        discussion: """
        Examples:
          hookdash simulate job
          hookdash simulate job --fail --interval 2
        """)

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "End the job FAILED.")
    var fail = false

    @Option(name: .long, parsing: .unconditional, help: "Seconds between status changes.")
    var interval: Double = 1

    func validate() throws {
        guard interval >= 0 else { throw ValidationError("--interval must not be negative") }
    }

    func run() throws {
        try ErrorReporter.guarded {
            let queue = try store.openExistingQueue()
            try warnIfNobodySubscribes(queue, DeliverySamples.jobStatus)
            // Ctrl-C (or a stop) between steps left the job RUNNING for good at the receivers:
            // the remaining steps are queued at once instead, and then the command stops.
            TerminationSignals.install(keepingIgnored: true)
            var job = SimulatedJob(taskCount: Int.random(in: 2...3), now: Date())
            for step in job.steps(failing: fail) {
                if step.index > 0 { Self.wait(interval) }
                let now = Date()
                job.apply(step, at: now)
                let result = try queue.enqueue(
                    NewMessage(eventType: DeliverySamples.jobStatus, liveMode: true, body: job.body(), createdAt: now))
                // Written at once: a script (or `tail -f`) sees each step, even if the command is killed.
                StandardOutput.write(
                    "job.status  \(step.label)  message \(result.messageID)  → \(Wording.deliveries(result.deliveryIDs.count))\n")
            }
            if let signal = TerminationSignals.received {
                ErrorReporter.printError("interrupted: the job's remaining steps were queued at once, so it still ends")
                throw ExitCode(128 + signal)
            }
        }
    }

    /// Sleeps `seconds`, or less once a stop signal came.
    private static func wait(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while TerminationSignals.received == nil, Date() < deadline {
            Thread.sleep(forTimeInterval: min(0.05, max(0, deadline.timeIntervalSinceNow)))
        }
    }
}

struct SimulateOrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order", abstract: "Place a demo order that completes (FULFILLED) or fails, emitting order.status.",
        discussion: """
        Examples:
          hookdash simulate order
          hookdash simulate order --fail
        """)

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "The order fails.")
    var fail = false

    func run() throws {
        try ErrorReporter.guarded {
            let queue = try store.openExistingQueue()
            try warnIfNobodySubscribes(queue, DeliverySamples.orderStatus)
            let now = Date()
            let status = fail ? "FAILED" : "FULFILLED"
            let orderID = DeliverySamples.newID()
            let body = DeliverySamples.orderBody(
                orderID: orderID, status: status, createdAt: now.addingTimeInterval(-90), updatedAt: now)
            let result = try queue.enqueue(
                NewMessage(eventType: DeliverySamples.orderStatus, liveMode: true, body: body, createdAt: now))
            print("order.status  order \(orderID) \(status)  message \(result.messageID)  → \(Wording.deliveries(result.deliveryIDs.count))")
        }
    }
}

/// A demo whose events go nowhere looks broken: say so before it starts, and how to fix it.
private func warnIfNobodySubscribes(_ queue: QueueStore, _ event: String) throws {
    if try queue.activeSubscriberCount(eventType: event) == 0 { noteNobodySubscribes(event) }
}

/// On stderr, so scripts reading stdout are unaffected; the events are still stored.
func noteNobodySubscribes(_ event: String) {
    ErrorReporter.printError(
        "no active webhook subscribes to \(event), so its events are stored but delivered nowhere; "
            + "add one with: hookdash webhooks create --name NAME --url URL --event \(event)")
}

/// A demo job: the job and its tasks change status one at a time.
struct SimulatedJob {
    struct Step {
        let index: Int
        let label: String
        let task: Int?
        let status: String
    }

    let jobID = DeliverySamples.newID()
    let projectID = DeliverySamples.newID()
    var status = "PENDING"
    var startedAt: Date?
    var finishedAt: Date?
    var tasks: [DeliverySamples.Task]

    init(taskCount: Int, now: Date) {
        tasks = (0..<taskCount).map { _ in
            DeliverySamples.Task(id: DeliverySamples.newID(), status: "PENDING", startedAt: nil, finishedAt: nil)
        }
    }

    /// Job PENDING, job RUNNING, then each task RUNNING and done in turn, then the job done.
    func steps(failing: Bool) -> [Step] {
        var steps = [Step(index: 0, label: "job PENDING", task: nil, status: "PENDING"),
                     Step(index: 1, label: "job RUNNING", task: nil, status: "RUNNING")]
        for index in tasks.indices {
            let last = index == tasks.count - 1
            let end = failing && last ? "FAILED" : "SUCCEEDED"
            steps.append(Step(index: steps.count, label: "task \(index + 1) RUNNING", task: index, status: "RUNNING"))
            steps.append(Step(index: steps.count, label: "task \(index + 1) \(end)", task: index, status: end))
        }
        let end = failing ? "FAILED" : "SUCCEEDED"
        steps.append(Step(index: steps.count, label: "job \(end)", task: nil, status: end))
        return steps
    }

    mutating func apply(_ step: Step, at now: Date) {
        guard let index = step.task else {
            status = step.status
            if step.status == "RUNNING" { startedAt = now }
            if step.status == "SUCCEEDED" || step.status == "FAILED" { finishedAt = now }
            return
        }
        let task = tasks[index]
        tasks[index] = DeliverySamples.Task(
            id: task.id, status: step.status, startedAt: step.status == "RUNNING" ? now : task.startedAt,
            finishedAt: step.status == "RUNNING" ? nil : now)
    }

    func body() -> Data {
        DeliverySamples.jobBody(
            jobID: jobID, projectID: projectID, status: status, startedAt: startedAt, finishedAt: finishedAt,
            tasks: tasks)
    }
}
