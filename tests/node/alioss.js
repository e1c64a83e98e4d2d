// Drives ossemu with the npm ali-oss client and prints what it observed as
// one JSON object; server/node_test.go runs it and asserts the results.
// Environment: OSSEMU_ENDPOINT (http://127.0.0.1:port), OSSEMU_ACCESS_KEY_ID,
// OSSEMU_ACCESS_KEY_SECRET, OSSEMU_REGION, OSSEMU_BUCKET, AUTH_V4 ("1" for
// authorizationV4).
'use strict';
const OSS = require('ali-oss');

function client(secret) {
  return new OSS({
    endpoint: process.env.OSSEMU_ENDPOINT,
    region: 'oss-' + process.env.OSSEMU_REGION,
    accessKeyId: process.env.OSSEMU_ACCESS_KEY_ID,
    accessKeySecret: secret,
    bucket: process.env.OSSEMU_BUCKET,
    authorizationV4: process.env.AUTH_V4 === '1',
    secure: false,
    retryMax: 0,
    timeout: 20000,
  });
}

async function errorOf(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { name: e.name, code: e.code, status: e.status, requestId: e.requestId };
  }
}

async function main() {
  const c = client(process.env.OSSEMU_ACCESS_KEY_SECRET);
  const out = {};
  const keys = ['hello.txt', 'dir/a b+c.txt', '中文/视频.mp4'];
  for (const k of keys) {
    const r = await c.put(k, Buffer.from('node body of ' + k), { headers: { 'Content-Type': 'text/plain' }, meta: { owner: 'carol' } });
    out['put:' + k] = { status: r.res.status, etag: r.res.headers.etag };
  }
  out.get = {};
  for (const k of keys) {
    const r = await c.get(k);
    out.get[k] = r.content.toString();
  }
  const head = await c.head('dir/a b+c.txt');
  out.headMeta = head.meta;
  const list = await c.list({ delimiter: '/', 'max-keys': 100 });
  out.listKeys = (list.objects || []).map(o => o.name);
  out.listPrefixes = list.prefixes || [];
  const v2 = await c.listV2({ prefix: 'dir/', 'max-keys': 100 });
  out.listV2Keys = (v2.objects || []).map(o => o.name);
  await c.copy('copies/a b+c.txt', 'dir/a b+c.txt');
  out.copied = (await c.get('copies/a b+c.txt')).content.toString();
  await c.delete('copies/a b+c.txt');
  await c.delete('hello.txt');
  out.afterDelete = await errorOf(c.get('hello.txt'));
  const multi = await c.deleteMulti(['dir/a b+c.txt', 'never-there'], { quiet: false });
  out.deleteMulti = (multi.deleted || []).map(d => d.Key || d).sort();
  const rest = await c.list({ 'max-keys': 100 });
  out.remaining = (rest.objects || []).map(o => o.name);
  // multipartUpload: 1 MiB in 200 KiB parts (ali-oss's minimum is 100 KiB).
  const big = Buffer.alloc(1 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
  const mp = await c.multipartUpload('big/file.bin', big, { partSize: 200 * 1024, parallel: 2 });
  const back = await c.get('big/file.bin');
  out.multipart = { status: mp.res.status, equal: Buffer.compare(back.content, big) === 0, etag: mp.etag || back.res.headers.etag };
  await c.delete('big/file.bin');
  out.wrongSecret = await errorOf(client('wrong-secret').get('中文/视频.mp4'));
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e) + '\n' + JSON.stringify(e) + '\n');
  process.exit(1);
});
