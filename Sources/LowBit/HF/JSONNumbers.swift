import Foundation

/// Reading numbers out of `JSONSerialization` results without Foundation's loose bridging:
/// there `true` is also `1`, `1.5` is not an `Int`, and a number beyond `Double` comes back
/// as an `NSDecimalNumber`.
enum JSONNumbers {
    /// An integral JSON number within `Int` (`3`, `3.0`, `3e2`), or `nil` for booleans,
    /// fractions, out-of-range numbers and non-numbers.
    static func exactInteger(_ value: Any) -> Int? {
        guard let n = value as? NSNumber, !(n is NSDecimalNumber), !isBoolean(n) else { return nil }
        return value as? Int
    }

    /// A finite JSON number as a `Double` (not a boolean), or `nil`.
    static func double(_ value: Any) -> Double? {
        guard let n = value as? NSNumber, !isBoolean(n) else { return nil }
        let d = n.doubleValue
        return d.isFinite ? d : nil
    }

    /// A JSON `true` or `false`, or `nil` (numbers are not booleans here).
    static func bool(_ value: Any) -> Bool? {
        guard let n = value as? NSNumber, isBoolean(n) else { return nil }
        return n.boolValue
    }

    private static func isBoolean(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }
}
