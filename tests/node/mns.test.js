// An MNS consumer written with the Node MNS SDK (@alicloud/mns) against a
// real ossemu process and its built-in MNS service: a queue subscribed to a
// topic receives the notification of a real media task; the consumer
// decodes it, checks TaskId and status, and deletes it; a message not
// deleted comes back after its visibility timeout.
//
// Run: node --test tests/node/mns.test.js (scripts/test.sh does, after
// `npm ci`). The emulator is $OSSEMU_BIN or ./cmd/emulator built with go.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const REPO = path.resolve(__dirname, '..', '..');
const AK = 'node-access-key';
const SK = 'node-secret-key';
const REGION = 'cn-hangzhou';
const TOPIC = 'node-mns-done';
const QUEUE = 'node-tasks';

// Under CI=true a missing client is a failure, not a reason to test less.
function load(name) {
  try {
    return require(name);
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return null;
  }
}
const MNS = load('@alicloud/mns');
const OSS = load('ali-oss');
const skip = MNS && OSS ? false : 'npm packages missing: run `npm ci` in tests/node';

const b64 = (s) => Buffer.from(s).toString('base64url');

let emu;

// startEmulator runs the emulator on free loopback ports and resolves with
// its OSS and MNS URLs, read from the lines it prints.
async function startEmulator() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossemu-node-'));
  let bin = process.env.OSSEMU_BIN;
  if (!bin) {
    bin = path.join(dir, 'emulator');
    execFileSync('go', ['build', '-o', bin, './cmd/emulator'], { cwd: REPO, stdio: 'inherit' });
  }
  const log = fs.openSync(path.join(dir, 'emulator.log'), 'w');
  const proc = spawn(bin, ['--addr', '127.0.0.1:0', '--mns-addr', '127.0.0.1:0',
    '--data-dir', path.join(dir, 'data'), '--buckets', 'node-mns',
    '--access-key-id', AK, '--access-key-secret', SK, '--region', REGION],
  { stdio: ['ignore', 'pipe', log] });
  const urls = await new Promise((resolve, reject) => {
    const found = {};
    const timer = setTimeout(() => reject(new Error('emulator did not start in 60 s')), 60000);
    proc.on('exit', (code) => reject(new Error('emulator exited with ' + code)));
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      const m = /^ossemu (MNS )?listening on (\S+)$/.exec(line);
      if (m) found[m[1] ? 'mns' : 'oss'] = m[2];
      if (found.oss && found.mns) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return { proc, dir, ...urls };
}

before(async () => {
  if (!skip) emu = await startEmulator();
});

after(() => {
  if (!emu) return;
  emu.proc.kill('SIGKILL');
  fs.rmSync(emu.dir, { recursive: true, force: true });
});

// submitTask runs a real sprite task that notifies TOPIC. ali-oss has no
// call for x-oss-async-process (the seeds name only Java, Python and Go), so
// it is sent through ali-oss's own signed request, as its processObjectSave
// sends x-oss-process.
async function submitTask() {
  const oss = new OSS({ endpoint: emu.oss, region: 'oss-' + REGION, accessKeyId: AK, accessKeySecret: SK,
    bucket: 'node-mns', secure: false, retryMax: 0 });
  await oss.put('clip.mp4', path.join(REPO, 'testdata', 'videos', 'vfr.mp4'));
  const params = oss._objectRequestParams('POST', 'clip.mp4', { subres: 'x-oss-async-process' });
  params.content = 'x-oss-async-process=video/sprite,f_jpg,sw_64,sh_36,inter_1000,tw_2,th_2' +
    `|sys/saveas,o_${b64('sprites/clip-{index}.{autoext}')}/notify,topic_${b64(TOPIC)}`;
  params.successStatuses = [200];
  const res = await oss.request(params);
  return JSON.parse(res.data.toString());
}

function checkEvent(body, submitted) {
  const event = JSON.parse(body);
  assert.equal(event.id, submitted.EventId);
  assert.equal(event.type, 'imm:Task:MediaConvert');
  const content = JSON.parse(event.content); // a JSON document inside a string
  assert.equal(content.TaskId, submitted.TaskId);
  assert.equal(content.Status, 'Succeeded');
  assert.equal(content.Code, '');
  assert.deepEqual(content.Sources, [{ URI: 'oss://node-mns/clip.mp4' }]);
  assert.equal(content.Targets[0].URI, 'oss://node-mns/sprites/clip-1.jpg');
}

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, 'MNS' + code + 'Error', e.message);
    return true;
  });
}

test('receives a task notification from a queue subscribed to the topic', { skip }, async () => {
  const client = new MNS(AK, { endpoint: emu.mns, accessKeyId: AK, accessKeySecret: SK, region: REGION });
  await client.createQueue(QUEUE, { VisibilityTimeout: 3 });
  await client.createTopic(TOPIC);
  // The SDK's subscribe() is an empty stub (it sends nothing and returns
  // undefined), so the Subscribe call goes through the SDK's own signed put.
  assert.equal(client.subscribe(TOPIC, 'to-' + QUEUE, {}), undefined);
  const sub = await client.put(`/topics/${TOPIC}/subscriptions/to-${QUEUE}`, 'Subscription', Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?><Subscription xmlns="http://mns.aliyuncs.com/doc/v1/">' +
    `<Endpoint>acs:mns:${REGION}:1000000000000001:queues/${QUEUE}</Endpoint>` +
    '<NotifyContentFormat>SIMPLIFIED</NotifyContentFormat></Subscription>'));
  assert.equal(sub.code, 201);

  const submitted = await submitTask();
  assert.match(submitted.TaskId, /^MediaConvert-/);
  assert.ok(submitted.EventId);

  const first = await client.receiveMessage(QUEUE, 30);
  assert.equal(first.code, 200);
  checkEvent(first.body.MessageBody, submitted);
  assert.equal(first.body.DequeueCount, '1');

  // Not deleted: back after the 3 s visibility timeout with a new handle.
  const again = await client.receiveMessage(QUEUE, 30);
  assert.equal(again.body.MessageId, first.body.MessageId);
  assert.equal(again.body.DequeueCount, '2');
  assert.notEqual(again.body.ReceiptHandle, first.body.ReceiptHandle);
  checkEvent(again.body.MessageBody, submitted);
  await rejectsWith(client.deleteMessage(QUEUE, first.body.ReceiptHandle), 'MessageNotExist');

  // changeMessageVisibility sends receiptHandle/visibilityTimeout in lower
  // camel case; the new handle it returns deletes the message.
  const changed = await client.changeMessageVisibility(QUEUE, again.body.ReceiptHandle, 30);
  assert.equal(changed.code, 200);
  assert.notEqual(changed.body.ReceiptHandle, again.body.ReceiptHandle);
  assert.ok(Number(changed.body.NextVisibleTime) > Date.now() + 20000);
  const del = await client.deleteMessage(QUEUE, changed.body.ReceiptHandle);
  assert.equal(del.code, 204);
  await rejectsWith(client.receiveMessage(QUEUE, 1), 'MessageNotExist');
});

test('a wrong secret is refused', { skip }, async () => {
  const client = new MNS(AK, { endpoint: emu.mns, accessKeyId: AK, accessKeySecret: 'wrong-secret', region: REGION });
  await rejectsWith(client.getQueueAttributes(QUEUE), 'SignatureDoesNotMatch');
});
