#!/usr/bin/env bash
# Drives the real hookdash console in tmux through its main screens, captures each with
# colours (tmux capture-pane -e) and renders PNGs into screenshots/.
# Needs: tmux, python3 with Pillow (pip install pillow), fonts-dejavu-core.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${HOOKDASH_BIN:-$root/.build/debug/hookdash}
[ -x "$bin" ] || swift build --product hookdash
out=$root/screenshots
work=$(mktemp -d)
socket="hookdash-shots-$$"
cols=100 rows=30
listen_pid=""
cleanup() {
    sock=$(tmux -L "$socket" display-message -p '#{socket_path}' 2>/dev/null || true)
    tmux -L "$socket" kill-server 2>/dev/null || true
    # The server leaves its socket file behind.
    case "$sock" in */"$socket") rm -f "$sock" ;; esac
    [ -n "$listen_pid" ] && kill "$listen_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
db=$work/hookdash.sqlite

"$bin" listen --port 0 > "$work/listen.log" 2>&1 &
listen_pid=$!
for _ in $(seq 50); do grep -q "127.0.0.1:" "$work/listen.log" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/listen.log" | head -1 | cut -d: -f2)

t() { tmux -L "$socket" "$@"; }
wait_for() {
    for _ in $(seq 200); do t capture-pane -p | grep -qF -- "$1" && return 0; sleep 0.1; done
    echo "screenshots: timed out waiting for: $1" >&2; t capture-pane -p >&2; exit 1
}
shot() {
    sleep 0.4
    t capture-pane -e -N -p > "$work/$1.ans"
    python3 "$root/scripts/ansi2png.py" "$work/$1.ans" "$out/$1.png" --cols $cols --rows $rows
    echo "screenshots/$1.png"
}

TERM=xterm-256color t new-session -d -x $cols -y $rows "env TERM=xterm-256color HOME=/home/demo $bin --db $db --dev"
wait_for "The webhooks dashboard is empty."
shot 01-empty-dashboard

t send-keys n; wait_for "Create Webhook"
t send-keys -l "Billing service"; t send-keys Tab; t send-keys -l "http://billing.example.com/hooks"
t send-keys C-s; wait_for "HTTPS is required"
shot 02-form-validation

t send-keys C-u; t send-keys -l "http://127.0.0.1:$port/billing"
t send-keys Tab C-g Tab Space Tab Space C-s
wait_for "Created"
"$bin" webhooks create --db "$db" --dev --name "Order sync → ERP" --url "http://127.0.0.1:$port/erp/orders?tenant=acme" --event order.status > /dev/null
"$bin" webhooks create --db "$db" --dev --name "Staging relay" --url "https://staging.example.net/relay" --event job.status --inactive > /dev/null
"$bin" webhooks create --db "$db" --dev --name "Broken receiver" --url "http://127.0.0.1:9/nothing-listens" --event job.status > /dev/null
wait_for "Broken receiver"
t send-keys t; wait_for "job.status → Billing service: 200"
t send-keys s; wait_for "Simulate"; t send-keys 1
wait_for "Demo job SUCCEEDED"
shot 03-dashboard

t send-keys g Enter; wait_for "Deliveries (newest first"
sleep 1
shot 04-details-live-deliveries

t send-keys Enter; wait_for "DURATION"; t send-keys Enter; wait_for "── Request ──"
shot 05-request-response
t send-keys Escape Escape Escape
# A key sent within the Esc delay after an Esc is read as Alt-key, as in any terminal program.
sleep 0.3

t send-keys '?'; wait_for "Keys"
shot 06-help
t send-keys Escape; sleep 0.3

t send-keys j j j d; wait_for "Delete the webhook"
shot 07-delete-confirm
t send-keys Escape; sleep 0.3
t send-keys q
