// The console's data API and the OSS API, from the browser. Reads go to
// the console's JSON API; every change (upload, delete, submit) goes to the
// OSS API itself through a URL the console presigns, so it passes the same
// checks and gets the same errors as an SDK's request.

export const prefix = document.querySelector('meta[name="ossemu-prefix"]').content;

export class APIError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

// api calls the console's data API and returns its JSON.
export async function api(path, opts = {}) {
  const init = {method: opts.method || 'GET', credentials: 'same-origin', headers: {'X-Ossemu-Console': '1'}};
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(prefix + 'api/' + path, init);
  if (res.status === 401) {
    location.href = prefix + 'login?next=' + encodeURIComponent(location.pathname + location.hash);
    throw new APIError(401, 'AccessDenied', 'signed out');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new APIError(res.status, data.Code || 'Error', data.Message || res.statusText);
  return data;
}

export function presign(method, bucket, key, query, contentType, expiresIn) {
  return api('presign', {method: 'POST', body: {
    Method: method, Bucket: bucket, Key: key || '', Query: query || {}, ContentType: contentType || '', ExpiresIn: expiresIn || 0,
  }});
}

// ossErrorOf reads OSS's error XML.
function ossErrorOf(status, text) {
  const doc = new DOMParser().parseFromString(text || '', 'application/xml');
  const pick = (n) => doc.querySelector(n)?.textContent || '';
  return new APIError(status, pick('Code') || 'HTTP ' + status, pick('Message') || text || 'request failed');
}

// oss sends one request to the OSS API through a presigned URL. body may
// be a string or Blob; onProgress(loaded, total) follows uploads.
export async function oss(method, bucket, key, {query, contentType, body, onProgress} = {}) {
  const signed = await presign(method, bucket, key, query, contentType);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, signed.Path);
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new APIError(0, 'NetworkError', 'the request did not reach the emulator'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve({status: xhr.status, text: xhr.responseText, etag: xhr.getResponseHeader('ETag')});
      else reject(ossErrorOf(xhr.status, xhr.responseText));
    };
    xhr.send(body === undefined ? null : body);
  });
}

// submit posts a process string for bucket/key, exactly as the SDKs'
// AsyncProcessObject does, and returns {TaskId, EventId, RequestId}.
export async function submit(bucket, key, process) {
  const res = await oss('POST', bucket, key, {
    query: {'x-oss-async-process': ''}, contentType: 'text/plain', body: 'x-oss-async-process=' + process,
  });
  return JSON.parse(res.text);
}

// Files above multipartThreshold go up as a multipart upload in
// partSize pieces, two at a time.
export const multipartThreshold = 8 << 20;
const partSize = 5 << 20;

export async function upload(bucket, key, file, onProgress) {
  const type = file.type || 'application/octet-stream';
  if (file.size <= multipartThreshold) {
    return oss('PUT', bucket, key, {contentType: type, body: file, onProgress: (l) => onProgress(l, file.size)});
  }
  const init = await oss('POST', bucket, key, {query: {uploads: ''}, contentType: type});
  const uploadId = new DOMParser().parseFromString(init.text, 'application/xml').querySelector('UploadId').textContent;
  const count = Math.ceil(file.size / partSize);
  const loaded = new Array(count).fill(0);
  const etags = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const part = file.slice(i * partSize, Math.min(file.size, (i + 1) * partSize));
      const res = await oss('PUT', bucket, key, {
        query: {partNumber: String(i + 1), uploadId}, contentType: 'application/octet-stream', body: part,
        onProgress: (l) => { loaded[i] = l; onProgress(loaded.reduce((a, b) => a + b, 0), file.size); },
      });
      etags[i] = res.etag;
    }
  };
  try {
    await Promise.all([worker(), worker()]);
  } catch (e) {
    await oss('DELETE', bucket, key, {query: {uploadId}}).catch(() => {});
    throw e;
  }
  const xml = '<CompleteMultipartUpload>' + etags.map((e, i) =>
    `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('') + '</CompleteMultipartUpload>';
  return oss('POST', bucket, key, {query: {uploadId}, contentType: 'application/xml', body: xml});
}
