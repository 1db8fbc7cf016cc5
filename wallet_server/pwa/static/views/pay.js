// #/pay: the stored pay code as a big QR to show the cashier, what it can pay, how long it
// stays valid. Works offline with the stored code.

import { h, clear, notice, announce } from "../dom.js";
import { t, money, dayMonth, parseDay, serverMessage } from "../i18n.js";
import { state, on, ensurePayCode, payCodeUsable } from "../core.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const SVG_TAGS = new Set(["svg", "rect", "path", "g"]);
const SVG_ATTRS = new Set([
  "xmlns", "viewBox", "width", "height", "shape-rendering", "fill", "d", "x", "y",
  "transform", "stroke", "stroke-width",
]);

/**
 * The server's `qr_svg` as an SVG element of this page: parsed as XML (never as HTML),
 * drawing elements and attributes only, then imported.
 */
export function qrElement(markup, label) {
  const doc = new DOMParser().parseFromString(String(markup || ""), "image/svg+xml");
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== SVG_NS || root.localName !== "svg") return null;
  if (doc.getElementsByTagName("parsererror").length) return null;
  for (const el of [root, ...root.querySelectorAll("*")]) {
    if (el.namespaceURI !== SVG_NS || !SVG_TAGS.has(el.localName)) {
      el.remove();
      continue;
    }
    for (const attr of [...el.attributes]) {
      if (!SVG_ATTRS.has(attr.name)) el.removeAttribute(attr.name);
    }
  }
  const svg = document.importNode(root, true);
  if (!svg.getAttribute("viewBox")) {
    const w = svg.getAttribute("width");
    const hh = svg.getAttribute("height");
    if (w && hh) svg.setAttribute("viewBox", `0 0 ${parseFloat(w)} ${parseFloat(hh)}`);
  }
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("focusable", "false");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  return svg;
}

function remainingText(ms) {
  if (ms <= 0) return t("pay_expired");
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return t("pay_valid_s", { s: totalSeconds });
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return t("pay_valid_m", { m: totalMinutes });
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return t("pay_valid_hm", { h: hours, m: minutes < 10 ? `0${minutes}` : minutes });
}

export default function payView() {
  const offlineNote = notice("warning", t("pay_offline"), { id: "pay-offline" });
  offlineNote.hidden = true;
  const qr = h("div", { id: "pay-qr", class: "qr" });
  const cap = h("p", { id: "pay-cap", class: "pay-cap" });
  const countdown = h("p", { id: "pay-countdown", class: "pay-countdown", role: "timer" });
  const hint = h("p", { class: "pay-hint" }, h("span", { "aria-hidden": "true" }, "☀ "),
    t("pay_brightness"));
  const codeBlock = h("div", { class: "code-block stack-s", hidden: true },
    h("p", { class: "lead" }, t("pay_intro")), qr, cap, countdown, offlineNote, hint);
  const status = h("div", { class: "pay-status stack-s", "aria-live": "polite" });
  const renew = h(
    "button",
    { type: "button", class: "btn btn-secondary btn-small", hidden: true, "aria-label": t("pay_renew_label") },
    t("pay_renew"),
  );
  renew.addEventListener("click", () => ensurePayCode({ force: true }).catch(() => {}));

  let shownId = null;
  let lastStatusKey = null;

  function setStatus(key, build) {
    if (key === lastStatusKey) return;
    lastStatusKey = key;
    clear(status);
    if (build) status.append(...[].concat(build()));
  }

  function problemView() {
    const me = state.me;
    if (state.payProblem === "no_funds") {
      const next = me ? parseDay(me.next_allocation_on) : null;
      return notice(
        "info",
        h(
          "div",
          null,
          h("p", null, t("pay_no_funds")),
          next ? h("p", null, t("pay_no_funds_next", { date: dayMonth(next) })) : null,
        ),
      );
    }
    if (state.payProblem === "held_elsewhere" || state.payProblem === "too_many") {
      const release = h("button", { type: "button", class: "btn btn-secondary" }, t("pay_release"));
      release.addEventListener("click", () => ensurePayCode({ releaseOthers: true }).catch(() => {}));
      return [
        notice(
          "warning",
          h(
            "div",
            null,
            h("p", null, t(state.payProblem === "too_many" ? "pay_too_many" : "pay_held_elsewhere")),
            h("p", null, t("pay_release_note")),
          ),
        ),
        release,
      ];
    }
    const retry = h("button", { type: "button", class: "btn btn-secondary" }, t("retry"));
    retry.addEventListener("click", () => ensurePayCode({ force: true }).catch(() => {}));
    const text = state.payMessage ? serverMessage(state.payMessage) : t("pay_error");
    return [notice("error", text), retry];
  }

  function update() {
    const code = state.payCode;
    const offline = state.offline || !navigator.onLine;
    if (payCodeUsable(code)) {
      if (shownId !== code.token_id) {
        const svg = qrElement(code.qr_svg, t("pay_qr_label"));
        clear(qr);
        if (svg) qr.append(svg);
        shownId = code.token_id;
      }
      cap.textContent = t("pay_cap", { amount: money(code.cap_cents) });
      tick();
      codeBlock.hidden = false;
      offlineNote.hidden = !offline;
      renew.hidden = offline || state.payBusy;
      setStatus(state.payBusy ? "busy-with-code" : "ok", null);
      return;
    }
    shownId = null;
    clear(qr);
    codeBlock.hidden = true;
    offlineNote.hidden = true;
    renew.hidden = true;
    if (state.payBusy) {
      setStatus("busy", () => h("p", { class: "muted" }, t("pay_preparing")));
    } else if (offline) {
      const key = code ? "pay_expired_offline" : "pay_need_connection";
      setStatus(key, () => notice("warning", t(key)));
    } else if (state.payProblem) {
      setStatus(`problem-${state.payProblem}-${state.payMessage ? state.payMessage.code : ""}`,
        problemView);
    } else {
      setStatus("busy", () => h("p", { class: "muted" }, t("pay_preparing")));
    }
  }

  function tick() {
    const code = state.payCode;
    if (!code) return;
    const left = Date.parse(code.expires_at) - Date.now();
    const text = remainingText(left);
    if (countdown.textContent !== text) countdown.textContent = text;
    if (left <= 0 && !codeBlock.hidden) {
      update();
      if (navigator.onLine) ensurePayCode().catch(() => {});
    }
  }

  // Keep the screen on while the cashier scans, where the browser allows it.
  let wakeLock = null;
  async function keepAwake() {
    try {
      if (navigator.wakeLock && !document.hidden) wakeLock = await navigator.wakeLock.request("screen");
    } catch (_) {
      wakeLock = null;
    }
  }
  function onVisible() {
    if (!document.hidden) keepAwake();
  }
  keepAwake();
  document.addEventListener("visibilitychange", onVisible);

  const timer = setInterval(tick, 1000);
  const stops = [
    on("paycode", (detail) => {
      update();
      if (detail && detail.fresh && detail.replaced) announce(t("pay_new_ready"));
    }),
    on("network", update),
    on("me", update),
  ];
  update();

  const el = h(
    "section",
    { class: "view view-pay stack" },
    // The rescue action sits by the title: nothing the participant may tap lies at the
    // bottom of the screen, under the tab bar.
    h("div", { class: "view-head" }, h("h1", { tabindex: "-1" }, t("pay_title")), renew),
    codeBlock,
    status,
  );
  return {
    el,
    title: t("pay_title"),
    destroy() {
      clearInterval(timer);
      for (const stop of stops) stop();
      document.removeEventListener("visibilitychange", onVisible);
      if (wakeLock) wakeLock.release().catch(() => {});
    },
  };
}
