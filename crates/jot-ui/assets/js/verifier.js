// Verification: explicit (a button), with the user's key and rules; the
// server runs the same library call as `jot verify`.
import { api, el, $, keyInput, showResult, showError } from './api.js';
import { showLint } from './lint.js';
import { maxLifetime } from './decoder.js';

export function init() {
  $('verify').addEventListener('click', verify);
}

function list(id) {
  return $(id).value.split(',').map((s) => s.trim()).filter(Boolean);
}

function rules() {
  const leeway = $('rule-leeway').value.trim();
  return {
    iss: $('rule-iss').value,
    aud: $('rule-aud').value,
    sub: $('rule-sub').value,
    typ: $('rule-typ').value,
    leeway: leeway === '' ? undefined : Number(leeway),
    require: list('rule-require'),
    algorithms: list('rule-algs'),
    allow_no_exp: $('rule-allow-no-exp').checked,
    short_secret: $('rule-short-secret').checked,
    max_lifetime: maxLifetime(),
  };
}

async function verify() {
  const box = $('verify-result');
  box.replaceChildren('verifying…');
  try {
    const r = await api('/api/verify', {
      token: $('token').value,
      key: keyInput('verify-form', 'verify-key'),
      rules: rules(),
    });
    if (r.valid) {
      showResult(box, true, el('strong', { text: 'Signature verified' }), ` and claims valid (${r.header.alg}${r.header.kid ? ', kid ' + r.header.kid : ''})`);
    } else {
      showResult(box, false,
        el('strong', { text: 'Rejected' }), ' ',
        el('span', { class: 'code', 'data-code': r.error.code, text: r.error.code }),
        ` — ${r.error.message} `,
        el('span', { class: 'muted', 'data-rule': r.error.rule, text: `(check: ${r.error.rule})` }));
    }
    showLint(r.lint ?? []);
  } catch (e) {
    showError(box, e);
  }
}
