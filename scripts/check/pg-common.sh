# Shared by the PostGIS store checks (sourced): a throw-away cluster, the
# senda build, synthetic report files with some unusable rows, and the store
# counts as one line.
pg_setup() {
    cd "$(dirname "$0")/../.."
    senda=${SENDA:-build/senda}
    [ -x "$senda" ] || { echo "build senda first (scripts/build), or set SENDA" >&2; exit 2; }
    work=${SENDA_CHECK_WORK:-$(mktemp -d /tmp/senda-check.XXXXXX)}
    chmod 755 "$work"
    trap 'scripts/pg-test-cluster stop "$work/pg" >/dev/null 2>&1; [ -n "${SENDA_CHECK_WORK:-}" ] || rm -rf "$work"' EXIT
    set -a
    eval "$(scripts/pg-test-cluster start "$work/pg" $$)"
    set +a
    layers=${SENDA_LAYERS:-layers/corridor}
    "$senda" layers check --layers "$layers" -q >/dev/null 2>&1 || layers=tests/data/incidents/layers
}
# synth_file N SEED OUT: N synthetic rows; every 97th row's latitude made unreadable
synth_file() {
    "$senda" synth --layers "$layers" --n "$1" --seed "$2" --out "$work/raw$2.csv" -q
    awk -F, -v OFS=, 'NR > 1 && NR % 97 == 0 { $11 = "not-a-latitude" } { print }' \
        "$work/raw$2.csv" > "$3"
    rm -f "$work/raw$2.csv"
}
newdb() { psql -qX -d postgres -c "CREATE DATABASE $1" >/dev/null; }
# counts STORE: the figures `senda store check` prints, on one line
counts() {
    "$senda" store check "$1" | awk '/^(incidents|  accepted|  repaired|  duplicate|rejects|imported files|rows read)/ { $1 = $1; printf "%s; ", $0 } /^check:/ { printf "%s", $0 }'
}
