// The backfill as a data person would write it in DuckDB: load the long CSV
// into a table, then one pass that takes, per track and per threshold, the
// first date the cumulative count stood at or above it:
//   SELECT track, MIN(date) FILTER (WHERE streams >= T1), ... GROUP BY track
// A later decrease does not un-cross: MIN over every day at or above T is the
// first crossing, whatever comes after.
//
// usage: node duckdb_backfill.mjs --csv FILE --ladder 1000000,5000000,... \
//          [--reps N] [--out FILE] [--threads N]
// Prints one line per repetition, "rep=I load=SECONDS query=SECONDS", then
// "median load=... query=... total=...".  "load" is CREATE TABLE from
// read_csv with explicit column types; "query" is the one-pass aggregate,
// materialized as a table inside DuckDB (no transfer to JavaScript).  With
// --out, the milestones are written as "track,threshold,date" rows sorted by
// track then threshold (untimed), for the agreement check.
import { DuckDBInstance, version } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const args = { reps: 5, threads: 0 };
  for (let i = 2; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${key}: missing value`);
    i++;
    if (key === '--csv') args.csv = value;
    else if (key === '--ladder') args.ladder = value;
    else if (key === '--reps') args.reps = Number(value);
    else if (key === '--out') args.out = value;
    else if (key === '--threads') args.threads = Number(value);
    else throw new Error(`unknown option '${key}'`);
  }
  if (!args.csv || !args.ladder) throw new Error('--csv and --ladder are required');
  if (!Number.isInteger(args.reps) || args.reps < 1) throw new Error('--reps: a positive integer');
  return args;
}

// Thresholds come as plain integers (bench/run.sh expands 1M, 1.6B...).
function parseLadder(text) {
  const ths = text.split(',').map((s) => s.trim());
  for (const t of ths) if (!/^[0-9]+$/.test(t)) throw new Error(`ladder: bad threshold '${t}'`);
  return ths;
}

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timed(conn, sql) {
  const t0 = performance.now();
  await conn.run(sql);
  return (performance.now() - t0) / 1000;
}

async function main() {
  const args = parseArgs(process.argv);
  const ladder = parseLadder(args.ladder);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  if (args.threads > 0) await conn.run(`SET threads = ${args.threads}`);
  const threads = (await (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows())[0][0];

  const load = `CREATE OR REPLACE TABLE streams AS SELECT * FROM read_csv(${sqlString(args.csv)},
      header = true, delim = ',', quote = '"',
      columns = {'date': 'DATE', 'track': 'VARCHAR', 'streams': 'UBIGINT'})`;
  const firsts = ladder.map((t, i) => `MIN(date) FILTER (WHERE streams >= ${t}) AS m${i}`);
  const query = `CREATE OR REPLACE TEMP TABLE firsts AS
      SELECT track, ${firsts.join(', ')} FROM streams GROUP BY track`;

  const loads = [];
  const queries = [];
  for (let rep = 1; rep <= args.reps; rep++) {
    const l = await timed(conn, load);
    const q = await timed(conn, query);
    loads.push(l);
    queries.push(q);
    console.log(`rep=${rep} load=${l.toFixed(4)} query=${q.toFixed(4)}`);
  }
  const rows = (await (await conn.runAndReadAll('SELECT count(*) FROM streams')).getRows())[0][0];
  console.log(`info duckdb=${version()} threads=${threads} rows=${rows}`);
  console.log(`median load=${median(loads).toFixed(4)} query=${median(queries).toFixed(4)} ` +
              `total=${median(loads.map((l, i) => l + queries[i])).toFixed(4)}`);

  if (args.out) {
    const long = ladder
      .map((t, i) => `SELECT track, ${t}::UBIGINT AS threshold, m${i} AS date FROM firsts WHERE m${i} IS NOT NULL`)
      .join(' UNION ALL ');
    await conn.run(`COPY (SELECT track, threshold, strftime(date, '%Y-%m-%d') AS date FROM (${long})
                     ORDER BY track, threshold) TO ${sqlString(args.out)} (HEADER, DELIMITER ',')`);
  }
  conn.closeSync();
}

main().catch((e) => {
  console.error(`duckdb_backfill: ${e.message}`);
  process.exit(1);
});
