// The console's router: #/tasks, #/tasks/<id>, #/objects[/<bucket>[/<prefix>]],
// #/compose[?bucket=&key=], #/mns. Each view renders into <main> and returns
// a cleanup function.
import {api} from './api.js';
import {connect} from './live.js';
import {tasksView} from './tasks.js';
import {detailView} from './detail.js';
import {objectsView} from './objects.js';
import {composeView} from './compose.js';
import {mnsView} from './mns.js';
import {h, replace} from './dom.js';

const main = document.getElementById('view');
let cleanup = null;
let lastSection = '';

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart] = raw.split('?');
  const parts = pathPart.split('/').map(decodeURIComponent);
  return {parts, query: new URLSearchParams(queryPart || '')};
}

function route() {
  if (cleanup) cleanup();
  cleanup = null;
  const {parts, query} = parseHash();
  const section = parts[0] || 'tasks';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  replace(main);
  let view;
  switch (section) {
    case 'tasks':
      view = parts[1] ? detailView(main, parts[1]) : tasksView(main, query);
      break;
    case 'objects':
      view = objectsView(main, parts[1] || '', parts.slice(2).join('/'));
      break;
    case 'compose':
      view = composeView(main, query);
      break;
    case 'mns':
      view = mnsView(main);
      break;
    default:
      main.append(h('p', {class: 'empty'}, 'Nothing here. ', h('a', {href: '#/tasks'}, 'Go to the tasks.')));
  }
  cleanup = typeof view === 'function' ? view : null;
  if (section !== lastSection || parts.length > 1) main.focus({preventScroll: true});
  lastSection = section;
  const title = main.querySelector('h1');
  document.title = (title ? title.textContent + ' · ' : '') + 'ossemu console';
}

window.addEventListener('hashchange', route);
connect();
route();
api('session').then((s) => {
  replace(document.getElementById('who'), s.AccessKeyId + (s.Region ? ' · ' + s.Region : ''));
}).catch(() => {});
