// Caisse Commune, participant app: hash routes, the PIN lock, the tab bar, the offline
// banner, the 15-second refresh and the service worker.

import { t, setLang, dateTime, applyLangToPage } from "./i18n.js";
import { announce, clear } from "./dom.js";
import * as vault from "./vault.js";
import {
  state,
  on,
  lock,
  refreshMe,
  refreshRecent,
  ensurePayCode,
  markOffline,
  RENEW_BEFORE_MS,
} from "./core.js";
import activateView from "./views/activate.js";
import pinView from "./views/pin.js";
import homeView from "./views/home.js";
import historyView from "./views/history.js";
import payView from "./views/pay.js";
import shopsView from "./views/shops.js";
import settingsView from "./views/settings.js";

const VIEWS = {
  activate: activateView,
  pin: pinView,
  home: homeView,
  history: historyView,
  pay: payView,
  shops: shopsView,
  settings: settingsView,
};
const LOCKED_ROUTES = ["activate", "pin"];
const POLLED_ROUTES = ["home", "pay"];
const POLL_MS = 15000;
const LOCK_AFTER_MS = 5 * 60 * 1000;

const main = document.getElementById("main");
const scroller = document.getElementById("scroller");
const nav = document.getElementById("tabbar");
const banner = document.getElementById("offline-banner");
const bannerSince = document.getElementById("offline-since");

let currentView = null;

// ---- routing --------------------------------------------------------------------------

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  const name = parts[0] || "";
  const arg = parts.slice(1).join("/");
  return { name, arg: arg ? decodeURIComponent(arg) : "" };
}

function setHash(name) {
  history.replaceState(null, "", `#/${name}`);
}

export function navigate(name) {
  if (location.hash === `#/${name}`) route();
  else location.hash = `#/${name}`;
}

function route({ focus = true, focusId = null } = {}) {
  let { name, arg } = parseHash();
  if (!vault.isActivated()) {
    if (state.unlocked) lock();
    if (name !== "activate") {
      name = "activate";
      arg = "";
      setHash(name);
    }
  } else if (!state.unlocked && !LOCKED_ROUTES.includes(name)) {
    if (VIEWS[name]) state.pendingRoute = name;
    name = "pin";
    setHash(name);
  } else if (state.unlocked && name === "pin") {
    name = state.pendingRoute || "home";
    setHash(name);
  } else if (!VIEWS[name]) {
    name = state.unlocked ? "home" : "pin";
    setHash(name);
  }
  render(name, arg, { focus, focusId });
}

function render(name, arg, { focus, focusId }) {
  if (currentView && currentView.destroy) currentView.destroy();
  state.route = name;
  currentView = VIEWS[name]({ arg, navigate, onUnlocked });
  clear(main);
  main.appendChild(currentView.el);
  document.title = `${currentView.title} — ${t("app_name")}`;
  const unlockedScreen = !LOCKED_ROUTES.includes(name);
  nav.hidden = !unlockedScreen;
  for (const link of nav.querySelectorAll("a[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  updateBanner();
  fitNav();
  if (focusId) {
    const target = document.getElementById(focusId);
    if (target) target.focus();
  } else if (focus) {
    const heading = main.querySelector("h1");
    if (heading) heading.focus({ preventScroll: false });
  }
  scroller.scrollTop = 0;
  window.scrollTo(0, 0);
  if (unlockedScreen && POLLED_ROUTES.includes(name)) poll({ first: true });
}

/** After the PIN (or an activation): go where the participant was heading. */
function onUnlocked() {
  const target = state.pendingRoute || "home";
  state.pendingRoute = "home";
  setHash(target);
  route();
  if (navigator.onLine) ensurePayCode().catch(() => {});
}

// ---- static texts, language -----------------------------------------------------------

function applyStaticTexts() {
  applyLangToPage();
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
}

on("lang", (next) => {
  setLang(next);
  applyStaticTexts();
  route({ focus: false, focusId: "lang-select" });
});

// ---- offline banner -------------------------------------------------------------------

function updateBanner() {
  const offline = state.offline || !navigator.onLine;
  banner.hidden = !offline;
  document.body.classList.toggle("is-offline", offline);
  bannerSince.textContent = state.meAt
    ? t("offline_since", { when: dateTime(new Date(state.meAt)) })
    : "";
}

on("network", () => {
  updateBanner();
  announce(state.offline ? t("went_offline") : t("went_online"));
});
on("me", updateBanner);

window.addEventListener("offline", () => markOffline());
window.addEventListener("online", () => {
  poll({ first: true });
  if (state.unlocked) ensurePayCode().catch(() => {});
});

// ---- wiping (disconnected by a coordinator) ---------------------------------------------

on("wiped", () => {
  state.pendingRoute = "home";
  setHash("activate");
  route();
});

// ---- refresh every 15 s on the home and pay screens --------------------------------------

let polling = false;

async function poll({ first = false } = {}) {
  if (!state.unlocked || document.hidden || polling) return;
  if (!POLLED_ROUTES.includes(state.route)) return;
  if (!navigator.onLine) {
    markOffline();
    if (first) {
      // the service worker's last copies
      refreshMe().catch(() => {});
      if (state.route === "home") refreshRecent().catch(() => {});
    }
    return;
  }
  polling = true;
  try {
    let changed = false;
    try {
      changed = await refreshMe();
    } catch (_) {
      return;
    }
    if (state.route === "home" && (changed || first || !state.recent)) {
      refreshRecent().catch(() => {});
    }
    const code = state.payCode;
    const expiring = !code || Date.parse(code.expires_at) - Date.now() < RENEW_BEFORE_MS;
    const stuck = !code && state.payProblem && !changed; // e.g. balance at 0: wait for news
    if ((changed || expiring || (first && state.route === "pay")) && !stuck) {
      ensurePayCode().catch(() => {});
    }
  } finally {
    polling = false;
  }
}

setInterval(() => poll(), POLL_MS);

// ---- lock after 5 minutes in the background ---------------------------------------------

let hiddenAt = 0;
document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    hiddenAt = Date.now();
    return;
  }
  if (state.unlocked && hiddenAt && Date.now() - hiddenAt > LOCK_AFTER_MS) {
    state.pendingRoute = LOCKED_ROUTES.includes(state.route) ? "home" : state.route;
    lock();
    setHash("pin");
    route();
  } else {
    poll({ first: true });
  }
  hiddenAt = 0;
});

// ---- the tab bar: one row at the bottom, unless large text does not fit in it -------------

function fitNav() {
  if (nav.hidden) return;
  document.body.classList.remove("nav-large");
  const links = [...nav.querySelectorAll("a")];
  const overflows = links.some((a) => a.scrollWidth > a.clientWidth + 1);
  const tooTall = nav.offsetHeight > window.innerHeight * 0.2;
  document.body.classList.toggle("nav-large", overflows || tooTall);
}

// Re-measured when the bar's box changes (rotation, text size); it ends each time in the
// same state for the same width, so this does not loop.
if (typeof ResizeObserver === "function") new ResizeObserver(() => fitNav()).observe(nav);
window.addEventListener("resize", fitNav);

// ---- service worker ---------------------------------------------------------------------

if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register("./sw.js", { scope: "./" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      // A page loaded while the worker was still installing can miss its clients.claim():
      // ask again, so that this very session's answers are kept for offline use.
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage("claim");
      }
    })
    .catch(() => {
      /* the app works without it, only not offline */
    });
}

// ---- start ------------------------------------------------------------------------------

applyStaticTexts();
window.addEventListener("hashchange", () => route());
{
  // The app always starts on the PIN screen (or the activation screen).
  const { name } = parseHash();
  if (vault.isActivated() && !LOCKED_ROUTES.includes(name)) {
    state.pendingRoute = VIEWS[name] ? name : "home";
  }
  route();
}

