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
