// The SessionFeed demo dashboard: plain ES module, no build step. All live data comes from the
// SessionFeed browser client (/sessionfeed/client.js, served from the websocket-adapter jar).
import { connectSessionFeed, ConnectionStatus } from '/sessionfeed/client.js';

const $ = (id) => document.getElementById(id);
const PERMISSION_END = 'sessions:end';
const PERMISSION_ARCHIVE = 'sessions:archive';
const HIGHLIGHT_MS = 1500;

const rows = new Map();            // session id -> <tr>
const feedback = new Map();        // session id -> { action, state: pending|done|error, text, title }
let me = { name: '', permissions: [] };
let client = null;
let filter = '';

start().catch((e) => {
  console.error('dashboard failed to start', e);
  showLogin('Could not reach the server: ' + e.message);
});

async function start() {
  const params = new URLSearchParams(location.search);
  const tokenInUrl = params.get('access_token');
  if (tokenInUrl) {
    // Trade the URL token for an HttpOnly cookie, then drop it from the address bar and history.
    await login(tokenInUrl);
    params.delete('access_token');
    history.replaceState(null, '', location.pathname + (params.size ? '?' + params : '') + location.hash);
  }
  const who = await fetch('/api/whoami', { credentials: 'same-origin' });
  if (who.status === 401) {
    showLogin();
    return;
  }
  if (!who.ok) throw new Error('whoami answered ' + who.status);
  me = await who.json();
  showDashboard();
}

async function login(token) {
  const res = await fetch('/api/login', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }),
  });
  return res.ok;
}

function showLogin(message) {
  $('login').hidden = false;
  $('dashboard').hidden = true;
  $('who').hidden = true;
  if (message) {
    $('login-error').textContent = message;
    $('login-error').hidden = false;
  }
  setConnection(ConnectionStatus.OFFLINE, 'Not signed in');
  $('login-form').onsubmit = async (event) => {
    event.preventDefault();
    if (await login($('token').value.trim())) {
      location.reload();
    } else {
      $('login-error').textContent = 'That token was not accepted.';
      $('login-error').hidden = false;
    }
  };
}

function showDashboard() {
  $('login').hidden = true;
  $('dashboard').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = me.name;
  const readOnly = !canEnd() && !canArchive();
  $('readonly-badge').hidden = !readOnly;
  document.body.dataset.permissions = me.permissions.join(' ');
  document.body.dataset.readOnly = String(readOnly);
  $('logout').onclick = async () => {
    // JSON, like the login: the server refuses a logout that another site could have sent (a form, text/plain).
    await fetch('/api/logout', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: '{}',
    });
    client?.close();
    location.reload();
  };
  $('status-filter').onchange = (e) => {
    filter = e.target.value;
    applyFilter();
  };

  client = connectSessionFeed({ url: '/ws/admin/chat' });
  client.on('sessions', (sessions, change) => renderSessions(sessions, change));
  client.on('metrics', (metrics) => renderMetrics(metrics));
  client.on('status', () => renderConnection());
  client.on('error', (e) => console.warn('SessionFeed error', e.code, e.message, e.correlationId));
  client.on('disconnect', async () => {
    // A refused handshake looks like any other drop to a browser: ask whether the login is still valid.
    const who = await fetch('/api/whoami', { credentials: 'same-origin' }).catch(() => null);
    if (who && who.status === 401) {
      client.close();
      showLogin('Your sign-in is no longer valid; please sign in again.');
    }
  });
  window.sessionFeed = client; // for the curious (and the browser tests)

  // Wait times and "x s ago" labels move with the clock, not with the data.
  setInterval(() => {
    for (const [id, tr] of rows) updateTimes(tr, client.getSession(id));
    renderLongestWait(client.metrics);
    renderConnection();
  }, 1000);
}

const canEnd = () => me.permissions.includes(PERMISSION_END);
const canArchive = () => me.permissions.includes(PERMISSION_ARCHIVE);

// ------------------------------------------------------------------ connection indicator

function renderConnection() {
  if (!client) return;
  const info = client.statusInfo();
  let detail = '';
  if (info.status === ConnectionStatus.LIVE || info.status === ConnectionStatus.DEGRADED) {
    detail = info.lastUpdateAt ? 'updated ' + ago(info.lastUpdateAt) : '';
    if (info.status === ConnectionStatus.DEGRADED && info.reason) detail = info.reason + ' · ' + detail;
  } else if (info.status === ConnectionStatus.RECONNECTING && info.nextRetryAt) {
    const s = Math.max(0, Math.ceil((info.nextRetryAt - Date.now()) / 1000));
    detail = s > 0 ? `retry in ${s} s` : 'retrying…';
  } else if (info.lastUpdateAt) {
    detail = 'last update ' + ago(info.lastUpdateAt);
  }
  setConnection(info.status, detail);
}

function setConnection(status, detail) {
  const labels = {
    connecting: 'Connecting…', live: 'Live', degraded: 'Degraded',
    reconnecting: 'Reconnecting…', offline: 'Offline',
  };
  const el = $('connection-status');
  el.dataset.status = status;
  $('connection-label').textContent = labels[status] ?? status;
  $('connection-detail').textContent = detail ?? '';
}

// ------------------------------------------------------------------ sessions table

function renderSessions(sessions, change) {
  const body = $('sessions-body');
  const present = new Set();
  let previous = null;
  for (const s of sessions) {
    present.add(s.id);
    let tr = rows.get(s.id);
    if (!tr) {
      tr = createRow(s.id);
      rows.set(s.id, tr);
    }
    fillRow(tr, s);
    // Keep DOM order equal to the feed's order, moving only rows that are out of place.
    const expectedNext = previous ? previous.nextSibling : body.firstChild;
    if (expectedNext !== tr) body.insertBefore(tr, expectedNext);
    previous = tr;
  }
  for (const [id, tr] of rows) {
    if (!present.has(id)) {
      tr.remove();
      rows.delete(id);
    }
  }
  const isInitial = change.full && change.upserted.length === sessions.length;
  if (!isInitial) {
    for (const id of change.upserted) flash(rows.get(id));
  }
  applyFilter();
}

function createRow(id) {
  const tr = document.createElement('tr');
  tr.dataset.sessionId = id;
  for (const col of ['status', 'visitor', 'agent', 'subject', 'wait', 'messages', 'lastActivity', 'actions']) {
    const td = document.createElement('td');
    td.dataset.col = col;
    if (col === 'wait' || col === 'messages') td.className = 'num';
    if (col === 'subject' || col === 'actions') td.className = col;
    tr.appendChild(td);
  }
  return tr;
}

function cell(tr, col) {
  return tr.querySelector(`td[data-col="${col}"]`);
}

function fillRow(tr, s) {
  tr.dataset.status = s.status;
  setPill(cell(tr, 'status'), s.status);
  setText(cell(tr, 'visitor'), s.visitorName ?? s.visitorId ?? '—');
  setText(cell(tr, 'agent'), s.agentName ?? s.agentId ?? '—');
  setText(cell(tr, 'subject'), s.subject ?? '');
  setText(cell(tr, 'messages'), String(s.messageCount ?? 0));
  updateTimes(tr, s);
  renderActions(tr, s);
}

function setPill(td, status) {
  if (td.dataset.value === status) return;
  td.dataset.value = status;
  td.replaceChildren(Object.assign(document.createElement('span'), { className: 'pill ' + status, textContent: status }));
}

function setText(td, text) {
  if (td.textContent !== text) td.textContent = text;
}

function updateTimes(tr, s) {
  if (!s) return;
  setText(cell(tr, 'wait'), waitText(s));
  const last = s.lastMessageAt ?? s.updatedAt ?? s.createdAt;
  setText(cell(tr, 'lastActivity'), last ? ago(Date.parse(last)) : '—');
}

function waitText(s) {
  const created = Date.parse(s.createdAt);
  if (Number.isNaN(created)) return '—';
  if (s.status === 'waiting') return duration((Date.now() - created) / 1000);
  const first = Date.parse(s.firstResponseAt);
  return Number.isNaN(first) ? '—' : duration((first - created) / 1000);
}

function flash(el) {
  if (!el) return;
  el.classList.add('changed');
  clearTimeout(el._flashTimer);
  el._flashTimer = setTimeout(() => el.classList.remove('changed'), HIGHLIGHT_MS);
}

function applyFilter() {
  let shown = 0;
  for (const tr of rows.values()) {
    const visible = !filter || tr.dataset.status === filter;
    tr.hidden = !visible;
    if (visible) shown++;
  }
  $('row-count').textContent = `${shown} of ${rows.size} sessions`;
  $('empty').hidden = shown > 0;
}

// ------------------------------------------------------------------ End / Archive

function renderActions(tr, s) {
  const td = cell(tr, 'actions');
  const wanted = [];
  if (canEnd() && (s.status === 'waiting' || s.status === 'active')) wanted.push(['end_session', 'End', 'end']);
  if (canArchive() && s.status === 'ended') wanted.push(['archive_session', 'Archive', 'archive']);
  const fb = feedback.get(s.id);
  if (fb && fb.state !== 'pending' && !wanted.some(([a]) => a === fb.action)) {
    // Show the outcome of the last command for a moment even though the action no longer applies.
    wanted.push([fb.action, '', fb.action === 'end_session' ? 'end' : 'archive']);
  }
  const key = wanted.map(([a]) => a).join(',') + '|' + (fb ? `${fb.action}:${fb.state}:${fb.text}` : '');
  if (td.dataset.key === key) return;
  td.dataset.key = key;
  td.replaceChildren(...wanted.map(([action, label, cls]) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.dataset.action = action;
    b.textContent = label;
    if (fb && fb.action === action) {
      b.dataset.state = fb.state;
      b.textContent = fb.text;
      b.title = fb.title ?? '';
      b.disabled = fb.state === 'pending' || fb.state === 'done';
    }
    b.onclick = () => runCommand(s.id, action);
    return b;
  }));
}

async function runCommand(sessionId, action) {
  const verb = action === 'end_session' ? 'End' : 'Archive';
  setFeedback(sessionId, { action, state: 'pending', text: verb === 'End' ? 'Ending…' : 'Archiving…' });
  try {
    const ack = await client.command(action, sessionId);
    const outcome = ack.result?.outcome ?? 'done';
    setFeedback(sessionId, { action, state: 'done', text: '✓ ' + outcome.replace(/_/g, ' '), title: 'command ' + ack.id });
    clearFeedbackLater(sessionId, action, 2500);
  } catch (e) {
    const text = e.code === 'forbidden' ? 'not allowed' : e.code === 'timeout' ? 'no answer' : (e.code ?? 'failed');
    setFeedback(sessionId, {
      action, state: 'error', text: '✗ ' + text,
      title: `${e.message}${e.correlationId ? ' (ref ' + e.correlationId + ')' : ''} — click to retry`,
    });
    clearFeedbackLater(sessionId, action, 6000);
  }
}

function setFeedback(sessionId, fb) {
  feedback.set(sessionId, fb);
  const tr = rows.get(sessionId);
  const s = client.getSession(sessionId);
  if (tr && s) renderActions(tr, s);
}

function clearFeedbackLater(sessionId, action, ms) {
  const current = feedback.get(sessionId);
  setTimeout(() => {
    if (feedback.get(sessionId) !== current) return;
    feedback.delete(sessionId);
    const tr = rows.get(sessionId);
    const s = client.getSession(sessionId);
    if (tr && s) renderActions(tr, s);
  }, ms);
}

// ------------------------------------------------------------------ metrics

function renderMetrics(m) {
  setMetric('waitingNow', num(m.waitingNow));
  setMetric('activeNow', num(m.activeNow));
  setMetric('avgFirstResponseSeconds', m.avgFirstResponseSeconds == null ? '–' : duration(m.avgFirstResponseSeconds));
  setMetric('avgDurationSeconds', m.avgDurationSeconds == null ? '–' : duration(m.avgDurationSeconds));
  setMetric('startedEnded', `${num(m.startedLast24h)} / ${num(m.endedLast24h)}`);
  setMetric('activeAgents', num(m.activeAgents));
  renderLongestWait(m);
}

function renderLongestWait(m) {
  if (!m) return;
  const since = Date.parse(m.longestWaitingSince);
  const text = !Number.isNaN(since) ? duration((Date.now() - since) / 1000)
      : m.longestWaitSeconds != null ? duration(m.longestWaitSeconds) : '–';
  const el = document.querySelector('[data-metric="longestWait"]');
  if (el.textContent !== text) el.textContent = text;
}

function setMetric(name, text) {
  const el = document.querySelector(`[data-metric="${name}"]`);
  if (el.textContent === text) return;
  el.textContent = text;
  flash(el);
}

// ------------------------------------------------------------------ formatting

function num(v) {
  return v == null ? '–' : Number(v).toLocaleString();
}

function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds)));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return new Date(ms).toLocaleTimeString();
}
