// Small helpers that build DOM nodes. Text from the API always goes in as text (textContent or a
// text node), never as markup.

/** An element with attributes (on* are listeners, text sets the text) and children. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'text') {
      el.textContent = value;
    } else if (key === 'class') {
      el.className = value;
    } else if (key.startsWith('on')) {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : String(child));
    }
  }
}

/**
 * Replaces a container's content; the element that had the keyboard focus inside it (known by its
 * data-key) gets it back, so a live update never throws a keyboard user out of place.
 */
export function replace(container, ...nodes) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.getAttribute('data-key') : null;
  container.replaceChildren();
  append(container, nodes);
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) {
      again.focus();
    }
  }
}

/** A table with a caption and column headers, in a region that scrolls sideways when narrow. */
export function table(caption, headers, rows) {
  return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', {},
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, headers.map(name => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, rows)));
}

/** A definition list of [term, description] pairs (null pairs are left out). */
export function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([term, description]) =>
    [h('dt', {}, term), h('dd', {}, description)]));
}

export function code(text, title) {
  return h('code', { title }, text);
}

/** A timestamp as the API gave it, shown in local time. */
export function time(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleTimeString([], { hour12: false }) + '.'
    + String(d.getMilliseconds()).padStart(3, '0'));
}

export function bytes(n) {
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return `${(n / 1024).toFixed(1)} KiB`;
  }
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The first 8 characters of an id. */
export function short(id) {
  return id ? String(id).slice(0, 8) : '—';
}

/** Grant references: how many, the first few, all of them on demand. */
export function refs(list) {
  if (list.length === 0) {
    return 'none';
  }
  if (list.length <= 6) {
    return list.join(', ');
  }
  return h('details', {}, h('summary', {}, `${list.length}: ${list.slice(0, 4).join(', ')}…`), list.join(', '));
}
