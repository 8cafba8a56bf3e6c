import Foundation
import Testing

/// Every command's help reads well on an 80-column terminal: the written text (everything
/// between the one-line overview and the usage) is at most 80 columns, so the argument
/// parser never re-wraps a sentence and leaves a word or two on a line of its own.
@Suite struct HelpTextTests {
    static let commands: [[String]] = [
        [], ["console"], ["webhooks"], ["webhooks", "list"], ["webhooks", "show"], ["webhooks", "create"],
        ["webhooks", "edit"], ["webhooks", "delete"], ["webhooks", "export"], ["webhooks", "import"],
        ["webhooks", "test"], ["events"], ["emit"], ["simulate"], ["simulate", "job"], ["simulate", "order"],
        ["serve"], ["deliveries"], ["deliveries", "show"], ["redeliver"], ["listen"],
    ]

    @Test(arguments: commands) func writtenTextFitsEightyColumns(command: [String]) throws {
        // Wide enough that the parser wraps nothing itself: what is printed is what was written.
        let result = try CLIHarness.run(command + ["--help"], environment: ["COLUMNS": "300"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        let usage = try #require(lines.firstIndex { $0.hasPrefix("USAGE:") }, "\(result.stdout)")
        for line in lines[1..<usage] {
            #expect(line.count <= 80, "hookdash \(command.joined(separator: " ")) --help: “\(line)”")
        }
    }
}
