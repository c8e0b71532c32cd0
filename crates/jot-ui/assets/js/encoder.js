// The encoder: header and claims edited as JSON (checked as you type, never
// signed as you type), signed when the button is pressed.
import { api, el, $, keyInput, showResult, showError } from './api.js';
import { setToken } from './decoder.js';
import { showTab } from './main.js';

// The public half of a key generated here, to verify what it signed.
let generatedPublic = null;

export function init() {
  for (const id of ['enc-header', 'enc-payload']) {
    $(id).addEventListener('input', () => parse(id));
    parse(id);
  }
  document.querySelectorAll('[data-time]').forEach((b) => b.addEventListener('click', () => setTime(b.dataset.time, Number(b.dataset.offset))));
  $('enc-generate').addEventListener('click', generate);
  $('sign').addEventListener('click', sign);
  $('enc-copy').addEventListener('click', () => navigator.clipboard?.writeText($('enc-output').value));
  $('enc-send').addEventListener('click', send);
  $('enc-key').addEventListener('input', () => { generatedPublic = null; });
}

// Parses one editor, saying what is wrong (or that it is fine) below it.
function parse(id) {
  const line = $(id + '-check');
  try {
    const v = JSON.parse($(id).value);
    if (id === 'enc-header' && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new Error('the header must be a JSON object');
    if (id === 'enc-header' && typeof v.alg !== 'string') throw new Error('the header needs "alg"');
    line.className = 'check-line ok';
    line.textContent = 'valid JSON';
    return v;
  } catch (e) {
    line.className = 'check-line';
    line.textContent = e.message;
    return undefined;
  }
}

function setTime(claim, offset) {
  const claims = parse('enc-payload');
  if (!claims || typeof claims !== 'object') return;
  claims[claim] = Math.floor(Date.now() / 1000) + offset;
  $('enc-payload').value = JSON.stringify(claims, null, 2);
  parse('enc-payload');
}

async function generate() {
  const header = parse('enc-header');
  const box = $('sign-result');
  if (!header) return;
  try {
    const k = await api('/api/keys/generate', { alg: header.alg });
    $('enc-form').value = 'key';
    $('enc-key').value = JSON.stringify(k.jwk, null, 2);
    generatedPublic = k.public_jwk && k.public_jwk.kty !== 'oct' ? k.public_jwk : k.jwk;
    showResult(box, true, `Generated a ${header.alg} key, kid ${k.thumbprint}`);
  } catch (e) {
    showError(box, e);
  }
}

async function sign() {
  const box = $('sign-result');
  const header = parse('enc-header');
  const payload = parse('enc-payload');
  if (!header || payload === undefined) {
    showResult(box, false, 'Fix the JSON first.');
    return;
  }
  try {
    const r = await api('/api/sign', { header, payload, key: keyInput('enc-form', 'enc-key') });
    $('enc-output').value = r.token;
    showResult(box, true, el('strong', { text: 'Signed' }), ` with ${header.alg}`);
  } catch (e) {
    showError(box, e);
  }
}

// Sends the token to the decoder with the key that verifies it.
function send() {
  const token = $('enc-output').value;
  if (!token) return;
  if (generatedPublic) {
    $('verify-form').value = 'key';
    $('verify-key').value = JSON.stringify(generatedPublic, null, 2);
  } else if ($('enc-form').value !== 'key') {
    $('verify-form').value = $('enc-form').value;
    $('verify-key').value = $('enc-key').value;
  }
  setToken(token);
  showTab('decoder');
}
