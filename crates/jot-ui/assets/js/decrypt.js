// JWE decryption; a nested JWT goes on to the decoder to be verified.
import { api, el, $, keyInput, showResult, showError } from './api.js';
import { setToken } from './decoder.js';
import { showTab } from './main.js';

let inner = null;

export function init() {
  $('decrypt').addEventListener('click', decrypt);
  $('decrypt-inner').addEventListener('click', () => {
    if (!inner) return;
    setToken(inner);
    showTab('decoder');
    $('token').focus();
  });
}

async function decrypt() {
  const box = $('decrypt-result');
  const allow = [];
  if ($('allow-rsa15').checked) allow.push('RSA1_5');
  if ($('allow-pbes2').checked) allow.push('PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW');
  inner = null;
  $('decrypt-inner').hidden = true;
  try {
    const r = await api('/api/decrypt', { token: $('jwe-token').value, key: keyInput('jwe-form', 'jwe-key'), allow });
    const which = r.recipients > 1 ? `, recipient ${r.recipient + 1} of ${r.recipients}` : '';
    showResult(box, true, el('strong', { text: 'Decrypted' }), ` (${r.header.alg}, ${r.header.enc}${which})${r.nested ? ': a nested JWT, not verified yet' : ''}`);
    $('jwe-header').textContent = JSON.stringify(r.header, null, 2);
    $('jwe-plaintext').textContent = typeof r.plaintext === 'string' ? r.plaintext : JSON.stringify(r.plaintext, null, 2);
    if (r.nested) {
      inner = r.plaintext;
      $('decrypt-inner').hidden = false;
    }
  } catch (e) {
    $('jwe-header').textContent = '';
    $('jwe-plaintext').textContent = '';
    showError(box, e);
  }
}
