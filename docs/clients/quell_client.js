// quell_client.js - ask quell serve before a send, from Node 18 or later
// (the built-in fetch; no packages).  docs/http-api.md has every route.
//
//   QUELL=http://127.0.0.1:8025 [QUELL_TOKEN=...] node quell_client.js
//
// The same steps as quell_client.py, printing the same lines.
'use strict';

const BASE = process.env.QUELL || 'http://127.0.0.1:8025';
const TOKEN = process.env.QUELL_TOKEN;

async function call(method, path, body) {
  const headers = {};
  if (TOKEN) headers.Authorization = 'Bearer ' + TOKEN;
  const res = await fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json(); // error answers are JSON too
}

async function maySend(address) {
  const r = await call('GET', '/v1/entries/' + encodeURIComponent(address).replace('%40', '@'));
  return r.verdict === 'allow' || r.verdict === null;
}

async function main() {
  await call('POST', '/v1/entries', { entry: 'left@example.com', reason: 'asked by phone' });
  for (const a of ['left@example.com', 'stays@example.com']) {
    console.log('check', a, (await maySend(a)) ? 'send' : 'skip');
  }
  const out = await call('POST', '/v1/replies',
    { address: 'gone@example.com', reply: '550 5.1.1 user unknown' });
  console.log('record', out.address, out.action, out.rule);
  let cursor = null;
  let n = 0;
  for (;;) {
    const page = await call('GET',
      '/v1/entries?list=suppress&limit=1' + (cursor ? '&cursor=' + cursor : ''));
    for (const e of page.entries) console.log('list', ++n, e.entry, e.source);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  console.log('error', (await call('GET', '/v1/entries/not-an-address')).error.code);
}

main().catch((e) => { console.error(e); process.exit(1); });
