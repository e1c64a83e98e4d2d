// The task list: filters, live rows (Server-Sent Events), cancel and re-run.
import {api, submit} from './api.js';
import {listen} from './live.js';
import {h, replace, when, badge, progressBar, toast, statusOf} from './dom.js';

const statuses = ['Queued', 'Running', 'Succeeded', 'Failed'];
const actions = ['video/concat', 'video/sprite'];

// taskActions are the buttons a task offers: cancel while it is live,
// re-run (the same process string on the same object) once it has ended.
export function taskActions(t, after) {
  const live = t.Status === 'Queued' || t.Status === 'Running';
  if (live) {
    return h('button', {class: 'small danger', type: 'button', 'aria-label': `Cancel task ${t.TaskId}`, onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api(`tasks/${encodeURIComponent(t.TaskId)}/cancel`, {method: 'POST'});
        toast(`Cancelling ${t.TaskId}`);
      } catch (err) {
        toast(`Cancel failed: ${err.code}: ${err.message}`, 'error');
        e.target.disabled = false;
      }
    }}, 'Cancel');
  }
  return h('button', {class: 'small', type: 'button', 'aria-label': `Re-run task ${t.TaskId}`, onclick: async (e) => {
    e.target.disabled = true;
    try {
      const res = await submit(t.Bucket, t.Object, t.Process);
      toast(`Submitted ${res.TaskId}`);
      if (after) after(res.TaskId);
    } catch (err) {
      toast(`Re-run refused: ${err.code}: ${err.message}`, 'error');
    } finally {
      e.target.disabled = false;
    }
  }}, 'Re-run');
}

function row(t) {
  const link = `#/tasks/${encodeURIComponent(t.TaskId)}`;
  const err = t.Code ? h('div', {class: 'small muted', title: t.Message}, t.Code) :
    t.LastError ? h('div', {class: 'small muted', title: t.LastError}, 'retrying: ' + t.LastError.split(':')[0]) : null;
  return h('tr', {dataset: {task: t.TaskId, status: statusOf(t), submit: t.SubmitTime}},
    h('td', {}, badge(t), err),
    h('td', {}, h('code', {}, t.Action || '?')),
    h('td', {}, h('a', {href: link, class: 'task-link'}, h('span', {class: 'mono small'}, t.TaskId.replace(/^MediaConvert-/, '').slice(0, 8))),
      h('div', {class: 'small', title: `${t.Bucket}/${t.Object}`}, `${t.Bucket}/${t.Object}`)),
    h('td', {}, progressBar(t)),
    h('td', {}, when(t.SubmitTime)),
    h('td', {}, when(t.StartTime)),
    h('td', {}, when(t.EndTime)),
    h('td', {class: 'num'}, String(t.Attempts)),
    h('td', {}, h('div', {class: 'actions'}, h('a', {href: link, class: 'btn'}, 'Details'), taskActions(t))));
}

export function tasksView(main, query) {
  let status = query.get('status') || '';
  let action = query.get('action') || '';
  let next = '';
  const tbody = h('tbody');
  const more = h('button', {type: 'button', hidden: true, onclick: () => load(true)}, 'Load more');
  const count = h('span', {class: 'muted small', 'aria-live': 'polite'});
  const select = (id, label, value, options, onchange) => h('div', {class: 'field'},
    h('label', {for: id}, label),
    h('select', {id, onchange: (e) => onchange(e.target.value)},
      h('option', {value: ''}, 'All'), options.map((o) => h('option', {value: o, selected: o === value}, o))));
  const setFilter = () => {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (action) q.set('action', action);
    history.replaceState(null, '', '#/tasks' + (q.toString() ? '?' + q : ''));
    load(false);
  };
  main.append(
    h('div', {class: 'page-head'},
      h('div', {}, h('h1', {}, 'Tasks'), h('p', {class: 'muted small'}, 'Asynchronous processing requests, newest first, updated live.')),
      h('div', {class: 'spacer'}),
      h('div', {class: 'inline'},
        select('filter-status', 'Status', status, statuses, (v) => { status = v; setFilter(); }),
        select('filter-action', 'Action', action, actions, (v) => { action = v; setFilter(); }))),
    h('div', {class: 'panel'},
      h('div', {class: 'table-wrap'}, h('table', {id: 'tasks'},
        h('caption', {class: 'muted small'}, count),
        h('thead', {}, h('tr', {}, ['Status', 'Action', 'Task · source', 'Progress', 'Submitted', 'Started', 'Ended', 'Attempts', '']
          .map((c) => h('th', {scope: 'col', class: c === 'Attempts' ? 'num' : null}, c)))),
        tbody)),
      more));

  const matches = (t) => (!status || t.Status === status) && (!action || t.Action === action);
  const updateCount = () => {
    const n = tbody.querySelectorAll('tr[data-task]').length;
    replace(count, n === 0 ? 'No tasks match.' : `${n} task${n === 1 ? '' : 's'} shown`);
  };

  // Events that arrive while a page of the list is being read are held and
  // applied after it, so a stale page never hides a newer state.
  let loading = 0;
  let held = [];
  async function load(append) {
    loading++;
    try {
      const q = new URLSearchParams({limit: '50'});
      if (status) q.set('status', status);
      if (action) q.set('action', action);
      if (append && next) q.set('next', next);
      const res = await api('tasks?' + q);
      if (!append) replace(tbody);
      for (const t of res.Tasks) tbody.append(row(t));
      next = res.NextToken;
      more.hidden = !next;
      updateCount();
    } catch (err) {
      toast(`Loading tasks failed: ${err.message}`, 'error');
    } finally {
      if (--loading === 0) {
        const replay = held;
        held = [];
        for (const [kind, data] of replay) apply(kind, data);
      }
    }
  }

  const stop = listen((kind, data) => {
    if (kind === 'resync') { load(false); return; }
    if (loading > 0) { held.push([kind, data]); return; }
    apply(kind, data);
  });

  function apply(kind, data) {
    const tr = tbody.querySelector(`tr[data-task="${CSS.escape(data.TaskId)}"]`);
    if (kind === 'progress') {
      if (!tr) return;
      const p = tr.querySelector('progress');
      p.value = data.Progress;
      tr.querySelector('.pct').textContent = data.Progress + '%';
      return;
    }
    if (!matches(data)) {
      if (tr) { tr.remove(); updateCount(); }
      return;
    }
    const newest = tbody.querySelector('tr[data-task]')?.dataset.submit || '';
    if (tr) tr.replaceWith(row(data));
    else if (data.SubmitTime >= newest) tbody.prepend(row(data)); // submitted since the list loaded
    updateCount();
  }
  load(false);
  return stop;
}
