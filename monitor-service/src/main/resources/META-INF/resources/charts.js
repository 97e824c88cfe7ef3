/* Small SVG charts for the ops dashboard: no library, no CDN. */
(function (global) {
  'use strict';
  const NS = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#4fb3ff', '#f5b94a', '#3ecf8e', '#ff6b6b', '#c792ea', '#89ddff', '#ffcb6b', '#f78c6c'];
  const W = 440, H = 200, M = { l: 44, r: 10, t: 10, b: 34 };

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function svg(container) {
    container.textContent = '';
    return el('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' }, container);
  }

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 1000) return (v / 1000).toFixed(a >= 10000 ? 0 : 1) + 'k';
    if (a >= 10) return v.toFixed(0);
    if (a >= 1) return v.toFixed(2);
    if (a >= 0.01) return v.toFixed(3);
    return v.toExponential(1);
  }

  function timeLabel(ms) {
    const d = new Date(ms);
    return d.toISOString().substring(11, 16);
  }

  function noData(s, text) {
    const t = el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'nodata' }, s);
    t.textContent = text || 'no closed window yet';
  }

  function scale(d0, d1, r0, r1) {
    const span = d1 - d0 || 1;
    return v => r0 + (v - d0) / span * (r1 - r0);
  }

  function axes(s, xs, yMin, yMax, xLabels) {
    const x = scale(0, Math.max(1, xs - 1), M.l + 6, W - M.r - 6);
    const y = scale(yMin, yMax, H - M.b, M.t);
    el('line', { x1: M.l, y1: H - M.b, x2: W - M.r, y2: H - M.b, class: 'axis' }, s);
    el('line', { x1: M.l, y1: M.t, x2: M.l, y2: H - M.b, class: 'axis' }, s);
    for (let i = 0; i <= 4; i++) {
      const v = yMin + (yMax - yMin) * i / 4;
      const t = el('text', { x: M.l - 4, y: y(v) + 3, 'text-anchor': 'end' }, s);
      t.textContent = fmt(v);
      if (i > 0) el('line', { x1: M.l, y1: y(v), x2: W - M.r, y2: y(v), class: 'axis', 'stroke-opacity': 0.35 }, s);
    }
    const step = Math.max(1, Math.ceil(xs / 6));
    for (let i = 0; i < xs; i += step) {
      const t = el('text', { x: x(i), y: H - M.b + 12, 'text-anchor': 'middle' }, s);
      t.textContent = xLabels[i];
    }
    return { x, y };
  }

  function legend(s, names) {
    const g = el('g', { class: 'legend' }, s);
    let x = M.l;
    names.forEach((n, i) => {
      el('rect', { x, y: H - 12, width: 10, height: 3, fill: n.color || PALETTE[i % PALETTE.length] }, g);
      const t = el('text', { x: x + 13, y: H - 8 }, g);
      t.textContent = n.name;
      x += 18 + n.name.length * 6;
    });
  }

  /** series: [{name, values: [number|null], color?, dashed?, marks?: [bool]}], labels: x labels. */
  function line(container, labels, series, opts) {
    opts = opts || {};
    const s = svg(container);
    const all = series.flatMap(x => x.values).filter(v => v !== null && v !== undefined && isFinite(v));
    (opts.thresholds || []).forEach(t => all.push(t.value));
    if (!labels.length || !all.length) { noData(s, opts.empty); return s; }
    let yMin = opts.yMin !== undefined ? opts.yMin : Math.min(0, ...all);
    let yMax = opts.yMax !== undefined ? opts.yMax : Math.max(...all) * 1.1;
    if (yMax <= yMin) yMax = yMin + 1;
    const { x, y } = axes(s, labels.length, yMin, yMax, labels);
    (opts.thresholds || []).forEach(t => {
      el('line', { x1: M.l, x2: W - M.r, y1: y(t.value), y2: y(t.value), class: 'threshold' }, s);
      const tx = el('text', { x: W - M.r - 2, y: y(t.value) - 3, 'text-anchor': 'end' }, s);
      tx.textContent = t.label;
    });
    series.forEach((ser, i) => {
      const color = ser.color || PALETTE[i % PALETTE.length];
      let d = '', pen = false;
      ser.values.forEach((v, j) => {
        if (v === null || v === undefined || !isFinite(v)) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(j).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
        pen = true;
      });
      if (d) {
        el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2, class: 'series', 'data-series': ser.name,
          'stroke-dasharray': ser.dashed ? '5 4' : '' }, s);
      }
      ser.values.forEach((v, j) => {
        if (v === null || v === undefined || !isFinite(v)) return;
        const c = el('circle', { cx: x(j), cy: y(v), r: ser.marks && ser.marks[j] ? 4 : 2, fill: color,
          class: 'point' + (ser.marks && ser.marks[j] ? ' marked' : ''), 'data-series': ser.name }, s);
        el('title', {}, c).textContent = `${ser.name} ${labels[j]}: ${fmt(v)}`;
      });
    });
    legend(s, series.map((ser, i) => ({ name: ser.name, color: ser.color || PALETTE[i % PALETTE.length] })));
    return s;
  }

  /** groups: [{label, values: [number]}], names: series names (one bar per name within a group). */
  function bars(container, labels, series, opts) {
    opts = opts || {};
    const s = svg(container);
    const all = series.flatMap(x => x.values).filter(v => v !== null && isFinite(v));
    if (!labels.length || !all.length) { noData(s, opts.empty); return s; }
    const yMax = Math.max(...all, 0) * 1.1 || 1;
    const y = scale(0, yMax, H - M.b, M.t);
    el('line', { x1: M.l, y1: H - M.b, x2: W - M.r, y2: H - M.b, class: 'axis' }, s);
    for (let i = 0; i <= 4; i++) {
      const v = yMax * i / 4;
      const t = el('text', { x: M.l - 4, y: y(v) + 3, 'text-anchor': 'end' }, s);
      t.textContent = opts.percent ? (v * 100).toFixed(0) + '%' : fmt(v);
    }
    const band = (W - M.l - M.r) / labels.length;
    const bw = Math.max(1, band * 0.8 / series.length);
    const step = Math.max(1, Math.ceil(labels.length / 8));
    labels.forEach((lab, j) => {
      series.forEach((ser, i) => {
        const v = ser.values[j];
        if (v === null || v === undefined || !isFinite(v)) return;
        const r = el('rect', { x: M.l + band * j + band * 0.1 + bw * i, y: y(v), width: bw,
          height: Math.max(0, H - M.b - y(v)), class: 'bar' + (ser.ref ? ' ref' : ''),
          fill: ser.color || PALETTE[i % PALETTE.length], 'data-series': ser.name }, s);
        el('title', {}, r).textContent = `${ser.name} ${lab}: ${opts.percent ? (v * 100).toFixed(1) + '%' : fmt(v)}`;
      });
      if (j % step === 0) {
        const t = el('text', { x: M.l + band * (j + 0.5), y: H - M.b + 12, 'text-anchor': 'middle' }, s);
        t.textContent = lab.length > 12 ? lab.substring(0, 11) + '…' : lab;
      }
    });
    legend(s, series.map((ser, i) => ({ name: ser.name, color: ser.color || PALETTE[i % PALETTE.length] })));
    return s;
  }

  /** A sparkline of values (loss per epoch). */
  function spark(values, extra) {
    const s = el('svg', { viewBox: '0 0 180 44', preserveAspectRatio: 'none', class: 'spark' });
    const all = values.concat(extra || []).filter(v => v !== null && isFinite(v));
    if (!all.length) return s;
    const lo = Math.min(...all), hi = Math.max(...all);
    const n = Math.max(values.length, (extra || []).length);
    const x = scale(0, Math.max(1, n - 1), 4, 176), y = scale(lo, hi === lo ? lo + 1 : hi, 40, 4);
    [[values, '#4fb3ff', ''], [extra || [], '#f5b94a', '4 3']].forEach(([vs, c, dash]) => {
      const d = vs.map((v, i) => (v === null ? '' : (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1))).join(' ');
      if (vs.length) el('path', { d, fill: 'none', stroke: c, 'stroke-width': 1.5, 'stroke-dasharray': dash, class: 'loss' }, s);
    });
    return s;
  }

  global.Charts = { line, bars, spark, fmt, timeLabel, PALETTE };
})(window);
