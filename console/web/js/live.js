// The live task stream: one EventSource for the page, fanned out to the
// views that listen. It reconnects by itself; after a reconnect or a
// "resync" the listeners reload what they show.
import {prefix} from './api.js';

const listeners = new Set();
let source = null;
let connectedOnce = false;

function indicator(state) {
  const el = document.getElementById('live');
  el.classList.toggle('on', state === 'on');
  el.classList.toggle('off', state === 'off');
  el.querySelector('.live-text').textContent = state === 'on' ? 'live' : state === 'off' ? 'reconnecting…' : 'connecting…';
}

function emit(kind, data) {
  for (const fn of listeners) fn(kind, data);
}

export function connect() {
  if (source) return;
  source = new EventSource(prefix + 'api/events');
  source.addEventListener('hello', () => {
    indicator('on');
    if (connectedOnce) emit('resync', {});
    connectedOnce = true;
  });
  source.addEventListener('task', (e) => emit('task', JSON.parse(e.data)));
  source.addEventListener('progress', (e) => emit('progress', JSON.parse(e.data)));
  source.addEventListener('resync', () => emit('resync', {}));
  source.onerror = () => indicator('off');
}

// listen calls fn(kind, data) for each event until the returned function is called.
export function listen(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
