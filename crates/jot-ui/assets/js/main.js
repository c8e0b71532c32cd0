// Tabs, theme, and start-up of each view.
import { $ } from './api.js';
import * as decoder from './decoder.js';
import * as verifier from './verifier.js';
import * as lint from './lint.js';
import * as decrypt from './decrypt.js';
import * as encoder from './encoder.js';
import * as keys from './keys.js';

const TABS = ['decoder', 'decrypt', 'encoder', 'keys'];

export function showTab(name) {
  for (const t of TABS) {
    const on = t === name;
    $('tab-' + t).setAttribute('aria-selected', String(on));
    $('tab-' + t).tabIndex = on ? 0 : -1;
    $('view-' + t).hidden = !on;
  }
}

function initTabs() {
  TABS.forEach((t, i) => {
    const tab = $('tab-' + t);
    tab.addEventListener('click', () => showTab(t));
    // Arrow keys move between tabs (WAI-ARIA tabs pattern).
    tab.addEventListener('keydown', (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const next = TABS[(i + step + TABS.length) % TABS.length];
      showTab(next);
      $('tab-' + next).focus();
    });
  });
  showTab('decoder');
}

// The theme choice is the only thing the page stores.
function initTheme() {
  const saved = localStorage.getItem('jot-theme');
  if (saved) document.documentElement.dataset.theme = saved;
  $('theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    const next = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('jot-theme', next);
  });
}

initTabs();
initTheme();
decoder.init();
verifier.init();
decrypt.init();
encoder.init();
keys.init();
lint.init();
lint.showLint([]);
