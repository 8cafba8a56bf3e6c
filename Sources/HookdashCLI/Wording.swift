/// Counts in sentences people read ("1 delivery", "2 deliveries"), never "1 deliveries".
enum Wording {
    static func count(_ number: Int, _ singular: String, _ plural: String) -> String {
        "\(number) \(number == 1 ? singular : plural)"
    }

    static func deliveries(_ number: Int) -> String { count(number, "delivery", "deliveries") }
}

extension Wording {
    /// A sentence written for the console ("Webhook 3f2a is Inactive…") as the rest of
    /// a "hookdash: …" line on stderr, which starts in lower case.
    static func afterPrefix(_ sentence: String) -> String {
        sentence.prefix(1).lowercased() + sentence.dropFirst()
    }
}
