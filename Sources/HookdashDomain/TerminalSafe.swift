/// Text that came from the network — response bodies and headers, error texts that quote
/// them, what a sender put in a request to `hookdash listen` — shown on a terminal. Control
/// characters become visible caret notation (ESC → `^[`, CR → `^M`), so an endpoint cannot
/// send escape sequences that recolour, retitle or rewrite the operator's terminal.
public enum TerminalSafe {
    /// `keepingLineBreaks` leaves newlines and tabs alone (multi-line bodies).
    public static func text(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func isKept(_ scalar: Unicode.Scalar) -> Bool {
            !scalar.isControlCharacter || (keepingLineBreaks && (scalar == "\n" || scalar == "\t"))
        }
        guard !text.unicodeScalars.allSatisfy(isKept) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isKept(scalar) {
                out.append(scalar)
            } else if scalar.value < 0x20 {
                out.append(contentsOf: "^\(Character(Unicode.Scalar(UInt8(scalar.value + 0x40))))".unicodeScalars)
            } else if scalar.value == 0x7F {
                out.append(contentsOf: "^?".unicodeScalars)
            } else {
                out.append(contentsOf: "<U+\(String(scalar.value, radix: 16, uppercase: true))>".unicodeScalars)
            }
        }
        return String(out)
    }
}
