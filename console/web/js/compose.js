// The style composer: a form that writes a video/concat or video/sprite
// process string (base64 done here), validated as it changes by the API's
// own parser, then submitted through the OSS API like an SDK's
// AsyncProcessObject.
import {api, submit} from './api.js';
import {h, replace, b64, toast} from './dom.js';

const containers = ['mp4', 'mkv', 'mov', 'webm', 'ts', 'flv', 'avi', 'asf', 'mxf', 'mp3', 'aac', 'flac', 'oga', 'ac3', 'opus'];

// field is a labelled input; its value is read by name when building.
function field(name, label, attrs = {}, hint) {
  const id = 'c-' + name;
  const input = attrs.options ?
    h('select', {id, name}, attrs.options.map((o) => h('option', {value: o, selected: o === attrs.value}, o === '' ? '(none)' : o))) :
    h('input', Object.assign({id, name, type: 'text', autocomplete: 'off', spellcheck: 'false'}, attrs));
  return h('div', {class: 'field'}, h('label', {for: id}, label), input, hint ? h('div', {class: 'hint'}, hint) : null);
}

function clipRow(list, kind, key = '', ss = '', t = '') {
  const n = list.children.length + 1;
  const row = h('div', {class: 'fields clip', dataset: {kind}},
    h('div', {class: 'field'}, h('label', {}, `${kind === 'pre' ? 'Before' : 'After'} #${n}: object key`,
      h('input', {type: 'text', class: 'clip-key', value: key, spellcheck: 'false'}))),
    h('div', {class: 'field'}, h('label', {}, 'ss (ms)', h('input', {type: 'text', class: 'clip-ss', value: ss, inputmode: 'numeric'}))),
    h('div', {class: 'field'}, h('label', {}, 't (ms)', h('input', {type: 'text', class: 'clip-t', value: t, inputmode: 'numeric'}))),
    h('div', {class: 'field'}, h('button', {type: 'button', class: 'small', onclick: () => { row.remove(); list.dispatchEvent(new Event('input', {bubbles: true})); }}, 'Remove clip')));
  list.append(row);
}

// build writes the process string the form describes.
export function buildProcess(form) {
  const v = (name) => (form.elements[name]?.value || '').trim();
  const params = (names) => names.filter((n) => v(n) !== '').map((n) => `${n.replace(/^(c|s)-/, '')}_${v(n)}`);
  let out;
  if (v('action') === 'video/sprite') {
    out = ['video/sprite', ...params(['s-ss', 's-f', 's-m', 's-thr', 's-num', 's-inter', 's-sw', 's-sh', 's-psw', 's-psh',
      's-scaletype', 's-tw', 's-th', 's-pad', 's-margin'])].join(',');
  } else {
    out = ['video/concat', ...params(['c-ss', 'c-t', 'c-f', 'c-vcodec', 'c-fps', 'c-s', 'c-g', 'c-vb', 'c-crf', 'c-scaletype',
      'c-acodec', 'c-ar', 'c-ac', 'c-ab', 'c-align'])].join(',');
    for (const row of form.querySelectorAll('.clip')) {
      const key = row.querySelector('.clip-key').value;
      if (!key) continue;
      const ss = row.querySelector('.clip-ss').value.trim();
      const t = row.querySelector('.clip-t').value.trim();
      out += `/${row.dataset.kind},o_${b64(key)}` + (ss ? `,ss_${ss}` : '') + (t ? `,t_${t}` : '');
    }
    if (form.elements['seg-on'].checked) out += `/segment,f_${v('seg-f')},t_${v('seg-t') || '10000'}`;
  }
  out += `|sys/saveas,o_${b64(v('saveas-o'))}` + (v('saveas-b') ? `,b_${b64(v('saveas-b'))}` : '');
  if (v('notify')) out += `/notify,topic_${b64(v('notify'))}`;
  return out;
}

// summary tells what a parsed style will do.
function summary(d) {
  if (d.Concat) {
    const c = d.Concat;
    return `video/concat of ${c.Clips.length} clip${c.Clips.length === 1 ? '' : 's'} (${c.Clips.map((x) => x.Key || 'this object').join(' + ')}) into ${c.Format}` +
      (c.Segment ? `, ${c.Segment.Format} segments` : '') + ` → ${d.SaveAs.Object}`;
  }
  const s = d.Sprite;
  return `video/sprite, ${s.Mode} mode, ${s.Columns}×${s.Rows} ${s.Format} sheets → ${d.SaveAs.Object}`;
}

export function composeView(main, query) {
  const bucket = query.get('bucket') || '';
  const key = query.get('key') || '';
  const result = h('div', {id: 'compose-result', 'aria-live': 'polite'});
  const text = h('textarea', {id: 'process', name: 'process', rows: 5, spellcheck: 'false', 'aria-describedby': 'compose-result'});
  const pre = h('div', {id: 'pre-clips'});
  const sur = h('div', {id: 'sur-clips'});
  const bucketSelect = h('select', {id: 'src-bucket', name: 'src-bucket', required: true}, bucket ? h('option', {value: bucket}, bucket) : null);
  const concat = h('fieldset', {id: 'concat-fields'}, h('legend', {}, 'video/concat'),
    h('div', {class: 'fields'},
      field('c-ss', 'ss (ms) of this object'), field('c-t', 't (ms) of this object'),
      field('c-f', 'Container f', {options: containers, value: 'mp4'}),
      field('c-vcodec', 'Video codec', {options: ['h264', 'h265', 'vp9', ''], value: 'h264'}),
      field('c-fps', 'fps'), field('c-s', 'Size s', {placeholder: '1280x720'}), field('c-g', 'GOP g'),
      field('c-vb', 'Video bitrate vb'), field('c-crf', 'crf'),
      field('c-scaletype', 'scaletype', {options: ['', 'stretch', 'crop', 'fill', 'fit'], value: ''}),
      field('c-acodec', 'Audio codec', {options: ['aac', 'mp3', 'opus', 'flac', 'vorbis', 'ac3', 'pcm', ''], value: 'aac'}),
      field('c-ar', 'Sample rate ar'), field('c-ac', 'Channels ac'), field('c-ab', 'Audio bitrate ab'),
      field('c-align', 'align (0-based clip)')),
    h('h3', {}, 'Clips before this object (/pre)'), pre,
    h('button', {type: 'button', class: 'small', onclick: () => { clipRow(pre, 'pre'); update(); }}, 'Add a clip before'),
    h('h3', {}, 'Clips after this object (/sur)'), sur,
    h('button', {type: 'button', class: 'small', onclick: () => { clipRow(sur, 'sur'); update(); }}, 'Add a clip after'),
    h('h3', {}, 'Segments'),
    h('div', {class: 'inline'}, h('input', {type: 'checkbox', id: 'seg-on', name: 'seg-on'}), h('label', {for: 'seg-on'}, 'Split into segments (/segment)')),
    h('div', {class: 'fields'}, field('seg-f', 'Segment format', {options: ['ts', 'mp4'], value: 'ts'}), field('seg-t', 'Segment length (ms)', {placeholder: '10000'})));
  const sprite = h('fieldset', {id: 'sprite-fields', hidden: true}, h('legend', {}, 'video/sprite'),
    h('div', {class: 'fields'},
      field('s-f', 'Format f', {options: ['jpg', 'png'], value: 'jpg'}),
      field('s-m', 'Mode m', {options: ['inter', 'key', 'avg', 'dhash'], value: 'inter'}),
      field('s-inter', 'Interval inter (ms)', {value: '1000'}), field('s-num', 'num'), field('s-ss', 'ss (ms)'),
      field('s-sw', 'Cell width sw', {value: '160'}), field('s-sh', 'Cell height sh'), field('s-psw', 'psw (%)'), field('s-psh', 'psh (%)'),
      field('s-tw', 'Columns tw', {value: '6'}), field('s-th', 'Rows th', {value: '6'}), field('s-pad', 'pad'), field('s-margin', 'margin'),
      field('s-thr', 'dhash thr'), field('s-scaletype', 'scaletype', {options: ['', 'stretch', 'crop', 'fill', 'fit'], value: ''})));
  const form = h('form', {id: 'composer', novalidate: true},
    h('fieldset', {}, h('legend', {}, 'Source object'),
      h('div', {class: 'fields'}, h('div', {class: 'field'}, h('label', {for: 'src-bucket'}, 'Bucket'), bucketSelect),
        field('src-key', 'Object key', {value: key, required: true})),
      h('div', {class: 'radio-row', role: 'radiogroup', 'aria-label': 'Action', style: {marginTop: '.6rem'}},
        h('label', {}, h('input', {type: 'radio', name: 'action', value: 'video/concat', checked: true}), 'video/concat'),
        h('label', {}, h('input', {type: 'radio', name: 'action', value: 'video/sprite'}), 'video/sprite'))),
    concat, sprite,
    h('fieldset', {}, h('legend', {}, 'Result'), h('div', {class: 'fields'},
      field('saveas-o', 'Target object (template)', {value: '{barename}-concat.{autoext}'}, '{bucket} {key} {barename} {ext} {index} {autoext} …'),
      field('saveas-b', 'Target bucket (default: the source bucket)'),
      field('notify', 'Notify MNS topic (optional)'))),
    h('div', {class: 'field'}, h('label', {for: 'process'}, 'Process string (written by the form; edit it freely)'), text),
    result,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', id: 'submit-process'}, 'Submit'),
      h('span', {class: 'muted small'}, 'Sent as POST ?x-oss-async-process, like the SDKs\' AsyncProcessObject.')));
  main.append(h('div', {class: 'page-head'}, h('div', {}, h('h1', {}, 'Compose a style'),
    h('p', {class: 'muted small'}, 'Checked as you type by the parser the API uses: the messages are the ones a client gets.'))),
  h('div', {class: 'panel'}, form));

  api('buckets').then((res) => {
    for (const b of res.Buckets) if (b.Name !== bucket) bucketSelect.append(h('option', {value: b.Name}, b.Name));
    update();
  }).catch(() => {});

  let timer = 0;
  let seq = 0;
  async function validate() {
    const mine = ++seq;
    try {
      const res = await api('parse', {method: 'POST', body: {Process: text.value, Object: form.elements['src-key'].value}});
      if (mine !== seq) return;
      if (res.OK) replace(result, h('p', {class: 'ok-box', id: 'parse-ok'}, '✓ ', summary(res.Decoded)));
      else replace(result, h('p', {class: 'alert', role: 'alert', id: 'parse-error'}, h('strong', {class: 'code'}, res.Error.Code), ': ', h('span', {class: 'message'}, res.Error.Message)));
    } catch (e) {
      replace(result, h('p', {class: 'alert'}, `${e.code}: ${e.message}`));
    }
  }
  const schedule = () => { clearTimeout(timer); timer = setTimeout(validate, 150); };
  const update = () => {
    const isSprite = form.elements.action.value === 'video/sprite';
    concat.hidden = isSprite;
    sprite.hidden = !isSprite;
    text.value = buildProcess(form);
    schedule();
  };
  let lastAction = 'video/concat';
  form.addEventListener('input', (e) => {
    if (e.target === text) { schedule(); return; }
    const action = form.elements.action.value;
    if (action !== lastAction) {
      const o = form.elements['saveas-o'];
      if (o.value === '{barename}-concat.{autoext}' || o.value === '{barename}-sprite-{index}.{autoext}') {
        o.value = action === 'video/sprite' ? '{barename}-sprite-{index}.{autoext}' : '{barename}-concat.{autoext}';
      }
      lastAction = action;
    }
    update();
  });
  form.addEventListener('change', (e) => { if (e.target !== text) update(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const b = bucketSelect.value;
    const k = form.elements['src-key'].value;
    if (!b || !k) { replace(result, h('p', {class: 'alert', role: 'alert'}, 'Choose the source bucket and object.')); return; }
    const btn = form.querySelector('#submit-process');
    btn.disabled = true;
    try {
      const res = await submit(b, k, text.value);
      toast(`Submitted ${res.TaskId}`);
      location.hash = `#/tasks/${encodeURIComponent(res.TaskId)}`;
    } catch (err) {
      replace(result, h('p', {class: 'alert', role: 'alert', id: 'submit-error'}, h('strong', {class: 'code'}, err.code), ': ', h('span', {class: 'message'}, err.message)));
    } finally {
      btn.disabled = false;
    }
  });
  update();
  return () => clearTimeout(timer);
}
