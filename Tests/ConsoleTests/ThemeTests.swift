import Foundation
import Testing
@testable import HookdashUI

@Suite struct ThemeTests {
    static let themesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes")

    @Test(arguments: ["dark", "light", "high-contrast"])
    func builtInThemesMatchTheFilesInThemesFolder(name: String) throws {
        let file = try String(contentsOf: Self.themesFolder.appendingPathComponent("\(name).theme"), encoding: .utf8)
        #expect(BuiltInThemes.files[name] == file)
        let theme = try Theme.parse(file, name: name)
        #expect(Set(theme.styles.keys) == Set(ThemeRole.allCases), "every role styled in \(name)")
    }

    @Test func parsesColoursAndAttributes() throws {
        let theme = try Theme.parse("""
            # comment
            header = white #005f87 bold underline
            selection = color17 default reverse   # trailing comment
            """, name: "t")
        #expect(theme[.header] == Style(foreground: .white, background: .rgb(0, 0x5f, 0x87), attributes: [.bold, .underline]))
        #expect(theme[.selection] == Style(foreground: .indexed(17), background: .terminalDefault, attributes: [.reverse]))
        #expect(theme[.error] == Theme.dark[.error], "unmentioned roles fall back to dark")
    }

    @Test func errorsNameTheLine() {
        #expect(throws: ThemeError(theme: "bad", line: 3, message: "unknown colour or attribute 'purpel'")) {
            try Theme.parse("normal = default\n\nheader = purpel\n", name: "bad")
        }
        #expect(throws: ThemeError.self) { try Theme.parse("nonsense-role = red", name: "bad") }
        #expect(throws: ThemeError.self) { try Theme.parse("header red", name: "bad") }
        #expect(throws: ThemeError.self) { try Theme.parse("header = red blue green", name: "bad") }
        let error = try? Theme.parse("x = red", name: "mine") as Theme?
        #expect(error == nil)
    }

    @Test func errorDescriptionIsReadable() {
        let error = ThemeError(theme: "mine", line: 7, message: "unknown colour or attribute 'purpel'")
        #expect(error.description == "theme mine, line 7: unknown colour or attribute 'purpel'")
    }

    @Test func monochromeKeepsSelectionVisibleByReverseVideo() {
        let mono = Theme.dark.monochrome
        for role in ThemeRole.allCases {
            #expect(mono[role].foreground == .terminalDefault)
            #expect(mono[role].background == .terminalDefault)
        }
        #expect(mono[.selection].attributes.contains(.reverse))
        #expect(mono[.inputFocused].attributes.contains(.reverse))
        #expect(mono[.buttonFocused].attributes.contains(.reverse))
        #expect(mono[.selection] != mono[.normal])
    }

    /// On 8 colours the dark theme's grey field background folded onto black: on a dark
    /// terminal the fields vanished. They are underlined instead; real colours stay.
    @Test func eightColoursKeepFieldsVisible() {
        let eight = Theme.dark.fitted(toColorCount: 8)
        #expect(ColorResolution.index(of: Theme.dark[.input].background, colorCount: 8) == 0, "the fold this guards against")
        #expect(eight[.input].background == .terminalDefault)
        #expect(eight[.input].attributes.contains(.underline))
        #expect(eight[.button].attributes.contains(.underline))
        #expect(eight[.selection] == Theme.dark[.selection], "cyan stays cyan")
        #expect(eight[.muted].foreground == .terminalDefault && eight[.muted].attributes.contains(.dim), "grey hints did turn yellow")
        #expect(Theme.dark.fitted(toColorCount: 256)[.input] == Theme.dark[.input])
    }
}
