/// A key as the console understands it, independent of how the terminal encoded it.
public enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl plus a letter, given as the lowercase letter (Ctrl-C is `.control("c")`).
    case control(Character)
    case up, down, left, right
    case tab, backTab
    case enter, escape
    case backspace, delete
    case home, end
    case pageUp, pageDown
    case function(Int)
}

public enum MouseButton: Hashable, Sendable {
    case left, right, middle
    case wheelUp, wheelDown
}

public struct MouseEvent: Hashable, Sendable {
    public var button: MouseButton
    public var x: Int
    public var y: Int

    public init(button: MouseButton, x: Int, y: Int) {
        self.button = button
        self.x = x
        self.y = y
    }
}

/// Everything the terminal can tell the console.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// Several printable characters that arrived at once (a paste, or fast typing).
    case paste(String)
}
