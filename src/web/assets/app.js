/*
 * trackrecord's dashboard script: draws the plots (uPlot), sorts tables on
 * a click, copies post text.  Everything it draws comes from the page's own
 * <script type="application/json" id="tr-data">, so pages work from file://
 * as well as from `trackrecord serve`.  Without it the page still reads:
 * the tables come sorted and every figure is in the HTML.
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
    var x = [spec.x0], y = [spec.y0];
    spec.dy.forEach(function (g, i) {
      x.push(x[i] + (spec.dx ? spec.dx[i] : 1));
      y.push(y[i] + g);
    });
    return { x: x, y: y };
  }

  /* A subject's plots: the totals (with milestone markers and the
   * forecast range ahead) and the daily gains (bars; none across a
   * skipped day). */
  function drawPlots(spec) {
    var s = decode(spec);
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

  function start() {
    var data = pageData();
    (data.plots || []).forEach(drawPlots);
    document.querySelectorAll('table.sortable').forEach(sortable);
    copyButtons();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
