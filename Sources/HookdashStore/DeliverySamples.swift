import Foundation

/// Realistic bodies for test events and the simulator, in the SPEC §2 shapes.
public enum DeliverySamples {
    public static let jobStatus = "job.status"
    public static let orderStatus = "order.status"
    public static let eventTypes = [jobStatus, orderStatus]

    public struct Task: Sendable {
        public let id: String
        public let status: String
        public let startedAt: Date?
        public let finishedAt: Date?

        public init(id: String, status: String, startedAt: Date?, finishedAt: Date?) {
            self.id = id
            self.status = status
            self.startedAt = startedAt
            self.finishedAt = finishedAt
        }
    }

    /// The `job.status` body; `logUrl` carries the real job and task ids.
    public static func jobBody(
        jobID: String, projectID: String, status: String, startedAt: Date?, finishedAt: Date?, tasks: [Task]
    ) -> Data {
        let taskJSON = tasks.map { task in
            let logURL = "https://api.up42.com/projects/\(projectID)/jobs/\(jobID)/tasks/\(task.id)/logs"
            return #"{"id":"\#(task.id)","status":"\#(task.status)","startedAt":\#(time(task.startedAt)),"#
                + #""finishedAt":\#(time(task.finishedAt)),"logUrl":"\#(logURL)"}"#
        }
        return Data((#"{"id":"\#(jobID)","status":"\#(status)","startedAt":\#(time(startedAt)),"#
            + #""finishedAt":\#(time(finishedAt)),"tasks":[\#(taskJSON.joined(separator: ","))]}"#).utf8)
    }

    /// The `order.status` body.
    public static func orderBody(orderID: String, status: String, createdAt: Date, updatedAt: Date) -> Data {
        Data((#"{"id":"\#(orderID)","status":"\#(status)","createdAt":"\#(DeliveryEnvelope.iso8601(createdAt))","#
            + #""updatedAt":"\#(DeliveryEnvelope.iso8601(updatedAt))"}"#).utf8)
    }

    /// A sample body for a test event of `eventType`.
    public static func testBody(eventType: String, now: Date) -> Data {
        if eventType == orderStatus {
            return orderBody(
                orderID: newID(), status: "FULFILLED", createdAt: now.addingTimeInterval(-120), updatedAt: now)
        }
        let started = now.addingTimeInterval(-16)
        return jobBody(
            jobID: newID(), projectID: newID(), status: "RUNNING", startedAt: started, finishedAt: nil,
            tasks: [Task(id: newID(), status: "RUNNING", startedAt: now.addingTimeInterval(-6), finishedAt: nil)])
    }

    public static func newID() -> String {
        UUID().uuidString.lowercased()
    }

    private static func time(_ date: Date?) -> String {
        date.map { "\"\(DeliveryEnvelope.iso8601($0))\"" } ?? "null"
    }
}
