// The page's only network access: POSTs to its own origin's /api.
export async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let data;
  try {
    data = await res.json();
  } catch {
    data = { error: { code: 'ERR_HTTP_' + res.status, message: res.statusText || 'request failed' } };
  }
  if (!res.ok) {
    const e = new Error(data.error?.message ?? 'request failed');
    e.code = data.error?.code ?? 'ERR_HTTP_' + res.status;
    throw e;
  }
  return data;
}

export async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  return res.json();
}

// Builds an element; text is always set as text, never parsed as HTML,
// because everything shown comes from a token someone pasted.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

export const $ = (id) => document.getElementById(id);

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

export function keyInput(formId, valueId) {
  return { form: $(formId).value, value: $(valueId).value };
}

export function showResult(box, ok, ...parts) {
  box.className = 'result ' + (ok ? 'ok' : 'bad');
  box.replaceChildren(...parts);
}

export function showError(box, e) {
  showResult(box, false, el('span', { class: 'code', text: e.code ?? 'ERR' }), ' ', e.message);
}
