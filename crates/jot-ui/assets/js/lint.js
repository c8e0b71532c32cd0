// The security lint panel: findings from the server's lint rules.
import { el, $, getJson } from './api.js';

export async function init() {
  const rules = await getJson('/api/rules');
  $('lint-rules').replaceChildren(
    ...rules.map((r) => el('li', {}, el('strong', { text: r.id }), ` (${r.severity}) ${r.why} `, el('a', { href: r.link, rel: 'noreferrer', target: '_blank', text: 'RFC' }))),
  );
}

export function showLint(findings) {
  const box = $('lint');
  if (!findings.length) {
    box.replaceChildren(el('li', { class: 'none', text: $('token').value.trim() ? 'No findings.' : 'Paste a token to lint it.' }));
    return;
  }
  box.replaceChildren(
    ...findings.map((f) =>
      el('li', { class: f.severity, 'data-rule': f.id },
        el('span', { class: 'sev', text: f.severity }),
        el('strong', { text: f.message }),
        el('span', { class: 'why' }, f.why + ' ', el('a', { href: f.link, rel: 'noreferrer', target: '_blank', text: linkText(f.link) })),
      ),
    ),
  );
}

function linkText(url) {
  const m = /rfc(\d+)#section-([\d.]+)/.exec(url);
  return m ? `RFC ${m[1]} §${m[2]}` : 'reference';
}
