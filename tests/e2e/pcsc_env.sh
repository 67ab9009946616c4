# tests/e2e/pcsc_env.sh — sourced by the e2e and bench scripts: a PRIVATE pcscd with the
# vpcd reader, so a pcscd the user already runs is not disturbed.
#
# Debian 12's pcscd (1.9.9) ignores PCSCLITE_CSOCK_NAME and always uses
# /run/pcscd/pcscd.comm and /run/pcscd/pcscd.pid (a second instance refuses to start
# when the pid file names a live pcscd). The client library does honour
# PCSCLITE_CSOCK_NAME. So pcscd runs in its own mount namespace where a temporary
# folder is mounted over /run: its socket and pid file land in that folder, and the
# clients reach it through PCSCLITE_CSOCK_NAME. As root `unshare -m`; otherwise
# `unshare -Urm` (an unprivileged user namespace) when the kernel allows it.
#
# Functions: pcsc_private_start TMPDIR   (sets PCSC_PORT, PCSC_READER, PCSCLITE_CSOCK_NAME)
#            emu_start EMU STATE_DIR [args...]   (sets EMU_PID; log in $TMPDIR/emu.log)
#            emu_stop
#            pcsc_private_stop   (also stops euicc-emu)

PCSC_PID=""
EMU_PID=""
PCSC_TMP=""

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
    local p i
    for i in $(seq 1 50); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
        if ! port_busy "$p" && ! port_busy $((p + 1)); then
            echo "$p"
            return 0
        fi
    done
    return 1
}

pcsc_private_start() {
    PCSC_TMP=$1
    local run="$PCSC_TMP/run" conf="$PCSC_TMP/reader.conf.d" i
    mkdir -p "$run" "$conf"
    PCSC_PORT=$(pick_port) || { echo "no free TCP port pair found" >&2; return 1; }
    cat > "$conf/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME /dev/null:$PCSC_PORT
LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID $PCSC_PORT
EOF
    local ns=()
    if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
        ns=(unshare -m --propagation private)
    elif unshare -Urm --propagation private true 2>/dev/null; then
        ns=(unshare -Urm --propagation private)
    fi
    if [ ${#ns[@]} -gt 0 ]; then
        "${ns[@]}" sh -c 'mount --bind "$1" /run && mkdir -p /run/pcscd && exec pcscd --foreground -c "$2"' \
            sh "$run" "$conf" > "$PCSC_TMP/pcscd.log" 2>&1 &
        PCSC_PID=$!
        export PCSCLITE_CSOCK_NAME="$run/pcscd/pcscd.comm"
    elif [ "$(id -u)" = 0 ] && [ ! -e /run/pcscd/pcscd.comm ]; then
        # no mount namespaces here, but no other pcscd either: use the standard socket
        echo "note: no mount namespace available; the test pcscd uses /run/pcscd" >&2
        pcscd --foreground -c "$conf" > "$PCSC_TMP/pcscd.log" 2>&1 &
        PCSC_PID=$!
        export PCSCLITE_CSOCK_NAME=/run/pcscd/pcscd.comm
    else
        echo "cannot start a private pcscd: need mount namespaces (root or unprivileged" \
             "user namespaces), or root and no other pcscd running" >&2
        return 1
    fi
    PCSC_READER="Virtual PCD 00 00"
    for i in $(seq 1 100); do
        [ -S "$PCSCLITE_CSOCK_NAME" ] && port_busy "$PCSC_PORT" && return 0
        if ! kill -0 "$PCSC_PID" 2>/dev/null; then
            echo "private pcscd exited:" >&2
            cat "$PCSC_TMP/pcscd.log" >&2
            return 1
        fi
        sleep 0.05
    done
    echo "private pcscd did not come up:" >&2
    cat "$PCSC_TMP/pcscd.log" >&2
    return 1
}

emu_start() {
    local emu=$1 state=$2
    shift 2
    "$emu" --state "$state" --vpcd "127.0.0.1:$PCSC_PORT" "$@" >> "$PCSC_TMP/emu.log" 2>&1 &
    EMU_PID=$!
}

emu_stop() {
    if [ -n "$EMU_PID" ]; then
        kill -TERM "$EMU_PID" 2>/dev/null || true
        local rc=0
        wait "$EMU_PID" 2>/dev/null || rc=$?
        EMU_PID=""
        return $rc
    fi
}

pcsc_private_stop() {
    emu_stop || true
    if [ -n "$PCSC_PID" ]; then
        kill -TERM "$PCSC_PID" 2>/dev/null || true
        wait "$PCSC_PID" 2>/dev/null || true
        PCSC_PID=""
    fi
}
