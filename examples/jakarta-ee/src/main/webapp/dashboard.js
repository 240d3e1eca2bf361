// The dashboard of the Jakarta EE sample. The server already authenticated this page (BASIC or FORM login), and
// the browser sends the same credentials with the WebSocket upgrade, so the client needs no token.
import { connectSessionFeed } from './sessionfeed/client.js';

const rows = document.getElementById('rows');
const status = document.getElementById('status');
const url = new URL('ws/admin/chat', location.href);
url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const feed = connectSessionFeed({ url: url.href });

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

feed.on('sessions', (sessions) => {
  rows.replaceChildren(...sessions.map((s) => {
    const tr = document.createElement('tr');
    tr.append(cell(s.id), cell(s.status), cell(s.visitorName), cell(s.agentName), cell(s.topic));
    const actions = document.createElement('td');
    if (feed.can('end_session') !== false && (s.status === 'waiting' || s.status === 'active')) {
      const end = document.createElement('button');
      end.textContent = 'End';
      end.onclick = () => feed.endSession(s.id).catch((e) => alert(e.message));
      actions.append(end);
    }
    tr.append(actions);
    return tr;
  }));
});
feed.on('metrics', (m) => {
  document.getElementById('metrics').textContent =
    `waiting ${m.waitingNow ?? 0} · active ${m.activeNow ?? 0} · total ${m.totalSessions ?? 0}`;
});
feed.on('status', (info) => {
  status.dataset.status = info.status;
  status.textContent = info.status;
});
feed.on('hello', (hello) => {
  document.getElementById('who').textContent = hello?.admin?.name ?? '';
});
