// The console: reads the API with the caller's bearer token, follows the event stream, and shows
// only what the service answered (resources as a GET returned them, live values as events carried
// them). It decides nothing itself: every refusal is the service's problem detail, shown as it came.

import { EventStream } from './sse.js';
import { api, ApiError, setToken, token } from './api.js';
import { h, replace, table, dl, code, time, bytes, short, refs } from './dom.js';

const TOKEN_KEY = 'xso.console.token';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'RESUME_FAILED']);
const LIVE_TYPES = new Set(['xenbus.state', 'domain.power', 'domain.state']);
const $ = id => document.getElementById(id);

/** What the console knows: each part as the API last returned it, live fields as events updated them. */
const model = {
  domains: new Map(),       // domid -> Domain
  domainsTotal: 0,
  selected: null,           // the domid shown in detail
  domainReadAt: null,       // when the selected domain (its devices' counters) was read
  operation: null,          // the Operation shown
  operations: [],           // the selected domain's recent operations
  checkpoints: null,        // the selected domain's CheckpointPage
  integrity: new Map(),     // checkpoint id -> Integrity, or {error}
  resumeCheck: null,        // the ResumeCheck shown, or {error}
  hosts: [],                // the fleet's hosts (GET /hosts), read with the selected domain
  running: new Map(),       // domid -> the data of its operation's latest event, while not ended
  live: [],                 // recent live events {seq, type, data}, re-applied over a newer GET
  seq: 0,
};

let stream = null;

// ---- rendering --------------------------------------------------------------------------------

let renderQueued = false;

function render() {
  if (renderQueued) {
    return;
  }
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderDomains();
    renderDomain();
    renderOperation();
    renderOperations();
    renderCheckpoints();
  });
}

function announce(text) {
  const el = $('announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

function showError(id, error) {
  const el = $(id);
  if (!error) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.hidden = false;
  el.textContent = describe(error);
}

/** A problem detail as the service sent it: status, code, detail, and each invalid parameter. */
function describe(error) {
  if (error instanceof ApiError) {
    const p = error.problem || {};
    const parts = [`${error.status} ${p.code || p.title || ''}`.trim()];
    if (p.detail) {
      parts.push(p.detail);
    }
    for (const e of p.errors || []) {
      parts.push(`${e.in} ${e.name}: ${e.message}`);
    }
    for (const r of p.reasons || []) {
      parts.push(r);
    }
    return parts.join(' — ');
  }
  return `The request failed: ${error.message}`;
}

function renderDomains() {
  const domains = [...model.domains.values()].sort((a, b) => a.domid - b.domid);
  $('domains-note').textContent = model.domainsTotal > domains.length
    ? `The first ${domains.length} of ${model.domainsTotal} domains.` : '';
  if (domains.length === 0) {
    replace($('domains-body'), h('p', { text: 'The service knows no domain.' }));
    return;
  }
  const rows = domains.map(d => {
    const selected = d.domid === model.selected;
    return h('tr', { 'data-domid': d.domid, 'aria-current': selected ? 'true' : null },
      h('th', { scope: 'row' }, String(d.domid)),
      h('td', {}, d.name),
      h('td', { 'data-field': 'state' }, d.state),
      h('td', { 'data-field': 'power' }, d.powerState),
      h('td', { 'data-field': 'operation' }, runningCell(d)),
      h('td', {}, d.devices.map(v => `${v.type} ${v.devid}`).join(', ') || '—'),
      h('td', {}, h('button', {
        type: 'button', 'data-key': `open-${d.domid}`, 'aria-label': `Open domain ${d.domid} (${d.name})`,
        onclick: () => selectDomain(d.domid, true),
      }, selected ? 'Shown' : 'Open')));
  });
  replace($('domains-body'), table('Domains: persisted state, hypervisor power state and running operation',
    ['Domain', 'Name', 'State', 'Hypervisor', 'Running operation', 'Devices', ''], rows));
}

function runningCell(d) {
  const op = model.running.get(d.domid);
  if (op) {
    const phase = op.phase ? ` · ${op.phase} ${op.phaseState || ''}`.trimEnd() : '';
    return h('span', {}, `${op.kind} ${op.state}${phase} · ${op.progress}% `,
      h('button', {
        type: 'button', class: 'link', 'data-key': `show-op-${op.operationId}`,
        'aria-label': `Show operation ${op.kind} of domain ${d.domid}`,
        onclick: () => showOperation(op.operationId, true),
      }, 'Show'));
  }
  if (d.lease) {
    return `${d.lease.purpose} (lease held by ${d.lease.owner})`;
  }
  return '—';
}

function renderDomain() {
  const d = model.domains.get(model.selected);
  $('domain').hidden = !d;
  if (!d) {
    return;
  }
  $('domain-title').textContent = `Domain ${d.domid} · ${d.name}`;
  const lease = d.lease
    ? [`${d.lease.purpose}, held by ${d.lease.owner} until `, time(d.lease.expiresAt),
      d.lease.operationId ? h('span', {}, ' (operation ', code(short(d.lease.operationId)), ')') : '']
    : 'none';
  const facts = dl([
    ['State', h('span', { 'data-field': 'state' }, d.state)],
    ['Hypervisor power state', h('span', { 'data-field': 'power' }, d.powerState)],
    ['Host', h('span', { 'data-field': 'host' }, d.host || '—')],
    ['Reason', d.stateReason || '—'],
    ['Lease', lease],
    ['Suspend checkpoint', d.suspendCheckpointId ? code(d.suspendCheckpointId) : '—'],
    ['Checkpoints stored', `${d.storage.checkpoints} (${bytes(d.storage.bytes)}), retention ${d.storage.retention}`],
    ['Memory, vCPUs', `${d.memoryMiB} MiB, ${d.vcpus}`],
  ]);
  const rows = d.devices.map(v => h('tr', { 'data-device': `${v.type}-${v.devid}` },
    h('th', { scope: 'row' }, `${v.type} ${v.devid}`),
    h('td', {}, String(v.backendDomid)),
    h('td', { 'data-field': 'serves' }, serves(v)),
    h('td', { 'data-end': 'frontend' }, v.frontendState || '—'),
    h('td', { 'data-end': 'backend' }, v.backendState || '—'),
    h('td', {}, v.connected ? 'yes' : 'no'),
    h('td', {}, v.ringRefs.length ? v.ringRefs.join(', ') : '—'),
    h('td', {}, v.evtchns.length ? v.evtchns.join(', ') : '—'),
    h('td', { 'data-field': 'counters' }, counters(v, d))));
  const devices = table('Devices: both ends\u2019 XenbusState (live), rings, event channels and counters',
    ['Device', 'Backend domain', 'Bridge or disk target', 'Frontend state', 'Backend state', 'Connected', 'Ring refs', 'Event channels',
      'Counters'], rows);
  const read = h('p', { class: 'help' },
    'Devices and counters as read at ', time(model.domainReadAt),
    '; XenbusStates and power state follow the event stream. ',
    h('button', {
      type: 'button', 'data-key': 'refresh-domain', onclick: () => refreshDomain(d.domid),
    }, 'Read again'));
  replace($('domain-body'), facts, devices, read);

  const running = d.state === 'RUNNING';
  $('suspend').disabled = !running;
  $('checkpoint').disabled = !running;
  $('resume-check').disabled = d.state !== 'SUSPENDED';
  $('pause').disabled = !running;
  $('unpause').disabled = d.state !== 'PAUSED';
  renderMoveTargets(d, running);
  $('actions-help').textContent = running
    ? 'Suspend, live checkpoint and pause apply to this running domain.'
    : d.state === 'SUSPENDED' ? 'The domain is suspended: resume it after checking what could block it.'
      : d.state === 'PAUSED' ? 'The domain is paused (devices connected, nothing saved): unpause it to run it, suspend it or checkpoint it.'
        : `The domain is ${d.state}.`;
  renderResumeCheck();
}

/** What a device's backend serves it from: a vif's bridge, a vbd's disk target (or the backend's own volume). */
function serves(v) {
  if (v.type === 'vif') return v.config && v.config.bridge ? v.config.bridge : 'xenbr0';
  return v.config && v.config.target ? code(v.config.target) : 'its own volume';
}

/** The hosts a running domain can move to: every other host that is UP and shares its host's storage. */
function renderMoveTargets(d, running) {
  const own = model.hosts.find(host => host.name === d.host);
  const targets = model.hosts.filter(host => host.name !== d.host && host.state === 'UP'
    && (!own || !own.storageId || !host.storageId || own.storageId === host.storageId));
  const select = $('move-host');
  const chosen = select.value;
  replace(select, ...targets.map(host => host.name === chosen
    ? h('option', { value: host.name, selected: 'selected' }, host.name)
    : h('option', { value: host.name }, host.name)));
  select.disabled = !running || targets.length === 0;
  $('move').disabled = !running || targets.length === 0;
  $('move-help').textContent = targets.length === 0
    ? 'No other host that is up reaches this domain\u2019s storage.'
    : `Suspended on ${d.host}, resumed on the host chosen, with the strategy above.`;
  renderMoveBridges(d, model.hosts.find(host => host.name === select.value));
}

/**
 * For each vif, the bridge it joins on the move's target: the target's bridges of the vif's backend
 * domain, its own bridge first where the target has it (a host that did not report its backends
 * offers none to choose).
 */
function renderMoveBridges(d, target) {
  // what the user chose survives the re-renders the event stream causes
  const chosen = new Map([...$('move-devices').querySelectorAll('select')].map(s => [s.id, s.value]));
  const rows = [];
  for (const v of d.devices.filter(dev => dev.type === 'vif')) {
    const backend = target && target.backends ? target.backends.find(b => b.domid === v.backendDomid) : null;
    if (!backend || !backend.bridges || backend.bridges.length === 0) continue;
    const current = v.config && v.config.bridge ? v.config.bridge : 'xenbr0';
    const bridges = backend.bridges.includes(current)
      ? [current, ...backend.bridges.filter(b => b !== current)] : backend.bridges;
    const id = `move-bridge-${v.devid}`;
    rows.push(h('label', { for: id }, `Bridge of vif ${v.devid} on ${target.name}`),
      h('select', { id, 'data-devid': String(v.devid), 'data-current': current },
        ...bridges.map(b => h('option', b === chosen.get(id) ? { value: b, selected: 'selected' } : { value: b }, b))));
  }
  replace($('move-devices'), ...rows);
}

/** The move's overrides: each vif whose bridge on the target was changed from its own. */
function moveOverrides() {
  return [...$('move-devices').querySelectorAll('select')]
    .filter(s => s.value !== s.dataset.current)
    .map(s => ({ type: 'vif', devid: Number(s.dataset.devid), bridge: s.value }));
}

function counters(v, d) {
  const c = v.counters;
  if (!c) {
    return d.powerState === 'ABSENT' ? 'none: the guest is not in the hypervisor' : '—';
  }
  const items = v.type === 'vbd'
    ? [['issued', c.issued], ['completed', c.completed], ['in flight', c.inFlight], ['replayed', c.replayed],
      ['reissued', c.reissued], ['lost', c.lost], ['duplicated', c.duplicated],
      ['verify failures', c.verifyFailures]]
    : [['sent', c.packetsSent], ['received', c.packetsReceived], ['dropped', c.packetsDropped],
      ['duplicated', c.duplicated]];
  return h('ul', { class: 'counters' }, items.map(([name, value]) => h('li', { 'data-counter': name }, `${name} ${value}`)));
}

function renderResumeCheck() {
  const check = model.resumeCheck;
  $('resume-panel').hidden = !check;
  if (!check) {
    return;
  }
  if (check.error) {
    replace($('resume-body'), h('p', { class: 'alert' }, describe(check.error)));
    $('resume').disabled = true;
    return;
  }
  const verdict = check.resumable
    ? h('p', { 'data-field': 'verdict' }, 'Resumable: nothing blocks a resume from checkpoint ',
      code(check.checkpointId || 'of the suspend'), ' now.')
    : h('p', { 'data-field': 'verdict' }, 'Not resumable now. What blocks it:');
  const blockers = check.reasons.length
    ? h('ul', { class: 'blockers' }, check.reasons.map(r => h('li', {}, code(r.code), ` ${r.detail}`)))
    : null;
  replace($('resume-body'), verdict, blockers);
  $('resume').disabled = !check.resumable;
}

function renderOperation() {
  const op = model.operation;
  $('operation').hidden = !op;
  if (!op) {
    return;
  }
  const source = op.sourceDomid ? ` (from domain ${op.sourceDomid})` : '';
  $('operation-title').textContent = `Operation ${op.kind} of domain ${op.domid}${source}`;
  const ended = TERMINAL.has(op.state);
  const summary = h('div', { class: 'op-summary' },
    h('p', { class: `op-state state-${op.state.toLowerCase()}`, 'data-field': 'op-state' }, op.state),
    h('progress', { max: 100, value: op.progress, 'aria-label': 'Operation progress' }),
    h('span', {}, ` ${op.progress}%`));
  const facts = dl([
    ['Id', code(op.id)],
    ['Phase', op.phase || '—'],
    ['Strategy', op.strategy || '—'],
    ['Checkpoint', op.checkpointId ? code(op.checkpointId) : '—'],
    ['Created', time(op.createdAt)],
    ['Started', time(op.startedAt)],
    ['Finished', time(op.finishedAt)],
    ['Duration', op.durationMs !== undefined ? `${op.durationMs} ms` : '—'],
    ['Deadline', [time(op.deadlineAt), ` (${op.deadlineMs} ms)`]],
    ['Requested by', op.requestedBy || '—'],
    ['Cancel requested', op.cancelRequested ? `yes${op.cancelRequestedBy ? `, by ${op.cancelRequestedBy}` : ''}` : 'no'],
    ['Attempts', String(op.attempts)],
    ['Run by (instance)', op.owner || '—'],
    op.move ? ['Move', `from ${op.move.source} to ${op.move.target}`] : ['Host', op.host || '—'],
    op.recoveryNote ? ['Recovery', op.recoveryNote] : null,
    op.error ? ['Error', h('span', { class: 'alert-inline' }, code(op.error.code), ` ${op.error.detail || op.error.title}`)] : null,
  ]);
  const buttons = h('div', { class: 'buttons' },
    op.cancellable && !ended ? h('button', {
      type: 'button', 'data-key': 'cancel', onclick: () => cancel(op.id),
    }, 'Cancel operation') : null,
    h('button', { type: 'button', 'data-key': 'refresh-op', onclick: () => refreshOperation(op.id) }, 'Read again'));
  const phases = h('ol', { class: 'timeline', 'aria-label': 'Phases' }, op.phases.map(p => h('li', {
    'data-phase': p.name, 'data-state': p.state, class: `phase state-${p.state.toLowerCase()}`,
  },
  h('span', { class: 'phase-name' }, p.name,
    op.move ? h('span', { class: 'phase-host', 'data-field': 'phase-host' }, ` on ${p.host}`) : null),
  h('span', { class: 'phase-state' }, p.state),
  h('progress', { max: 100, value: p.progress, 'aria-label': `${p.name} progress` }),
  h('span', { class: 'phase-time' }, p.durationMs !== undefined ? `${p.durationMs} ms` : p.startedAt ? 'running' : ''),
  p.cancellable ? h('span', { class: 'phase-flag' }, 'cancellable') : null)));
  const devices = op.devices.length ? table('Per device: requests and grant references',
    ['Device', 'Shadowed', 'Drained', 'Queued', 'Replayed', 'Reissued', 'Dropped', 'Ring torn down',
      'Grant refs reissued', 'Refs before', 'Refs after', 'All refs new', 'Features lost'],
    op.devices.map(v => h('tr', { 'data-device': `${v.type}-${v.devid}` },
      h('th', { scope: 'row' }, `${v.type} ${v.devid}`),
      ...[v.shadowed, v.drained, v.queued, v.replayed, v.reissued, v.dropped].map(n => h('td', {}, String(n))),
      h('td', {}, v.ringTornDown ? 'yes' : 'no'),
      h('td', {}, String(v.grantRefsReissued)),
      h('td', {}, refs(v.refsBefore)),
      h('td', {}, refs(v.refsAfter)),
      h('td', { 'data-field': 'all-refs-new' }, v.allRefsNew ? 'yes' : 'no'),
      h('td', {}, v.featuresLost.length ? v.featuresLost.join(', ') : 'none'))))
    : h('p', { class: 'help' }, 'No per-device outcome yet.');
  const periodic = op.periodic ? dl([
    ['Epochs', `${op.periodic.epochsCompleted}${op.periodic.maxEpochs ? ` of ${op.periodic.maxEpochs}` : ''}, every ${op.periodic.intervalMs} ms`],
    ['Guest paused', `${op.periodic.pausedMsAverage} ms on average, ${op.periodic.pausedMsMax} ms at most, ${op.periodic.pausedMsTotal} ms in all`],
  ]) : null;
  replace($('operation-body'), summary, facts, buttons, h('h3', {}, 'Timeline'), phases,
    h('h3', {}, 'Devices'), devices, periodic);
}

function renderOperations() {
  const d = model.domains.get(model.selected);
  $('operations').hidden = !d;
  if (!d) {
    return;
  }
  if (model.operations.length === 0) {
    replace($('operations-body'), h('p', { text: 'No operation on this domain.' }));
    return;
  }
  replace($('operations-body'), table(`The newest operations of domain ${d.domid}`,
    ['Kind', 'State', 'Created', 'Duration', ''],
    model.operations.map(op => h('tr', { 'data-operation': op.id },
      h('th', { scope: 'row' }, op.kind),
      h('td', {}, op.state),
      h('td', {}, time(op.createdAt)),
      h('td', {}, op.durationMs !== undefined ? `${op.durationMs} ms` : '—'),
      h('td', {}, h('button', {
        type: 'button', 'data-key': `op-${op.id}`, 'aria-label': `Show operation ${op.kind} created ${op.createdAt}`,
        onclick: () => showOperation(op.id, true),
      }, model.operation && model.operation.id === op.id ? 'Shown' : 'Show'))))));
}

function renderCheckpoints() {
  const d = model.domains.get(model.selected);
  $('checkpoints').hidden = !d;
  if (!d || !model.checkpoints) {
    return;
  }
  const page = model.checkpoints;
  if (page.items.length === 0) {
    replace($('checkpoints-body'), h('p', { text: 'No checkpoint of this domain.' }));
    return;
  }
  const rows = page.items.map(c => h('tr', { 'data-checkpoint': c.id, 'data-kind': c.kind },
    h('th', { scope: 'row' }, time(c.createdAt)),
    h('td', {}, c.kind),
    h('td', {}, c.strategy || '—'),
    h('td', {}, bytes(c.sizeBytes)),
    h('td', {}, code(c.sha256.slice(0, 16) + '…', c.sha256)),
    h('td', {}, c.pinned ? `yes${c.pinReason ? ` (${c.pinReason})` : ''}` : 'no'),
    h('td', { 'data-field': 'integrity' }, integrityCell(c))));
  const note = page.totalItems > page.items.length
    ? h('p', { class: 'help' }, `The newest ${page.items.length} of ${page.totalItems}.`) : null;
  replace($('checkpoints-body'), table(`Checkpoints of domain ${d.domid}, newest first`,
    ['Created', 'Kind', 'Strategy', 'Size', 'SHA-256', 'Pinned', 'Integrity'], rows), note, integrityDetails());
}

function integrityCell(c) {
  const result = model.integrity.get(c.id);
  const button = h('button', {
    type: 'button', 'data-key': `verify-${c.id}`, 'aria-label': `Verify checkpoint ${c.id}`,
    onclick: () => verify(c.id),
  }, result ? 'Verify again' : 'Verify');
  if (!result) {
    return button;
  }
  if (result.error) {
    return h('span', {}, h('span', { class: 'alert-inline' }, describe(result.error)), ' ', button);
  }
  const ok = result.parts.filter(p => p.ok).length;
  return h('span', {}, h('span', { 'data-field': 'verdict', class: result.ok ? 'ok' : 'alert-inline' },
    result.ok ? `OK (${ok} of ${result.parts.length} parts)` : `FAILED (${ok} of ${result.parts.length} parts intact)`),
  ' ', button);
}

function integrityDetails() {
  const shown = [...model.integrity.entries()].filter(([, r]) => !r.error);
  if (shown.length === 0) {
    return null;
  }
  const [id, result] = shown[shown.length - 1];
  return h('details', {}, h('summary', {}, `Parts of checkpoint ${short(id)} (format ${result.formatVersion}, `
    + `${result.formatSupported ? 'supported' : 'not supported'})`),
  table('Each part\u2019s checksum', ['Part', 'Intact', 'Expected SHA-256', 'Actual SHA-256', 'Problem'],
    result.parts.map(p => h('tr', {},
      h('th', { scope: 'row' }, p.name),
      h('td', {}, p.ok ? 'yes' : 'no'),
      h('td', {}, code(p.expectedSha256)),
      h('td', {}, p.actualSha256 ? code(p.actualSha256) : '—'),
      h('td', {}, p.problem || '—')))));
}

function logEvent(type, envelope) {
  const d = envelope.data || {};
  let text;
  switch (type) {
    case 'xenbus.state':
      text = `domain ${d.domid} ${d.type} ${d.devid} ${String(d.end).toLowerCase()} → ${d.state}`;
      break;
    case 'domain.power':
      text = `domain ${d.domid} hypervisor → ${d.state}`;
      break;
    case 'domain.state':
      text = `domain ${d.domid} ${d.from} → ${d.to}${d.reason ? ` (${d.reason})` : ''}`;
      break;
    case 'operation':
      text = `domain ${d.domid} ${d.kind} ${short(d.operationId)} ${d.state}${d.phase ? ` · ${d.phase} ${d.phaseState}` : ''} · ${d.progress}%`;
      break;
    case 'checkpoint.created':
      text = `domain ${d.domid} checkpoint ${short(d.checkpointId)} created (${d.kind}, ${bytes(d.sizeBytes)})`;
      break;
    case 'checkpoint.deleted':
      text = `domain ${d.domid} checkpoint ${short(d.checkpointId)} deleted (${d.reason})`;
      break;
    default:
      text = JSON.stringify(d);
  }
  const item = h('li', { 'data-type': type, 'data-id': envelope.id !== undefined ? envelope.id : '' },
    h('span', { class: 'event-id' }, envelope.id !== undefined ? `#${envelope.id}` : ''), ' ',
    h('span', { class: 'event-type' }, type), ' ', text);
  const log = $('event-log');
  log.prepend(item);
  while (log.children.length > 50) {
    log.lastElementChild.remove();
  }
}

// ---- reading the API --------------------------------------------------------------------------

/** Runs fn(key) one at a time per key; a call while one runs makes it run once more afterwards. */
function coalesced(fn) {
  const states = new Map();
  return key => {
    let s = states.get(key);
    if (!s) {
      s = { running: false, again: false };
      states.set(key, s);
    }
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = true;
    (async () => {
      do {
        s.again = false;
        try {
          await fn(key);
        } catch (error) {
          failed(error);
        }
      } while (s.again);
      s.running = false;
    })();
  };
}

function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(`The service no longer accepts this token: ${describe(error)}`);
    return;
  }
  showError('console-error', error);
}

/** Applies a domain as a GET returned it, then the live events since the GET started over it. */
function applyDomain(domain, sinceSeq) {
  model.domains.set(domain.domid, domain);
  for (const e of model.live) {
    if (e.seq > sinceSeq && e.data.domid === domain.domid) {
      applyLive(e.type, e.data);
    }
  }
}

async function loadDomains() {
  const since = model.seq;
  const page = await api('api/v1/domains?size=200');
  model.domains.clear();
  model.domainsTotal = page.totalItems;
  for (const d of page.items) {
    applyDomain(d, since);
  }
  if (model.selected !== null) {
    model.domainReadAt = new Date().toISOString();
  }
  render();
}

const refreshDomain = coalesced(async domid => {
  const since = model.seq;
  try {
    applyDomain(await api(`api/v1/domains/${domid}`), since);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      model.domains.delete(domid);
      if (model.selected === domid) {
        selectDomain(null);
      }
    } else {
      throw error;
    }
  }
  if (domid === model.selected) {
    model.domainReadAt = new Date().toISOString();
  }
  render();
});

const refreshHosts = coalesced(async () => {
  const page = await api('api/v1/hosts?size=100');
  model.hosts = page.items;
  render();
});

const refreshOperation = coalesced(async id => {
  const op = await api(`api/v1/operations/${id}`);
  if (model.operation && model.operation.id === id) {
    model.operation = op;
    render();
  }
});

const refreshOperations = coalesced(async domid => {
  const page = await api(`api/v1/operations?domid=${domid}&size=10`);
  if (model.selected === domid) {
    model.operations = page.items;
    render();
  }
});

const refreshCheckpoints = coalesced(async domid => {
  const page = await api(`api/v1/domains/${domid}/checkpoints?size=20`);
  if (model.selected === domid) {
    model.checkpoints = page;
    render();
  }
});

async function reloadAll() {
  await loadDomains();
  if (model.selected !== null) {
    refreshOperations(model.selected);
    refreshCheckpoints(model.selected);
  }
  if (model.operation) {
    refreshOperation(model.operation.id);
  }
}

function selectDomain(domid, focus = false) {
  if (model.selected !== domid) {
    model.operations = [];
    model.checkpoints = null;
    model.integrity.clear();
    model.resumeCheck = null;
  }
  model.selected = domid;
  render();
  if (domid !== null) {
    refreshDomain(domid);
    refreshHosts();
    refreshOperations(domid);
    refreshCheckpoints(domid);
    if (focus) {
      requestAnimationFrame(() => $('domain-title').focus());
    }
  }
}

async function showOperation(id, focus = false) {
  try {
    model.operation = await api(`api/v1/operations/${id}`);
    showError('operation-error', null);
    render();
    if (focus) {
      requestAnimationFrame(() => $('operation-title').focus());
    }
  } catch (error) {
    failed(error);
  }
}

// ---- acting -----------------------------------------------------------------------------------

/** A fresh Idempotency-Key, so that a request repeated by the network starts one operation only. */
function idempotencyKey() {
  const bytes16 = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(bytes16, b => b.toString(16).padStart(2, '0')).join('');
}

function quiesceRequest() {
  const body = { strategy: document.querySelector('input[name="strategy"]:checked').value };
  const timeout = $('quiesce-timeout').value;
  const deadline = $('deadline').value;
  if (timeout !== '') {
    body.quiesceTimeoutMs = Number(timeout);
  }
  if (deadline !== '') {
    body.deadlineMs = Number(deadline);
  }
  return body;
}

async function start(path, body, what) {
  showError('actions-error', null);
  try {
    const op = await api(path, { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey() } });
    model.operation = op;
    model.running.set(op.domid, { operationId: op.id, domid: op.domid, kind: op.kind, state: op.state, progress: op.progress });
    announce(`${what} of domain ${op.domid} accepted: operation ${op.state}`);
    render();
    refreshOperation(op.id);
    refreshOperations(op.domid);
    requestAnimationFrame(() => $('operation-title').focus());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      failed(error);
      return;
    }
    showError('actions-error', error);
    announce(`${what} refused: ${describe(error)}`);
  }
}

/** Pauses or unpauses the selected domain: a synchronous change, answered with the domain as it is then. */
async function setPaused(pause) {
  const domid = model.selected;
  const what = pause ? 'Pause' : 'Unpause';
  showError('actions-error', null);
  try {
    const since = model.seq;
    applyDomain(await api(`api/v1/domains/${domid}/${pause ? 'pause' : 'unpause'}`, { method: 'POST' }), since);
    model.domainReadAt = new Date().toISOString();
    announce(`${what} of domain ${domid}: ${model.domains.get(domid).state}`);
    render();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      failed(error);
      return;
    }
    showError('actions-error', error);
    announce(`${what} refused: ${describe(error)}`);
  }
}

async function checkResume() {
  const domid = model.selected;
  showError('actions-error', null);
  try {
    model.resumeCheck = await api(`api/v1/domains/${domid}/resume-check`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      failed(error);
      return;
    }
    model.resumeCheck = { error };
  }
  render();
  requestAnimationFrame(() => $('resume-title').focus());
}

async function resume() {
  const check = model.resumeCheck;
  const domid = model.selected;
  model.resumeCheck = null;
  const body = check && check.checkpointId ? { checkpointId: check.checkpointId } : undefined;
  await start(`api/v1/domains/${domid}/resume`, body, 'Resume');
}

async function cancel(id) {
  showError('operation-error', null);
  try {
    model.operation = await api(`api/v1/operations/${id}/cancel`, { method: 'POST' });
    announce(`Cancel of operation ${short(id)}: ${model.operation.cancelRequested ? 'requested' : model.operation.state}`);
    render();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      failed(error);
      return;
    }
    showError('operation-error', error);
    announce(`Cancel refused: ${describe(error)}`);
  }
}

async function verify(id) {
  try {
    model.integrity.set(id, await api(`api/v1/checkpoints/${id}/integrity`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      failed(error);
      return;
    }
    model.integrity.set(id, { error });
  }
  const result = model.integrity.get(id);
  announce(result.error ? `Verification failed: ${describe(result.error)}`
    : `Checkpoint ${short(id)}: ${result.ok ? 'every checksum matches' : 'a checksum does not match'}`);
  render();
}

// ---- the event stream -------------------------------------------------------------------------

/** Applies an event that carries a live value (a XenbusState, a power state, a domain state). */
function applyLive(type, data) {
  const d = model.domains.get(data.domid);
  if (!d) {
    return;
  }
  if (type === 'xenbus.state') {
    const device = d.devices.find(v => v.type === data.type && v.devid === data.devid);
    if (device) {
      device[data.end === 'FRONTEND' ? 'frontendState' : 'backendState'] = data.state;
    }
  } else if (type === 'domain.power') {
    d.powerState = data.state;
  } else if (type === 'domain.state') {
    d.state = data.to;
    d.stateReason = data.reason;
  }
}

function onEvent(event) {
  let envelope;
  try {
    envelope = JSON.parse(event.data);
  } catch (ignored) {
    return;
  }
  logEvent(event.type, envelope);
  const data = envelope.data || {};
  if (LIVE_TYPES.has(event.type)) {
    model.live.push({ seq: ++model.seq, type: event.type, data });
    if (model.live.length > 500) {
      model.live.shift();
    }
    applyLive(event.type, data);
  }
  switch (event.type) {
    case 'domain.state':
    case 'device.attached':
    case 'device.detached':
    case 'domain.created':
    case 'domain.recreated':
      refreshDomain(data.domid);
      break;
    case 'domain.deleted':
      model.domains.delete(data.domid);
      model.running.delete(data.domid);
      if (model.selected === data.domid) {
        selectDomain(null);
      }
      break;
    case 'checkpoint.created':
    case 'checkpoint.deleted':
      refreshDomain(data.domid);
      if (model.selected === data.domid) {
        refreshCheckpoints(data.domid);
      }
      break;
    case 'operation':
      onOperationEvent(data);
      break;
    case 'stream.gap':
      // events were pruned before this client came back: read everything again
      reloadAll().catch(failed);
      break;
    default:
  }
  renderPosition();
  render();
}

function onOperationEvent(data) {
  const before = model.running.get(data.domid);
  const ended = TERMINAL.has(data.state);
  if (ended) {
    model.running.delete(data.domid);
    refreshDomain(data.domid);
    if (model.selected === data.domid) {
      refreshOperations(data.domid);
      refreshCheckpoints(data.domid);
    }
  } else {
    model.running.set(data.domid, data);
  }
  if (!before || before.state !== data.state) {
    announce(`Operation ${data.kind} of domain ${data.domid}: ${data.state}`);
  }
  if (model.operation && model.operation.id === data.operationId) {
    refreshOperation(data.operationId);
  }
}

function onStreamState(s) {
  if (s.state === 'refused' && s.error.status === 401) {
    signOut(`The service no longer accepts this token: ${s.error.message}`);
    return;
  }
  const status = $('stream-status');
  const text = {
    connecting: 'Event stream: connecting',
    reconnecting: 'Event stream: reconnecting',
    live: 'Event stream: live',
    ended: 'Event stream: ended by the service; reconnecting',
    interrupted: 'Event stream: interrupted; reconnecting',
    refused: `Event stream refused: ${s.error ? s.error.message : ''}`,
  }[s.state];
  if (text && status.textContent !== text) {
    status.textContent = text;
  }
  status.dataset.state = s.state;
  renderPosition();
}

/** Where the stream stands: not announced (it changes with every event), shown next to the status. */
function renderPosition() {
  if (!stream) {
    return;
  }
  const { lastEventId, reconnects } = stream;
  const position = $('stream-position');
  position.textContent = `Last event ${lastEventId === null ? 'none yet' : `#${lastEventId}`}; `
    + `reconnected ${reconnects} time${reconnects === 1 ? '' : 's'}, each resuming after the last event seen.`;
  position.dataset.reconnects = reconnects;
}

let opened = false;

function startStream() {
  opened = false;
  stream = new EventStream({
    url: 'api/v1/events',
    token,
    onEvent,
    onState: onStreamState,
    onOpen: () => {
      // The first time, read everything again: nothing between the first read and the stream's
      // start is missed. After a reconnect the service replays what followed the last event seen,
      // unless none was seen yet: without a Last-Event-ID a stream starts with new events only, so
      // what happened while it was down is read again instead.
      if (!opened || stream.lastEventId === null) {
        opened = true;
        reloadAll().catch(failed);
      }
    },
  });
  stream.start();
}

// ---- signing in and out -----------------------------------------------------------------------

async function signIn(candidate) {
  setToken(candidate);
  try {
    await loadDomains();
  } catch (error) {
    setToken(null);
    sessionStorage.removeItem(TOKEN_KEY);
    showError('token-error', error);
    $('token').focus();
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, candidate);
  showError('token-error', null);
  $('token').value = '';
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('session').hidden = false;
  startStream();
  announce(`Signed in: ${model.domains.size} domains`);
  return true;
}

function signOut(message) {
  if (stream) {
    stream.stop();
    stream = null;
  }
  setToken(null);
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(model, {
    selected: null, operation: null, operations: [], checkpoints: null, resumeCheck: null, live: [],
  });
  model.domains.clear();
  model.running.clear();
  model.integrity.clear();
  $('event-log').replaceChildren();
  $('console').hidden = true;
  $('session').hidden = true;
  $('sign-in').hidden = false;
  showError('token-error', message ? { message } : null);
  if (message) {
    $('token-error').textContent = message;
  }
  $('token').focus();
}

function wire() {
  $('token-form').addEventListener('submit', event => {
    event.preventDefault();
    const candidate = $('token').value.trim();
    if (candidate !== '') {
      signIn(candidate);
    }
  });
  $('sign-out').addEventListener('click', () => signOut(null));
  $('actions').addEventListener('submit', event => event.preventDefault());
  $('suspend').addEventListener('click', () => start(`api/v1/domains/${model.selected}/suspend`, quiesceRequest(), 'Suspend'));
  $('checkpoint').addEventListener('click', () => start(`api/v1/domains/${model.selected}/checkpoints`, quiesceRequest(), 'Live checkpoint'));
  $('resume-check').addEventListener('click', checkResume);
  $('pause').addEventListener('click', () => setPaused(true));
  $('move-host').addEventListener('change', () => {
    const d = model.domains.get(model.selected);
    if (d) renderMoveBridges(d, model.hosts.find(host => host.name === $('move-host').value));
  });
  $('move').addEventListener('click', () => {
    const devices = moveOverrides();
    start(`api/v1/domains/${model.selected}/move`,
      { ...quiesceRequest(), host: $('move-host').value, ...(devices.length ? { devices } : {}) }, 'Move');
  });
  $('unpause').addEventListener('click', () => setPaused(false));
  $('resume').addEventListener('click', resume);
  $('resume-close').addEventListener('click', () => {
    model.resumeCheck = null;
    render();
    $('resume-check').focus();
  });
}

wire();
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  signIn(saved).then(ok => {
    if (!ok) {
      $('sign-in').hidden = false;
    }
  });
} else {
  $('sign-in').hidden = false;
  $('token').focus();
}
