#!/bin/sh
# scripts/check_layers.sh: no file under src/lib includes a private header of
# a layer above its own (make check runs it).  The layers, bottom first, are
# the one list below; a file may include headers of its own folder and of
# the folders before it, and the public headers (trackrecord/...).  A new
# folder under src/lib is placed in the list, or the check fails.
set -eu
cd "$(dirname "$0")/../src/lib"
LAYERS="base model store formats milestones records forecast publish app"
# Narrower rules for a folder, "FOLDER:LOWER:HEADERS": of the layer LOWER,
# FOLDER's files include only HEADERS (which include no other header of
# LOWER).  The readers (formats) fill the import's observation batch and
# never see the store: the driver (app/import.c) writes what they hand
# back, so no reader reaches store/backend.h or calls tr_store_*().
NARROW="formats:store:batch.h"

rank() {   # rank FOLDER: its place in LAYERS, or nothing
    i=0
    for l in $LAYERS; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
}
status=0
for dir in */; do
    dir=${dir%/}
    [ -n "$(rank "$dir")" ] || { echo "check_layers: src/lib/$dir is in no layer (add it to LAYERS in $0)" >&2; status=1; }
done
for f in $(find . -name '*.[ch]' | sed 's|^\./||' | sort); do
    own=${f%%/*}
    [ "$own" = "$f" ] && { echo "check_layers: src/lib/$f is in no folder" >&2; status=1; continue; }
    mine=$(rank "$own")
    [ -n "$mine" ] || continue
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        case "$h" in trackrecord/*) continue ;; */*) ;; *)
            echo "check_layers: src/lib/$f includes \"$h\": name private headers by folder (\"$own/$h\")" >&2
            status=1; continue ;;
        esac
        for rule in $NARROW; do
            folder=${rule%%:*} rest=${rule#*:}
            lower=${rest%%:*} only=${rest#*:}
            [ "$own" = "$folder" ] && [ "${h%%/*}" = "$lower" ] || continue
            case ",$only," in *",${h#*/},"*) ;; *)
                echo "check_layers: src/lib/$f includes \"$h\": of $lower/, $folder/ includes only $only" >&2
                status=1 ;;
            esac
        done
        theirs=$(rank "${h%%/*}")
        [ -n "$theirs" ] || { echo "check_layers: src/lib/$f includes \"$h\" of no layer" >&2; status=1; continue; }
        [ "$theirs" -le "$mine" ] && continue
        echo "check_layers: src/lib/$f ($own) includes \"$h\" of a layer above it (${h%%/*}); the order is: $LAYERS" >&2
        status=1
    done
done
for rule in $NARROW; do
    folder=${rule%%:*} rest=${rule#*:}
    lower=${rest%%:*} only=${rest#*:}
    for h in $(echo "$only" | tr , ' '); do
        if sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$lower/$h" |
            grep -q "^$lower/"; then
            echo "check_layers: src/lib/$lower/$h, the one header of $lower/ $folder/ may include, includes another of $lower/" >&2
            status=1
        fi
    done
done
# a reader calls no store function (a public one included): the driver
# answers what it asks (x->stored) and writes what it hands back (x->facts)
if grep -n 'tr_store_[a-z_]*(\|->be\b' formats/*.[ch] | grep -v '^[^:]*:[0-9]*: *\*'; then
    echo "check_layers: src/lib/formats calls the store (above); hand the facts back to app/import.c" >&2
    status=1
fi
[ $status -eq 0 ] && echo "check_layers: src/lib includes only downward ($LAYERS; formats/ reaches no store)"
exit $status
