// Small DOM and formatting helpers. Text always goes in as text, never as
// HTML: object names and process strings are user data.

// h builds an element: h('a', {href: '#', class: 'x', onclick: fn}, 'text', child, …).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v); // CSSOM: allowed by the page's style-src policy
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// replace empties el and fills it with children.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function bytes(n) {
  if (n === undefined || n === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
}

// ms formats a duration in milliseconds as 1:02.345 or 2.500 s.
export function ms(n) {
  if (n === undefined || n === null) return '';
  const s = n / 1000;
  if (s < 60) return s.toFixed(s % 1 === 0 ? 0 : 3).replace(/\.?0+$/, '') + ' s';
  const m = Math.floor(s / 60);
  const rest = (s - m * 60).toFixed(3).padStart(6, '0');
  return `${m}:${rest}`;
}

// when formats an ISO time for people; the full value goes in the title.
export function when(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  const text = today ? d.toLocaleTimeString() : d.toLocaleString();
  return h('time', {datetime: iso, title: iso}, text);
}

export function bitrate(b) {
  if (!b) return '';
  return b >= 1e6 ? (b / 1e6).toFixed(2).replace(/\.?0+$/, '') + ' Mbit/s' : Math.round(b / 1000) + ' kbit/s';
}

// statusOf is the badge a task shows: Failed with TaskCancelled reads as Cancelled.
export function statusOf(t) {
  return t.Status === 'Failed' && t.Code === 'TaskCancelled' ? 'Cancelled' : t.Status;
}

export function badge(t) {
  const s = statusOf(t);
  return h('span', {class: 'badge ' + s, dataset: {status: s}}, s);
}

export function progressBar(t) {
  const p = h('progress', {max: 100, value: t.Progress, class: t.Status, 'aria-label': `Progress of ${t.TaskId}`});
  return h('span', {class: 'progress'}, p, h('span', {class: 'pct'}, t.Progress + '%'));
}

export function toast(text, kind) {
  const box = document.getElementById('toasts');
  const el = h('div', {class: 'toast' + (kind ? ' ' + kind : '')}, text);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 4500);
}

// b64 is URL-safe base64 of UTF-8 text without padding, as the OSS
// documents and SDK samples write o_, b_ and topic_ values.
export function b64(text) {
  const bin = Array.from(new TextEncoder().encode(text), (c) => String.fromCharCode(c)).join('');
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function objectName(bucket, key) { return `${bucket}/${key}`; }
