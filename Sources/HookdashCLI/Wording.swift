/// Counts in sentences people read ("1 delivery", "2 deliveries"), never "1 deliveries".
enum Wording {
    static func count(_ number: Int, _ singular: String, _ plural: String) -> String {
        "\(number) \(number == 1 ? singular : plural)"
    }

    static func deliveries(_ number: Int) -> String { count(number, "delivery", "deliveries") }
}
