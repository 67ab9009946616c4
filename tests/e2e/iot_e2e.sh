# tests/e2e/iot_e2e.sh — sourced by run_e2e.sh (uses its pass/fail/skip, $tmp, $build,
# $emu, $shared and pcsc_env.sh's emu_start/emu_stop; the private pcscd runs).
#
# iot_e2e: euicc-emu --mode iot with the SGP.26 identity, driven through PC/SC by
# tools/euicc-eim (eIM + IPA) and tools/euicc-smdp (download): AddInitialEim answers
# associationToken 1 (a second one is refused); a TS.48 profile is downloaded (ES10b
# works in IoT mode); the PSMO enable answers a signed result that verifies with
# CERT.EUICC; listProfileInfo shows it enabled; a local DisableProfile (ES10c) is refused
# while an eIM is associated; a replayed counterValue gets a signed replayError; disable,
# delete, getRAT and listEim; the eCOs addEim (+ listEim, in one package with --then)
# and deleteEim; a tampered package (bad signature) is refused unsigned and changes
# nothing; CERT.EUICC is refused under a foreign CI (--ci-cert); the stored results
# verify and NotificationSent removes them.
# Then the IPA's own ES10b functions (iot_ipa_e2e): an Emergency Profile (euicc-smdp
# --ecall) and a Fallback Profile (--fallback-allowed yes) are downloaded;
# EnableEmergencyProfile enables it (while it is, a package answers ecallActive), again
# → profileNotInDisabledState, DisableEmergencyProfile; setFallbackAttribute (PSMO), then
# ExecuteFallbackMechanism enables the Fallback Profile, GetConnectivityParameters →
# parametersNotAvailable (TS.48 has none), ReturnFromFallback; ProfileRollback without a
# rollback point → rollbackNotAllowed, after an `enable --rollback` package → ok.
# Then a consumer-mode card answers the IoT functions with errors.
# SKIP when <shared>/sgp26 (with eIM/) or the TS.48 profile is absent.

iot_out=""
iot_iccid=""

# iot_expect NAME WANT_RC REGEX PROGRAM ARGS... : PASS when PROGRAM exits WANT_RC and
# prints a line matching REGEX (output in $iot_out)
iot_expect() {
    local name=$1 want=$2 re=$3 prog=$4 rc=0
    shift 4
    "$prog" "$@" > "$iot_out" 2>&1 || rc=$?
    if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$iot_out"; then
        pass "iot: $name"
        return 0
    fi
    fail "iot: $name ($(basename "$prog") $*: rc $rc, want $want, /$re/)"
    sed 's/^/    | /' "$iot_out"
    return 1
}

# iot_check: iot_expect as a statement (a failure is counted, the script goes on under set -e)
iot_check() {
    iot_expect "$@" || true
}

# iot_download NAME UPP ARGS... : download UPP with euicc-smdp (extra ARGS); its ICCID
# in $iot_iccid, empty on failure
iot_download() {
    local name=$1 upp=$2
    shift 2
    iot_iccid=""
    if iot_expect "$name" 0 '^profile installed: ICCID [0-9]{19,20}, ' \
           "$smdp" "${sgp[@]}" --upp "$upp" "$@"; then
        iot_iccid=$(sed -n 's/^profile installed: ICCID \([0-9]*\), .*/\1/p' "$iot_out")
    fi
}

# the IPA's ES10b functions on the running IoT card (eIM associated; called by iot_e2e
# with its locals eim, smdp, sgp)
iot_ipa_e2e() {
    local dir=$shared/profiles/ts48 ec fb
    local ec_upp=$dir/TS48V2-SAIP2-1-BERTLV-UNIQUE.der fb_upp=$dir/TS48V1-B-UNIQUE.der
    if [ ! -f "$ec_upp" ] || [ ! -f "$fb_upp" ]; then
        skip "iot: $ec_upp or $fb_upp not found (set EUICC_EMU_SHARED)"
        return
    fi
    iot_download "download with --ecall (Emergency Profile)" "$ec_upp" --ecall
    ec=$iot_iccid
    iot_download "download with --fallback-allowed yes" "$fb_upp" --fallback-allowed yes
    fb=$iot_iccid
    if [ -z "$ec" ] || [ -z "$fb" ] || [ "$ec" = "$fb" ]; then
        fail "iot: two profiles for the IPA functions (got '$ec' and '$fb')"
        return
    fi

    iot_check "EnableEmergencyProfile: ok" 0 \
        '^EnableEmergencyProfile: enableEmergencyProfileResult ok\(0\)$' "$eim" --refresh emergency-on
    iot_check "Emergency Profile enabled (GetProfilesInfo)" 0 "^$ec [0-9A-F]+ enabled " \
        "$smdp" --list
    iot_check "PSMO listProfileInfo during an emergency: signed ecallActive" 1 \
        '^  euiccPackageErrorCode ecallActive\(104\)$' "$eim" "${sgp[@]}" list
    iot_check "EnableEmergencyProfile again: profileNotInDisabledState" 1 \
        '^EnableEmergencyProfile: enableEmergencyProfileResult profileNotInDisabledState\(2\)$' \
        "$eim" emergency-on
    iot_check "DisableEmergencyProfile: ok" 0 \
        '^DisableEmergencyProfile: disableEmergencyProfileResult ok\(0\)$' "$eim" emergency-off
    iot_check "PSMO listProfileInfo: Emergency Profile disabled" 0 "^    $ec [0-9A-F]+ disabled " \
        "$eim" "${sgp[@]}" list

    iot_check "PSMO setFallbackAttribute: ok" 0 '^  setFallbackAttributeResult ok\(0\)$' \
        "$eim" "${sgp[@]}" set-fallback "$fb"
    iot_check "ExecuteFallbackMechanism: ok" 0 \
        '^ExecuteFallbackMechanism: executeFallbackMechanismResult ok\(0\)$' "$eim" fallback
    iot_check "Fallback Profile enabled (GetProfilesInfo)" 0 "^$fb [0-9A-F]+ enabled " \
        "$smdp" --list
    iot_check "GetConnectivityParameters: parametersNotAvailable (TS.48)" 1 \
        '^GetConnectivityParameters: connectivityParametersError parametersNotAvailable\(1\)$' \
        "$eim" connectivity
    iot_check "ReturnFromFallback: ok" 0 \
        '^ReturnFromFallback: returnFromFallbackResult ok\(0\)$' "$eim" --refresh return-fallback

    iot_check "ProfileRollback without a rollback point: rollbackNotAllowed" 1 \
        '^ProfileRollback: cmdResult rollbackNotAllowed\(1\)$' "$eim" rollback
    iot_check "PSMO enable --rollback: ok" 0 '^  enableResult ok\(0\)$' \
        "$eim" "${sgp[@]}" enable "$fb" --rollback
    iot_check "ProfileRollback: ok" 0 '^ProfileRollback: cmdResult ok\(0\)$' "$eim" rollback
    iot_check "after the rollback the profile is disabled again" 0 "^$fb [0-9A-F]+ disabled " \
        "$smdp" --list
}

iot_e2e() {
    local eim=$build/tools/euicc-eim smdp=$build/tools/euicc-smdp
    local upp=$shared/profiles/ts48/TS48V1-A-UNIQUE.der iccid seq seqs n
    local sgp=(--sgp26 "$shared/sgp26")
    iot_out=$tmp/iot.out
    if [ ! -x "$eim" ] || [ ! -x "$smdp" ]; then
        fail "iot: $eim or $smdp not built"
        return
    fi
    if [ ! -d "$shared/sgp26/eUICC" ] || [ ! -d "$shared/sgp26/eIM" ]; then
        skip "iot: SGP.26 identity / eIM key not found at $shared/sgp26 (set EUICC_EMU_SHARED)"
        return
    fi
    if [ ! -f "$upp" ]; then
        skip "iot: $upp not found (set EUICC_EMU_SHARED)"
        return
    fi
    emu_start "$emu" "$tmp/state-iot" --mode iot --identity "$shared/sgp26"

    iot_check "AddInitialEim answers associationToken 1" 0 \
        '^AddInitialEim: ok: eimId "euicc-eim" associationToken 1 counterValue 0$' \
        "$eim" "${sgp[@]}" --wait 15 --fqdn eim.example.com associate
    iot_check "second AddInitialEim refused" 1 \
        '^AddInitialEim: addInitialEimError associatedEimAlreadyExists\(2\)$' \
        "$eim" "${sgp[@]}" --eim-id other associate
    iot_check "GetEimConfigurationData" 0 \
        '^eimId "euicc-eim" eimFqdn "eim.example.com".* counterValue 0 associationToken 1 eimPublicKeyData eimPublicKey' \
        "$eim" config

    if iot_expect "ES10b download of $(basename "$upp" .der) in IoT mode" 0 \
           '^profile installed: ICCID [0-9]{19,20}, ' "$smdp" "${sgp[@]}" --upp "$upp"; then
        iccid=$(sed -n 's/^profile installed: ICCID \([0-9]*\), .*/\1/p' "$iot_out")
    else
        emu_stop || true
        return
    fi
    if iot_expect "PSMO enable: ok" 0 '^  enableResult ok\(0\)$' \
           "$eim" "${sgp[@]}" enable "$iccid"; then
        if grep -Eq '^euiccPackageResultSigned: eimId "euicc-eim" counterValue 1 seqNumber [0-9]+ euiccSignEPR verified$' "$iot_out"; then
            pass "iot: PSMO enable: signed result verified with CERT.EUICC"
        else
            fail "iot: PSMO enable: no verified euiccPackageResultSigned with counterValue 1"
            sed 's/^/    | /' "$iot_out"
        fi
    fi
    iot_check "PSMO listProfileInfo: enabled" 0 "^    $iccid [0-9A-F]+ enabled " \
        "$eim" "${sgp[@]}" list
    iot_check "local DisableProfile refused (eIM associated)" 1 \
        "^DisableProfile $iccid: [a-zA-Z]+\([0-9]+\)$" "$smdp" "${sgp[@]}" --disable "$iccid"
    iot_check "local EnableProfile refused" 1 "^EnableProfile $iccid: [a-zA-Z]+\([0-9]+\)$" \
        "$smdp" "${sgp[@]}" --enable "$iccid"
    iot_check "replayed counterValue: signed replayError" 1 \
        '^  euiccPackageErrorCode replayError\(4\)$' "$eim" "${sgp[@]}" --counter 1 disable "$iccid"
    iot_check "PSMO disable" 0 '^  disableResult ok\(0\)$' "$eim" "${sgp[@]}" disable "$iccid"
    iot_check "PSMO listProfileInfo: disabled" 0 "^    $iccid [0-9A-F]+ disabled " \
        "$eim" "${sgp[@]}" list
    iot_check "PSMO getRAT" 0 '^  getRATResult: [0-9]+ ProfilePolicyAuthorisationRules?$' \
        "$eim" "${sgp[@]}" rat
    iot_check "eCO listEim" 0 '^    eimId "euicc-eim"' "$eim" "${sgp[@]}" list-eim
    iot_check "PSMO delete" 0 '^  deleteResult ok\(0\)$' "$eim" "${sgp[@]}" delete "$iccid"
    iot_check "PSMO listProfileInfo: no profiles" 0 '^  listProfileInfoResult: 0 profiles$' \
        "$eim" "${sgp[@]}" list

    # eCOs: addEim then listEim in one package, deleteEim
    if iot_expect "eCO addEim --then listEim: a new associationToken" 0 \
           '^  addEimResult associationToken [0-9]+$' "$eim" "${sgp[@]}" \
           --new-key "$shared/sgp26/eIM/SK_S_EIMsign_ECDSA_NIST.pem" --new-counter 5 \
           add-eim second-eim --then list-eim; then
        grep -q '^    eimId "second-eim"' "$iot_out" &&
            pass "iot: listEim in the same package shows the added eIM" ||
            { fail "iot: listEim after addEim lacks second-eim"; sed 's/^/    | /' "$iot_out"; }
    fi
    iot_check "eCO deleteEim" 0 '^  deleteEimResult ok\(0\)$' "$eim" "${sgp[@]}" \
        delete-eim second-eim
    iot_check "eCO deleteEim of an unknown eIM" 1 '^  deleteEimResult eimNotFound\(1\)$' \
        "$eim" "${sgp[@]}" delete-eim second-eim
    iot_check "eCO listEim after deleteEim" 0 '^    eimId "euicc-eim"$' \
        "$eim" "${sgp[@]}" list-eim

    # wrong packages: refused as the spec says, the counter does not move
    iot_check "tampered package (bad signature) refused unsigned" 1 \
        '^euiccPackageErrorUnsigned: eimId "euicc-eim" associationToken 1 euiccPackageUnsignedErrorCode undefinedError\(127\)$' \
        "$eim" "${sgp[@]}" --tamper bad-signature rat
    iot_check "tampered package (wrong EID) refused: signed invalidEid" 1 \
        '^  euiccPackageErrorCode invalidEid\(3\)$' "$eim" "${sgp[@]}" --tamper=wrong-eid rat
    iot_check "counterValue advanced to 12" 0 'counterValue 12 associationToken 1' \
        "$eim" config

    # the other PSMOs, two per package; the fallback codes depend on the card's
    # fallback rules (any decoded setFallbackAttributeResult / unset... is accepted)
    if iot_expect "PSMO configureImmediateEnable --then setDefaultDpAddress" 0 \
           '^  setDefaultDpAddressResult ok\(0\)$' "$eim" "${sgp[@]}" --flag \
           --smdp-address smdp.example.com immediate-enable-config --then \
           set-default-dp dp.example.com; then
        grep -q '^  configureImmediateEnableResult ok(0)$' "$iot_out" &&
            pass "iot: configureImmediateEnableResult ok" ||
            { fail "iot: configureImmediateEnableResult"; sed 's/^/    | /' "$iot_out"; }
    fi
    "$eim" "${sgp[@]}" set-fallback "$iccid" --then unset-fallback > "$iot_out" 2>&1 || true
    if grep -Eq '^  setFallbackAttributeResult [a-zA-Z]+\([0-9]+\)$' "$iot_out" &&
       grep -q 'euiccSignEPR verified$' "$iot_out"; then
        pass "iot: PSMO setFallbackAttribute --then unsetFallbackAttribute: signed result"
    else
        fail "iot: PSMO setFallbackAttribute: no decoded signed result"
        sed 's/^/    | /' "$iot_out"
    fi

    # CERT.EUICC under a CI that did not issue its EUM: the results are refused
    iot_check "CERT.EUICC under a foreign CI refused" 1 \
        "CERT.EUICC is not trusted: CERT.EUM is not an EUM certificate issued by the trusted CI" \
        "$eim" "${sgp[@]}" --ci-cert "$shared/sgp26/CI/CERT_CI_ECDSA_BRP.der" rat

    # the stored results: all signed and verified, then acknowledged one by one
    if iot_expect "RetrieveNotificationsList euiccPackageResults verified" 0 \
           '^euiccPackageResultSigned: .* euiccSignEPR verified$' "$eim" "${sgp[@]}" results; then
        seqs=$(sed -n 's/^euiccPackageResultSigned: .* seqNumber \([0-9]*\) .*/\1/p' "$iot_out")
        n=$(echo "$seqs" | wc -w)
        if grep -q 'DOES NOT VERIFY' "$iot_out"; then
            fail "iot: a stored result does not verify"
        fi
        local ok=1
        for seq in $seqs; do
            "$eim" ack "$seq" > "$iot_out" 2>&1 && grep -q "^NotificationSent $seq: ok$" "$iot_out" ||
                { ok=0; sed 's/^/    | /' "$iot_out"; }
        done
        [ "$ok" = 1 ] && pass "iot: NotificationSent for the $n stored results" ||
            fail "iot: NotificationSent for the stored results"
        iot_check "no results left" 0 '^no stored eUICC Package results$' \
            "$eim" "${sgp[@]}" results
        iot_check "NotificationSent of a removed result" 1 \
            "^NotificationSent ${seq:-1}: nothingToDelete\(1\)$" "$eim" ack "${seq:-1}"
    fi
    iot_ipa_e2e
    emu_stop || true

    # a consumer (SGP.22) card: the IoT functions answer errors
    emu_start "$emu" "$tmp/state-iot-consumer" --identity "$shared/sgp26"
    iot_check "consumer card: GetEimConfigurationData refused" 1 \
        'GetEimConfigurationData: card answered SW [0-9A-F]{4}$' "$eim" --wait 15 config
    iot_check "consumer card: AddInitialEim refused" 1 \
        'card answered SW [0-9A-F]{4}$' "$eim" "${sgp[@]}" associate
    emu_stop || true
}
