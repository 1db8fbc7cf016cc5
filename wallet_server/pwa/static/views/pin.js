// #/pin: the app opens here. The PIN decrypts the credential on the phone (no server
// needed); five wrong PINs in a row erase this phone's data.

import { h, field, replaceChildren, clear } from "../dom.js";
import { t } from "../i18n.js";
import * as vault from "../vault.js";
import { openSession } from "../core.js";

export default function pinView({ onUnlocked }) {
  const pin = field({
    id: "pin-input",
    label: t("pin_label"),
    input: {
      type: "password",
      inputmode: "numeric",
      pattern: "[0-9]*",
      maxlength: "6",
      autocomplete: "current-password",
      required: true,
    },
  });
  const error = h("p", { id: "pin-error", class: "pin-error", role: "alert" });
  const submit = h("button", { id: "pin-submit", type: "submit", class: "btn btn-primary" },
    t("pin_submit"));
  const reactivate = h("a", { href: "./#/activate", class: "btn btn-secondary" }, t("pin_reactivate"));

  const lead = h("p", { class: "lead" }, t("pin_intro"));
  let busy = false;

  function showError(text) {
    replaceChildren(error, h("span", { "aria-hidden": "true" }, "⚠ "), text);
    pin.control.setAttribute("aria-invalid", "true");
    pin.control.setAttribute("aria-describedby", "pin-error");
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (busy) return;
    const value = pin.control.value;
    if (!vault.isValidPin(value)) {
      showError(t("pin_empty"));
      pin.control.focus();
      return;
    }
    if (!vault.cryptoAvailable()) {
      showError(t("error_crypto"));
      return;
    }
    busy = true;
    submit.disabled = true;
    submit.textContent = t("pin_checking");
    clear(error);
    const result = await vault.unlock(value);
    busy = false;
    submit.disabled = false;
    submit.textContent = t("pin_submit");
    pin.control.value = "";
    if (result.ok) {
      await openSession(result.key, result.secret);
      onUnlocked();
      return;
    }
    if (result.left === 0) {
      // Everything is erased: only a new activation helps now.
      pin.wrap.hidden = true;
      submit.hidden = true;
      forgot.hidden = true;
      lead.hidden = true;
      showError(t("wiped_too_many"));
      after.hidden = false;
      reactivate.focus();
      return;
    }
    showError(result.left === 1 ? t("pin_wrong_one") : t("pin_wrong_many", { n: result.left }));
    pin.control.focus();
  }

  const form = h(
    "form",
    { class: "stack", novalidate: true, on: { submit: onSubmit } },
    pin.wrap,
    error,
    submit,
  );
  const forgot = h(
    "details",
    { class: "forgot" },
    h("summary", null, t("pin_forgot")),
    h("p", null, t("pin_forgot_text")),
    h("a", { href: "./#/activate" }, t("pin_reactivate")),
  );
  const after = h("p", { hidden: true }, reactivate);

  const el = h(
    "section",
    { class: "view view-pin stack" },
    h("h1", { tabindex: "-1" }, t("pin_title")),
    lead,
    form,
    after,
    forgot,
  );
  return { el, title: t("pin_title") };
}
