// The sprite-sheet viewer: the sheet with its cell grid drawn over it, each
// cell focusable and showing its capture time on hover or focus.
import {h, ms} from './dom.js';

// spriteViewer shows one sheet. geom: {cols, rows, pad, margin, cell:[w,h]}
// from the parsed style and the engine's plan; times: the capture times
// (ms) of this sheet's cells, or null when they cannot be planned, and note
// says why.
export function spriteViewer(url, name, geom, times, note) {
  const img = h('img', {src: url, alt: `Sprite sheet ${name}`, class: 'sprite-sheet', decoding: 'async'});
  const grid = h('div', {class: 'sprite-grid', role: 'list', 'aria-label': `Cells of ${name}`});
  const legend = h('p', {class: 'sprite-legend muted small'});
  const draw = () => {
    const W = img.naturalWidth;
    const H = img.naturalHeight;
    if (!W || !H) return;
    if (W < 640) img.style.width = `${W * 2}px`; // small sheets shown at twice their size
    grid.replaceChildren();
    const [cw, ch] = geom.cell;
    let filled = 0;
    for (let r = 0; r < geom.rows; r++) {
      for (let c = 0; c < geom.cols; c++) {
        const i = r * geom.cols + c;
        const x = geom.margin + c * (cw + geom.pad);
        const y = geom.margin + r * (ch + geom.pad);
        const t = times ? times[i] : undefined;
        const has = times ? t !== undefined : true;
        const label = t !== undefined ? `cell ${i + 1}: ${ms(t)}` : has ? `cell ${i + 1}` : `cell ${i + 1}: empty`;
        const cell = h('div', {
          class: 'sprite-cell' + (has ? '' : ' empty'), role: 'listitem', tabindex: has ? 0 : -1,
          'aria-label': label, title: label,
          style: {left: `${(x / W) * 100}%`, top: `${(y / H) * 100}%`, width: `${(cw / W) * 100}%`, height: `${(ch / H) * 100}%`},
          dataset: t !== undefined ? {time: String(t), index: String(i)} : {index: String(i)},
        }, t !== undefined ? h('span', {class: 'stamp', 'aria-hidden': 'true'}, ms(t)) : null);
        if (has) filled++;
        grid.append(cell);
      }
    }
    legend.textContent = `${W}×${H} px · ${geom.cols}×${geom.rows} grid of ${cw}×${ch} cells · ` +
      (times ? `${filled} captured` : `capture times are not shown: ${note}`);
  };
  img.addEventListener('load', draw);
  return h('div', {}, h('div', {class: 'sprite'}, img, grid), legend);
}

// sheetTimes splits the plan's cell times across the task's sheet outputs,
// in order. A name without {index} that every sheet overwrote leaves one
// output: the last sheet.
export function sheetTimes(times, perSheet, outputs) {
  if (!times) return outputs.map(() => null);
  const sheets = [];
  for (let i = 0; i < times.length; i += perSheet) sheets.push(times.slice(i, i + perSheet));
  if (sheets.length === 0) return outputs.map(() => []);
  if (outputs.length < sheets.length) return outputs.map((_, i) => sheets[sheets.length - outputs.length + i]);
  return outputs.map((_, i) => sheets[i] || []);
}
