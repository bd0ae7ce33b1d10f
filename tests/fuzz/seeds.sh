#!/bin/bash
# Writes the hand-made seeds of each target into tests/fuzz/corpus/TARGET/
# (seed-*), from the samples in tests/data and a few cases written here.
# The rest of each corpus is what long runs found, minimised
# (tests/fuzz/run.sh --long --merge).  Run again after a format changes.
set -eu
cd "$(dirname "$0")"
F=../data/feeds
C=corpus
mkdir -p $C/fuzz_csv $C/fuzz_scan $C/fuzz_router $C/fuzz_import $C/fuzz_codec $C/fuzz_snapshot $C/fuzz_sides

# fuzz_csv: the first byte is the separator and whether a header is read
printf '\004date,track,streams\n2023-09-08,54bg1e6ABcZfpU3yzwxnPf,123456789\n' >$C/fuzz_csv/seed-1
printf '\000"a ""b""",c\r\n"x\ny",18446744073709551616\r\n' >$C/fuzz_csv/seed-2
printf '\005\357\273\277a;b\n1;2\r3;"4"\n' >$C/fuzz_csv/seed-3
printf '\002a\tb\n-5\t2023-02-30\n\n"unterminated' >$C/fuzz_csv/seed-4
{ printf '\004'; head -n 8 $F/bts/v.csv; } >$C/fuzz_csv/seed-bts

# fuzz_scan: the first byte is the number of parts and the duplicate policy
printf '\001 2024-01-01,t1,5\n2024-01-01,t2,6\n2024-01-02,t1,7\n2024-01-02,t2,8\n' >$C/fuzz_scan/seed-1
printf '\007 2024-01-01,a,5\r\n2024-01-01,a,6\r\n2024-01-02, b ,\t18446744073709551615\n' >$C/fuzz_scan/seed-2
printf '\002 2024-01-03T00:00,x,12345678901234567\n2024-01-01,y,1\n2024-01-01,x,2' >$C/fuzz_scan/seed-3

# fuzz_router: a request target
printf '/api/v1/milestones?since=2024-01-01&kind=every_track&limit=5' >$C/fuzz_router/seed-1
printf '/assets/%%2e%%2e/x?a=%%zz&b' >$C/fuzz_router/seed-2
printf '/artists/v/feed.atom?q=a+b%%20c&&=x' >$C/fuzz_router/seed-3
printf '/api/v1/forecasts?subject=layover&horizon=30' >$C/fuzz_router/seed-4
printf '/api/v1/next_milestones?subject=v' >$C/fuzz_router/seed-5

# fuzz_import: the format (0: detected), the file's name and options
# (fuzz_import.c's names[]: 0 streams-DAY.csv, 1 a daily chart, 2 a weekly
# chart, 3 a saved weekly set, 4 DAY.json, 5 albums-DAY.json, 6 tracks.csv,
# 7 timeline.csv), then the file
seed() {   # seed NAME FORMAT NAMEINDEX < file
    { printf "\\$(printf %03o "$2")\\$(printf %03o "$3")"; cat; } >$C/fuzz_import/seed-$1
}
for f in artists releases tracks tracklist sales awards; do
    head -n 6 $F/layover/$f.csv | seed layover-$f 0 0
done
head -n 12 ../../data/demo/layover/streams.csv | seed streams 0 0
printf 'date,track,streams\n2023-09-15,54bg1e6ABcZfpU3yzwxnPf,1\n2023-09-15,54bg1e6ABcZfpU3yzwxnPf,2\n' | seed streams-dup 0 0x30
for f in artists albums tracks playcounts; do
    head -n 6 $F/playcounts/$f.csv | seed playcounts-$f 0 0
done
head -n 6 $F/bts/v.csv | seed discography 0 6
head -n 6 $F/bts/artists.csv | seed bts-artists 0 6
head -n 8 $F/jimin_charts/jimin_spotify_chart_entries.csv | seed chart-entries 0 0x10
zcat $F/charts_us/2020-08-14--2020-08-21us_meta.csv.gz | head -n 8 | seed charts-old 0 3
zcat $F/charts_2019/jp/2019-01-04--2019-01-11jp_meta.csv.gz | head -n 8 | gzip -9n | seed charts-gz 0 3
printf 'rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n1,spotify:track:54bg1e6ABcZfpU3yzwxnPf,V,Rainy Days,BIGHIT MUSIC,1,2,10,1234567\n2,spotify:track:5ydjxBSUIDn26MFzU3asP4,"V, BTS",Rainy Days,BIGHIT MUSIC,2,-1,1,99\n' | seed charts-new 0 1
printf 'rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams\n1,spotify:track:54bg1e6ABcZfpU3yzwxnPf,V,Rainy Days,BIGHIT MUSIC,1,2,1,7654321\n' | seed charts-weekly 0 2
zcat $F/kworb/2025-10-01.json.gz | jq -c '.[0:3]' | seed kworb 0 4
zcat $F/kworb_albums/2025-10-01.json.gz | jq -c '.[0:3]' | seed kworb-albums 0 5
seed album-discs 0 4 <$F/album_json/layover-discs-2024-02-26.json
seed album-getalbum 0 4 <$F/album_json/layover-getAlbum-2024-02-25.json
printf 'date,streams\n2023-09-13,100\n2023-09-14,200\n2023-09-15,300\n' | seed s4a 0 7
head -n 6 $F/album_json/love-me-again-s4a.csv | seed s4a-far 0 7
printf 'scope,since,until,note\nkr,2023-09-01,2023-09-30,\n' | seed coverage 0 0

# fuzz_sides: the real events, checkpoint and preparation of the Layover
# store, written by the target itself (make fuzz builds it)
FUZZ_SIDES_SEEDS=$PWD/$C/fuzz_sides ../../build/fuzz/fuzz_sides -runs=0 >/dev/null 2>&1

# fuzz_codec: real chunks (their seal left out) of the Layover store and of a
# generated one with many series; fuzz_snapshot: the catalog snapshot
db=$(mktemp -d)/s.db
../../build/trackrecord --db "$db" import -q --ladder 10M../10M $F/layover base/streams.csv
sqlite3 "$db" "SELECT writefile('$C/fuzz_codec/seed-layover-' || key, substr(data, 1, length(data) - 8))
               FROM chunks ORDER BY key LIMIT 3" >/dev/null
tail -c +33 "$(ls "$db"-catalog.* | head -n 1)" >$C/fuzz_snapshot/seed-layover
rm -rf "$(dirname "$db")"
