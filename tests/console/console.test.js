// End-to-end tests of the web console: a real emulator process, real media
// tasks submitted as an SDK submits them, and headless Chromium reading the
// console as a person would. Screenshots of each main view go to outDir.
import {describe, it, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import {
  AK, SK, outDir, startEmulator, launchBrowser, putVideos, ossClient, asyncProcess, taskAPI, waitTask,
  b64, receiver, mnsQueueFor, signedFetch,
} from './harness.js';

const CONSOLE = '/_ossemu/console/';
const shot = (page, name) => page.screenshot({path: join(outDir, name), fullPage: true});

describe('ossemu web console', () => {
  let emu;
  let hook;
  let browser;
  let page;
  let oss;
  const ids = {};
  const pageErrors = [];

  before(async () => {
    hook = await receiver();
    // One worker, so the second task waits in the queue while the first runs.
    emu = await startEmulator(['--workers', '1', '--mns-addr', '127.0.0.1:0',
      '--notify-endpoint', `console-e2e=${hook.url}#JSON`]);
    oss = await putVideos(emu.url);
    await mnsQueueFor(emu.mnsURL, 'console-e2e', 'console-q');
    browser = await launchBrowser();
    page = await browser.newPage({viewport: {width: 1366, height: 900}});
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    hook?.close();
    await emu?.stop();
  });

  it('refuses anonymous access to the console and its data API', async () => {
    const get = (path, headers = {}) => fetch(emu.url + path, {redirect: 'manual', headers});
    for (const path of [CONSOLE, CONSOLE + 'static/js/app.js', CONSOLE + '#/tasks']) {
      const res = await get(path);
      assert.equal(res.status, 303, path);
      assert.match(res.headers.get('location'), /\/_ossemu\/console\/login\?next=/);
    }
    for (const path of ['api/tasks', 'api/buckets', 'api/events', 'api/object/media/example.mkv', 'api/mns']) {
      const res = await get(CONSOLE + path);
      assert.equal(res.status, 401, path);
      assert.equal((await res.json()).Code, 'AccessDenied');
    }
    const bad = await get(CONSOLE + 'api/tasks', {Authorization: 'Basic ' + Buffer.from(`${AK}:wrong`).toString('base64')});
    assert.equal(bad.status, 401);
    const forged = await get(CONSOLE + 'api/tasks', {Cookie: 'ossemu_console=9999999999.AAAA.forged'});
    assert.equal(forged.status, 401);
    // The task API's credentials work on the data API too.
    const basic = await get(CONSOLE + 'api/tasks', {Authorization: 'Basic ' + Buffer.from(`${AK}:${SK}`).toString('base64')});
    assert.equal(basic.status, 200);
    assert.deepEqual((await basic.json()).Tasks, []);
  });

  it('signs in with the key pair', async () => {
    await page.goto(emu.url + CONSOLE);
    assert.match(page.url(), /\/login/);
    await page.fill('#access_key_id', AK);
    await page.fill('#access_key_secret', 'not-the-secret');
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-error');
    await shot(page, '01-login.png');
    await page.fill('#access_key_id', AK);
    await page.fill('#access_key_secret', SK);
    await page.click('button[type=submit]');
    await page.waitForSelector('#tasks');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'ossemu_console');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    await page.waitForSelector('#live.on');
  });

  it('shows SDK-submitted tasks appear and progress live', async () => {
    // Record every state and progress value the rows show, without reloading.
    await page.evaluate(() => {
      window.seen = {};
      const note = () => {
        for (const tr of document.querySelectorAll('#tasks tr[data-task]')) {
          const s = (window.seen[tr.dataset.task] ||= {status: [], progress: []});
          const st = tr.dataset.status;
          const p = Number(tr.querySelector('progress').value);
          if (s.status.at(-1) !== st) s.status.push(st);
          if (s.progress.at(-1) !== p) s.progress.push(p);
        }
      };
      new MutationObserver(note).observe(document.querySelector('#tasks'), {subtree: true, childList: true, attributes: true});
    });
    const concat = `video/concat,ss_0,t_8000,f_mp4,vcodec_h264,acodec_aac,s_1280x720,align_1/pre,o_${b64('pre.mov')}` +
      `|sys/saveas,o_${b64('out/concat.mp4')}/notify,topic_${b64('console-e2e')}`;
    const sprite = `video/sprite,f_jpg,inter_1000,sw_96,tw_4,th_3|sys/saveas,o_${b64('out/sprite-{index}.jpg')}`;
    ids.concat = (await asyncProcess(emu.url, 'media', 'example.mkv', concat)).TaskId;
    ids.sprite = (await asyncProcess(emu.url, 'media', 'example.mkv', sprite)).TaskId;
    await page.waitForSelector(`tr[data-task="${ids.concat}"]`);
    await page.waitForSelector(`tr[data-task="${ids.sprite}"]`);
    await page.waitForFunction((id) => (window.seen[id]?.progress || []).some((p) => p > 0 && p < 100), ids.concat, {timeout: 120000});
    await shot(page, '02-tasks-live.png');
    await page.waitForSelector(`tr[data-task="${ids.concat}"][data-status="Succeeded"]`, {timeout: 180000});
    await page.waitForSelector(`tr[data-task="${ids.sprite}"][data-status="Succeeded"]`, {timeout: 180000});
    const seen = await page.evaluate(() => window.seen);
    const c = seen[ids.concat];
    const s = seen[ids.sprite];
    assert.deepEqual(c.status.slice(-2), ['Running', 'Succeeded'], JSON.stringify(c));
    assert.ok(c.progress.filter((p) => p > 0 && p < 100).length >= 1, 'concat progress moved: ' + c.progress);
    assert.deepEqual([...c.progress].sort((a, b) => a - b), c.progress, 'progress only grows');
    assert.equal(c.progress.at(-1), 100);
    assert.deepEqual(s.status, ['Queued', 'Running', 'Succeeded'], 'the sprite waited behind the concat: ' + JSON.stringify(s));
    assert.equal(await page.locator('#tasks tr[data-task]').count(), 2, 'rows were added live, no reload');
  });

  it('plays the concat output with the right duration', async () => {
    await page.goto(emu.url + CONSOLE + '#/tasks/' + ids.concat);
    const video = page.locator('#outputs video');
    await video.waitFor();
    await page.waitForFunction(() => document.querySelector('#outputs video').readyState >= 1, null, {timeout: 30000});
    const duration = await video.evaluate((v) => v.duration);
    // pre.mov (3 s) + 8 s of example.mkv.
    assert.ok(Math.abs(duration - 11) < 0.15, `duration ${duration}`);
    const w = await video.evaluate((v) => [v.videoWidth, v.videoHeight]);
    assert.deepEqual(w, [1280, 720]);
    // Decoded process: the clip names are decoded, the defaults resolved.
    await page.waitForSelector('#clips');
    assert.deepEqual(await page.$$eval('#clips tbody tr td:nth-child(2) code', (els) => els.map((e) => e.textContent)),
      ['media/pre.mov', 'media/example.mkv']);
    await page.waitForSelector('#params-video tr[data-param="fps"] .tag.clip');
    assert.equal(await page.textContent('#params-video tr[data-param="fps"] td.mono'), '24', 'example.mkv (align 1) is 24 fps');
    assert.match(await page.textContent('#sources'), /vp9 384×216/);
    // The notification: pushed twice (503, then 204), each attempt listed.
    await waitFor(async () => hook.count() >= 2);
    const pushRow = page.locator('#deliveries tbody tr', {hasText: hook.url});
    // The notification panel shows what was recorded when it loaded:
    // refresh it until the second attempt is there.
    await waitFor(async () => {
      await page.getByRole('button', {name: 'Refresh'}).click();
      await page.waitForSelector('#deliveries');
      return (await pushRow.locator('.history li.good').count()) > 0;
    });
    const attempts = await pushRow.locator('.history li').evaluateAll((lis) => lis.map((li) => li.className + ' ' + li.textContent));
    const queueRow = page.locator('#deliveries tbody tr', {hasText: 'queues/console-q'});
    assert.match(await queueRow.textContent(), /delivered.*enqueued on queue console-q/s);
    assert.equal(attempts.length, 2, attempts.join('\n'));
    assert.match(attempts[0], /^bad .*HTTP 503.*busy, try again/);
    assert.match(attempts[1], /^good .*HTTP 204/);
    await shot(page, '03-concat-detail.png');
  });

  it('shows the sprite sheet with its grid and cell times', async () => {
    await page.goto(emu.url + CONSOLE + '#/tasks/' + ids.sprite);
    await page.waitForSelector('.sprite-cell');
    const size = await page.$eval('img.sprite-sheet', (i) => [i.naturalWidth, i.naturalHeight]);
    // 4 cells of 96 px + 3 pads + 2 margins of 2 px; cells 54 px high (384×216 scaled to 96 wide).
    assert.deepEqual(size, [2 * 2 + 4 * 96 + 3 * 2, 2 * 2 + 3 * 54 + 2 * 2]);
    assert.equal(await page.locator('.sprite-cell').count(), 12, 'a 4×3 grid');
    const times = await page.$$eval('.sprite-cell[data-time]', (cells) => cells.map((c) => Number(c.dataset.time)));
    assert.equal(times.length, 12, 'every cell of the 12 s video at inter 1000 is captured');
    times.forEach((t, i) => assert.ok(Math.abs(t - i * 1000) < 50, `cell ${i} at ${t} ms`));
    const cell = page.locator('.sprite-cell').nth(5);
    await cell.hover();
    assert.equal(await cell.locator('.stamp').isVisible(), true);
    assert.match(await cell.locator('.stamp').textContent(), /^5(\.0\d*)? s$/, 'the sixth cell is the frame at 5 s');
    await shot(page, '04-sprite-detail.png');
  });

  it('plays an audio-only output and lists HLS segments', async (t) => {
    const audio = `video/concat,f_mp3,acodec_mp3,t_5000|sys/saveas,o_${b64('out/sound.mp3')}`;
    const hls = `video/concat,f_ts,vcodec_h264,acodec_aac,t_9000/segment,f_ts,t_4000|sys/saveas,o_${b64('out/hls/part-{index}.ts')}`;
    const a = (await asyncProcess(emu.url, 'media', 'example.mkv', audio)).TaskId;
    const s = (await asyncProcess(emu.url, 'media', 'example.mkv', hls)).TaskId;
    assert.equal((await waitTask(emu.url, a)).Status, 'Succeeded');
    const seg = await waitTask(emu.url, s);
    assert.equal(seg.Status, 'Succeeded');
    await page.goto(emu.url + CONSOLE + '#/tasks/' + a);
    await page.waitForSelector('#outputs audio');
    await page.waitForFunction(() => document.querySelector('#outputs audio').readyState >= 1, null, {timeout: 30000});
    const d = await page.$eval('#outputs audio', (el) => el.duration);
    assert.ok(Math.abs(d - 5) < 0.2, `audio duration ${d}`);
    await page.goto(emu.url + CONSOLE + '#/tasks/' + s);
    const playlist = page.locator('#outputs section[data-kind="playlist"]');
    await playlist.locator('pre.code').waitFor();
    assert.match(await playlist.locator('pre.code').textContent(), /^#EXTM3U/);
    const segments = seg.Targets.filter((t) => t.URI.endsWith('.ts')).length;
    assert.equal(segments, 3, '9 s in 4 s segments');
    assert.equal(await playlist.locator('li a').count(), segments, 'every segment of the playlist is listed');
    assert.equal(await page.locator('#outputs section[data-kind="video"]').count(), 0, 'segments are listed under their playlist');
    const native = await playlist.locator('video').count();
    t.diagnostic(native ? 'this Chromium plays HLS natively' : 'this Chromium does not play HLS natively');
    if (native) {
      // This Chromium plays HLS itself: the playlist loads as one 9 s video.
      await page.waitForFunction(() => document.querySelector('#outputs section[data-kind="playlist"] video').readyState >= 1, null, {timeout: 30000});
      const hd = await playlist.locator('video').evaluate((v) => v.duration);
      assert.ok(Math.abs(hd - 9) < 0.3, `playlist duration ${hd}`);
    }
    const href = await playlist.locator('li a').first().getAttribute('href');
    const res = await page.request.get(emu.url + href);
    assert.equal(res.status(), 200, 'segment links resolve through the console');
    assert.equal(res.headers()['content-type'], 'video/mp2t');
  });

  it('shows a failed task with its code and message', async () => {
    const bad = `video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_${b64('truncated.mp4')}|sys/saveas,o_${b64('out/never.mp4')}`;
    const id = (await asyncProcess(emu.url, 'media', 'example.mkv', bad)).TaskId;
    const api = await waitTask(emu.url, id);
    assert.equal(api.Status, 'Failed');
    await page.goto(emu.url + CONSOLE + '#/tasks/' + id);
    await page.waitForSelector('#task-error');
    assert.equal(await page.textContent('#task-error strong'), api.Code);
    assert.equal(await page.textContent('#task-error .message'), api.Message);
    assert.equal(api.Code, 'InvalidMedia');
    await shot(page, '05-failed-task.png');
  });

  it('cancels a queued task', async () => {
    const long = `video/concat,f_mp4,vcodec_h264,acodec_aac,s_1920x1080/pre,o_${b64('pre.mov')}|sys/saveas,o_${b64('out/long.mp4')}`;
    const running = (await asyncProcess(emu.url, 'media', 'example.mkv', long)).TaskId;
    const queued = (await asyncProcess(emu.url, 'media', 'example.mkv', long)).TaskId;
    await page.goto(emu.url + CONSOLE + '#/tasks');
    const row = page.locator(`tr[data-task="${queued}"]`);
    await row.waitFor();
    await row.getByRole('button', {name: `Cancel task ${queued}`}).click();
    await page.waitForSelector(`tr[data-task="${queued}"][data-status="Cancelled"]`);
    const t = await taskAPI(emu.url, queued);
    assert.equal(t.Status, 'Failed');
    assert.equal(t.Code, 'TaskCancelled');
    await page.locator(`tr[data-task="${running}"]`).getByRole('button', {name: `Cancel task ${running}`}).click();
    await page.waitForSelector(`tr[data-task="${running}"][data-status="Cancelled"]`, {timeout: 60000});
    const r = await taskAPI(emu.url, running);
    assert.equal(r.Code, 'TaskCancelled');
    assert.equal((await fetch(emu.url + '/media/out/long.mp4')).status, 403, 'anonymous');
    await assert.rejects(oss.head('out/long.mp4'), (e) => e.status === 404, 'a cancelled task publishes nothing');
  });

  it('uploads through the console (multipart) and an SDK reads it back', async () => {
    await page.goto(emu.url + CONSOLE + '#/objects/media/uploads/');
    await page.waitForSelector('#upload-file');
    const big = Buffer.alloc(12 * 1024 * 1024 + 12345);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    const small = Buffer.from('hello from the console\n');
    await page.setInputFiles('#upload-file', [
      {name: 'big.bin', mimeType: 'application/octet-stream', buffer: big},
      {name: 'note.txt', mimeType: 'text/plain', buffer: small},
    ]);
    await page.waitForSelector('li[data-upload="uploads/note.txt"][data-done="true"]', {timeout: 60000});
    await page.waitForSelector('li[data-upload="uploads/big.bin"][data-done="true"]');
    await page.waitForSelector('tr[data-key="uploads/big.bin"]');
    const sha = (b) => createHash('sha256').update(b).digest('hex');
    const back = await oss.get('uploads/big.bin');
    assert.equal(sha(back.content), sha(big));
    const head = await oss.head('uploads/big.bin');
    assert.match(head.res.headers.etag, /-3"$/, 'a three-part multipart upload');
    assert.equal((await oss.get('uploads/note.txt')).content.toString(), small.toString());
    // Delete through the console.
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', {name: 'Delete uploads/note.txt'}).click();
    await page.waitForSelector('tr[data-key="uploads/note.txt"]', {state: 'detached'});
    await assert.rejects(oss.head('uploads/note.txt'), (e) => e.status === 404);
    await shot(page, '06-objects.png');
    // A presigned URL the console hands out works without the cookie.
    await page.getByRole('button', {name: 'Copy a presigned URL of uploads/big.bin'}).click();
    await page.waitForFunction(() => document.querySelector('#presign-url').value.startsWith('http'));
    const url = await page.inputValue('#presign-url');
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(big));
    await page.keyboard.press('Escape');
  });

  it('composes: shows the parser\'s error for a bad style and submits a good one', async () => {
    await page.goto(emu.url + CONSOLE + '#/compose?bucket=media&key=example.mkv');
    await page.check('input[name=action][value="video/sprite"]');
    await page.fill('#c-s-tw', '200');
    await page.waitForSelector('#parse-error');
    const style = await page.inputValue('#process');
    assert.match(style, /^video\/sprite,.*tw_200/);
    // The same string sent by an SDK gets the same message.
    const res = await signedFetch(emu.url, 'POST', 'media', 'example.mkv', {query: 'x-oss-async-process', body: 'x-oss-async-process=' + style});
    const xml = await res.text();
    assert.equal(res.status, 400);
    const apiMessage = /<Message>([^<]*)<\/Message>/.exec(xml)[1];
    assert.equal(await page.textContent('#parse-error .message'), apiMessage);
    assert.equal(await page.textContent('#parse-error .code'), /<Code>([^<]*)<\/Code>/.exec(xml)[1]);
    await shot(page, '07-composer-error.png');
    await page.fill('#c-s-tw', '4');
    await page.fill('#c-saveas-o', 'composed/sheet-{index}.jpg');
    await page.waitForSelector('#parse-ok');
    await page.click('#submit-process');
    await page.waitForURL(/#\/tasks\/MediaConvert-/);
    const id = decodeURIComponent(page.url().split('#/tasks/')[1]);
    await page.waitForSelector('#task-state .badge.Succeeded', {timeout: 120000});
    const t = await taskAPI(emu.url, id);
    assert.equal(t.Status, 'Succeeded');
    assert.equal(t.Targets[0].URI, 'oss://media/composed/sheet-1.jpg');
  });

  it('shows MNS queues, counts and messages', async () => {
    await page.goto(emu.url + CONSOLE + '#/mns');
    const q = page.locator('tr[data-queue="console-q"]');
    await q.waitFor();
    // The concat's notification went to the queue through the topic subscription.
    assert.equal(await q.locator('td').nth(1).textContent(), '1');
    await q.getByRole('button', {name: 'Peek at console-q'}).click();
    await page.waitForSelector('#mns-detail .msg pre');
    assert.match(await page.textContent('#mns-detail .msg pre'), new RegExp(ids.concat));
    assert.ok(await page.locator('tr[data-topic="console-e2e"]').count() >= 1);
    await shot(page, '08-mns.png');
  });

  it('gives an overview (the README screenshot)', async () => {
    const style = `video/concat,f_mp4,vcodec_h264,acodec_aac,s_1920x1080/pre,o_${b64('pre.mov')}|sys/saveas,o_${b64('out/overview.mp4')}`;
    const id = (await asyncProcess(emu.url, 'media', 'example.mkv', style)).TaskId;
    await page.goto(emu.url + CONSOLE + '#/tasks');
    await page.waitForFunction((tid) => Number(document.querySelector(`tr[data-task="${tid}"] progress`)?.value) >= 25, id, {timeout: 120000});
    await page.evaluate(() => document.getElementById('toasts').replaceChildren());
    await page.mouse.move(0, 0);
    await page.screenshot({path: join(outDir, 'console.png')});
    await page.getByRole('button', {name: `Cancel task ${id}`}).click();
    await page.waitForSelector(`tr[data-task="${id}"][data-status="Cancelled"]`, {timeout: 60000});
  });

  it('raised no script errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});

async function waitFor(cond, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
