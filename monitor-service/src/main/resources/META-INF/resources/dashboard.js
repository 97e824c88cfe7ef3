/* The ops dashboard: polls the monitor's JSON endpoints and draws them. */
(function () {
  'use strict';
  const C = window.Charts;
  const state = { selected: null, version: null, feature: null, timer: null };
  const $ = id => document.getElementById(id);

  function text(s) { return s === null || s === undefined ? '' : String(s); }
  function esc(s) { return text(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }
  function when(ms) { return ms ? new Date(ms).toISOString().replace('T', ' ').substring(0, 19) + 'Z' : ''; }

  async function get(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(path + ' ' + r.status);
    return r.json();
  }

  async function refresh() {
    try {
      const useCases = await get('/v1/use-cases');
      renderTabs(useCases);
      if (!useCases.length) { $('empty').hidden = false; $('view').hidden = true; }
      else {
        if (!state.selected || !useCases.some(u => u.name === state.selected)) state.selected = useCases[0].name;
        const name = encodeURIComponent(state.selected);
        const [detail, windows, alerts, runs] = await Promise.all([get('/v1/use-cases/' + name),
          get('/v1/use-cases/' + name + '/windows?limit=60'), get('/v1/use-cases/' + name + '/alerts'),
          get('/v1/use-cases/' + name + '/runs')]);
        $('empty').hidden = true; $('view').hidden = false;
        render(detail, windows, alerts, runs);
        // The registry's view and the bad examples are extras: a registry that is down must not blank the charts.
        const soft = p => get(p).catch(e => ({ unavailable: e.message }));
        const [stages, holdoutWorst, windowWorst, contract] = await Promise.all([soft('/v1/use-cases/' + name + '/stages'),
          soft('/v1/use-cases/' + name + '/holdout-worst'), soft('/v1/use-cases/' + name + '/windows/latest/worst'),
          soft('/v1/use-cases/' + name + '/contract')]);
        renderStages(stages);
        renderHoldoutWorst(holdoutWorst);
        renderWindowWorst(windowWorst);
        renderContract(contract);
      }
      $('status').className = 'status live';
      $('status').textContent = 'live · updated ' + new Date().toISOString().substring(11, 19) + 'Z';
      document.body.dataset.rendered = 'true';
    } catch (e) {
      $('status').className = 'status down';
      $('status').textContent = 'monitor unreachable: ' + e.message;
    }
  }

  function renderTabs(useCases) {
    const nav = $('use-cases');
    nav.textContent = '';
    useCases.forEach(u => {
      const b = document.createElement('button');
      b.className = u.name === state.selected ? 'active' : '';
      b.dataset.useCase = u.name;
      b.innerHTML = esc(u.name) + (u.openAlerts ? `<span class="badge">${u.openAlerts}</span>` : '');
      b.onclick = () => { state.selected = u.name; state.version = null; state.feature = null; refresh(); };
      nav.appendChild(b);
    });
  }

  function render(detail, windows, alerts, runs) {
    renderLoop(detail, alerts);
    const versions = [...new Set(windows.map(w => w.version))].sort((a, b) => a - b);
    if (!state.version || !versions.includes(state.version)) {
      const champion = detail.aliases.champion;
      state.version = versions.includes(champion) ? champion : versions[versions.length - 1];
    }
    const mine = windows.filter(w => w.version === state.version);
    renderCards(detail, mine, alerts);
    renderVolume(windows, versions);
    const labels = mine.map(w => C.timeLabel(w.windowStart));
    C.line($('chart-latency'), labels, [
      { name: 'p50', values: mine.map(w => w.latencyP50Ms) },
      { name: 'p95', values: mine.map(w => w.latencyP95Ms) },
      { name: 'p99', values: mine.map(w => w.latencyP99Ms) }],
      { thresholds: rule(detail, 'p99LatencyMs') });
    C.line($('chart-cost'), labels, [
      { name: 'CPU cost / prediction (' + (detail.currency || '') + ')', values: mine.map(w => w.cpuCostPerPrediction) },
      { name: 'error rate', values: mine.map(w => w.predictions ? w.errors / w.predictions : null) }]);
    renderDrift(detail, mine, labels);
    renderPerformance(detail, mine, labels);
    renderSkew(mine, labels);
    renderFairness(mine);
    renderDistribution(mine);
    renderScores(detail, mine, labels);
    renderAlerts(alerts);
    renderVersions(detail);
    renderRuns(runs);
  }

  function rule(detail, metric) {
    return (detail.alertRules || []).filter(r => r.metric === metric)
      .map(r => ({ value: r.threshold, label: r.name + ' ' + (r.above ? '>' : '<') + ' ' + r.threshold }));
  }

  function renderLoop(detail, alerts) {
    const hot = new Set();
    (alerts.open || []).forEach(a => { hot.add('monitor'); if (a.action === 'RETRAIN') hot.add('training'); if (a.action === 'ROLLBACK') hot.add('deploy'); });
    $('loop').innerHTML = detail.loop.map((s, i) =>
      `<div class="stage${hot.has(s.stage) ? ' hot' : ''}" data-stage="${esc(s.stage)}"><div class="name">${esc(s.stage)}</div>` +
      `<div class="owner">${esc(s.owner)}</div><div class="station">${esc(s.station)}</div></div>` +
      (i < detail.loop.length - 1 ? '<div class="arrow">→</div>' : '')).join('') +
      '<div class="loopback">monitor ⟲ training: drift or degraded performance (retrain action) under the retraining policy</div>';
  }

  function fmtValue(v) {
    if (v === null || v === undefined) return '–';
    if (typeof v === 'number') return Math.abs(v) >= 1000 || Number.isInteger(v) ? String(v) : v.toPrecision(4);
    if (Array.isArray(v)) return v.map(fmtValue).join(', ');
    if (typeof v === 'object') return Object.entries(v).map(([k, x]) => k + ' ' + fmtValue(x)).join(', ');
    return String(v);
  }

  function allMet(list) { return (list || []).every(c => c.met === true); }

  /** Six nodes in a ring, clockwise from the top; the monitor's way back to training dashed. */
  function renderStages(stages) {
    const box = $('stages');
    if (!stages || stages.unavailable || !stages.stages) {
      box.innerHTML = '<p class="muted" id="stages-unavailable">registry unavailable: ' + esc(stages && stages.unavailable) + '</p>';
      return;
    }
    state.stages = stages;
    const cx = 150, cy = 150, r = 105, n = stages.stages.length;
    const at = i => ({ x: cx + r * Math.sin(2 * Math.PI * i / n), y: cy - r * Math.cos(2 * Math.PI * i / n) });
    let svg = '<svg viewBox="0 0 300 300" role="img" aria-label="the loop\'s stages">';
    stages.stages.forEach((s, i) => {
      const a = at(i), b = at((i + 1) % n);
      const back = i === n - 1;
      const done = back ? allMet(s.exit) : s.exited;
      svg += `<path class="edge${back ? ' back' : ''}${done ? ' done' : ''}" d="M${a.x.toFixed(1)},${a.y.toFixed(1)} L${b.x.toFixed(1)},${b.y.toFixed(1)}"/>`;
    });
    stages.stages.forEach((s, i) => {
      const p = at(i);
      const met = allMet(s.entry) && allMet(s.exit);
      const crit = [...s.entry.map(c => 'entry ' + c.id + ': ' + c.met), ...s.exit.map(c => 'exit ' + c.id + ': ' + c.met)].join('\n');
      svg += `<g class="node ${met ? 'met' : 'unmet'} ${esc(s.status)}${state.stage === s.name ? ' selected' : ''}" data-stage="${esc(s.name)}" data-status="${esc(s.status)}" data-met="${met}">` +
        `<title>${esc(s.name + ' (' + s.status + ', owner ' + s.owner + ')\n' + crit)}</title>` +
        `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="34"/>` +
        `<text x="${p.x.toFixed(1)}" y="${(p.y - 2).toFixed(1)}">${esc(s.name)}</text>` +
        `<text class="owner" x="${p.x.toFixed(1)}" y="${(p.y + 11).toFixed(1)}">${esc(s.status)}</text></g>`;
    });
    svg += `<text x="150" y="146" text-anchor="middle" fill="#8796a5" font-size="11">turn ${esc(stages.turn)}</text>` +
      `<text x="150" y="162" text-anchor="middle" fill="#8796a5" font-size="11">${stages.championVersion ? 'champion v' + esc(stages.championVersion) : 'no champion'}</text></svg>`;
    box.innerHTML = svg;
    box.querySelectorAll('.node').forEach(g => { g.onclick = () => { state.stage = g.dataset.stage; renderStages(state.stages); }; });
    renderStageDetail();
  }

  function renderStageDetail() {
    const s = state.stages && state.stages.stages.find(x => x.name === (state.stage || (state.stages.stages.find(y => y.status === 'current') || {}).name));
    if (!s) return;
    const row = (side, c) => `<div class="crit" data-criterion="${esc(c.id)}" data-met="${esc(c.met)}"><span class="m-${esc(c.met)}">${c.met === true ? '✔' : c.met === false ? '✘' : '?'}</span> ` +
      `<b>${esc(side)}</b> ${esc(c.text)}<div class="ev">${esc(fmtValue(c.evidence))}</div></div>`;
    $('stage-detail').innerHTML = `<div><b>${esc(s.name)}</b> · ${esc(s.status)} · owner <span class="owner">${esc(s.owner)}</span></div>` +
      s.entry.map(c => row('entry', c)).join('') + s.exit.map(c => row('exit', c)).join('');
  }

  function featuresText(f) { return Object.entries(f || {}).map(([k, v]) => k + '=' + fmtValue(v)).join(' · '); }
  function slicesText(s) { return Object.entries(s || {}).map(([k, v]) => k + '=' + v).join(', '); }

  function renderHoldoutWorst(list) {
    const box = $('holdout-worst');
    if (!list || list.unavailable) { box.innerHTML = '<p class="muted">registry unavailable: ' + esc(list && list.unavailable) + '</p>'; return; }
    if (!list.length) { box.innerHTML = '<p class="muted">no trained version yet</p>'; return; }
    box.innerHTML = list.map(v => {
      const rows = (v.worstExamples || []).slice(0, 10);
      return `<h3>v${esc(v.version)} ${v.alias ? '<span class="tag ' + esc(v.alias) + '">' + esc(v.alias) + '</span>' : '(newest candidate)'}</h3>` +
        (rows.length ? `<table class="worst" id="holdout-worst-v${esc(v.version)}"><tr><th>event</th><th>label</th><th>score</th><th>loss</th><th>slice</th><th>features</th></tr>` +
          rows.map(w => `<tr class="worst-row"><td>${esc(w.eventId)}</td><td>${esc(fmtValue(w.label))}</td><td>${esc(fmtValue(w.score))}</td><td>${esc(fmtValue(w.loss))}</td>` +
            `<td>${esc(slicesText(w.slices))}</td><td class="features">${esc(featuresText(w.features))}</td></tr>`).join('') + '</table>'
          : '<p class="muted">the report keeps no worst rows</p>');
    }).join('');
  }

  function renderWindowWorst(w) {
    const box = $('window-worst');
    if (!w || w.unavailable) { box.innerHTML = '<p class="muted">unavailable: ' + esc(w && w.unavailable) + '</p>'; return; }
    if (!w.errors || !w.errors.length) { box.innerHTML = '<p class="muted">no realised error yet (labels arrive later)</p>'; return; }
    box.innerHTML = `<div class="muted">window from ${esc(when(w.windowStart))}</div><table class="worst" id="window-worst-table"><tr><th>event</th><th>version</th><th>outcome</th><th>cost</th><th>score</th><th>label</th><th>slice</th><th>features as served</th></tr>` +
      w.errors.map(e => `<tr class="worst-row" data-event="${esc(e.eventId)}"><td>${esc(e.eventId)}</td><td>v${esc(e.version)} ${esc(e.variant)}</td><td>${esc(e.outcome)}</td>` +
        `<td>${esc(fmtValue(e.cost))}</td><td>${esc(fmtValue(e.score))}</td><td>${esc(fmtValue(e.label))}</td><td>${esc(slicesText(e.slices))}</td><td class="features">${esc(featuresText(e.features))}</td></tr>`).join('') + '</table>';
  }

  /** The feature set's expectations on live data (from the feature-service) and their violation shares over time. */
  function renderContract(panel) {
    const box = $('contract');
    if (!panel || panel.unavailable || !panel.contracts) {
      box.innerHTML = '<p class="muted">unavailable: ' + esc(panel && panel.unavailable) + '</p>';
      C.line($('chart-contract'), [], [], { empty: 'no contract' });
      return;
    }
    if (!panel.contracts.length) { box.innerHTML = '<p class="muted">the use case names no feature set</p>'; return; }
    const count = (v, n) => `${esc(v)} / ${esc(n)}`;
    box.innerHTML = panel.contracts.map(c => {
      const head = `<h3 class="contract-head" data-set="${esc(c.featureSet)}" data-version="${esc(c.version)}">${esc(c.featureSet)} v${esc(c.version)} ` +
        `<span class="muted">used by ${esc(c.usedBy.join(', '))}</span> ` +
        (c.status !== 'ok' ? `<span class="tag unreachable">${c.status === 'unreachable' ? 'feature-service unreachable' : esc(c.status)}</span>`
          : c.broken ? `<span class="tag broken">${esc(c.expectationsBroken)} of ${esc(c.expectations.length)} broken</span>`
          : `<span class="tag holds">all ${esc(c.expectations.length)} hold</span>`) + '</h3>';
      if (c.status !== 'ok') {
        return head + `<p class="contract-unreachable muted">${c.status === 'unreachable' ? 'feature-service unreachable: the panel shows the last samples only. ' : ''}${esc(c.detail)}</p>`;
      }
      const rows = c.expectations.slice().sort((a, b) => (b.broken - a.broken));
      return head + `<table class="contract-table"><tr><th></th><th>feature</th><th>expectation</th><th>bound</th><th>observed (last ${esc(c.recentMinutes)} min)</th><th>breaking, recent</th><th>since start</th></tr>` +
        rows.map(e => `<tr class="contract-row ${e.broken ? 'broken' : 'holds'}" data-feature="${esc(e.feature || '(set)')}" data-expectation="${esc(e.expectation)}" data-broken="${e.broken}">` +
          `<td class="state">${e.broken ? '✘ broken' : e.recentChecked || e.expectation === 'freshness' ? '✔ holds' : '– no data'}</td><td>${esc(e.feature || '(set)')}</td><td>${esc(e.expectation)}</td>` +
          `<td>${esc(e.allowed)}</td><td>${esc(e.observed)}</td><td>${count(e.recentViolations, e.recentChecked)}</td><td>${count(e.violations, e.checked)}</td></tr>`).join('') + '</table>';
    }).join('');
    // One chart, for the first contract: the share of recent values breaking each expectation that broke at all
    const c = panel.contracts[0];
    const history = c.history || [];
    const keys = [...new Set(history.flatMap(h => Object.keys(h.violationShare)))]
      .filter(k => history.some(h => h.violationShare[k] > 0)).sort();
    const brokenNow = new Set((c.expectations || []).filter(e => e.broken && e.feature).map(e => e.feature + '/' + e.expectation));
    C.line($('chart-contract'), history.map(h => new Date(h.at).toISOString().substring(11, 19)), keys.map(k => ({
      name: k, values: history.map(h => h.violationShare[k] ?? null),
      marks: history.map(h => brokenNow.has(k) && h === history[history.length - 1])
    })), { yMin: 0, empty: history.length ? 'no expectation broken in the samples' : 'no sample yet' });
  }

  function renderCards(detail, mine, alerts) {
    const last = mine[mine.length - 1];
    const aliases = Object.entries(detail.aliases).map(([a, v]) => `<span class="tag ${a}">${a} v${v}</span>`).join(' ') || '–';
    const perf = last ? (detail.task === 'regression' ? ['MAE', last.performance.mae] : ['AUC', last.performance.auc]) : ['', null];
    const cards = [
      ['Task', esc(detail.task)], ['Aliases', aliases],
      ['Open alerts', `<span id="open-alerts">${(alerts.open || []).length}</span>`],
      [`Volume (v${state.version || '–'}, last window)`, last ? C.fmt(last.predictions) : '–'],
      ['p99 latency', last && last.latencyP99Ms !== null ? C.fmt(last.latencyP99Ms) + ' ms' : '–'],
      ['Drifted features', last ? last.driftedFeatures : '–'],
      ['Realised ' + perf[0], perf[1] !== null && perf[1] !== undefined ? C.fmt(perf[1]) : '–'],
      ['Open windows', (detail.openWindows || []).map(w => `v${w.version}: ${w.predictions}`).join(', ') || '–']];
    $('cards').innerHTML = cards.map(([l, v]) => `<div class="card"><div class="label">${l}</div><div class="value">${v}</div></div>`).join('');
  }

  function renderVolume(windows, versions) {
    const starts = [...new Set(windows.map(w => w.windowStart))].sort((a, b) => a - b);
    C.bars($('chart-volume'), starts.map(C.timeLabel), versions.map(v => ({
      name: 'v' + v, values: starts.map(s => { const w = windows.find(x => x.windowStart === s && x.version === v); return w ? w.predictions : null; })
    })));
  }

  function renderDrift(detail, mine, labels) {
    const names = [...new Set(mine.flatMap(w => w.features.map(f => f.feature)))];
    const series = names.map(n => ({
      name: n,
      values: mine.map(w => { const f = w.features.find(x => x.feature === n); return f ? f.psi : null; }),
      marks: mine.map(w => { const f = w.features.find(x => x.feature === n); return !!(f && f.drifted); })
    }));
    const thresholds = (detail.alertRules || []).filter(r => r.metric.startsWith('psi.'))
      .map(r => ({ value: r.threshold, label: r.name + ' > ' + r.threshold }));
    C.line($('chart-drift'), labels, series, { thresholds, empty: 'no reference profile or no window yet' });
  }

  function renderPerformance(detail, mine, labels) {
    const reg = detail.task === 'regression';
    const offline = mine.length ? mine[mine.length - 1].offline || {} : {};
    const series = reg
      ? [{ name: 'MAE', values: mine.map(w => w.performance.mae) },
         { name: 'offline MAE', values: mine.map(() => offline.mae ?? null), dashed: true }]
      : [{ name: 'AUC', values: mine.map(w => w.performance.auc) },
         { name: 'accuracy', values: mine.map(w => w.performance.accuracy) },
         { name: 'offline AUC', values: mine.map(() => offline.auc ?? null), dashed: true }];
    C.line($('chart-performance'), labels, series, { thresholds: rule(detail, reg ? 'mae' : 'auc'), empty: 'no labels joined yet' });
    C.line($('chart-business'), labels, [
      { name: (detail.businessMetric || 'cost') + ' (' + (detail.currency || '') + ')', values: mine.map(w => w.performance.businessMetric), color: '#c792ea' },
      { name: 'offline', values: mine.map(() => offline.businessMetric ?? null), dashed: true, color: '#8796a5' },
      { name: 'labels joined', values: mine.map(() => null) }],
      { empty: 'no labels joined yet' });
  }

  function renderSkew(mine, labels) {
    const names = [...new Set(mine.flatMap(w => w.skew.map(s => s.feature)))];
    C.line($('chart-skew'), labels, names.map(n => ({
      name: n, values: mine.map(w => { const s = w.skew.find(x => x.feature === n); return s && s.compared ? s.mismatchRate : null; })
    })), { yMin: 0, empty: 'no offline vectors joined yet' });
  }

  function renderFairness(mine) {
    const latest = mine.slice().reverse().find(w => w.fairness && w.fairness.slices.length);
    if (!mine.some(w => w.fairness)) { $('fairness').innerHTML = '<p class="muted">The use case names no protected attributes.</p>'; return; }
    if (!latest) { $('fairness').innerHTML = '<p class="muted">No labels with protected slices yet.</p>'; return; }
    const f = latest.fairness;
    const gaps = f.gaps.length ? '<table id="fairness-gaps"><tr><th>attribute</th><th>metric</th><th>gap</th><th>highest</th><th>lowest</th><th>slices</th></tr>' +
      f.gaps.map(g => `<tr><td>${esc(g.attribute)}</td><td>${esc(g.metric)}</td><td>${C.fmt(g.gap)}</td><td>${esc(g.highest)}</td><td>${esc(g.lowest)}</td><td>${g.slicesCompared}</td></tr>`).join('') + '</table>'
      : `<p class="muted">No gap yet: fewer than two slices with ${f.minSliceSize} labels in a rate's denominator.</p>`;
    const names = [...new Set(f.slices.flatMap(s => Object.keys(s.metrics)))];
    $('fairness').innerHTML = gaps + `<table id="fairness-slices"><tr><th>slice</th><th>labelled</th>${names.map(n => `<th>${esc(n)}</th>`).join('')}</tr>` +
      f.slices.map(s => `<tr><td>${esc(s.attribute)}=${esc(s.value)}</td><td>${s.labelled}</td>${names.map(n => `<td>${s.metrics[n] === undefined ? '' : C.fmt(s.metrics[n])}</td>`).join('')}</tr>`).join('') +
      `</table><p class="muted">window from ${when(latest.windowStart)}; a slice counts in a gap with at least ${f.minSliceSize} labels in the rate's denominator</p>`;
  }

  function renderDistribution(mine) {
    const last = mine[mine.length - 1];
    const select = $('feature-select');
    const features = last ? last.features : [];
    if (!state.feature || !features.some(f => f.feature === state.feature)) state.feature = features.length ? features[0].feature : null;
    select.innerHTML = features.map(f => `<option ${f.feature === state.feature ? 'selected' : ''}>${esc(f.feature)}</option>`).join('');
    select.onchange = () => { state.feature = select.value; refresh(); };
    const f = features.find(x => x.feature === state.feature);
    if (!f) { C.bars($('chart-distribution'), [], []); return; }
    C.bars($('chart-distribution'), f.bins, [
      { name: 'live', values: f.live }, { name: 'reference', values: f.reference, ref: true, color: '#6b7b8c' }],
      { percent: true });
    const caption = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    caption.textContent = `${f.test} statistic ${C.fmt(f.statistic)}, adjusted p ${C.fmt(f.adjustedPValue)}, PSI ${C.fmt(f.psi)}`;
    $('chart-distribution').querySelector('svg').appendChild(caption);
  }

  function renderScores(detail, mine, labels) {
    if (detail.task === 'regression') {
      C.line($('chart-score'), labels, [
        { name: 'p10', values: mine.map(w => w.scoreP10) }, { name: 'p50', values: mine.map(w => w.scoreP50) },
        { name: 'p90', values: mine.map(w => w.scoreP90) }]);
      return;
    }
    const last = mine[mine.length - 1], first = mine[0];
    const share = w => { const n = w.scoreHistogram.reduce((a, b) => a + b, 0) || 1; return w.scoreHistogram.map(c => c / n); };
    const bins = last ? last.scoreHistogram.map((_, i) => (i / last.scoreHistogram.length).toFixed(2)) : [];
    C.bars($('chart-score'), bins, last ? [{ name: 'latest ' + C.timeLabel(last.windowStart), values: share(last) },
      { name: 'first ' + C.timeLabel(first.windowStart), values: share(first), ref: true, color: '#6b7b8c' }] : [], { percent: true });
  }

  function renderAlerts(alerts) {
    const rows = (alerts.open || []).map(a => Object.assign({ open: true }, a))
      .concat((alerts.recent || []).filter(a => !(alerts.open || []).some(o => o.eventId === a.eventId)));
    const actions = alerts.actions || [];
    $('alerts').innerHTML = rows.length ? '<table id="alerts-table"><tr><th></th><th>when</th><th>rule</th><th>severity</th><th>owner</th><th>action</th><th>what · playbook</th></tr>' +
      rows.slice(0, 30).map(a => `<tr class="alert-row" data-rule="${esc(a.rule)}"><td><span class="tag ${a.open ? 'open' : a.kind === 'resolved' ? 'resolved' : ''}">${a.open ? 'open' : esc(a.kind)}</span></td>` +
        `<td>${when(a.at)}</td><td>${esc(a.rule)}</td><td class="sev-${esc(a.severity)}">${esc(a.severity)}</td><td class="owner">${esc(a.owner)}</td>` +
        `<td>${esc(a.action)}</td><td>${esc(a.message)}<br><span class="muted">${esc(a.playbook)}</span></td></tr>`).join('') + '</table>'
      : '<p class="muted">No alerts.</p>';
    if ((alerts.signals || []).length) {
      $('alerts').innerHTML += '<h3>Sent to training (drift-events)</h3><table>' + alerts.signals.slice(0, 10).map(s =>
        `<tr><td>${when(s.at)}</td><td>${esc(s.kind)}</td><td>${esc(s.rule)}</td><td>v${esc(s.modelVersion)}</td><td>${esc(s.detail)}</td></tr>`).join('') + '</table>';
    }
    if (actions.length) {
      $('alerts').innerHTML += '<h3>Actions taken</h3><table>' + actions.slice(0, 10).map(a =>
        `<tr><td>${esc(a.action)}</td><td>${esc(a.outcome)}</td><td>${esc(a.detail)}</td></tr>`).join('') + '</table>';
    }
  }

  function renderVersions(detail) {
    $('versions').innerHTML = '<table id="versions-table"><tr><th>version</th><th>alias</th><th>role</th><th>registered</th><th>gate</th><th>offline</th><th>run</th></tr>' +
      detail.versions.slice().reverse().map(v => `<tr><td>v${v.version}${v.archived ? ' (archived)' : ''}</td>` +
        `<td>${v.alias ? `<span class="tag ${v.alias}">${v.alias}</span>` : ''}</td><td>${esc(v.role)}</td><td>${when(v.registeredAt)}</td>` +
        `<td>${v.gatePassed === null ? '' : v.gatePassed ? 'passed' : 'failed'}</td>` +
        `<td>${Object.entries(v.offline || {}).slice(0, 3).map(([k, x]) => esc(k) + ' ' + C.fmt(x)).join(', ')}</td><td>${esc(v.trainingRunId)}</td></tr>`).join('') + '</table>';
    const h = detail.aliasHistory || [];
    $('alias-history').innerHTML = h.length ? '<table>' + h.slice().reverse().map(m =>
      `<tr><td>${when(m.at)}</td><td><span class="tag ${m.alias}">${m.alias}</span></td><td>${esc(m.kind)}</td>` +
      `<td>${m.fromVersion ? 'v' + m.fromVersion : '–'} → ${m.toVersion ? 'v' + m.toVersion : '–'}${m.trafficPercent ? ' (' + m.trafficPercent + '%)' : ''}</td>` +
      `<td>${esc(m.actor)}</td><td>${esc(m.why)}</td></tr>`).join('') + '</table>' : '<p class="muted">No alias moves yet.</p>';
  }

  function renderRuns(runs) {
    const box = $('runs');
    box.textContent = '';
    if (!runs.length) { box.innerHTML = '<p class="muted">No training runs yet.</p>'; return; }
    runs.slice(0, 8).forEach(r => {
      const div = document.createElement('div');
      div.className = 'run';
      div.dataset.run = r.runId;
      const last = r.epochs[r.epochs.length - 1];
      div.innerHTML = `<div><b>${esc(r.runId)}</b> <span class="st-${esc(r.status)}">${esc(r.status)}</span> <span class="muted">${esc(r.reason)}</span><br>` +
        `<span class="muted">epoch ${last ? last.epoch : 0}/${r.maxEpochs || '?'}${last ? ', loss ' + C.fmt(last.trainLoss) : ''}` +
        `${r.modelVersion ? ', → v' + r.modelVersion : ''}${r.detail ? ' · ' + esc(r.detail) : ''}</span></div>`;
      div.appendChild(C.spark(r.epochs.map(e => e.trainLoss), r.epochs.map(e => e.validationLoss)));
      box.appendChild(div);
    });
  }

  refresh();
  state.timer = setInterval(refresh, 3000);
})();
