// Buckets and objects: browse by prefix, upload (multipart above 8 MiB, with
// progress), download, delete, copy a presigned URL, and "process this
// object" into the composer.
import {api, oss, presign, upload} from './api.js';
import {h, replace, bytes, when, toast} from './dom.js';

const enc = (s) => s.split('/').map(encodeURIComponent).join('/');

function folderHash(bucket, prefix) { return `#/objects/${encodeURIComponent(bucket)}/${enc(prefix)}`; }

async function copyURL(bucket, key) {
  const dlg = h('dialog', {'aria-labelledby': 'presign-title'});
  const out = h('input', {id: 'presign-url', readonly: true, value: 'signing…'});
  const status = h('p', {class: 'small muted', role: 'status'});
  dlg.append(h('h2', {id: 'presign-title'}, 'Presigned URL'),
    h('p', {class: 'small'}, 'A GET URL for ', h('code', {}, `${bucket}/${key}`), ', valid for one hour, signed with the emulator\'s key.'),
    h('label', {for: 'presign-url'}, 'URL'), out, status,
    h('form', {method: 'dialog', class: 'actions', style: {marginTop: '.8rem'}},
      h('button', {type: 'button', class: 'primary', onclick: async () => {
        out.select();
        try { await navigator.clipboard.writeText(out.value); status.textContent = 'Copied.'; } catch {
          status.textContent = 'Press Ctrl+C to copy the selected URL.';
        }
      }}, 'Copy'),
      h('button', {value: 'close'}, 'Close')));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  try {
    const res = await presign('GET', bucket, key, {}, '', 3600);
    out.value = res.URL;
    out.select();
  } catch (e) {
    out.value = '';
    status.textContent = `${e.code}: ${e.message}`;
  }
}

export function objectsView(main, bucket, prefix) {
  const buckets = h('ul', {class: 'bucket-list', 'aria-label': 'Buckets'});
  const right = h('div', {class: 'panel'});
  main.append(h('div', {class: 'page-head'}, h('div', {}, h('h1', {}, 'Buckets and objects'),
    h('p', {class: 'muted small'}, 'Changes go through the OSS API with presigned URLs, like an SDK\'s.'))),
  h('div', {class: 'browser'}, h('nav', {class: 'panel', 'aria-label': 'Buckets'}, h('h2', {}, 'Buckets'), buckets), right));

  api('buckets').then((res) => {
    replace(buckets, res.Buckets.length === 0 ? h('li', {class: 'muted'}, 'No buckets. Start ossemu with --buckets.') :
      res.Buckets.map((b) => h('li', {}, h('a', {href: folderHash(b.Name, ''), 'aria-current': b.Name === bucket ? 'true' : null}, b.Name))));
    if (!bucket && res.Buckets.length > 0) location.replace(folderHash(res.Buckets[0].Name, ''));
  }).catch((e) => toast(`Listing buckets failed: ${e.message}`, 'error'));
  if (!bucket) {
    right.append(h('p', {class: 'muted'}, 'Choose a bucket.'));
    return null;
  }

  const tbody = h('tbody');
  const uploads = h('ul', {class: 'uploads', 'aria-label': 'Uploads'});
  const fileInput = h('input', {type: 'file', id: 'upload-file', multiple: true});
  const zone = h('div', {class: 'dropzone'}, h('label', {for: 'upload-file'}, `Upload to ${bucket}/${prefix}`), fileInput,
    h('div', {class: 'hint'}, 'or drop files here; files over 8 MiB go up as a multipart upload.'));
  let marker = '';
  const more = h('button', {type: 'button', hidden: true, onclick: () => list(true)}, 'More');

  const crumbs = h('ol', {class: 'crumbs', 'aria-label': 'Path'}, h('li', {}, h('a', {href: folderHash(bucket, '')}, bucket)));
  let acc = '';
  for (const part of prefix.split('/').filter(Boolean)) {
    acc += part + '/';
    crumbs.append(h('li', {}, h('a', {href: folderHash(bucket, acc)}, part)));
  }
  right.append(crumbs, zone, uploads, h('div', {class: 'table-wrap'}, h('table', {id: 'objects'},
    h('thead', {}, h('tr', {}, ['Name', 'Size', 'Type', 'Modified', ''].map((c) => h('th', {scope: 'col', class: c === 'Size' ? 'num' : null}, c)))),
    tbody)), more);

  const objectRow = (o) => {
    const name = o.Key.slice(prefix.length);
    return h('tr', {dataset: {key: o.Key}},
      h('td', {}, h('a', {href: o.URL, target: '_blank', rel: 'noopener'}, name)),
      h('td', {class: 'num'}, bytes(o.Size)),
      h('td', {class: 'small muted'}, o.ContentType),
      h('td', {}, when(o.LastModified)),
      h('td', {}, h('div', {class: 'actions small'},
        h('a', {href: o.URL + '?download=1', class: 'btn', 'aria-label': `Download ${o.Key}`}, 'Download'),
        h('button', {type: 'button', 'aria-label': `Copy a presigned URL of ${o.Key}`, onclick: () => copyURL(bucket, o.Key)}, 'Copy URL'),
        o.Kind === 'video' || o.Kind === 'audio' ? h('a', {class: 'btn', href: `#/compose?bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(o.Key)}`,
          'aria-label': `Process ${o.Key}`}, 'Process…') : null,
        h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${o.Key}`, onclick: async () => {
          if (!confirm(`Delete ${bucket}/${o.Key}?`)) return;
          try { await oss('DELETE', bucket, o.Key); toast(`Deleted ${o.Key}`); list(false); } catch (e) { toast(`${e.code}: ${e.message}`, 'error'); }
        }}, 'Delete'))));
  };

  async function list(append) {
    try {
      const q = new URLSearchParams({prefix});
      if (append && marker) q.set('marker', marker);
      const res = await api(`buckets/${encodeURIComponent(bucket)}/objects?` + q);
      if (!append) replace(tbody);
      for (const p of res.Prefixes) {
        tbody.append(h('tr', {dataset: {prefix: p}}, h('td', {colspan: 5}, h('a', {href: folderHash(bucket, p), class: 'folder'}, p.slice(prefix.length)))));
      }
      for (const o of res.Objects) tbody.append(objectRow(o));
      if (!append && res.Prefixes.length + res.Objects.length === 0) tbody.append(h('tr', {}, h('td', {colspan: 5, class: 'empty'}, 'Empty.')));
      marker = res.NextMarker;
      more.hidden = !marker;
    } catch (e) {
      toast(`Listing failed: ${e.code}: ${e.message}`, 'error');
    }
  }

  async function send(files) {
    for (const file of files) {
      const key = prefix + file.name;
      const bar = h('progress', {max: 100, value: 0, 'aria-label': `Uploading ${file.name}`});
      const li = h('li', {dataset: {upload: key}}, h('span', {}, `${file.name} · ${bytes(file.size)}`), bar);
      uploads.append(li);
      try {
        await upload(bucket, key, file, (loaded, total) => { bar.value = total ? Math.round((loaded / total) * 100) : 100; });
        bar.value = 100;
        li.dataset.done = 'true';
        toast(`Uploaded ${key}`);
      } catch (e) {
        li.dataset.error = e.code;
        li.append(h('span', {class: 'small', role: 'alert'}, `${e.code}: ${e.message}`));
      }
    }
    list(false);
  }
  fileInput.addEventListener('change', () => send([...fileInput.files]));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); send([...e.dataTransfer.files]); });
  list(false);
  return null;
}
