import ArgumentParser
import Foundation
import HookdashConsole
import HookdashUI

/// `hookdash console` (also what plain `hookdash` runs): the interactive dashboard.
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the interactive console (the default when no subcommand is given).",
        discussion: """
        Themes: --theme NAME picks themes/NAME.theme (built in: dark, light,
        high-contrast) or a file in $XDG_CONFIG_HOME/hookdash/themes/; `theme =
        NAME` in $XDG_CONFIG_HOME/hookdash/config sets the default. NO_COLOR=1 gives
        a monochrome screen. Press ? in the console for every key.

        Examples:
          hookdash
          hookdash --dev --theme light
          NO_COLOR=1 hookdash --db /srv/hooks/hookdash.sqlite
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var engine: DeliveryEngineOptions
    @OptionGroup var notifyOptions: NotifyOptions

    @Option(name: .long, help: ArgumentHelp("Colour theme: dark, light, high-contrast, or a theme file.", valueName: "name"))
    var theme: String?

    func run() throws {
        var status: Int32 = 0
        try ErrorReporter.guarded {
            // Read once, and only when a flag leaves a setting to it.
            let config = theme == nil || engine.caFile == nil || notifyOptions.notify == nil ? try UserConfig.load() : nil
            let options = ConsoleOptions(
                databasePath: store.databasePath, devMode: store.devMode, themeName: theme ?? config?["theme"]?.value,
                delivery: try engine.configuration(devMode: store.devMode, config: config),
                deliveryLogPath: store.deliveryLogPath, notifyCommand: try notifyOptions.command(config: config))
            status = try ConsoleApp.run(options: options)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
