#!/usr/bin/env bash
# run.sh — the one command to run the card: installs what is missing (Debian 12),
# builds euicc-emu in build/, makes sure a pcscd with the vpcd reader runs, then runs
# euicc-emu in the foreground. Extra arguments go to euicc-emu, e.g.
#   ./run.sh --trace --identity ../shared/sgp26
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

. .ci/deps.sh
install_deps

build=build
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dbuildtype=debugoptimized
fi
ninja -C "$build" vicc/euicc-emu

reader="Virtual PCD 00 00"
vpcd_port=35963
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pcscd_pid=""
emu_pid=""
cleanup() {
    if [ -n "$emu_pid" ]; then
        kill -TERM "$emu_pid" 2>/dev/null || true
        wait "$emu_pid" 2>/dev/null || true
    fi
    if [ -n "$pcscd_pid" ]; then
        kill -TERM "$pcscd_pid" 2>/dev/null || true
        wait "$pcscd_pid" 2>/dev/null || true
    fi
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]; then
    echo "run.sh: vsmartcard-vpcd's driver is missing (apt-get install vsmartcard-vpcd)" >&2
    exit 1
fi
if ! port_open "$vpcd_port"; then
    if [ -S /run/pcscd/pcscd.comm ]; then
        # a pcscd (or systemd's socket for it) is there: a client call starts it
        opensc-tool -l > /dev/null 2>&1 || true
        for _ in $(seq 1 40); do port_open "$vpcd_port" && break; sleep 0.1; done
        if ! port_open "$vpcd_port"; then
            echo "run.sh: a pcscd runs but has no vpcd reader on port $vpcd_port." >&2
            echo "        Restart it so that it reads /etc/reader.conf.d/vpcd, e.g." >&2
            echo "        sudo systemctl restart pcscd   (or stop it and run ./run.sh again)" >&2
            exit 1
        fi
    else
        if [ "$(id -u)" != 0 ]; then
            echo "run.sh: pcscd is not running; start it as root (sudo pcscd) or run ./run.sh as root" >&2
            exit 1
        fi
        echo "run.sh: starting pcscd --foreground (log: $PWD/$build/pcscd.log)"
        pcscd --foreground > "$build/pcscd.log" 2>&1 &
        pcscd_pid=$!
        for _ in $(seq 1 100); do port_open "$vpcd_port" && break; sleep 0.05; done
        if ! port_open "$vpcd_port"; then
            echo "run.sh: pcscd did not open the vpcd port $vpcd_port:" >&2
            cat "$build/pcscd.log" >&2
            exit 1
        fi
    fi
fi

echo "run.sh: euicc-emu is the card in the PC/SC reader \"$reader\". Try, in another terminal:"
echo "  opensc-tool -r '$reader' -s 00A4040010A0000005591010FFFFFFFF890000010000 -s 80E2910006BF3E035C015A00"
echo "  lpac chip info"
echo "Stop with Ctrl-C."
"$build/vicc/euicc-emu" "$@" &
emu_pid=$!
rc=0
wait "$emu_pid" || rc=$?
emu_pid=""
exit "$rc"
