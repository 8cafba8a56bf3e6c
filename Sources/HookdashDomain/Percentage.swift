/// A share as a whole percentage, rounded down so that 99.9 % never reads as 100 %: a
/// webhook that failed once must not look perfect.
public enum Percentage {
    public static func roundedDown(_ part: Int, of whole: Int) -> Int {
        whole > 0 ? part * 100 / whole : 0
    }
}
