/*
 * trackrecord's dashboard script: draws the plots (uPlot), sorts tables on
 * a click, copies post text.  What it draws comes from the page's own
 * <script type="application/json" id="tr-data">, and on the static site's
 * subject pages also from the page's data shard (data/TYPE/K.js, loaded by
 * <script src> before this script, so pages work from file:// as well as
 * from `trackrecord serve`): the daily figures, the tail of the series,
 * the forecasts, which this script writes into the page.  Served pages read
 * without it: the tables come sorted and every figure is in the HTML.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  var DAY = 86400;
  var groupFmt = new Intl.NumberFormat('en-US');
  function grouped(v) { return v == null ? '' : groupFmt.format(v); }
  function short(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toFixed(2) + 'B';
    if (a >= 1e6) return +(v / 1e6).toFixed(1) + 'M';
    if (a >= 1e3) return +(v / 1e3).toFixed(1) + 'K';
    return String(v);
  }
  function isoDay(sec) { return new Date(sec * 1000).toISOString().slice(0, 10); }
  function dayText(d) { return d == null ? '-' : isoDay(d * DAY); }
  function signed(v) { return (v < 0 ? '-' : '+') + groupFmt.format(Math.abs(v)); }
  /* 80000000 as "80M", 2620000000 as "2.62B" (tr_count_format's way) */
  var SUFFIXES = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  function countText(v) {
    for (var i = 0; i < SUFFIXES.length; i++) {
      var u = SUFFIXES[i][0];
      if (v < u || v % (u / 100) !== 0) continue;
      var whole = Math.floor(v / u), cents = (v % u) / (u / 100);
      return whole + (cents === 0 ? '' : cents % 10 === 0 ? '.' + cents / 10 : '.' + String(cents).padStart(2, '0')) +
             SUFFIXES[i][1];
    }
    return String(v);
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function pageData() {
    var el = document.getElementById('tr-data');
    return el ? JSON.parse(el.textContent) : {};
  }

  /* Milestone markers as elements over the plot (so they carry a tooltip
   * and can be found), placed again on every redraw. */
  function markersPlugin(marks) {
    var nodes = [];
    return {
      hooks: {
        init: function (u) {
          marks.forEach(function (m) {
            var line = document.createElement('div');
            line.className = 'tr-mark-line';
            var dot = document.createElement('div');
            dot.className = 'tr-mark';
            dot.title = m.title || m.label;
            var label = document.createElement('div');
            label.className = 'tr-mark-label';
            label.textContent = m.label;
            u.over.appendChild(line);
            u.over.appendChild(dot);
            u.over.appendChild(label);
            nodes.push([m, line, dot, label]);
          });
        },
        draw: function (u) {
          /* labels and guide lines only where they do not crowd the last
           * one shown; every marker keeps its dot and tooltip */
          var lastX = -Infinity, width = u.over.clientWidth;
          nodes.forEach(function (n) {
            var x = u.valToPos(n[0].x * DAY, 'x'), y = u.valToPos(n[0].y, 'y');
            var inside = x >= 0 && x <= width;
            var labelled = inside && x - lastX >= 44;
            if (labelled) lastX = x;
            n[1].style.left = n[2].style.left = n[3].style.left = x + 'px';
            n[2].style.top = n[3].style.top = y + 'px';
            n[2].style.display = inside ? '' : 'none';
            n[1].style.display = n[3].style.display = labelled ? '' : 'none';
          });
        },
      },
    };
  }

  /* The legend shows the last day's values while the cursor is away. */
  function showLatest(u) {
    var n = 0;
    u.data[1].forEach(function (v, i) { if (v != null) n = i; });
    if (u.legend.show !== false) u.setLegend({ idx: n });
  }

  /* The page data's compact series: the first day and total, then each
   * day's step (1 unless given) and gain. */
  function decode(spec) {
    if (!spec || spec.none) return { x: [], y: [] };
    var x = [spec.x0], y = [spec.y0];
    spec.dy.forEach(function (g, i) {
      x.push(x[i] + (spec.dx ? spec.dx[i] : 1));
      y.push(y[i] + g);
    });
    return { x: x, y: y };
  }

  /* ---- the static site's subject pages: figures from the data shard ---- */

  function stat(figure, v, text, label, cls) {
    return '<div class="stat"><div class="v num' + (cls ? ' ' + cls : '') + '"' +
           (figure ? ' data-figure="' + figure + '" data-v="' + v + '"' : '') + '>' + text +
           '</div><div class="l">' + label + '</div></div>';
  }
  /* The gain stat of a series: its last step, "since" a skipped day. */
  function gainStat(x, y) {
    var n = x.length;
    if (n < 2) return '';
    var g = y[n - 1] - y[n - 2];
    var label = x[n - 1] - x[n - 2] > 1 ? 'since ' + dayText(x[n - 2]) : 'daily gain, ' + dayText(x[n - 1]);
    return stat('gain', g, signed(g), label, g < 0 ? 'neg' : 'pos');
  }
  function toGoStat(next, total, what) {
    return next ? stat('to-go', next - total, grouped(next - total), 'to go to ' + what + countText(next)) : '';
  }
  function prependStats(html) {
    var el = document.getElementById('tr-stats');
    if (el) el.insertAdjacentHTML('afterbegin', html);
  }

  function recentTable(x, y) {
    var el = document.getElementById('tr-recent');
    if (!el || !x.length) return;
    var rows = '';
    for (var k = 0; k < 14 && k < x.length; k++) {
      var i = x.length - 1 - k, gain = '';
      if (i) {
        var g = y[i] - y[i - 1];
        gain = '<span class="' + (g < 0 ? 'neg' : '') + '">' + signed(g) + '</span>' +
               (x[i] - x[i - 1] > 1 ? ' <span class="muted">(' + (x[i] - x[i - 1]) + ' days)</span>' : '');
      }
      rows += '<tr><td>' + dayText(x[i]) + '</td><td class="num">' + grouped(y[i]) + '</td><td class="num">' + gain +
              '</td></tr>';
    }
    el.innerHTML = '<h2>Recent days</h2><table class="recent"><thead><tr><th>Date (UTC)</th>' +
                   '<th class="num">Total</th><th class="num">Gain</th></tr></thead><tbody>' + rows + '</tbody></table>';
  }

  /* The next milestones table: rows [label, remaining, daily, eta, low, high, slowest]. */
  function nextMilestones(rows, slowestLink) {
    var el = document.getElementById('tr-next');
    if (!el || !rows || !rows.length) return;
    var body = rows.map(function (f) {
      var what = esc(f[0]);
      if (f[6] != null && slowestLink(f[6])) what += ' <span class="muted">last: ' + slowestLink(f[6]) + '</span>';
      var eta = f[3] == null ? '<span class="muted">not within three years</span>'
              : dayText(f[3]) + (f[4] != null || f[5] != null
                  ? ' <span class="muted">(' + (f[4] != null ? dayText(f[4]) : '') + ' to ' +
                    (f[5] != null ? dayText(f[5]) : 'later') + ')</span>' : '');
      return '<tr><td>' + what + '</td><td class="num" data-v="' + f[1] + '">' + grouped(f[1]) + '</td>' +
             '<td class="num" data-v="' + f[2] + '">' + grouped(f[2]) + '</td><td data-v="' +
             (f[3] == null ? 2147483647 : f[3]) + '">' + eta + '</td></tr>';
    }).join('');
    el.innerHTML = '<h2>Next milestones <small>forecast</small></h2><div class="tablewrap"><table class="sortable forecasts">' +
                   '<thead><tr><th>Next milestone</th><th class="num">To go</th><th class="num">Daily now</th>' +
                   '<th>Expected (80% range)</th></tr></thead><tbody>' + body + '</tbody></table></div>';
  }

  /* A listing's figure cells (total, daily, next, and more) from a row
   * [total, gain, next] of the shard, or "no data". */
  function fillCells(cells, first, row, extra) {
    if (!row) {
      cells[first].setAttribute('data-v', '');
      cells[first].textContent = 'no data';
      return;
    }
    var v = [row[0], row[1], row[2]].concat(extra || []);
    var text = [grouped(row[0]), signed(row[1]), row[2] ? countText(row[2]) : ''];
    if (extra) text.push(row[2] ? grouped(row[2] - row[0]) : '');
    for (var k = 0; k < v.length && first + k < cells.length; k++) {
      cells[first + k].setAttribute('data-v', v[k]);
      cells[first + k].textContent = text[k];
    }
  }

  function everyTrackTable(e) {
    var table = document.querySelector('table.every-track');
    if (!table) return null;
    var rows = table.tBodies[0].rows;
    var link = function (k) { var a = rows[k] && rows[k].cells[1].querySelector('a'); return a ? a.outerHTML : ''; };
    if (e.next) {
      table.tHead.rows[0].insertAdjacentHTML('beforeend', '<th class="num">To every track ' + countText(e.next) + '</th>');
    }
    Array.prototype.forEach.call(rows, function (tr, k) {
      var row = e.rows[k];
      fillCells(tr.cells, 2, row, row ? [row[2] ? row[2] - row[0] : 0] : null);
      if (k === e.slow) {
        tr.classList.add('slowest');
        tr.cells[1].insertAdjacentHTML('beforeend', '<span class="tag">holds it back</span>');
      }
      if (e.next) {
        var gap = row ? Math.max(0, e.next - row[0]) : null;
        tr.insertAdjacentHTML('beforeend', row ? '<td class="num" data-v="' + gap + '">' +
                              (gap ? grouped(gap) : '<span class="tag ok">passed</span>') + '</td>' : '<td></td>');
      }
    });
    return link;
  }

  function songsTable(e) {
    var table = document.querySelector('table.songs');
    if (!table) return;
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (tr, k) { fillCells(tr.cells, 2, e.rows[k]); });
    /* by total, highest first; equal ones (and those without data) keep their order */
    rows.map(function (tr, k) { return [e.rows[k] ? e.rows[k][0] : -1, k, tr]; })
        .sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; })
        .forEach(function (r) { body.appendChild(r[2]); });
  }

  /* Fills a static subject page from its shard; the plots' specs get
   * their tail and forecast range.  False when the page is not one. */
  function fillLive(data) {
    if (!data.shard) return;
    var shard = window.TR_DATA && window.TR_DATA[data.shard];
    var e = shard && shard.s[data.id];
    var asof = document.getElementById('tr-asof');
    if (!e) {
      if (asof) asof.textContent = 'no data file for this page (data/' + data.shard + '.js)';
      return;
    }
    if (asof) asof.textContent = 'data to ' + dayText(shard.asof) + ' (UTC)';
    var spec = (data.plots || [])[0];
    var past = decode(spec), tail = decode(e.tail);
    var x = past.x.concat(tail.x), y = past.y.concat(tail.y), n = x.length;
    if (spec) {
      spec.full = { x: x, y: y };
      spec.ahead = e.ahead;
      var key = document.getElementById('tr-band-key');
      if (key && e.ahead) key.hidden = false;
    }
    var link = function () { return ''; };
    if (data.type === 'track') {
      prependStats(n ? stat('total', y[n - 1], grouped(y[n - 1]), 'total streams, ' + dayText(x[n - 1])) +
                       gainStat(x, y) + toGoStat(e.next, y[n - 1], '') : '');
      if (!n) document.getElementById('tr-stats').insertAdjacentHTML('beforebegin', '<p class="empty">No play counts yet.</p>');
      recentTable(x, y);
    } else if (data.type === 'release') {
      link = everyTrackTable(e) || link;
      var slow = e.slow != null ? e.rows[e.slow] : null;
      prependStats(stat('total', e.total, grouped(e.total), 'total streams, all tracks') + gainStat(x, y) +
                   (slow ? toGoStat(e.next, slow[0], 'every track ') +
                           '<div class="stat"><div class="v">' + link(e.slow) + '</div><div class="l">slowest track, ' +
                           grouped(slow[0]) + '</div></div>' : ''));
    } else {
      prependStats(n ? stat('total', y[n - 1], grouped(y[n - 1]), 'total streams, all songs') + gainStat(x, y) +
                       toGoStat(e.next, y[n - 1], '') : '');
      songsTable(e);
    }
    nextMilestones(e.f, link);
  }

  /* A subject's plots: the totals (with milestone markers and the
   * forecast range ahead) and the daily gains (bars; none across a
   * skipped day). */
  function drawPlots(spec) {
    var s = spec.full || decode(spec);
    if (spec.full && s.x.length < 2) {
      var el = document.getElementById(spec.el), gains = document.getElementById(spec.gains_el);
      if (el) el.outerHTML = '<p class="empty">Not enough data to plot yet.</p>';
      if (gains) gains.remove();
      return;
    }
    drawPlot(spec.el, { label: spec.label, x: s.x, y: s.y, marks: spec.marks, ahead: spec.ahead });
    var gx = [], gy = [];
    for (var i = 1; i < s.x.length; i++) {
      gx.push(s.x[i]);
      gy.push(s.x[i] - s.x[i - 1] === 1 ? s.y[i] - s.y[i - 1] : null);
    }
    if (spec.gains_el) drawPlot(spec.gains_el, { label: 'daily gain', x: gx, y: gy, bars: true, height: 160 });
  }

  function drawPlot(id, spec) {
    var el = document.getElementById(id);
    if (!el || !window.uPlot || spec.x.length < 2) return;
    var xs = spec.x.map(function (d) { return d * DAY; });
    var ys = spec.y.slice();
    var data = [xs, ys];
    var series = [
      { value: function (u, v) { return v == null ? '' : isoDay(v); } },
      {
        label: spec.label, stroke: spec.bars ? '#5b8fd6' : '#1d6fd8', width: spec.bars ? 1 : 2,
        fill: spec.bars ? 'rgba(29,111,216,.35)' : 'rgba(29,111,216,.06)',
        value: function (u, v) { return grouped(v); },
        paths: spec.bars ? uPlot.paths.bars({ size: [0.9, 40] }) : undefined,
        points: { show: false },
      },
    ];
    var bands;
    if (spec.ahead) {
      /* the forecast range: past the last day y is null and hi/lo hold it */
      var hi = xs.map(function () { return null; }), lo = hi.slice();
      hi[hi.length - 1] = spec.ahead.hi[0];
      lo[lo.length - 1] = spec.ahead.lo[0];
      for (var k = 1; k < spec.ahead.x.length; k++) {
        xs.push(spec.ahead.x[k] * DAY);
        ys.push(null);
        hi.push(spec.ahead.hi[k]);
        lo.push(spec.ahead.lo[k]);
      }
      data.push(hi, lo);
      var dashed = { stroke: 'rgba(29,111,216,.55)', dash: [4, 3], width: 1, points: { show: false },
                     spanGaps: true, value: function (u, v) { return grouped(v); } };
      series.push(Object.assign({ label: 'forecast high' }, dashed),
                  Object.assign({ label: 'forecast low' }, dashed));
      bands = [{ series: [2, 3], fill: 'rgba(29,111,216,.14)' }];
    }
    var opts = {
      width: Math.max(320, el.clientWidth),
      height: spec.height || 300,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      series: series,
      bands: bands,
      scales: { x: { time: true }, y: { range: function (u, min, max) {
        return spec.bars ? [Math.min(0, min), max * 1.08] : [Math.max(0, min - (max - min) * 0.04), max + (max - min) * 0.08];
      } } },
      axes: [{}, { size: 60, values: function (u, vals) { return vals.map(short); } }],
      cursor: { points: { size: 7 } },
      plugins: spec.marks && spec.marks.length ? [markersPlugin(spec.marks)] : [],
      hooks: { ready: [showLatest], setCursor: [function (u) { if (u.cursor.idx == null) showLatest(u); }] },
    };
    var plot = new uPlot(opts, data, el);
    window.addEventListener('resize', function () {
      plot.setSize({ width: Math.max(320, el.clientWidth), height: opts.height });
    });
  }

  /* Sorting: a click on a header sorts by that column (numbers by their
   * data-v value), a second click the other way. */
  function cellKey(row, i, numeric) {
    var c = row.cells[i];
    if (!c) return numeric ? -Infinity : '';
    var v = c.getAttribute('data-v');
    if (numeric) return v === null || v === '' ? -Infinity : Number(v);
    return (v !== null ? v : c.textContent).toLowerCase();
  }
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, i) {
      th.addEventListener('click', function () {
        var numeric = th.classList.contains('num');
        var asc = th.getAttribute('aria-sort') === 'descending' ||
                  (!th.getAttribute('aria-sort') && !numeric);
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellKey(a, i, numeric), y = cellKey(b, i, numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }
  function fallbackCopy(text) {
    var t = document.createElement('textarea');
    t.value = text;
    t.setAttribute('readonly', '');
    t.style.position = 'fixed';
    t.style.opacity = '0';
    document.body.appendChild(t);
    t.select();
    try { document.execCommand('copy'); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(t);
  }
  function copyButtons() {
    document.querySelectorAll('button.copy').forEach(function (b) {
      b.addEventListener('click', function () {
        var p = document.getElementById(b.getAttribute('data-for'));
        if (!p) return;
        copyText(p.textContent, function () {
          b.textContent = 'Copied';
          b.classList.add('done');
          setTimeout(function () { b.textContent = 'Copy'; b.classList.remove('done'); }, 1500);
        });
      });
    });
  }

  /* ---- search ---------------------------------------------------------- */

  /* Folds as html_fold does: ASCII lower case, Latin-1 and Latin Extended-A
   * letters to their base letter. */
  var LATIN = 'aaaaaaaceeeeiiiidnooooo\0ouuuuytsaaaaaaaceeeeiiiidnooooo\0ouuuuyty' +
              'aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln' +
              'nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs';
  function fold(s) {
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i), ch = s[i];
      if (c >= 65 && c <= 90) ch = String.fromCharCode(c + 32);
      else if (c >= 0xc0 && c <= 0x17f && LATIN[c - 0xc0] !== '\0') ch = LATIN[c - 0xc0];
      out += ch;
    }
    return out;
  }
  function words(s) { return s.split(/[^a-z0-9\u0080-\uffff]+/).filter(Boolean); }
  /* A path segment as html_url_segment writes it. */
  function seg(s) {
    return Array.prototype.map.call(new TextEncoder().encode(s), function (b) {
      var c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
    }).join('');
  }
  var TYPES = ['track', 'release', 'artist'], DIRS = ['tracks', 'releases', 'artists'];
  /* The static site's folder of a page named name, as web_site_bucket
   * picks it: FNV-1a of the name's bytes modulo 1024, in 3 hex digits. */
  function bucket(name) {
    var h = 0x811c9dc5;
    for (var i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    return ('00' + (h % 1024).toString(16)).slice(-3);
  }
  /* A subject's page: served /TYPE/ID, on the site TYPE/BBB/NAME.html. */
  function pageHref(type, id, statik) {
    if (!statik) return DIRS[type] + '/' + seg(id);
    var name = seg(id);
    return DIRS[type] + '/' + bucket(name) + '/' + seg(name) + '.html';
  }

  function showResults(el, q, rows, statik) {
    var fq = fold(q).trim(), qw = words(fq);
    var hits = rows.filter(function (r) {
      var name = fold(r[2]), nw = words(name);
      return qw.every(function (w) { return nw.some(function (x) { return x.indexOf(w) === 0; }); }) ||
             (!statik && name.indexOf(fq) >= 0);
    }).map(function (r, k) {
      var name = fold(r[2]);
      return [name === fq ? 0 : name.indexOf(fq) === 0 ? 1 : 2, k, r];
    }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; }).slice(0, 100);
    var body = hits.map(function (h) {
      var r = h[2], href = pageHref(r[0], r[1], statik);
      return '<tr><td><a href="' + esc(href) + '">' + esc(r[2]) + '</a></td><td>' + TYPES[r[0]] + '</td><td>' +
             esc(r[3] || '') + '</td></tr>';
    }).join('');
    el.innerHTML = '<h2>' + esc(q) + ' <small>' + hits.length + (hits.length === 100 ? '+' : '') + '</small></h2>' +
                   (hits.length ? '<div class="tablewrap"><table class="sortable results"><thead><tr><th>Name</th>' +
                    '<th>Kind</th><th>Artist</th></tr></thead><tbody>' + body + '</tbody></table></div>'
                                : '<p class="empty">No name matches.</p>');
    el.querySelectorAll('table.sortable').forEach(sortable);
  }

  function searchPage() {
    var el = document.getElementById('tr-search');
    if (!el) return;
    var q = new URLSearchParams(location.search).get('q') || '';
    var input = document.querySelector('form.search input');
    if (input && !input.value) input.value = q;
    var qw = words(fold(q));
    if (!qw.length) return;
    if (el.getAttribute('data-from') === 'api') {
      fetch('api/v1/search?limit=100&q=' + encodeURIComponent(q)).then(function (r) { return r.json(); })
        .then(function (d) {
          showResults(el, q, (d.results || []).map(function (r) {
            return [TYPES.indexOf(r.type), r.id, r.name, r.artist || ''];
          }), false);
        });
      return;
    }
    /* the index shard of the first word's first two bytes */
    var b = new TextEncoder().encode(qw[0]);
    var key = ((b[0] << 8) | (b.length > 1 ? b[1] : 0)).toString(16).padStart(4, '0');
    var script = document.createElement('script');
    script.src = 'data/search/' + key + '.js';
    var done = function () { showResults(el, q, (window.TR_DATA || {})['search/' + key] || [], true); };
    script.onload = done;
    script.onerror = done;   /* no shard: no name has such a word */
    document.body.appendChild(script);
  }

  function start() {
    var data = pageData();
    fillLive(data);
    (data.plots || []).forEach(drawPlots);
    document.querySelectorAll('table.sortable').forEach(sortable);
    copyButtons();
    searchPage();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
