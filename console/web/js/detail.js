// A task's detail: state, error, the process string raw and decoded, the
// sources as probed, what the engine makes of the request, the outputs as
// media, and the notification with every delivery attempt.
import {api} from './api.js';
import {listen} from './live.js';
import {h, replace, when, badge, progressBar, bytes, ms, bitrate, toast} from './dom.js';
import {taskActions} from './tasks.js';
import {spriteViewer, sheetTimes} from './sprite.js';

const originText = {request: 'in request', default: 'default', unset: 'unset', align: 'from align clip', engine: 'computed'};

function origin(o) {
  const cls = o.startsWith('clip') ? 'clip' : o;
  const text = o.startsWith('clip ') ? `from clip ${Number(o.slice(5)) + 1}` : originText[o] || o;
  return h('span', {class: 'tag ' + cls}, text);
}

function paramTable(caption, params) {
  if (!params || params.length === 0) return null;
  return h('table', {class: 'params'},
    h('caption', {class: 'muted small'}, caption),
    h('thead', {}, h('tr', {}, ['Parameter', 'Value', 'Where from', 'Meaning'].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, params.map((p) => h('tr', {dataset: {param: p.Key}},
      h('th', {scope: 'row'}, h('code', {}, p.Key)),
      h('td', {class: 'mono'}, p.Value || '—'),
      h('td', {}, origin(p.Origin)),
      h('td', {class: 'small muted'}, p.Meaning)))));
}

function decodedView(d, task) {
  const parts = [];
  if (d.Concat) {
    const c = d.Concat;
    parts.push(h('h3', {}, `Clips, in output order (${c.Clips.length})`),
      h('table', {id: 'clips'},
        h('thead', {}, h('tr', {}, ['#', 'Object (decoded)', 'ss', 't', ''].map((x) => h('th', {scope: 'col'}, x)))),
        h('tbody', {}, c.Clips.map((cl) => h('tr', {},
          h('td', {class: 'num'}, String(cl.Index + 1)),
          h('td', {}, h('code', {}, `${task.Bucket}/${cl.Key}`), cl.Self ? h('span', {class: 'tag'}, ' the request\'s object') : null),
          h('td', {class: 'num'}, cl.SsMs ? ms(cl.SsMs) : '0'),
          h('td', {class: 'num'}, cl.TMs ? ms(cl.TMs) : 'to the end'),
          h('td', {}, cl.Align ? h('span', {class: 'tag request'}, 'align') : null))))),
      h('p', {class: 'small'}, 'Container ', h('code', {}, c.Format),
        c.Segment ? [` · split into ${c.Segment.Format} segments of ${ms(c.Segment.DurationMs)}`] : null),
      h('div', {id: 'params-video'}, paramTable('Video', c.Video)),
      h('div', {id: 'params-audio'}, paramTable('Audio', c.Audio)));
  }
  if (d.Sprite) {
    const s = d.Sprite;
    parts.push(h('p', {}, `Mode `, h('code', {}, s.Mode), ` · ${s.Columns}×${s.Rows} cells per sheet · pad ${s.Pad} px · margin ${s.Margin} px · ${s.Format}`),
      paramTable('Sprite parameters', s.Params));
  }
  parts.push(h('h3', {}, 'Saved as'), h('dl', {class: 'kv'},
    h('dt', {}, 'Bucket'), h('dd', {}, h('code', {}, d.SaveAs.Bucket || `${task.Bucket} (the source bucket)`)),
    h('dt', {}, 'Object'), h('dd', {}, h('code', {}, d.SaveAs.Object)),
    h('dt', {}, 'Notify'), h('dd', {}, d.NotifyTopic ? h('code', {}, d.NotifyTopic) : h('span', {class: 'muted'}, 'no notify stage'))));
  return parts;
}

function sourcesTable(plan) {
  return h('table', {id: 'sources'},
    h('thead', {}, h('tr', {}, ['Object', 'Container', 'Video', 'Audio', 'Duration', 'Size'].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, plan.Sources.map((s) => {
      const src = s.Source;
      if (!src) return h('tr', {}, h('td', {}, h('code', {}, `${s.Bucket}/${s.Key}`)), h('td', {colspan: 5, class: 'small'}, h('strong', {}, s.Error.Code), ' ', s.Error.Message));
      const v = src.Video;
      const a = src.Audio;
      return h('tr', {},
        h('td', {}, h('code', {}, `${s.Bucket}/${s.Key}`)),
        h('td', {class: 'small'}, src.Container),
        h('td', {class: 'small'}, v ? [`${v.Codec} ${v.DisplayWidth}×${v.DisplayHeight}`, v.Rotation ? ` ↻${v.Rotation}°` : '',
          ` · ${Math.round(v.FPS * 100) / 100} fps · ${v.PixFmt}`, v.Bitrate ? ' · ' + bitrate(v.Bitrate) : ''] : '—'),
        h('td', {class: 'small'}, a ? `${a.Codec} ${a.SampleRate} Hz · ${a.Channels} ch${a.Bitrate ? ' · ' + bitrate(a.Bitrate) : ''}` : '—'),
        h('td', {class: 'num'}, src.DurationMs ? ms(src.DurationMs) : '?'),
        h('td', {class: 'num'}, bytes(src.Size)));
    })));
}

// playlistView shows an HLS playlist: the browser's own player where it
// plays HLS, the playlist text, and its segments.
function playlistView(o) {
  const box = h('div', {});
  const probe = document.createElement('video');
  const native = probe.canPlayType('application/vnd.apple.mpegurl') !== '';
  if (native) box.append(h('video', {controls: true, preload: 'metadata', src: o.URL, 'aria-label': `Playlist ${o.Key}`}));
  else box.append(h('p', {class: 'small muted'}, 'This browser does not play HLS playlists itself; the playlist and its segments are below.'));
  fetch(o.URL, {credentials: 'same-origin'}).then((r) => r.text()).then((text) => {
    const segs = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    box.append(h('h4', {class: 'small'}, `Playlist (${segs.length} segment${segs.length === 1 ? '' : 's'})`), h('pre', {class: 'code'}, text),
      h('ol', {class: 'segments'}, segs.map((seg) => {
        const url = new URL(seg, new URL(o.URL, location.href)).pathname;
        return h('li', {}, h('a', {href: url + '?download=1'}, seg));
      })));
  }).catch(() => {});
  return box;
}

function outputsView(task, outputs, decoded, plan) {
  if (outputs.length === 0) return [h('p', {class: 'muted'}, task.Status === 'Succeeded' ? 'No outputs.' : 'Outputs appear when the task succeeds.')];
  // With a playlist, its segments are listed under it, not played one by one.
  if (outputs.some((o) => o.Kind === 'playlist')) outputs = outputs.filter((o) => o.Kind === 'playlist' || o.ContentType !== 'video/mp2t');
  const sprite = decoded && decoded.Sprite;
  const times = sprite && plan && plan.Sprite ? sheetTimes(plan.Sprite.TimesMs, sprite.Columns * sprite.Rows, outputs) : null;
  return outputs.map((o, i) => {
    let body;
    if (o.Missing) body = h('p', {class: 'muted'}, 'The object no longer exists.');
    else if (o.Kind === 'video') body = h('video', {controls: true, preload: 'metadata', src: o.URL, 'aria-label': `Output ${o.Key}`});
    else if (o.Kind === 'audio') body = h('audio', {controls: true, preload: 'metadata', src: o.URL, 'aria-label': `Output ${o.Key}`});
    else if (o.Kind === 'playlist') body = playlistView(o);
    else if (o.Kind === 'image' && sprite && plan && plan.Sprite) {
      body = spriteViewer(o.URL, o.Key, {cols: sprite.Columns, rows: sprite.Rows, pad: sprite.Pad, margin: sprite.Margin, cell: plan.Sprite.Cell}, times[i], plan.Sprite.TimesNote);
    } else if (o.Kind === 'image') body = h('img', {src: o.URL, alt: `Output ${o.Key}`, class: 'sprite-sheet'});
    else body = h('p', {class: 'muted'}, 'No preview for this type.');
    return h('section', {class: 'output', dataset: {kind: o.Kind, key: o.Key}},
      h('h3', {}, h('code', {}, `${o.Bucket}/${o.Key}`), ' ', h('span', {class: 'muted small'}, `${o.ContentType || ''} · ${bytes(o.Size)}`)),
      body,
      h('p', {class: 'small'}, h('a', {href: o.URL + '?download=1'}, 'Download')));
  });
}

function attemptItem(a) {
  const outcome = a.Status ? 'HTTP ' + a.Status : a.OK ? 'ok' : 'no answer';
  return h('li', {class: a.OK ? 'good' : 'bad'}, when(a.At), ` · ${outcome} · ${a.DurationMs} ms`,
    a.Response ? h('div', {class: 'small mono'}, a.Response) : null);
}

function deliveryRow(d) {
  return h('tr', {},
    h('td', {}, h('div', {}, h('code', {}, d.Endpoint)), h('div', {class: 'small muted'}, `${d.Subscription} · ${d.Format}`)),
    h('td', {}, d.State, d.NextAttempt ? h('div', {class: 'small muted'}, 'next ', when(d.NextAttempt)) : null),
    h('td', {}, h('ol', {class: 'history'}, (d.History || []).map(attemptItem))));
}

function notificationView(task, n) {
  if (!task.NotifyTopic) return h('p', {class: 'muted'}, 'The request has no notify stage.');
  if (!n) return h('p', {class: 'muted'}, `A message for topic ${task.NotifyTopic} is published when the task ends.`);
  const deliveries = n.Deliveries.length === 0 ? h('p', {class: 'muted'}, 'Nobody subscribes to this topic.') :
    h('table', {id: 'deliveries'},
      h('thead', {}, h('tr', {}, ['Subscriber', 'State', 'Attempts'].map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, n.Deliveries.map(deliveryRow)));
  return h('div', {},
    h('dl', {class: 'kv'},
      h('dt', {}, 'Topic'), h('dd', {}, h('code', {}, n.Topic)),
      h('dt', {}, 'Message'), h('dd', {}, h('code', {}, n.MessageId)),
      h('dt', {}, 'Published'), h('dd', {}, when(n.PublishTime)),
      h('dt', {}, 'State'), h('dd', {}, h('strong', {}, n.State))),
    deliveries);
}

export function detailView(main, id) {
  const head = h('div', {class: 'page-head'});
  const state = h('div', {class: 'panel', id: 'task-state'});
  const proc = h('div', {class: 'panel', id: 'process'}, h('h2', {}, 'Process'));
  const sources = h('div', {class: 'panel', id: 'plan'}, h('h2', {}, 'Sources and plan'), h('p', {class: 'muted'}, 'Probing…'));
  const outs = h('div', {class: 'panel', id: 'outputs'}, h('h2', {}, 'Outputs'));
  const notif = h('div', {class: 'panel', id: 'notification'}, h('h2', {}, 'Notification'));
  main.append(h('p', {class: 'small'}, h('a', {href: '#/tasks'}, '← All tasks')), head, state, outs, proc, sources, notif);
  let task = null;
  let detail = null;
  let plan = null;

  const renderState = (t) => {
    replace(head, h('div', {}, h('h1', {}, 'Task ', h('span', {class: 'mono'}, t.TaskId)),
      h('p', {class: 'muted small'}, h('code', {}, t.Action), ' on ', h('code', {}, `${t.Bucket}/${t.Object}`))),
    h('div', {class: 'spacer'}), h('div', {class: 'actions'}, taskActions(t, (nid) => { location.hash = `#/tasks/${encodeURIComponent(nid)}`; })));
    replace(state,
      h('div', {class: 'inline'}, badge(t), h('div', {style: {flex: '1', maxWidth: '28rem'}}, progressBar(t))),
      t.Code ? h('div', {class: 'alert', role: 'alert', id: 'task-error'}, h('strong', {}, t.Code), ': ', h('span', {class: 'message'}, t.Message)) : null,
      t.LastError ? h('p', {class: 'small'}, 'Last attempt failed, retrying ', when(t.NextRunTime), ': ', t.LastError) : null,
      h('dl', {class: 'kv', style: {marginTop: '.8rem'}},
        h('dt', {}, 'Submitted'), h('dd', {}, when(t.SubmitTime)),
        h('dt', {}, 'Started'), h('dd', {}, when(t.StartTime)),
        h('dt', {}, 'Ended'), h('dd', {}, when(t.EndTime)),
        h('dt', {}, 'Attempts'), h('dd', {}, String(t.Attempts)),
        detail ? [h('dt', {}, 'EventId'), h('dd', {}, h('code', {}, detail.EventId)),
          h('dt', {}, 'Submit request'), h('dd', {}, h('code', {}, detail.SubmitRequestId))] : null));
  };

  const renderPlan = () => {
    if (!plan) return;
    const parts = [h('h2', {}, 'Sources and plan'), sourcesTable(plan)];
    if (plan.PlanError) parts.push(h('p', {class: 'alert'}, h('strong', {}, plan.PlanError.Code), ': ', plan.PlanError.Message));
    if (plan.Concat) {
      const c = plan.Concat;
      parts.push(h('h3', {}, 'Output the engine will write'), h('p', {}, `${c.Format} · about ${ms(c.DurationMs)}`,
        c.Video ? ` · video ${c.Video.Codec} ${c.Video.Width}×${c.Video.Height} @ ${Math.round(c.Video.FPS * 1000) / 1000} fps, ${c.Video.PixFmt}, ${c.Video.HasCRF ? 'crf ' + c.Video.CRF : bitrate(c.Video.Bitrate)}, g ${c.Video.GOP}` : ' · no video',
        c.Audio ? ` · audio ${c.Audio.Codec} ${c.Audio.SampleRate} Hz ${c.Audio.Layout || c.Audio.Channels + ' ch'}${c.Audio.Bitrate ? ', ' + bitrate(c.Audio.Bitrate) : ''}` : ' · no audio'));
      // The decoded parameter tables gain the values the engine resolved.
      const v = proc.querySelector('#params-video');
      const a = proc.querySelector('#params-audio');
      if (v && plan.Video) replace(v, paramTable('Video (with the values the engine resolved)', plan.Video));
      if (a && plan.Audio) replace(a, paramTable('Audio (with the values the engine resolved)', plan.Audio));
    }
    if (plan.Sprite) {
      const s = plan.Sprite;
      parts.push(h('h3', {}, 'Sprite geometry'), h('dl', {class: 'kv', id: 'sprite-geometry'},
        h('dt', {}, 'Source'), h('dd', {}, `${s.Source[0]}×${s.Source[1]} (upright)`),
        h('dt', {}, 'Cell'), h('dd', {}, `${s.Cell[0]}×${s.Cell[1]}` + (s.Scaled[0] !== s.Cell[0] || s.Scaled[1] !== s.Cell[1] ? `, picture ${s.Scaled[0]}×${s.Scaled[1]} at +${s.Offset[0]}+${s.Offset[1]}` : '')),
        h('dt', {}, 'Sheet'), h('dd', {}, `${s.Sheet[0]}×${s.Sheet[1]}`),
        h('dt', {}, 'Cells'), h('dd', {}, s.TimesMs ? `${s.TimesMs.length} frames captured` : `times not planned: ${s.TimesNote}`),
        h('dt', {}, 'Video length'), h('dd', {}, s.DurationMs ? ms(s.DurationMs) : 'unknown')));
    }
    replace(sources, ...parts);
  };

  const renderDetail = () => {
    renderState(task);
    const d = detail.Decoded;
    replace(proc, h('h2', {}, 'Process'), h('h3', {}, 'As submitted'), h('pre', {class: 'code', id: 'process-raw'}, detail.Process),
      detail.ParseError ? h('p', {class: 'alert'}, h('strong', {}, detail.ParseError.Code), ': ', detail.ParseError.Message) : null,
      d ? [h('h3', {}, 'Decoded'), decodedView(d, detail)] : null);
    replace(outs, h('h2', {}, 'Outputs'), h('div', {class: 'outputs'}, outputsView(detail, detail.Outputs, d, plan)));
    replace(notif, h('div', {class: 'inline'}, h('h2', {}, 'Notification'), h('span', {class: 'spacer'}),
      detail.NotifyTopic ? h('button', {type: 'button', class: 'small', onclick: load}, 'Refresh') : null),
    notificationView(detail, detail.Notification));
    renderPlan();
  };

  // A change that arrives while the detail is being read may be newer than
  // what the read returns: it triggers one more read.
  let loading = false;
  let changed = false;
  const load = () => {
    loading = true;
    changed = false;
    Promise.all([
      api(`tasks/${encodeURIComponent(id)}`),
      plan ? Promise.resolve(plan) : api(`tasks/${encodeURIComponent(id)}/plan`).catch((e) => ({Sources: [], PlanError: {Code: e.code, Message: e.message}})),
    ]).then(([t, p]) => {
      task = t;
      detail = t;
      plan = p;
      renderDetail();
    }).then(() => {
      loading = false;
      if (changed) load();
    }, (err) => {
      loading = false;
      replace(head, h('h1', {}, 'Task not found'));
      replace(state, h('p', {class: 'alert', role: 'alert'}, `${err.code}: ${err.message}`));
      toast(err.message, 'error');
    });
  };
  load();

  return listen((kind, data) => {
    if (kind === 'resync') { load(); return; }
    if (data.TaskId !== id) return;
    if (loading || !task) { if (kind === 'task') changed = true; return; }
    if (kind === 'progress') {
      task.Progress = data.Progress;
      const p = state.querySelector('progress');
      if (p) { p.value = data.Progress; state.querySelector('.pct').textContent = data.Progress + '%'; }
      return;
    }
    task = Object.assign({}, detail, data);
    if (data.EndTime && !detail.EndTime) load(); // outputs and notification are known now
    else renderState(task);
  });
}
