// The decoder: decodes as you type (nothing is verified here), colours the
// segments, pretty-prints header and payload with a note on every
// registered member, and shows the time claims as dates.
import { api, el, $, debounce } from './api.js';
import { CLAIMS, HEADER, UNTRUSTED } from './notes.js';
import { showLint } from './lint.js';

const TIME_CLAIMS = ['exp', 'nbf', 'iat', 'auth_time'];
let lastToken = null;

export function init() {
  const run = debounce(decode, 120);
  $('token').addEventListener('input', run);
  $('lint-lifetime').addEventListener('change', () => {
    lastToken = null;
    decode();
  });
}

// Puts a token into the decoder (from the encoder or the decrypt view).
export function setToken(token) {
  $('token').value = token;
  decode();
}

export function maxLifetime() {
  const h = Number($('lint-lifetime').value);
  return Number.isFinite(h) && h > 0 ? Math.round(h * 3600) : undefined;
}

async function decode() {
  const token = $('token').value;
  if (token === lastToken) return;
  lastToken = token;
  try {
    const d = token.trim() ? await api('/api/decode', { token, max_lifetime: maxLifetime() }) : null;
    if ($('token').value !== token) return;
    render(d);
  } catch (e) {
    $('summary').textContent = e.message;
  }
  // Which input the view shows (the tests wait on it).
  $('token').dataset.rendered = token;
}

function render(d) {
  $('token-view').replaceChildren(...(d ? segments(d) : []));
  $('summary').replaceChildren(...(d ? summary(d) : []));
  $('findings').replaceChildren(
    ...(d ? d.findings.map((f) => el('li', { 'data-code': f.code, text: f.message })) : []),
  );
  if (d?.strict) {
    $('findings').append(el('li', { 'data-code': 'strict', text: `jot verify would refuse it: ${d.strict.code} — ${d.strict.message}` }));
  }
  showJson($('header'), d?.header ?? null, HEADER);
  if (d?.payload_encoding === 'json' && d.payload && typeof d.payload === 'object') {
    showJson($('payload'), d.payload, CLAIMS);
  } else {
    const text = { encrypted: '(encrypted: use the Decrypt view)', detached: '(detached payload)', none: '' }[d?.payload_encoding ?? 'none'];
    $('payload').replaceChildren(text ?? String(d.payload));
  }
  times(d?.payload_encoding === 'json' ? d.payload : null);
  showLint(d?.lint ?? []);
}

function segments(d) {
  if (!d.segments.length) return [el('span', { text: d.token })];
  const out = [];
  d.segments.forEach((s, i) => {
    if (i) out.push(el('span', { class: 'dot', text: '.' }));
    out.push(el('span', { class: 'seg-' + s.name, title: s.name.replace('_', ' '), 'data-segment': s.name, text: s.text }));
  });
  return out;
}

function summary(d) {
  const parts = [el('span', { class: 'unverified', text: 'UNVERIFIED' }), ` ${d.kind} (${d.serialization})`];
  if (d.signature_len !== null && d.signature_len !== undefined) parts.push(` · signature ${d.signature_len} bytes`);
  return parts;
}

// JSON with one line per top-level member, a hover and a side note on the
// registered ones, and a warning on keys the token names for itself.
function showJson(box, value, notes) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    box.replaceChildren(value === null ? '' : JSON.stringify(value, null, 2));
    return;
  }
  const lines = ['{\n'];
  const entries = Object.entries(value);
  entries.forEach(([k, v], i) => {
    const note = notes[k];
    lines.push('  ', el('span', { class: 'k', title: note, 'data-member': k, text: JSON.stringify(k) }), ': ');
    lines.push(JSON.stringify(v, null, 2).replace(/\n/g, '\n  '));
    if (i < entries.length - 1) lines.push(',');
    if (UNTRUSTED.has(k) && notes === HEADER) lines.push(el('span', { class: 'flag', text: '  ⚠ carried by the token: shown, never used' }));
    else if (note) lines.push(el('span', { class: 'note', text: '  // ' + note.split(':')[0].split(' (')[0] }));
    lines.push('\n');
  });
  lines.push('}');
  box.replaceChildren(...lines);
}

export function relative(name, t, now = Date.now() / 1000) {
  const d = t - now;
  const span = (s) => {
    s = Math.abs(s);
    if (s < 90) return `${Math.round(s)} s`;
    if (s < 5400) return `${Math.round(s / 60)} min`;
    if (s < 172800) return `${Math.round(s / 3600)} h`;
    return `${Math.round(s / 86400)} d`;
  };
  if (name === 'exp') return d >= 0 ? `expires in ${span(d)}` : `expired ${span(d)} ago`;
  if (name === 'nbf') return d > 0 ? `valid in ${span(d)}` : `valid since ${span(d)} ago`;
  return d > 0 ? `${span(d)} in the future` : `${span(d)} ago`;
}

function times(claims) {
  const rows = [];
  const now = Date.now() / 1000;
  for (const name of TIME_CLAIMS) {
    const t = claims?.[name];
    if (typeof t !== 'number' || !Number.isFinite(t)) continue;
    const date = new Date(t * 1000);
    const valid = !Number.isNaN(date.getTime());
    const past = name === 'exp' && t < now;
    rows.push(
      el('tr', { 'data-claim': name },
        el('td', { text: name }),
        el('td', { text: valid ? date.toLocaleString() : 'out of range' }),
        el('td', { text: valid ? date.toISOString().replace('.000Z', 'Z') : '' }),
        el('td', { class: past ? 'past' : '', text: relative(name, t, now) }),
      ),
    );
  }
  $('times').tBodies[0].replaceChildren(...rows);
}
