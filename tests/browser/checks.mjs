// The dashboard's browser checks (run by tests/browser/run.sh): each
// target, the pages `trackrecord serve` answers and the static site read
// from file://, must pass the same checks, judged against what the command
// line's --json (and, served, the API) says of the same store.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const BIN = process.env.TRACKRECORD_BIN;
const require = createRequire(path.join(process.env.NODE_DIR, 'node_modules') + '/');
const { chromium } = require('playwright-core');

const cli = (...a) => JSON.parse(execFileSync(BIN, ['--db', args.db, ...a, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || detail === undefined ? '' : ': ' + detail}`);
  if (!ok) failures++;
}

// ---- what the store says (the oracle) ----------------------------------
const layover = cli('show', 'layover');
const everyTrack = cli('milestones', '--subject', 'layover', '--kind', 'every_track');
const slowest = layover.tracks.reduce((a, b) => (b.total < a.total ? b : a));
const rainy = cli('show', layover.tracks[0].id);
const artistV = cli('show', 'v');
const allEvents = cli('milestones');
// the data's last day (the home page's title), and the milestones its table
// lists: the last 7 days', or the latest 10 when the week had fewer
const dataDay = rainy.history.at(-1).date;
const listedEvents = (() => {
  const ev = allEvents.filter((e) => !e.baseline);
  const week = ev.filter((e) => e.date > isoMinus(dataDay, 7));
  return week.length >= 10 ? week : ev.slice(-10);
})();
const layoverLatest = everyTrack.at(-1);

function isoMinus(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}
const grouped = (v) => new Intl.NumberFormat('en-US').format(v);

// ---- the server -----------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function startServer() {
  const port = await freePort();
  const proc = spawn(BIN, ['--db', args.db, 'serve', '--bind', '127.0.0.1', '--port', String(port)],
                     { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited with ${proc.exitCode}`);
    try {
      const r = await fetch(base);
      if (r.ok) return { proc, base };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('serve did not answer within 10 s');
}

// ---- the checks, for one target ----------------------------------------------
async function runTarget(browser, t) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  // served /KIND/ID; the site's KIND/BBB/NAME.html (web_site_path: BBB the
  // FNV-1a hash of NAME modulo 1024, in hex)
  const bucket = (name) => {
    let h = 0x811c9dc5;
    for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return (h % 1024).toString(16).padStart(3, '0');
  };
  const url = (kind, id) => {
    if (!kind) return t.base + (t.ext ? 'index.html' : '');
    const name = encodeURIComponent(id);
    return t.ext ? `${t.base}${kind}/${bucket(name)}/${encodeURIComponent(name)}${t.ext}` : `${t.base}${kind}/${name}`;
  };
  // the static site's figures (drawn from its data files) are judged by the served API too
  const api = t.api ? async (p) => (await fetch(t.api + 'api/v1/' + p)).json() : null;
  const figure = (name) => page.$eval(`[data-figure="${name}"]`, (e) => Number(e.dataset.v));
  const tag = `${t.name}:`;

  // home: the latest milestones, each named with its value, Layover's last
  // every-track milestone among them
  await page.goto(url());
  const rows = await page.$$eval('table.events tbody tr', (trs) => trs.map((tr) => tr.innerText));
  const listed = listedEvents.filter((e) => rows.some((r) => r.includes(e.name) && r.includes(grouped(e.value))));
  check(`${tag} home lists the latest ${listedEvents.length} milestones`,
        listed.length === listedEvents.length && rows.length === listedEvents.length && listedEvents.length > 0,
        `${listed.length} of ${rows.length} rows`);
  const threshold = `every track \u2265 ${layoverLatest.threshold / 1e6}M`;
  check(`${tag} home lists Layover's ${threshold} of ${layoverLatest.date}`,
        rows.some((r) => r.includes('Layover') && r.includes(threshold) && r.includes(layoverLatest.date)), rows.join(' | '));
  check(`${tag} home's title names the last day (${dataDay})`, (await page.textContent('h1')).includes(dataDay));
  await page.screenshot({ path: `${args.out}/${t.name}-home.png`, fullPage: true });

  // Layover: figures, the plot and its markers, the every-track table
  await page.goto(url('releases', 'layover'));
  await page.waitForSelector('#plot-total canvas');
  check(`${tag} Layover's total is the store's`, (await figure('total')) === layover.total, `${await figure('total')} vs ${layover.total}`);
  if (api) {
    const a = await api('releases/layover');
    check(`${tag} Layover's total is the API's`, (await figure('total')) === a.total, `${await figure('total')} vs ${a.total}`);
    check(`${tag} Layover's daily gain is the API's`, (await figure('gain')) === a.latest.gain, `${await figure('gain')} vs ${a.latest.gain}`);
  }
  const inked = await page.$eval('#plot-total canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n / (d.length / 4);
  });
  check(`${tag} Layover's plot draws (${(inked * 100).toFixed(1)}% of the canvas inked)`, inked > 0.02);
  const marks = await page.$$eval('#plot-total .tr-mark', (m) => m.map((e) => ({ title: e.title, shown: e.style.display !== 'none' })));
  check(`${tag} the plot marks every every-track milestone (${everyTrack.length})`, marks.length === everyTrack.length && marks.every((m) => m.shown),
        `${marks.length} markers`);
  const last = everyTrack.at(-1);
  check(`${tag} the last marker is ${last.date}`, marks.length > 0 && marks.at(-1).title.includes(last.date), marks.at(-1)?.title);
  const slow = await page.$eval('table.every-track tr.slowest', (tr) => tr.innerText);
  check(`${tag} the every-track table names the slowest track (${slowest.title})`, slow.includes(slowest.title) && slow.includes('holds it back'), slow);
  const trackTotals = await page.$$eval('table.every-track tbody tr', (trs) => trs.map((tr) => Number(tr.cells[2].dataset.v)));
  check(`${tag} every track's total is the store's`, JSON.stringify(trackTotals) === JSON.stringify(layover.tracks.map((x) => x.total)),
        JSON.stringify(trackTotals));
  const copy = await page.$('button.copy');
  check(`${tag} Layover has a post to copy`, copy !== null);
  if (copy) {
    await copy.click();
    const copied = await page.waitForFunction((b) => b.textContent === 'Copied', copy, { timeout: 3000 })
      .then(() => true, () => false);
    check(`${tag} the copy button copies`, copied);
  }
  await page.screenshot({ path: `${args.out}/${t.name}-layover.png`, fullPage: true });
  await page.locator('#plot-total').screenshot({ path: `${args.out}/${t.name}-layover-plot.png` });

  // a track: its total, the API's, a plot
  await page.goto(url('tracks', rainy.id));
  await page.waitForSelector('#plot-total canvas');
  check(`${tag} ${rainy.name}'s total is the store's`, (await figure('total')) === rainy.total);
  if (api) {
    const a = await api(`tracks/${rainy.id}`);
    check(`${tag} ${rainy.name}'s total is the API's`, (await figure('total')) === a.total);
    check(`${tag} ${rainy.name}'s daily gain is the API's`, (await figure('gain')) === a.latest.gain, `${await figure('gain')} vs ${a.latest.gain}`);
  }
  const recent = await page.$$eval('table.recent tbody tr', (trs) => trs.map((tr) => tr.cells[1].innerText));
  check(`${tag} ${rainy.name}'s recent days end with its total`, recent.length > 0 && recent[0] === grouped(rainy.total), recent[0]);
  const next = await page.$$eval('table.forecasts tbody tr', (trs) => trs.map((tr) => tr.innerText));
  const soonest = rainy.next_milestones[0];
  check(`${tag} ${rainy.name}'s next milestone is ${soonest.threshold / 1e6}M on ${soonest.eta}`,
        next.length > 0 && next[0].includes(`${soonest.threshold / 1e6}M`) && next[0].includes(soonest.eta), next[0]);
  await page.screenshot({ path: `${args.out}/${t.name}-track.png`, fullPage: true });

  // an artist: the songs table sorts on a click
  await page.goto(url('artists', 'v'));
  await page.waitForSelector('table.songs');
  const daily = () => page.$$eval('table.songs tbody tr', (trs) => trs.map((tr) => Number(tr.cells[3].dataset.v)));
  const th = page.locator('table.songs th', { hasText: 'Daily' });
  await th.click();
  const down = await daily();
  check(`${tag} a click sorts the songs by daily gain, highest first`,
        down.length > 1 && down.every((v, i) => i === 0 || down[i - 1] >= v), JSON.stringify(down));
  await th.click();
  const up = await daily();
  check(`${tag} a second click sorts them the other way`, up.every((v, i) => i === 0 || up[i - 1] <= v), JSON.stringify(up));
  const songs = await page.$$eval('table.songs tbody tr', (trs) => trs.length);
  check(`${tag} V's songs table lists his tracks`, songs >= layover.tracks.length, `${songs} rows`);
  if (api) {
    const a = await api('artists/v');
    check(`${tag} V's total is the API's`, (await figure('total')) === a.latest.total, `${await figure('total')} vs ${a.latest.total}`);
    check(`${tag} V's daily gain is the API's`, (await figure('gain')) === a.latest.gain, `${await figure('gain')} vs ${a.latest.gain}`);
  }
  await page.screenshot({ path: `${args.out}/${t.name}-artist.png`, fullPage: true });

  if (t.ext) {
    // the static site's search: its index from file://, case and accents aside
    await page.goto(`${t.base}search.html?q=${encodeURIComponent('LAYÖVER')}`);
    await page.waitForSelector('#tr-search h2');
    const found = await page.$$eval('table.results tbody tr', (trs) => trs.map((tr) => tr.innerText));
    check(`${tag} a search for LAYÖVER finds Layover and its pre-release`,
          found.some((r) => r.startsWith('Layover\t')) && found.some((r) => r.startsWith('Layover (pre-release)')), found.join(' | '));
    await page.click('table.results a >> text="Layover"');
    check(`${tag} the result leads to Layover's page`, (await page.textContent('h1')).includes('Layover'));
    await page.goto(`${t.base}search.html?q=${encodeURIComponent('rainy d')}`);
    await page.waitForSelector('#tr-search h2');
    const rainyFound = await page.$$eval('table.results tbody tr', (trs) => trs.map((tr) => tr.innerText));
    check(`${tag} a search for "rainy d" finds ${rainy.name}`, rainyFound.some((r) => r.startsWith(rainy.name)), rainyFound.join(' | '));
  }

  check(`${tag} no console errors`, errors.length === 0, errors.join('; '));
  await context.close();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let server = null;
try {
  const targets = [{ name: 'static', base: `file://${path.resolve(args.site)}/`, ext: '.html', api: null }];
  const hasServe = (() => { try { execFileSync(BIN, ['serve', '--help'], { stdio: 'ignore' }); return true; } catch { return false; } })();
  if (hasServe) {
    server = await startServer();
    targets.unshift({ name: 'served', base: server.base, ext: '', api: server.base });
    targets[1].api = server.base;
  } else {
    console.log('note: this build has no `serve`; the served pages are not checked');
  }
  for (const t of targets) await runTarget(browser, t);
} catch (e) {
  check('the browser checks ran', false, e.stack);
} finally {
  await browser.close();
  if (server) server.proc.kill('SIGTERM');
}
console.log(failures ? `${failures} browser check(s) failed` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
