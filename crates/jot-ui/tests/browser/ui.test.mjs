// Browser tests of `jot ui`: Debian's Chromium, driven by playwright-core,
// against the real `jot` binary. Tokens and keys are made by the same binary
// (`jot sign`, `jot key generate`, `jot jwe encrypt`) or by hand here when a
// token must be malformed on purpose.
//
//   JOT_BIN      the jot binary (default: <target>/debug/jot)
//   CHROMIUM     the browser (default: /usr/bin/chromium)
//   SCREENSHOTS  where to save the README's screenshots (default: docs/ui)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../../..');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const JOT = process.env.JOT_BIN ?? join(target, 'debug', 'jot');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = resolve(root, process.env.SCREENSHOTS ?? 'docs/ui');
const SECRET = 'a-32-byte-secret-for-hs256-tests!';

const dir = mkdtempSync(join(tmpdir(), 'jot-ui-test-'));
const jot = (...args) => execFileSync(JOT, args, { cwd: dir, encoding: 'utf8' }).trim();
const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

let server, origin, launchUrl, browser, context, page;
const foreign = []; // requests to anything but the page's own origin
const own = [];

// `jot ui` on a free port: the process and a promise of the launch URL it prints.
function startUi(args = [], env = process.env) {
  const s = spawn(JOT, ['ui', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((ok, fail) => {
    let out = '';
    s.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?launch=[\w-]+/.exec(out);
      if (m) ok(m[0]);
    });
    s.on('exit', (c) => fail(new Error('jot ui exited with ' + c)));
  });
  return { s, url };
}

before(async () => {
  let url;
  ({ s: server, url } = startUi());
  launchUrl = await url;
  origin = new URL(launchUrl).origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin) own.push(r.url());
    else if (u.protocol !== 'data:' && u.protocol !== 'about:') foreign.push(r.url());
  });
  page = await context.newPage();
  await page.goto(launchUrl);
  await page.waitForSelector('#lint-rules li', { state: 'attached' });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

// --- helpers ----------------------------------------------------------------

async function decoder() {
  await page.click('#tab-decoder');
}

async function paste(token) {
  await decoder();
  await page.fill('#token', token);
  // The decoder answers as you type; wait until it shows this input.
  await page.waitForFunction((t) => document.querySelector('#token').dataset.rendered === t, token);
}

async function verify(token, form, key, rules = {}) {
  await paste(token);
  await page.selectOption('#verify-form', form);
  await page.fill('#verify-key', key);
  for (const [id, v] of Object.entries(rules)) {
    if (typeof v === 'boolean') await page.setChecked('#rule-' + id, v);
    else await page.fill('#rule-' + id, v);
  }
  await page.evaluate(() => document.querySelector('#verify-result').replaceChildren());
  await page.click('#verify');
  await page.waitForFunction(() => /Signature verified|Rejected|ERR_/.test(document.querySelector('#verify-result').textContent));
  const text = await page.textContent('#verify-result');
  for (const [id, v] of Object.entries(rules)) {
    if (typeof v === 'boolean') await page.setChecked('#rule-' + id, false);
    else await page.fill('#rule-' + id, id === 'leeway' ? '60' : '');
  }
  return text;
}

async function lintIds() {
  return page.$$eval('#lint li[data-rule]', (ls) => ls.map((l) => l.dataset.rule));
}

function hs256(header, claims, secret = SECRET) {
  const input = `${b64u(header)}.${b64u(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const clean = () => ({
  header: { alg: 'HS256', typ: 'JWT', kid: 'k1' },
  claims: { iss: 'https://id.example', aud: 'api', sub: 'u1', iat: now() - 60, nbf: now() - 60, exp: now() + 600 },
});

// --- serving ----------------------------------------------------------------

test('the launch URL swaps its token for an HttpOnly cookie and works once', async () => {
  assert.equal(page.url(), origin + '/', 'the token left the address bar');
  const cookies = await context.cookies(origin);
  const session = cookies.find((c) => c.name === 'jot_ui_session');
  assert.ok(session, 'session cookie set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the page script cannot read it');
  const other = await browser.newContext();
  const res = await (await other.newPage()).goto(launchUrl);
  assert.equal(res.status(), 403, 'a second use of the launch URL is refused');
  const noCookie = await (await other.newPage()).goto(origin + '/');
  assert.equal(noCookie.status(), 401);
  await other.close();
});

// --- decode -----------------------------------------------------------------

test('paste → decode → segments, header, claims and dates', async () => {
  const exp = now() + 300;
  const iat = now() - 3 * 3600;
  const token = jot('sign', '--alg', 'HS256', '--secret', SECRET, '--aud', 'api', '--sub', 'alice', '--exp', String(exp), '--nbf', String(iat));
  await paste(`Bearer "${token}"`);
  assert.equal(await page.$$eval('#token-view [data-segment]', (s) => s.map((x) => x.dataset.segment).join()), 'header,payload,signature');
  assert.match(await page.textContent('#summary'), /UNVERIFIED JWS \(compact\)/);
  assert.match(await page.textContent('#header'), /"alg": "HS256"/);
  assert.ok(await page.getAttribute('#payload [data-member="exp"]', 'title'), 'exp has a note');
  assert.match(await page.textContent('#payload'), /"sub": "alice"/);
  const expRow = await page.textContent('#times tr[data-claim="exp"]');
  assert.match(expRow, /expires in [45] min/);
  assert.ok(expRow.includes(new Date(exp * 1000).toISOString().replace('.000Z', 'Z')), expRow);
  const local = await page.evaluate((t) => new Date(t * 1000).toLocaleString(), exp);
  assert.ok(expRow.includes(local), `local time ${local} in ${expRow}`);
  assert.match(await page.textContent('#times tr[data-claim="nbf"]'), /valid since 3 h ago/);
  const findings = await page.$$eval('#findings li', (l) => l.map((x) => x.dataset.code));
  assert.deepEqual(findings, ['bearer', 'quotes']);
  // Expired tokens say so.
  await paste(jot('sign', '--alg', 'HS256', '--secret', SECRET, '--aud', 'api', '--exp', String(now() - 3 * 3600)));
  assert.match(await page.textContent('#times tr[data-claim="exp"]'), /expired 3 h ago/);
});

test('a malformed token is still shown, with each deviation named', async () => {
  const header = Buffer.from('{"alg":"HS256","alg":"HS256","typ":"JWT"}').toString('base64');
  const payload = Buffer.from(JSON.stringify({ sub: '??>', exp: now() + 60 })).toString('base64');
  await paste(`${header}.${payload}.AAAA`);
  const codes = await page.$$eval('#findings li', (l) => l.map((x) => x.dataset.code));
  for (const c of ['duplicate_member', 'std_alphabet', 'strict']) assert.ok(codes.includes(c), `${c} in ${codes}`);
  assert.match(await page.textContent('#payload'), /"sub": "\?\?>"/);
});

// --- verify -----------------------------------------------------------------

const keys = {};
function makeKeys() {
  if (keys.ec) return keys;
  jot('key', 'generate', '--alg', 'ES256', '--kid', 'ec-1', '--out', 'ec.jwk', '--public-out', 'ec.pub.jwk');
  jot('key', 'generate', '--alg', 'RS256', '--kid', 'rsa-1', '--out', 'rsa.jwk', '--public-out', 'rsa.pub.jwk');
  jot('jwks', 'build', 'rsa.pub.jwk', 'ec.pub.jwk', '--out', 'jwks.json');
  jot('key', 'generate', '--kty', 'OKP', '--crv', 'X25519', '--use', 'enc', '--out', 'enc.jwk', '--public-out', 'enc.pub.jwk');
  keys.ec = readFileSync(join(dir, 'ec.jwk'), 'utf8');
  keys.ecPub = readFileSync(join(dir, 'ec.pub.jwk'), 'utf8');
  keys.ecPem = jot('key', 'convert', 'ec.pub.jwk', '--to', 'pem');
  keys.jwks = readFileSync(join(dir, 'jwks.json'), 'utf8');
  keys.enc = readFileSync(join(dir, 'enc.jwk'), 'utf8');
  return keys;
}

test('verify with a secret, a PEM, a JWK and a JWK Set by kid', async () => {
  const k = makeKeys();
  const hs = jot('sign', '--alg', 'HS256', '--secret', SECRET, '--aud', 'api', '--exp', '1h');
  assert.match(await verify(hs, 'secret', SECRET, { aud: 'api' }), /Signature verified.*HS256/);
  assert.match(await verify(hs, 'secret_b64', Buffer.from(SECRET).toString('base64url'), { aud: 'api' }), /Signature verified/);
  const es = jot('sign', '--key', 'ec.jwk', '--aud', 'api', '--exp', '1h');
  assert.match(await verify(es, 'key', k.ecPem, { aud: 'api' }), /Signature verified.*ES256/);
  assert.match(await verify(es, 'key', k.ecPub, { aud: 'api' }), /Signature verified.*ES256/);
  assert.match(await verify(es, 'key', k.jwks, { aud: 'api' }), /Signature verified.*kid ec-1/);
  const rs = jot('sign', '--key', 'rsa.jwk', '--aud', 'api', '--exp', '1h');
  assert.match(await verify(rs, 'key', k.jwks, { aud: 'api' }), /Signature verified.*RS256.*kid rsa-1/);
  const unknownKid = jot('sign', '--key', 'ec.jwk', '--kid', 'nope', '--aud', 'api', '--exp', '1h');
  assert.match(await verify(unknownKid, 'key', k.jwks, { aud: 'api' }), /Rejected ERR_NO_MATCHING_KEY/);
});

test('a tampered or non-conforming token fails with the right reason', async () => {
  makeKeys();
  const es = jot('sign', '--key', 'ec.jwk', '--aud', 'api', '--sub', 'alice', '--exp', '1h');
  const [h, p, s] = es.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  claims.sub = 'admin';
  const tampered = `${h}.${b64u(claims)}.${s}`;
  const r = await verify(tampered, 'key', keys.ecPub, { aud: 'api' });
  assert.match(r, /Rejected ERR_SIGNATURE_INVALID/);
  assert.match(r, /check: signature/);
  // A token carrying its own key (which would verify it) is checked
  // against the user's key only.
  jot('key', 'generate', '--alg', 'ES256', '--out', 'ec2.jwk', '--public-out', 'ec2.pub.jwk');
  const own = readFileSync(join(dir, 'ec2.pub.jwk'), 'utf8');
  const withJwk = jot('sign', '--key', 'ec2.jwk', '--kid', 'ec-1', '--aud', 'api', '--exp', '1h', '--header', `jwk=${own}`);
  assert.match(await verify(withJwk, 'key', keys.jwks, { aud: 'api' }), /Rejected ERR_SIGNATURE_INVALID/);
  assert.ok((await lintIds()).includes('embedded_key'));
  assert.match(await verify(jot('sign', '--key', 'ec.jwk', '--aud', 'api', '--exp=-2h'), 'key', keys.ecPub, { aud: 'api' }), /ERR_JWT_EXPIRED.*check: exp/);
  assert.match(await verify(es, 'key', keys.ecPub, { aud: 'other' }), /ERR_JWT_AUDIENCE.*check: aud/);
  assert.match(await verify(es, 'key', keys.ecPub, { aud: 'api', iss: 'https://id.example' }), /ERR_JWT_(ISSUER|CLAIM_MISSING)/);
  assert.match(await verify(es, 'key', keys.ecPub, { aud: 'api', algs: 'RS256' }), /ERR_/);
  assert.match(await verify(es, 'secret', SECRET, { aud: 'api' }), /ERR_ALG_NOT_ALLOWED.*check: alg/);
});

// --- decrypt ----------------------------------------------------------------

test('JWE decrypt, nested JWT verified afterwards, PBES2 only when allowed', async () => {
  const k = makeKeys();
  const inner = jot('sign', '--key', 'ec.jwk', '--aud', 'api', '--exp', '1h');
  writeFileSync(join(dir, 'inner.jwt'), inner);
  const nested = jot('jwe', 'encrypt', 'inner.jwt', '--alg', 'ECDH-ES', '--key', 'enc.pub.jwk', '--cty', 'JWT');
  await page.click('#tab-decrypt');
  await page.fill('#jwe-token', nested);
  await page.selectOption('#jwe-form', 'key');
  await page.fill('#jwe-key', k.enc);
  await page.click('#decrypt');
  await page.waitForFunction(() => /Decrypted|ERR_/.test(document.querySelector('#decrypt-result').textContent));
  assert.match(await page.textContent('#decrypt-result'), /Decrypted \(ECDH-ES, A256GCM\): a nested JWT/);
  assert.equal(await page.textContent('#jwe-plaintext'), inner);
  await page.click('#decrypt-inner');
  assert.equal(await page.inputValue('#token'), inner);
  assert.match(await verify(inner, 'key', k.ecPub, { aud: 'api' }), /Signature verified/);

  const pw = jot('jwe', 'encrypt', '--plaintext', 'hello', '--alg', 'PBES2-HS256+A128KW', '--secret', 'correct horse');
  await page.click('#tab-decrypt');
  await page.fill('#jwe-token', pw);
  await page.selectOption('#jwe-form', 'secret');
  await page.fill('#jwe-key', 'correct horse');
  await page.setChecked('#allow-pbes2', false);
  await page.click('#decrypt');
  await page.waitForFunction(() => /ERR_ALG_NOT_ALLOWED/.test(document.querySelector('#decrypt-result').textContent));
  await page.setChecked('#allow-pbes2', true);
  await page.click('#decrypt');
  await page.waitForFunction(() => /Decrypted/.test(document.querySelector('#decrypt-result').textContent));
  assert.equal(await page.textContent('#jwe-plaintext'), 'hello');
  await page.fill('#jwe-key', 'wrong horse');
  await page.click('#decrypt');
  await page.waitForFunction(() => /ERR_DECRYPTION_FAILED/.test(document.querySelector('#decrypt-result').textContent));

  // The JSON serialization decrypts as well (RFC 7516 §7.2.2).
  const flat = jot('jwe', 'encrypt', '--plaintext', 'flat and fine', '--alg', 'ECDH-ES+A256KW', '--key', 'enc.pub.jwk', '--flattened');
  assert.equal(JSON.parse(flat).protected !== undefined, true);
  await page.fill('#jwe-token', flat);
  await page.selectOption('#jwe-form', 'key');
  await page.fill('#jwe-key', k.enc);
  await page.evaluate(() => document.querySelector('#decrypt-result').replaceChildren());
  await page.click('#decrypt');
  await page.waitForFunction(() => /Decrypted|ERR_/.test(document.querySelector('#decrypt-result').textContent));
  assert.match(await page.textContent('#decrypt-result'), /Decrypted \(ECDH-ES\+A256KW, A256GCM\)/);
  assert.equal(await page.textContent('#jwe-plaintext'), 'flat and fine');
});

// --- encoder ----------------------------------------------------------------

test('edit, re-sign with a generated key, send to the decoder, verify', async () => {
  await page.click('#tab-encoder');
  await page.fill('#enc-header', '{"alg": "ES256", "typ": "JWT"}');
  await page.fill('#enc-payload', '{"sub": "edited", "aud": "api"');
  assert.notEqual(await page.textContent('#enc-payload-check'), 'valid JSON', 'bad JSON is reported while typing');
  assert.equal(await page.inputValue('#enc-output'), '', 'nothing is signed by typing');
  await page.fill('#enc-payload', '{"sub": "edited", "aud": "api"}');
  await page.click('[data-time="exp"][data-offset="3600"]');
  await page.click('[data-time="iat"]');
  const claims = JSON.parse(await page.inputValue('#enc-payload'));
  assert.ok(claims.exp - now() > 3500 && claims.exp - now() <= 3600, 'exp +1h');
  await page.click('#enc-generate');
  await page.waitForFunction(() => /Generated/.test(document.querySelector('#sign-result').textContent));
  await page.click('#sign');
  await page.waitForFunction(() => document.querySelector('#enc-output').value.split('.').length === 3);
  const token = await page.inputValue('#enc-output');
  await page.click('#enc-send');
  assert.equal(await page.inputValue('#token'), token);
  await page.fill('#rule-aud', 'api');
  await page.click('#verify');
  await page.waitForFunction(() => /Signature verified|Rejected|ERR_/.test(document.querySelector('#verify-result').textContent));
  assert.match(await page.textContent('#verify-result'), /Signature verified.*ES256/);
  await page.fill('#rule-aud', '');
  // The same round trip with an HMAC secret, and the CLI agrees.
  await page.click('#tab-encoder');
  await page.fill('#enc-header', '{"alg": "HS256", "typ": "JWT"}');
  await page.selectOption('#enc-form', 'secret');
  await page.fill('#enc-key', SECRET);
  await page.click('#sign');
  await page.waitForFunction((t) => document.querySelector('#enc-output').value !== t, token);
  const hs = await page.inputValue('#enc-output');
  assert.match(jot('verify', hs, '--secret', SECRET, '--aud', 'api', '--json'), /"valid":true/);
  assert.match(jot('verify', hs, '--secret', SECRET, '--aud', 'api', '--json'), /"sub":"edited"/);
});

// --- keys -------------------------------------------------------------------

test('keys: generate, thumbprint, convert PEM to JWK, build a JWK Set', async () => {
  const k = makeKeys();
  await page.click('#tab-keys');
  await page.selectOption('#key-alg', 'ES256');
  await page.click('#key-generate');
  await page.waitForFunction(() => /Generated/.test(document.querySelector('#key-result').textContent));
  assert.match(await page.textContent('#key-thumbprint'), /^[\w-]{43}$/);
  assert.match(await page.textContent('#key-public-pem'), /BEGIN PUBLIC KEY/);
  await page.click('#key-add');
  await page.fill('#key-input', k.ecPem);
  await page.click('#key-convert');
  await page.waitForFunction(() => /Converted/.test(document.querySelector('#key-result').textContent));
  const jwk = JSON.parse(await page.textContent('#key-jwk'));
  assert.equal(jwk.x, JSON.parse(k.ecPub).x);
  assert.equal(await page.textContent('#key-thumbprint'), jot('key', 'thumbprint', 'ec.pub.jwk'));
  await page.click('#key-add');
  await page.waitForFunction(() => /2 key/.test(document.querySelector('#key-result').textContent));
  assert.equal(JSON.parse(await page.textContent('#key-jwks')).keys.length, 2);
});

// --- lint -------------------------------------------------------------------

test('every lint rule fires on a token made to trigger it, none on a clean one', async () => {
  const c = clean();
  await paste(hs256(c.header, c.claims));
  assert.deepEqual(await lintIds(), [], 'clean token: no findings');
  assert.match(await page.textContent('#lint'), /No findings/);

  const cases = {
    alg_none: [{ ...c.header, alg: 'nOnE' }, c.claims, ''],
    embedded_key: [{ ...c.header, jku: 'https://evil.example/jwks' }, c.claims],
    kid_injection: [{ ...c.header, kid: '../../../dev/null' }, c.claims],
    crit_unknown: [{ ...c.header, crit: ['exp'] }, c.claims],
    typ_missing: [{ alg: 'HS256', kid: 'k1' }, c.claims],
    exp_missing: [c.header, { ...c.claims, exp: undefined }],
    exp_past: [c.header, { ...c.claims, exp: now() - 100 }],
    lifetime_long: [c.header, { ...c.claims, exp: now() + 90 * 86400 }],
    nbf_future: [c.header, { ...c.claims, nbf: now() + 3600 }],
    iat_future: [c.header, { ...c.claims, iat: now() + 3600 }],
    time_millis: [c.header, { ...c.claims, exp: (now() + 600) * 1000 }],
    time_string: [c.header, { ...c.claims, exp: String(now() + 600) }],
    iss_missing: [c.header, { ...c.claims, iss: undefined }],
    aud_missing: [c.header, { ...c.claims, aud: undefined }],
    personal_data: [c.header, { ...c.claims, email: 'alice@example.com' }],
    signature_empty: [c.header, c.claims, ''],
    signature_zero: [{ ...c.header, alg: 'ES256' }, c.claims, 'A'.repeat(86)],
  };
  for (const [rule, [h, cl, sig]] of Object.entries(cases)) {
    const t = sig === undefined ? hs256(h, cl) : `${b64u(h)}.${b64u(cl)}.${sig}`;
    await paste(t);
    const ids = await lintIds();
    assert.ok(ids.includes(rule), `${rule} fires (got ${ids})`);
  }
  // A token signed with a well-known secret is found without any key.
  await paste(hs256(c.header, c.claims, 'secret'));
  await page.waitForSelector('#lint li[data-rule="hmac_common_secret"]');
  // A short secret is flagged when it is used to verify.
  const short = hs256(c.header, c.claims, 'tooshort');
  const r = await verify(short, 'secret', 'tooshort', { aud: 'api', 'short-secret': true });
  assert.match(r, /Signature verified/);
  assert.ok((await lintIds()).includes('hmac_short_secret'));
});

// --- keyboard, zoom, layout ---------------------------------------------------

test('keyboard only: arrow keys switch tabs, Tab reaches Verify, Enter runs it', async () => {
  const k = makeKeys();
  const es = jot('sign', '--key', 'ec.jwk', '--aud', 'api', '--exp', '1h');
  await paste(es);
  await page.selectOption('#verify-form', 'key');
  await page.fill('#verify-key', k.ecPub);
  await page.fill('#rule-aud', 'api');
  await page.evaluate(() => document.querySelector('#verify-result').replaceChildren());
  await page.focus('#verify-key');
  for (let steps = 0; (await page.evaluate(() => document.activeElement.id)) !== 'verify'; steps++) {
    assert.ok(steps < 20, 'Verify is reachable by Tab from the key field');
    await page.keyboard.press('Tab');
  }
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none', 'keyboard focus is visible');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Signature verified|Rejected|ERR_/.test(document.querySelector('#verify-result').textContent));
  assert.match(await page.textContent('#verify-result'), /Signature verified/);
  await page.fill('#rule-aud', '');

  await page.focus('#tab-decoder');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-decrypt');
  assert.equal(await page.isVisible('#view-decrypt'), true);
  assert.equal(await page.isVisible('#view-decoder'), false);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-keys', 'the arrows wrap around');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.isVisible('#view-decoder'), true);
});

test('readable at 200 % zoom: no horizontal scrolling, every control within the width', async () => {
  // 200 % zoom of a 1280 × 1000 window: a 640 × 500 CSS-pixel viewport at
  // two device pixels per CSS pixel.
  const zoomed = await browser.newContext({ viewport: { width: 640, height: 500 }, deviceScaleFactor: 2 });
  await zoomed.addCookies(await context.cookies(origin));
  const p = await zoomed.newPage();
  await p.goto(origin + '/');
  await p.waitForSelector('#lint-rules li', { state: 'attached' });
  makeKeys();
  const long = jot('sign', '--key', 'rsa.jwk', '--aud', 'api', '--exp', '1h', '-c', 'note=' + 'x'.repeat(400));
  await p.fill('#token', long);
  await p.waitForFunction((t) => document.querySelector('#token').dataset.rendered === t, long);
  for (const tab of ['decoder', 'decrypt', 'encoder', 'keys']) {
    await p.click('#tab-' + tab);
    const over = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `${tab}: ${over} px of horizontal scrolling at 200 %`);
    const outside = await p.$$eval(`#view-${tab} :is(button, input, select, textarea)`, (els) => els
      .filter((e) => e.offsetParent !== null)
      .filter((e) => { const r = e.getBoundingClientRect(); return r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5; })
      .map((e) => e.id || e.outerHTML.slice(0, 60)));
    assert.deepEqual(outside, [], `${tab}: controls cut off at 200 %`);
  }
  // The check can fail: a fixed-width element does overflow.
  await p.evaluate(() => { const d = document.createElement('div'); d.style.width = '900px'; d.style.height = '1em'; d.id = 'probe'; document.body.append(d); });
  const probe = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, document.querySelector('#probe').getBoundingClientRect().width]);
  assert.ok(probe[0] > probe[1], 'overflow probe: ' + probe.join());
  await zoomed.close();
});

test('no layout jump while typing: the field typed into stays put', async () => {
  const token = jot('sign', '--alg', 'HS256', '--secret', SECRET, '--aud', 'api', '--exp', '1h');
  await decoder();
  await page.fill('#token', '');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => {
    const t = document.querySelector('#token');
    window.jotSamples = new Set();
    window.jotSampler = setInterval(() => {
      const r = t.getBoundingClientRect();
      window.jotSamples.add([r.x, r.y, r.width, r.height, window.scrollY].join());
    }, 5);
  });
  await page.focus('#token');
  await page.keyboard.type(token, { delay: 2 });
  await page.waitForFunction((t) => document.querySelector('#token').dataset.rendered === t, token);
  await page.waitForTimeout(50);
  const samples = await page.evaluate(() => { clearInterval(window.jotSampler); return [...window.jotSamples]; });
  assert.equal(samples.length, 1, `the token field moved or resized while typing: ${samples.join(' | ')}`);
});

test('jot ui --open hands the one-time URL to the desktop opener, plain jot ui does not', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'jot-ui-open-'));
  const record = join(bin, 'opened.txt');
  // The opener `jot ui --open` runs on Linux; this one only records its argument.
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`, { mode: 0o755 });
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const start = (args) => startUi(args, env);
  const plain = start([]);
  let opened;
  try {
    await plain.url;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(record), false, 'without --open nothing is opened');
    opened = start(['--open']);
    const printed = await opened.url;
    for (let i = 0; i < 100 && !existsSync(record); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(readFileSync(record, 'utf8'), printed, 'the opener got the URL the terminal shows');
    // The URL it got is the working one-time URL, in a real browser.
    const ctx = await browser.newContext();
    const res = await (await ctx.newPage()).goto(printed);
    assert.equal(res.status(), 200);
    const again = await (await ctx.newPage()).goto(printed);
    assert.equal(again.status(), 403, 'the launch token works once');
    await ctx.close();
  } finally {
    plain.s.kill('SIGINT');
    opened?.s.kill('SIGINT');
    rmSync(bin, { recursive: true, force: true });
  }
});

// --- screenshots and the network ----------------------------------------------

test('screenshots of the decoder, verifier and lint panel, light and dark', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const k = makeKeys();
  const token = jot('sign', '--key', 'ec.jwk', '--iss', 'https://id.example', '--aud', 'api', '--sub', 'alice', '--exp', '1h', '-c', 'email=alice@example.com');
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => { localStorage.removeItem('jot-theme'); delete document.documentElement.dataset.theme; });
    await verify(token, 'key', k.ecPub, { aud: 'api' });
    await page.fill('#rule-aud', 'api');
    await page.locator('#view-decoder > .grid').first().screenshot({ path: join(SHOTS, `decoder-${scheme}.png`) });
    await page.locator('#verifier').screenshot({ path: join(SHOTS, `verifier-${scheme}.png`) });
    await page.locator('#lint-panel').screenshot({ path: join(SHOTS, `lint-${scheme}.png`) });
  }
  await page.fill('#rule-aud', '');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(20, 22, 28)', 'dark theme applied');
});

test('the page never requests anything but its own origin', async () => {
  assert.ok(own.length > 20, `own-origin requests were seen (${own.length})`);
  assert.deepEqual(foreign, []);
  // The check itself works: a request to another origin is recorded.
  const probe = await browser.newContext();
  const seen = [];
  probe.on('request', (r) => { if (new URL(r.url()).origin !== origin) seen.push(r.url()); });
  const p = await probe.newPage();
  await p.setContent('<img src="http://192.0.2.1/x.png">').catch(() => {});
  await p.waitForTimeout(200);
  assert.ok(seen.some((u) => u.startsWith('http://192.0.2.1/')));
  await probe.close();
});
