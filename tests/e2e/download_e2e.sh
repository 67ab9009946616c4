# tests/e2e/download_e2e.sh — sourced by run_e2e.sh (uses its pass/fail/skip, $tmp,
# $build, $emu, $shared and pcsc_env.sh's emu_start/emu_stop; the private pcscd runs).
#
# download_e2e: euicc-emu with the SGP.26 identity; for every profile in
# <shared>/profiles/ts48, through PC/SC with tools/euicc-smdp (half of them bound with
# ReplaceSessionKeys): download → PIR success; the same again →
# installFailedDueToIccidAlreadyExistsOnEuicc; listed disabled; enable (the previously
# enabled profile becomes disabled); disable; delete; its install/enable/disable/delete
# notifications listed and retrieved; all notifications removed (NotificationSent)
# until the list is empty. Once, euicc-emu restarts between downloads and the profiles
# must still be there. One PASS/FAIL line per profile (with its time), plus the
# set-up, restart and clean-up checks.

dl_smdp=""
dl_out=""

# dl ARGS... : run euicc-smdp; output in $dl_out; returns its exit status
dl() {
    "$dl_smdp" --sgp26 "$shared/sgp26" "$@" > "$dl_out" 2>&1
}

# dl_expect WHAT WANT_RC REGEX ARGS... : run euicc-smdp ARGS; unless it exits WANT_RC
# with a line matching REGEX, set dl_err (why the current profile failed) and fail
dl_err=""
dl_expect() {
    local what=$1 want=$2 re=$3 rc=0
    shift 3
    dl "$@" || rc=$?
    if [ "$rc" != "$want" ] || ! grep -Eq -- "$re" "$dl_out"; then
        dl_err="$what: euicc-smdp $* (rc $rc, want $want, /$re/)"
        return 1
    fi
}

# The list's line for ICCID (empty when absent).
dl_list_line() {
    dl --list && grep -E "^$1 " "$dl_out" || true
}

# Remove every pending notification; then the list must be empty.
dl_remove_all() {
    local seqs seq
    dl --notifications || { dl_err="ListNotification failed"; return 1; }
    seqs=$(awk '/^[0-9]+ / {print $1}' "$dl_out")
    for seq in $seqs; do
        dl_expect "NotificationSent $seq" 0 "^NotificationSent $seq: ok$" --remove "$seq" || return 1
    done
    dl --notifications || { dl_err="ListNotification failed"; return 1; }
    if grep -Eq '^[0-9]+ ' "$dl_out"; then
        dl_err="notifications left after removing them all"
        return 1
    fi
}

# Download $1 (extra args after), set dl_iccid/dl_aid; also the duplicate download.
dl_install() {
    local upp=$1
    shift
    dl_expect "download" 0 '^profile installed: ICCID [0-9]{19,20}, ISD-P [0-9A-F]{10,32} ' \
        "$@" --upp "$upp" || return 1
    dl_iccid=$(sed -n 's/^profile installed: ICCID \([0-9]*\), ISD-P \([0-9A-F]*\) .*/\1/p' "$dl_out")
    dl_aid=$(sed -n 's/^profile installed: ICCID \([0-9]*\), ISD-P \([0-9A-F]*\) .*/\2/p' "$dl_out")
    dl_expect "second download" 1 \
        'errorReason installFailedDueToIccidAlreadyExistsOnEuicc\(9\)$' "$@" --upp "$upp"
}

# One profile's life cycle while $dl_anchor (ICCID) is the enabled profile.
dl_life_cycle() {
    local upp=$1 restart=$2 line ev n_list n_ret
    shift 2
    dl_install "$upp" "$@" || return 1
    local iccid=$dl_iccid aid=$dl_aid
    if [ "$restart" = 1 ]; then
        emu_stop || { dl_err="euicc-emu did not stop cleanly"; return 1; }
        emu_start "$emu" "$dl_state" --identity "$shared/sgp26"
        dl_expect "list after restart" 0 "^$dl_anchor [0-9A-F]+ enabled " --wait 15 --list ||
            return 1
        grep -Eq "^$iccid $aid disabled " "$dl_out" ||
            { dl_err="$iccid not listed disabled after the restart"; return 1; }
        pass "download: profiles and states survive a euicc-emu restart"
    fi
    line=$(dl_list_line "$iccid")
    echo "$line" | grep -Eq "^$iccid $aid disabled (test|provisioning|operational) \"" ||
        { dl_err="not listed disabled: '$line'"; return 1; }
    dl_expect "enable" 0 "^EnableProfile $iccid: ok$" --enable "$iccid" || return 1
    dl --list
    grep -Eq "^$iccid $aid enabled " "$dl_out" || { dl_err="not enabled after EnableProfile"; return 1; }
    grep -Eq "^$dl_anchor [0-9A-F]+ disabled " "$dl_out" ||
        { dl_err="the previously enabled $dl_anchor is not disabled"; return 1; }
    [ "$(grep -c ' enabled ' "$dl_out")" = 1 ] || { dl_err="more than one profile enabled"; return 1; }
    dl_expect "enable again" 1 "^EnableProfile $iccid: profileNotInDisabledState\(2\)$" \
        --enable "$iccid" || return 1
    dl_expect "disable" 0 "^DisableProfile $iccid: ok$" --disable "$iccid" || return 1
    line=$(dl_list_line "$iccid")
    echo "$line" | grep -q " disabled " || { dl_err="not disabled: '$line'"; return 1; }
    dl_expect "delete" 0 "^DeleteProfile $iccid: ok$" --delete "$iccid" || return 1
    [ -z "$(dl_list_line "$iccid")" ] || { dl_err="still listed after DeleteProfile"; return 1; }
    dl_expect "delete again" 1 "^DeleteProfile $iccid: iccidOrAidNotFound\(1\)$" \
        --delete "$iccid" || return 1
    dl_expect "re-enable $dl_anchor" 0 "^EnableProfile $dl_anchor: ok$" --enable "$dl_anchor" ||
        return 1
    dl --notifications || { dl_err="ListNotification failed"; return 1; }
    for ev in install enable disable delete; do
        grep -Eq "^[0-9]+ $ev $iccid " "$dl_out" ||
            { dl_err="no $ev notification for $iccid"; return 1; }
    done
    n_list=$(grep -Ec '^[0-9]+ ' "$dl_out")
    dl --retrieve || { dl_err="RetrieveNotificationsList failed"; return 1; }
    n_ret=$(grep -Ec '^[0-9]+ [a-z]+ [0-9-]+ [^ ]+ (ProfileInstallationResult BF37|OtherSignedNotification 30)[0-9A-F]+$' "$dl_out")
    [ "$n_list" = "$n_ret" ] ||
        { dl_err="ListNotification has $n_list entries, RetrieveNotificationsList $n_ret"; return 1; }
    grep -Eq "^[0-9]+ install $iccid [^ ]+ ProfileInstallationResult " "$dl_out" ||
        { dl_err="no PIR retrieved for $iccid"; return 1; }
    line=$(awk -v i="$iccid" '$2 == "delete" && $3 == i {print $1; exit}' "$dl_out")
    dl_expect "retrieve by seq" 0 "^$line delete $iccid " --retrieve "$line" || return 1
    dl_remove_all
}

download_e2e() {
    dl_smdp=$build/tools/euicc-smdp
    dl_out=$tmp/dl.out
    dl_state=$tmp/state-dl
    local dir=$shared/profiles/ts48 i=0 name t0 t1 rsk restart
    if [ ! -x "$dl_smdp" ]; then
        fail "download: $dl_smdp not built"
        return
    fi
    if [ ! -d "$shared/sgp26/eUICC" ]; then
        skip "download: SGP.26 identity not found at $shared/sgp26 (set EUICC_EMU_SHARED)"
        return
    fi
    local profiles=()
    [ -d "$dir" ] && profiles=("$dir"/*.der)
    if [ ${#profiles[@]} = 0 ] || [ ! -e "${profiles[0]}" ]; then
        skip "download: no TS.48 profiles in $dir (set EUICC_EMU_SHARED)"
        return
    fi
    emu_start "$emu" "$dl_state" --identity "$shared/sgp26"

    # the first profile stays enabled while the others go through their life cycle
    dl_err=""
    t0=$(date +%s%N)
    if dl_install "${profiles[0]}" --wait 15 &&
       dl_expect "enable" 0 "^EnableProfile $dl_iccid: ok$" --enable "$dl_iccid" &&
       dl_remove_all; then
        dl_anchor=$dl_iccid
        t1=$(date +%s%N)
        pass "download: $(basename "${profiles[0]}" .der) installed and enabled ($(( (t1 - t0) / 1000000 )) ms)"
    else
        fail "download: $(basename "${profiles[0]}" .der): $dl_err"
        sed 's/^/    | /' "$dl_out"
        emu_stop || true
        return
    fi
    for ((i = 1; i < ${#profiles[@]}; i++)); do
        name=$(basename "${profiles[$i]}" .der)
        rsk=()
        [ $((i % 2)) = 1 ] && rsk=(--rsk)
        restart=0
        [ "$i" = 1 ] && restart=1
        dl_err=""
        t0=$(date +%s%N)
        if dl_life_cycle "${profiles[$i]}" "$restart" "${rsk[@]}"; then
            t1=$(date +%s%N)
            pass "download: $name${rsk:+ (ReplaceSessionKeys)}: install, duplicate, list, enable, disable, delete, notifications ($(( (t1 - t0) / 1000000 )) ms)"
        else
            fail "download: $name${rsk:+ (ReplaceSessionKeys)}: $dl_err"
            sed 's/^/    | /' "$dl_out"
        fi
    done

    # clean up: the first profile goes too, nothing is left
    dl_err=""
    if dl_expect "disable $dl_anchor" 0 "^DisableProfile $dl_anchor: ok$" --disable "$dl_anchor" &&
       dl_expect "delete $dl_anchor" 0 "^DeleteProfile $dl_anchor: ok$" --delete "$dl_anchor" &&
       dl_remove_all && dl --list && ! grep -Eq '^[0-9]' "$dl_out"; then
        pass "download: last profile deleted, no profiles and no notifications left"
    else
        fail "download: clean-up: ${dl_err:-profiles left}"
        sed 's/^/    | /' "$dl_out"
    fi
    emu_stop || true
}
