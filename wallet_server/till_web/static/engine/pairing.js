// Pairing, as pos_client/pairing.py: the one-time code from the coordinators becomes this
// till's credential, and the till fetches everything it needs to accept payments offline
// before it takes the first one. The credential is kept in IndexedDB only.

import { applyLangToPage, getLang, LANG_NAMES, LANGS, pick, setLang, t } from "../i18n.js";
import { ServerClient, ServerRefused, ServerUnreachable } from "./server.js";

/** Exchange `code` for a credential; stores the till ready to work, or throws. */
export async function pair(store, code, name) {
  const till = await new ServerClient(null, 15_000).pair(code.trim(), name.trim());
  const server = new ServerClient(till.credential, 15_000);
  const keyset = await server.keyset();
  const tokens = {};
  const wallets = [];
  let cursor = 0;
  for (;;) {
    const page = await server.blocklist(cursor);
    for (const entry of page.entries) {
      if (entry.token_id) tokens[entry.token_id] = entry.expires_at ?? null;
      if (entry.wallet) wallets.push(entry.wallet);
    }
    const done = !page.entries.length || page.next_cursor === cursor;
    cursor = page.next_cursor;
    if (done) break;
  }
  const pairing = {
    credential: till.credential,
    device_id: till.device_id,
    device_name: till.device_name,
    shop_public_id: till.shop_public_id,
    shop_name: till.shop_name,
  };
  const offset = Date.parse(till.server_time) - Date.now();
  // in one transaction, the pairing with it: a stored pairing is a till ready to work
  await store.put({
    keyset: { keys: keyset.keys, digest: keyset.digest },
    blocklist: { tokens, wallets, cursor },
    limits: till.offline_limits,
    contact_limits: till.offline_limits,
    last_sync: till.server_time,
    clock_offset_ms: Number.isFinite(offset) ? offset : 0,
    revoked: null,
    pairing,
  });
  return pairing;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A screen of its own in place of the cashier's (which stays hidden until it is gone), in
 * the cashier's language, with the language choice (kept for the cashier's screen too). */
export function setupScreen(...children) {
  applyLangToPage();
  const switcher = element(
    "select",
    { id: "setup-lang", class: "lang", "aria-label": t("lang_label") },
    ...LANGS.map((code) =>
      element("option", { value: code, lang: code, dir: code === "ar" ? "rtl" : "ltr" }, LANG_NAMES[code]),
    ),
  );
  switcher.value = getLang();
  switcher.addEventListener("change", () => {
    setLang(switcher.value);
    window.location.reload(); // the screen is built once, in one language
  });
  const section = element("main", { class: "till-setup", id: "till-setup" }, switcher, ...children);
  document.body.dataset.tillSetup = "";
  document.body.prepend(section);
  return {
    section,
    close() {
      section.remove();
      delete document.body.dataset.tillSetup;
    },
  };
}

/** The plain refusal to run outside a secure context (HTTPS, or localhost). */
export function showInsecure() {
  setupScreen(
    element("h1", { id: "insecure-title" }, t("insecure_title")),
    element("p", { id: "insecure-text" }, t("insecure_text")),
  );
}

/** The pairing form; resolves with the pairing once the server accepted the code. */
export function askPairing(store, revoked) {
  return new Promise((resolve) => {
    const code = element("input", {
      id: "pair-code",
      name: "code",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      required: "",
    });
    const name = element("input", { id: "pair-name", name: "name", required: "", maxlength: "80" });
    name.value = t("pair_name_default");
    const error = element("p", { id: "pair-error", class: "field-error", "aria-live": "assertive" });
    const submit = element("button", { id: "pair-submit", type: "submit", class: "primary" });
    submit.textContent = t("pair_submit");
    const scan = pairingScanner((found) => {
      code.value = found;
      name.focus();
    });
    const form = element(
      "form",
      { id: "pair-form", autocomplete: "off" },
      element("label", { for: "pair-code" }, t("pair_code")),
      code,
      ...scan.elements,
      element("label", { for: "pair-name" }, t("pair_name")),
      name,
      error,
      submit,
    );
    const notice = revoked ? [element("p", { id: "pair-revoked", class: "notice" }, t("pair_revoked"))] : [];
    const screen = setupScreen(
      element("h1", {}, t("pair_title")),
      ...notice,
      element("p", {}, t("pair_intro")),
      form,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      submit.textContent = t("pair_busy");
      error.textContent = "";
      try {
        const pairing = await pair(store, code.value, name.value);
        scan.stop();
        screen.close();
        resolve(pairing);
      } catch (failure) {
        if (failure instanceof ServerRefused) {
          error.textContent = t("pair_refused", { message: pick(failure.messages) || failure.code });
        } else if (failure instanceof ServerUnreachable) {
          error.textContent = t("pair_unreachable");
        } else {
          error.textContent = t("till_start_failed", { error: String(failure) });
        }
        submit.disabled = false;
        submit.textContent = t("pair_submit");
      }
    });
    code.focus();
  });
}

const QR_SCANNER_MODULE = "../vendor/qr-scanner/qr-scanner.min.js";
/** a pairing code as the console shows it: eight letters or digits of Crockford's alphabet */
const PAIRING_CODE = /^[0-9A-Z]{4}-?[0-9A-Z]{4}$/i;

/** "Scan the code": the camera reads the QR code the console shows next to the pairing code
 * (with the vendored qr-scanner, which uses the browser's BarcodeDetector where there is one).
 * `onCode` gets the code read; a code reader acting as a keyboard types into the field. */
function pairingScanner(onCode) {
  const button = element("button", {
    type: "button",
    id: "pair-scan",
    class: "secondary",
    "aria-expanded": "false",
    "aria-controls": "pair-camera",
  });
  button.textContent = t("pair_scan");
  const video = element("video", {
    id: "pair-video",
    class: "camera-video",
    muted: "",
    playsinline: "",
    "aria-label": t("camera_video_label"),
  });
  const message = element("p", { id: "pair-camera-message", role: "status" });
  const panel = element("div", { id: "pair-camera", class: "pair-camera" }, video, message);
  panel.hidden = true;
  let scanner = null;

  function stop() {
    scanner?.destroy(); // stops the camera too
    scanner = null;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = t("pair_scan");
  }

  button.addEventListener("click", async () => {
    if (scanner) return stop();
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.textContent = t("pair_scan_stop");
    message.textContent = t("camera_starting");
    try {
      const QrScanner = (await import(QR_SCANNER_MODULE)).default;
      scanner = new QrScanner(
        video,
        (found) => {
          const text = String(found?.data ?? "").trim();
          if (!PAIRING_CODE.test(text)) {
            message.textContent = t("pair_scan_not_code");
            return;
          }
          stop();
          onCode(text.toUpperCase());
        },
        {
          returnDetailedScanResult: true,
          preferredCamera: "environment",
          maxScansPerSecond: 8,
          highlightScanRegion: false, // its overlay uses inline styles, which the CSP forbids
          highlightCodeOutline: false,
          onDecodeError: () => {}, // "no QR code found" on most frames: nothing to say
        },
      );
      await scanner.start();
      message.textContent = t("pair_scan_help");
    } catch (error) {
      stop();
      panel.hidden = false;
      message.textContent = t("camera_cannot_open");
      console.warn("the camera did not start", error);
    }
  });
  return { elements: [button, panel], stop };
}
