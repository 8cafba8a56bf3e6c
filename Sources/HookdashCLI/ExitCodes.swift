import ArgumentParser
import Foundation
import HookdashDomain
import HookdashStore
import HookdashTerminal

/// sysexits(3) codes, so scripts can tell a typo from bad data from a broken disk.
public enum ExitStatus {
    public static let usage: Int32 = 64
    public static let invalidData: Int32 = 65
    public static let missingInput: Int32 = 66
    public static let ioError: Int32 = 74
    /// Someone else got there first (an edit raced another, a delivery is in flight): run it again.
    public static let tryAgain: Int32 = 75
}

/// An error already explained to the person; carries only the exit code.
struct ReportedFailure: Error {
    let code: Int32
}

enum ErrorReporter {
    /// Messages quote what people and files gave (an id, an import's key, an event name):
    /// control characters in them are shown (^[), never obeyed by the terminal.
    static func printError(_ message: String) {
        StandardStream.write("hookdash: " + TerminalSafe.text(message, keepingLineBreaks: true) + "\n", to: .standardError)
    }

    /// Prints `error` to stderr in words and returns the exit code it deserves.
    static func report(_ error: Error) -> Int32 {
        switch error {
        case let failure as ReportedFailure:
            return failure.code
        case let failure as ValidationFailure:
            for fieldError in failure.errors { printError("invalid \(fieldError.field.rawValue): \(fieldError.message)") }
            return ExitStatus.invalidData
        case let failure as ImportFailure:
            for problem in failure.problems { printError("invalid import: \(problem)") }
            return ExitStatus.invalidData
        case let storeError as StoreError:
            printError(storeError.description)
            switch storeError {
            case .notFound: return ExitStatus.missingInput
            case .ambiguous: return ExitStatus.usage
            case .stale, .importOverNewer: return ExitStatus.tryAgain
            default: return ExitStatus.ioError
            }
        case let usage as UsageError:
            printError(usage.message)
            return ExitStatus.usage
        case let missing as MissingInput:
            printError(missing.message)
            return ExitStatus.missingInput
        case let invalid as InvalidInput:
            printError(invalid.message)
            return ExitStatus.invalidData
        case let terminal as Terminal.OpenError:
            printError(terminal.description)
            return terminal.isUsage ? ExitStatus.usage : ExitStatus.ioError
        case let io as IOFailure:
            printError(io.message)
            return ExitStatus.ioError
        default:
            if let trouble = DatabaseTrouble(error) {
                // A failed transaction is rolled back whole.
                printError("\(trouble.problem); nothing was changed — \(trouble.remedy), then run the command again")
            } else {
                printError(String(describing: error))
            }
            return ExitStatus.ioError
        }
    }

    /// For a validate(): ArgumentParser wraps what it throws and exits 1, except an ExitCode.
    /// The failure is reported here, in the words and with the code any command would give.
    static func refusal(_ error: Error) -> ExitCode {
        ExitCode(report(error))
    }

    /// Runs a command body, turning any failure into a message on stderr and its exit code.
    static func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ExitCode(report(error))
        }
    }

    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ExitCode(report(error))
        }
    }
}

struct UsageError: Error { let message: String }
struct MissingInput: Error { let message: String }
struct InvalidInput: Error { let message: String }
struct IOFailure: Error { let message: String }
