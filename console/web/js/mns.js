// The built-in MNS service: queues with their message counts (and a peek at
// what waits in them), topics with their subscriptions and recent messages.
import {api} from './api.js';
import {h, replace, when, toast} from './dom.js';

// pretty shows a JSON body indented (and an IMM envelope's content too).
function pretty(body) {
  try {
    const v = JSON.parse(body);
    if (typeof v.content === 'string') {
      try { v.content = JSON.parse(v.content); } catch { /* plain text content */ }
    }
    return JSON.stringify(v, null, 2);
  } catch {
    return body;
  }
}

export function mnsView(main) {
  const queues = h('div', {class: 'panel', id: 'mns-queues'}, h('h2', {}, 'Queues'));
  const topics = h('div', {class: 'panel', id: 'mns-topics'}, h('h2', {}, 'Topics'));
  const detail = h('div', {class: 'panel', id: 'mns-detail', hidden: true, 'aria-live': 'polite'});
  main.append(h('div', {class: 'page-head'}, h('div', {}, h('h1', {}, 'MNS'),
    h('p', {class: 'muted small'}, 'The built-in MNS service (--mns-addr) and the topics tasks notify.')),
  h('div', {class: 'spacer'}), h('button', {type: 'button', onclick: () => load()}, 'Refresh')),
  h('div', {class: 'grid-2'}, queues, topics), detail);

  const show = (title, items) => {
    detail.hidden = false;
    replace(detail, h('h2', {}, title), items.length === 0 ? h('p', {class: 'muted'}, 'Nothing to show.') : items);
    detail.scrollIntoView({block: 'nearest'});
  };

  async function peek(name) {
    try {
      const res = await api(`mns/queues/${encodeURIComponent(name)}/peek?n=16`);
      show(`Visible messages in ${name} (peeked, not received)`, res.Messages.map((m) => h('div', {class: 'msg'},
        h('div', {class: 'small muted'}, h('code', {}, m.MessageId), ' · enqueued ', when(m.EnqueueTime), ` · dequeued ${m.DequeueCount}× · priority ${m.Priority}`),
        h('pre', {class: 'code'}, pretty(m.Body)))));
    } catch (e) { toast(`${e.code}: ${e.message}`, 'error'); }
  }

  async function messages(topic) {
    try {
      const res = await api(`mns/topics/${encodeURIComponent(topic)}/messages`);
      show(`Recent messages of ${topic}`, res.Messages.map((m) => h('div', {class: 'msg'},
        h('div', {}, h('code', {}, m.MessageId), ' · ', when(m.PublishTime), ' · ', h('strong', {}, m.State)),
        h('ul', {class: 'history'}, m.Deliveries.map((d) => h('li', {class: d.State === 'delivered' ? 'good' : d.State === 'dead' ? 'bad' : null},
          `${d.Endpoint} · ${d.State} after ${d.Attempts} attempt${d.Attempts === 1 ? '' : 's'}`, d.LastError ? ` · ${d.LastError}` : ''))))));
    } catch (e) { toast(`${e.code}: ${e.message}`, 'error'); }
  }

  async function load() {
    try {
      const res = await api('mns');
      replace(queues, h('h2', {}, 'Queues'), res.Queues.length === 0 ? h('p', {class: 'muted'}, 'No queues. Create one with an MNS SDK on --mns-addr.') :
        h('table', {},
          h('thead', {}, h('tr', {}, ['Queue', 'Visible', 'In flight', 'Delayed', ''].map((c) => h('th', {scope: 'col', class: c && c !== 'Queue' ? 'num' : null}, c)))),
          h('tbody', {}, res.Queues.map((q) => h('tr', {dataset: {queue: q.Name}},
            h('td', {}, h('code', {}, q.Name)), h('td', {class: 'num'}, String(q.Active)), h('td', {class: 'num'}, String(q.Inactive)),
            h('td', {class: 'num'}, String(q.Delayed)),
            h('td', {}, h('button', {type: 'button', class: 'small', onclick: () => peek(q.Name), 'aria-label': `Peek at ${q.Name}`}, 'Peek')))))));
      replace(topics, h('h2', {}, 'Topics'), res.Topics.length === 0 ? h('p', {class: 'muted'}, 'No topics yet: a task with a notify stage creates its topic.') :
        h('table', {},
          h('thead', {}, h('tr', {}, ['Topic', 'Messages', 'Subscriptions', ''].map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, res.Topics.map((t) => h('tr', {dataset: {topic: t.Name}},
            h('td', {}, h('code', {}, t.Name), t.Configured ? h('div', {class: 'small muted'}, 'from --notify-endpoint') : null),
            h('td', {class: 'num'}, t.Configured ? '' : String(t.Messages)),
            h('td', {}, t.Subscriptions.length === 0 ? h('span', {class: 'muted'}, 'none') : h('ul', {class: 'history'},
              t.Subscriptions.map((s) => h('li', {}, h('code', {}, s.Name), ' → ', h('span', {class: 'mono small'}, s.Endpoint), ` (${s.Format})`)))),
            h('td', {}, t.Configured || t.Name === '*' ? null : h('button', {type: 'button', class: 'small', onclick: () => messages(t.Name),
              'aria-label': `Recent messages of ${t.Name}`}, 'Messages')))))));
    } catch (e) {
      replace(queues, h('h2', {}, 'Queues'), h('p', {class: 'alert'}, `${e.code}: ${e.message}`));
    }
  }
  load();
  return null;
}
