import HookdashCLI

CLIEntry.main()
