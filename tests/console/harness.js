// Test harness: a real emulator process, a push receiver, signed OSS
// requests and headless Chromium.
import {spawn} from 'node:child_process';
import {createHmac} from 'node:crypto';
import {createServer} from 'node:http';
import {mkdtempSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createInterface} from 'node:readline';
import OSS from 'ali-oss';
import {chromium} from 'playwright-core';

export const AK = 'console-e2e-key';
export const SK = 'console-e2e-secret';
export const REGION = 'cn-hangzhou';
export const here = dirname(fileURLToPath(import.meta.url));
export const videos = join(here, '..', '..', 'testdata', 'videos');
// Screenshots go here (OSSEMU_CONSOLE_OUT, default tests/console/out).
export const outDir = process.env.OSSEMU_CONSOLE_OUT || join(here, 'out');
mkdirSync(outDir, {recursive: true});

// receiver is an HTTP endpoint for task notifications; it answers 503 to
// the first push and 204 after, so a delivery shows two attempts.
export function receiver() {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(n === 1 ? 503 : 204);
      res.end(n === 1 ? 'busy, try again' : '');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close(), count: () => n,
  })));
}

// startEmulator runs the emulator binary (OSSEMU_BIN) on a free port with
// a fresh data directory and waits for its "listening" line.
export async function startEmulator(extra = []) {
  const bin = process.env.OSSEMU_BIN;
  if (!bin) throw new Error('OSSEMU_BIN must name the emulator binary (scripts/test.sh builds it)');
  const dir = mkdtempSync(join(tmpdir(), 'ossemu-console-'));
  const args = ['--addr', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--buckets', 'media,outputs',
    '--access-key-id', AK, '--access-key-secret', SK, '--region', REGION, '--log-level', 'warn', ...extra];
  const child = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']});
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-20000); });
  const lines = createInterface({input: child.stdout});
  const wantMNS = extra.includes('--mns-addr');
  let mnsURL = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator did not start:\n' + log)), 60000);
    let oss = '';
    lines.on('line', (line) => {
      const m = /^ossemu listening on (http:\/\/\S+)/.exec(line);
      const n = /^ossemu MNS listening on (http:\/\/\S+)/.exec(line);
      if (m) oss = m[1];
      if (n) mnsURL = n[1];
      if (oss && (mnsURL || !wantMNS)) { clearTimeout(timer); resolve(oss); }
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}:\n${log}`)));
  });
  return {
    url, mnsURL, dir, log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.exitCode !== null ? r() : child.on('exit', r));
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

export function ossClient(url, bucket) {
  return new OSS({endpoint: url, region: 'oss-' + REGION, accessKeyId: AK, accessKeySecret: SK, bucket, secure: false, retryMax: 0, timeout: 60000});
}

export const b64 = (s) => Buffer.from(s).toString('base64url');

// signedFetch sends an OSS request with a V1 Authorization header, as the
// SDKs sign it (VERB, Content-MD5, Content-Type, Date, resource).
export function signedFetch(base, method, bucket, key, {query = '', body, contentType = ''} = {}) {
  const date = new Date().toUTCString();
  const resource = `/${bucket}/${key}` + (query ? '?' + query : '');
  const sig = createHmac('sha1', SK).update(`${method}\n\n${contentType}\n${date}\n${resource}`).digest('base64');
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}` + (query ? '?' + query : '');
  const headers = {Date: date, Authorization: `OSS ${AK}:${sig}`};
  if (contentType) headers['Content-Type'] = contentType;
  return fetch(base + path, {method, headers, body: body === undefined ? undefined : Buffer.from(body)});
}

// asyncProcess is the SDKs' AsyncProcessObject: POST ?x-oss-async-process.
export async function asyncProcess(base, bucket, key, process) {
  const res = await signedFetch(base, 'POST', bucket, key, {query: 'x-oss-async-process', body: 'x-oss-async-process=' + process});
  const text = await res.text();
  if (!res.ok) {
    const pick = (n) => (new RegExp(`<${n}>([^<]*)</${n}>`).exec(text) || [])[1];
    const err = new Error(`${res.status} ${pick('Code')}: ${pick('Message')}`);
    Object.assign(err, {status: res.status, code: pick('Code'), ossMessage: pick('Message')});
    throw err;
  }
  return JSON.parse(text);
}

// taskAPI reads GET /_ossemu/tasks/<id> with HTTP Basic.
export async function taskAPI(base, id) {
  const res = await fetch(`${base}/_ossemu/tasks/${id}`, {headers: {Authorization: 'Basic ' + Buffer.from(`${AK}:${SK}`).toString('base64')}});
  return res.json();
}

export async function waitTask(base, id, timeoutMs = 180000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const t = await taskAPI(base, id);
    if (t.Status === 'Succeeded' || t.Status === 'Failed') return t;
    if (Date.now() > end) throw new Error(`task ${id} still ${t.Status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function putVideos(url) {
  const c = ossClient(url, 'media');
  for (const name of ['example.mkv', 'pre.mov', 'truncated.mp4']) {
    await c.put(name, readFileSync(join(videos, name)));
  }
  return c;
}

export const launchFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export function launchBrowser() {
  return chromium.launch({executablePath: process.env.OSSEMU_CHROMIUM || '/usr/bin/chromium', args: launchFlags});
}

// mns sends a signed request to the built-in MNS service (MNS signature:
// VERB, Content-MD5, Content-Type, Date, x-mns-* headers, resource).
export async function mns(base, method, resource, body = '') {
  const date = new Date().toUTCString();
  const type = 'text/xml;charset=utf-8';
  const sig = createHmac('sha1', SK).update(`${method}\n\n${type}\n${date}\nx-mns-version:2015-06-06\n${resource}`).digest('base64');
  const res = await fetch(base + resource, {method, body: body ? Buffer.from(body) : undefined, headers: {
    Date: date, 'Content-Type': type, 'x-mns-version': '2015-06-06', Authorization: `MNS ${AK}:${sig}`,
  }});
  if (res.status >= 300) throw new Error(`MNS ${method} ${resource}: ${res.status} ${await res.text()}`);
}

// mnsQueueFor creates queue and topic on the built-in MNS service (emuMNS,
// the "ossemu MNS listening on" address) and subscribes the queue to the topic.
export async function mnsQueueFor(emuMNS, topic, queue) {
  await mns(emuMNS, 'PUT', `/queues/${queue}`);
  await mns(emuMNS, 'PUT', `/topics/${topic}`);
  await mns(emuMNS, 'PUT', `/topics/${topic}/subscriptions/to-${queue}`,
    '<?xml version="1.0" encoding="UTF-8"?><Subscription xmlns="http://mns.aliyuncs.com/doc/v1/">' +
    `<Endpoint>acs:mns:${REGION}:0:queues/${queue}</Endpoint><NotifyContentFormat>SIMPLIFIED</NotifyContentFormat></Subscription>`);
}
