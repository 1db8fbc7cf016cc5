// Building the page from script without innerHTML: every text goes in as a text node.

/**
 * h("p", {class: "x", id: "y", on: {click: fn}}, "text", child, [more, children])
 * Attributes: `class`, `text`, `on`, booleans (true → present, false/null → absent),
 * anything else as a string attribute (aria-*, data-*, href, type …).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "on") {
        for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
      } else if (name === "text") {
        el.textContent = value;
      } else if (value === true) {
        el.setAttribute(name, "");
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replaceChildren(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/** Text for screen readers only. */
export function srOnly(text) {
  return h("span", { class: "sr-only" }, text);
}

let announceTimer = 0;

/** Says `text` through the polite live region (set after a tick so that it is re-read). */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    region.textContent = text;
  }, 60);
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: label, optional hint, the input, and an error line. */
export function field({ id, label, hint, input }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const describedBy = [hintId].filter(Boolean).join(" ");
  const control = h("input", { id, name: id, ...input, "aria-describedby": describedBy || null });
  const error = h("p", { id: errorId, class: "field-error", hidden: true });
  const wrap = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { id: hintId, class: "hint" }, hint) : null,
    control,
    error,
  );
  return {
    wrap,
    control,
    setError(text) {
      if (text) {
        replaceChildren(error, h("span", { "aria-hidden": "true" }, "⚠ "), text);
        error.hidden = false;
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
      } else {
        clear(error);
        error.hidden = true;
        control.removeAttribute("aria-invalid");
        if (describedBy) control.setAttribute("aria-describedby", describedBy);
        else control.removeAttribute("aria-describedby");
      }
    },
  };
}

/** An inline message box: kind is "error", "warning", "info" or "success"; never colour alone. */
export function notice(kind, text, attrs) {
  const symbol = { error: "⚠", warning: "⚠", info: "ℹ", success: "✓" }[kind] || "ℹ";
  return h(
    "div",
    { class: `notice notice-${kind}`, ...attrs },
    h("span", { class: "notice-symbol", "aria-hidden": "true" }, symbol),
    h("div", { class: "notice-text" }, text),
  );
}

/** A decorative 24×24 icon from one path, in the text colour. */
export function svgIcon(path) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  p.setAttribute("fill", "currentColor");
  svg.appendChild(p);
  return svg;
}
