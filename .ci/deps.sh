# .ci/deps.sh — sourced by run.sh and test.sh: install the Debian 12 packages the
# project needs, only when some are missing (idempotent, non-interactive).
# Set EUICC_EMU_NO_APT=1 to skip (then missing packages are only reported).

EUICC_EMU_PACKAGES=(gcc libc6-dev meson ninja-build pkg-config libssl-dev libpcsclite-dev
                    pcscd vsmartcard-vpcd libcmocka-dev python3-pyscard opensc
                    clang libfuzzer-14-dev clang-tidy cppcheck valgrind)

install_deps() {
    local missing=() p sudo=()
    for p in "${EUICC_EMU_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "${EUICC_EMU_NO_APT:-0}" = 1 ]; then
        echo "missing Debian packages (EUICC_EMU_NO_APT=1, not installing): ${missing[*]}" >&2
        return 0
    fi
    if ! command -v apt-get > /dev/null; then
        echo "missing packages ${missing[*]} and no apt-get: this script expects Debian 12" >&2
        return 1
    fi
    if [ "$(id -u)" != 0 ]; then
        command -v sudo > /dev/null || {
            echo "missing packages ${missing[*]}: run as root or install sudo" >&2
            return 1
        }
        sudo=(sudo)
    fi
    echo "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}"
}
