// Drives npm ali-oss against the auth package's fake OSS server (see
// alioss_test.go). argv: endpoint id secret mode(v1|v4). Prints "OK <n>"
// after n successful calls; any failure exits non-zero with the reason.
'use strict';
const OSS = require('ali-oss');
const http = require('http');

const [endpoint, id, secret, mode] = process.argv.slice(2);
const keys = ['plain.mp4', 'dir/sub/clip 1.mp4', 'a+b=c&d.mp4', '100%real.mov', '视频/第一集.mp4', "sp!*'()~[]@$,;:.ts"];

function client(sk, ep = endpoint) {
  return new OSS({
    region: 'oss-cn-hangzhou', accessKeyId: id, accessKeySecret: sk, bucket: 'media',
    endpoint: ep, authorizationV4: mode === 'v4', retryMax: 0, timeout: 10000,
  });
}

// get fetches a virtual-hosted URL (media.localhost:port) by connecting to
// 127.0.0.1 with the URL's Host, as a browser on a resolving system would.
function get(url) {
  const u = new URL(url);
  const opts = { host: '127.0.0.1', port: u.port, path: u.pathname + u.search, headers: { Host: u.host } };
  return new Promise((resolve, reject) => {
    http.get(opts, res => {
      let body = '';
      res.on('data', d => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

async function main() {
  const c = client(secret);
  let n = 0;
  for (const key of keys) {
    await c.put(key, Buffer.from('hello'), { mime: 'video/mp4', headers: { 'x-oss-meta-author': 'alice', 'Cache-Control': 'no-cache' } });
    const r = await c.get(key, { headers: { Range: 'bytes=0-3' } });
    if (r.content.toString() !== 'hello') throw new Error(`get ${key}: ${r.content}`);
    await c.delete(key);
    n += 3;
  }
  await c.list({ prefix: '视频/', delimiter: '/', 'max-keys': 10 });
  await c.listV2({ prefix: 'dir/', 'continuation-token': 'tok+en/==', 'max-keys': 10 });
  await c.initMultipartUpload('big file.mp4');
  n += 3;
  // ali-oss refuses to presign for an IP endpoint (the URL would not name
  // the bucket), so presign for the virtual-hosted localhost name.
  const p = client(secret, endpoint.replace('127.0.0.1', 'localhost'));
  for (const key of keys) {
    const url = mode === 'v4'
      ? await p.signatureUrlV4('GET', 300, { queries: { 'response-content-type': 'video/mp4' } }, key)
      : p.signatureUrl(key, { expires: 300, response: { 'content-type': 'video/mp4' } });
    const res = await get(url);
    if (res.status !== 200) throw new Error(`presigned ${url}: ${res.status} ${res.body}`);
    n += 1;
  }
  try {
    await client('wrong-secret').put('x.mp4', Buffer.from('x'));
    throw new Error('wrong secret accepted');
  } catch (e) {
    if (e.code !== 'SignatureDoesNotMatch') throw e;
  }
  console.log(`OK ${n}`);
}

main().catch(e => { console.error(e.stack || e); process.exit(1); });
