/// The event types a webhook can subscribe to (SPEC §2).
public enum EventType: String, CaseIterable, Codable, Sendable, Comparable {
    case jobStatus = "job.status"
    case orderStatus = "order.status"

    public var title: String {
        switch self {
        case .jobStatus: "Job Status Updates"
        case .orderStatus: "Order Status Updates"
        }
    }

    public var category: String {
        switch self {
        case .jobStatus: "job"
        case .orderStatus: "order"
        }
    }

    public var summary: String {
        switch self {
        case .jobStatus: "Sent when job/task status is updated"
        case .orderStatus: "Sent when order status is updated"
        }
    }

    /// The short label used by the form's checkboxes and narrow tables.
    public var label: String {
        switch self {
        case .jobStatus: "Job Status"
        case .orderStatus: "Order Status"
        }
    }

    public static func < (lhs: EventType, rhs: EventType) -> Bool {
        // Catalogue order, not alphabetical, so every list reads the same way.
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The catalogue as `hookdash events --json` prints it.
    public static var catalogueJSON: JSONValue {
        .object([
            ("data", .array(allCases.map { event in
                .object([
                    ("name", .string(event.rawValue)),
                    ("title", .string(event.title)),
                    ("category", .string(event.category)),
                    ("description", .string(event.summary)),
                ])
            })),
        ])
    }
}
