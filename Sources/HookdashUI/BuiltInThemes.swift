// Generated from themes/*.theme so the binary works wherever it is installed.
// ConsoleTests checks these stay byte-identical to the files.
enum BuiltInThemes {
    static let dark = """
# hookdash theme: dark (the default), for dark terminal backgrounds.
# Format: role = foreground [background] [bold] [reverse] [underline] [dim]
normal         = default default
header         = white blue bold
footer         = bright-black default
footer-key     = cyan default bold
title          = bright-white default bold
table-header   = bright-black default bold
selection      = black cyan
muted          = bright-black default
border         = bright-black default
label          = default default
required       = red default bold
input          = default color236
input-focused  = bright-white color24
error          = bright-red default
success        = bright-green default
warning        = yellow default
dialog         = default default
button         = default color238
button-focused = black cyan bold
active         = green default
inactive       = bright-black default
toast          = black yellow
filter         = yellow default bold

"""
    static let light = """
# hookdash theme: light, for light terminal backgrounds.
# Format: role = foreground [background] [bold] [reverse] [underline] [dim]
normal         = default default
header         = white #005f87 bold
footer         = #585858 default
footer-key     = #005f87 default bold
title          = black default bold
table-header   = #585858 default bold
selection      = black #afd7ff
muted          = #767676 default
border         = #9e9e9e default
label          = default default
required       = #af0000 default bold
input          = black #e4e4e4
input-focused  = black #ffffaf
error          = #af0000 default
success        = #008700 default
warning        = #af5f00 default
dialog         = default default
button         = black #d0d0d0
button-focused = white #005f87 bold
active         = #008700 default
inactive       = #767676 default
toast          = white #5f5f87
filter         = #875f00 default bold

"""
    static let highContrast = """
# hookdash theme: high-contrast. Pure black and white plus bright accents; selection and
# focus use reverse video so they stay visible on any terminal.
# Format: role = foreground [background] [bold] [reverse] [underline] [dim]
normal         = bright-white black
header         = black bright-white bold
footer         = bright-white black
footer-key     = bright-yellow black bold underline
title          = bright-white black bold underline
table-header   = bright-white black bold underline
selection      = bright-white black reverse bold
muted          = white black
border         = bright-white black
label          = bright-white black bold
required       = bright-yellow black bold
input          = bright-white black underline
input-focused  = bright-white black reverse bold
error          = bright-yellow black bold
success        = bright-green black bold
warning        = bright-yellow black bold
dialog         = bright-white black
button         = bright-white black
button-focused = bright-white black reverse bold
active         = bright-green black bold
inactive       = white black
toast          = black bright-yellow bold
filter         = bright-yellow black bold

"""
    static let files: [String: String] = ["dark": dark, "light": light, "high-contrast": highContrast]
}
