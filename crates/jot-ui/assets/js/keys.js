// The keys tab: generate, convert PEM <-> JWK, thumbprint, JWK Set.
import { api, $, showResult, showError } from './api.js';

const ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA', 'Ed25519', 'Ed448',
  'RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW', 'A128KW', 'A192KW', 'A256KW',
  'A128GCMKW', 'A256GCMKW', 'dir'];

const set = [];
let current = null;

export function init() {
  const sel = $('key-alg');
  for (const a of ALGS) sel.append(new Option(a, a));
  $('key-generate').addEventListener('click', generate);
  $('key-convert').addEventListener('click', convert);
  $('key-add').addEventListener('click', add);
  $('key-clear-set').addEventListener('click', () => { set.length = 0; $('key-jwks').textContent = ''; });
}

function show(k) {
  current = k;
  $('key-thumbprint').textContent = k.thumbprint;
  $('key-jwk').textContent = JSON.stringify(k.jwk, null, 2);
  $('key-public-jwk').textContent = k.public_jwk ? JSON.stringify(k.public_jwk, null, 2) : '(a secret has no public half)';
  $('key-pem').textContent = k.pem ?? '(no PEM form for this key)';
  $('key-public-pem').textContent = k.public_pem ?? '';
}

async function generate() {
  const box = $('key-result');
  box.replaceChildren('generating…');
  try {
    const k = await api('/api/keys/generate', { alg: $('key-alg').value });
    show(k);
    showResult(box, true, `Generated a key for ${$('key-alg').value}`);
  } catch (e) {
    showError(box, e);
  }
}

async function convert() {
  const box = $('key-result');
  try {
    show(await api('/api/keys/inspect', { key: { form: 'key', value: $('key-input').value } }));
    showResult(box, true, 'Converted');
  } catch (e) {
    showError(box, e);
  }
}

async function add() {
  const box = $('key-result');
  if (!current?.public_jwk) {
    showResult(box, false, 'Generate or convert an asymmetric key first: a JWK Set publishes public keys.');
    return;
  }
  set.push(JSON.stringify(current.public_jwk));
  try {
    const jwks = await api('/api/keys/jwks', { keys: set.map((value) => ({ form: 'key', value })) });
    $('key-jwks').textContent = JSON.stringify(jwks, null, 2);
    showResult(box, true, `The set has ${set.length} key(s)`);
  } catch (e) {
    set.pop();
    showError(box, e);
  }
}
