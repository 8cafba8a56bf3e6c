#ifndef HOOKDASH_CNCURSESW_SHIM_H
#define HOOKDASH_CNCURSESW_SHIM_H
// The wide-character API (wget_wch, mvaddnwstr, cchar_t) needs these before the header.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>
#include <ncursesw/term.h>

// Swift cannot import macros or the mutable globals (not concurrency-safe), so they are
// wrapped here as small inline functions.
static inline WINDOW *hd_stdscr(void) { return stdscr; }
static inline int hd_lines(void) { return LINES; }
static inline int hd_cols(void) { return COLS; }
static inline int hd_colors(void) { return COLORS; }
static inline int hd_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t hd_a_normal(void) { return A_NORMAL; }
static inline attr_t hd_a_bold(void) { return A_BOLD; }
static inline attr_t hd_a_reverse(void) { return A_REVERSE; }
static inline attr_t hd_a_underline(void) { return A_UNDERLINE; }
static inline attr_t hd_a_dim(void) { return A_DIM; }
static inline int hd_key_resize(void) { return KEY_RESIZE; }
static inline int hd_key_mouse(void) { return KEY_MOUSE; }
static inline int hd_key_code_yes(void) { return KEY_CODE_YES; }
static inline mmask_t hd_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t hd_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t hd_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t hd_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t hd_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t hd_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t hd_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t hd_button2_pressed(void) { return BUTTON2_PRESSED; }
static inline FILE *hd_stdout(void) { return stdout; }
static inline FILE *hd_stdin(void) { return stdin; }
static inline int hd_key_f(int n) { return KEY_F(n); }
static inline int hd_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int hd_getmaxx(WINDOW *w) { return getmaxx(w); }
enum { HD_TERMINAL_UNKNOWN = 0, HD_TERMINAL_USABLE = 1, HD_TERMINAL_NO_CURSOR_ADDRESSING = 2 };
// Whether this machine describes `type` and it can draw a full screen, without opening one.
// setupterm reports a missing entry in `found` (0) instead of printing; a printing terminal
// is found (1) but refused; tigetstr answers (char *)-1 for a name that is not a string
// capability, NULL when the terminal lacks it.
static inline int hd_probe_terminal(const char *type, int fd) {
    int found = 0;
    if (setupterm((char *)type, fd, &found) != OK) {
        return found == 1 ? HD_TERMINAL_NO_CURSOR_ADDRESSING : HD_TERMINAL_UNKNOWN;
    }
    char *cup = tigetstr("cup");
    int usable = cup != NULL && cup != (char *)-1;
    del_curterm(cur_term);
    return usable ? HD_TERMINAL_USABLE : HD_TERMINAL_NO_CURSOR_ADDRESSING;
}
// Whether the open terminal has an alternate screen to leave (rmcup): without one (the
// Linux console, vt100) the last frame stays where the shell goes on writing.
static inline int hd_has_alternate_screen(void) {
    char *rmcup = tigetstr("rmcup");
    return rmcup != NULL && rmcup != (char *)-1 && rmcup[0] != 0;
}
#endif
