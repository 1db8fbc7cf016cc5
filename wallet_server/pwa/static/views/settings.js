// #/settings: language, changing the PIN (re-encrypts on the phone), the participant's
// number, and disconnecting this phone.

import { h, field, clear, notice } from "../dom.js";
import { t, lang, LANGS, LANG_NAMES } from "../i18n.js";
import * as vault from "../vault.js";
import { state, emit, disconnect, releasePayCode } from "../core.js";

export const VERSION = "1";

function pinInput(autocomplete) {
  return {
    type: "password",
    inputmode: "numeric",
    pattern: "[0-9]*",
    maxlength: "6",
    autocomplete,
    required: true,
  };
}

function languageSection() {
  const select = h(
    "select",
    { id: "lang-select", name: "lang" },
    ...LANGS.map((code) => h("option", { value: code, lang: code, dir: code === "ar" ? "rtl" : "ltr" }, LANG_NAMES[code])),
  );
  select.value = lang();
  select.addEventListener("change", () => emit("lang", select.value));
  return h(
    "section",
    { class: "card stack-s", "aria-labelledby": "lang-title" },
    h("h2", { id: "lang-title" }, t("lang_title")),
    h("div", { class: "field" }, h("label", { for: "lang-select" }, t("lang_label")), select),
  );
}

function changePinSection() {
  const oldPin = field({ id: "settings-pin-old", label: t("pin_old_label"), input: pinInput("current-password") });
  const newPin = field({ id: "settings-pin-new", label: t("pin_new2_label"), input: pinInput("new-password") });
  const again = field({
    id: "settings-pin-confirm",
    label: t("pin_new2_confirm_label"),
    input: pinInput("new-password"),
  });
  const result = h("div", { role: "status" });
  const submit = h("button", { type: "submit", class: "btn btn-secondary" }, t("change_pin_submit"));
  let busy = false;

  async function onSubmit(event) {
    event.preventDefault();
    if (busy) return;
    clear(result);
    for (const f of [oldPin, newPin, again]) f.setError(null);
    let firstBad = null;
    if (!vault.isValidPin(oldPin.control.value)) {
      oldPin.setError(t("err_pin_format"));
      firstBad = oldPin.control;
    }
    if (!vault.isValidPin(newPin.control.value)) {
      newPin.setError(t("err_pin_format"));
      firstBad = firstBad || newPin.control;
    } else if (newPin.control.value !== again.control.value) {
      again.setError(t("err_pin_mismatch"));
      again.control.value = "";
      firstBad = firstBad || again.control;
    }
    if (firstBad) {
      firstBad.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    submit.textContent = t("pin_checking");
    const outcome = await vault.changePin(oldPin.control.value, newPin.control.value);
    busy = false;
    submit.disabled = false;
    submit.textContent = t("change_pin_submit");
    oldPin.control.value = "";
    if (outcome.ok) {
      state.key = outcome.key;
      newPin.control.value = "";
      again.control.value = "";
      result.append(notice("success", t("change_pin_done")));
      return;
    }
    if (outcome.left === 0) {
      await disconnect("too_many");
      return;
    }
    oldPin.setError(
      outcome.left === 1 ? t("change_pin_wrong_one") : t("change_pin_wrong_many", { n: outcome.left }),
    );
    oldPin.control.focus();
  }

  return h(
    "section",
    { class: "card stack-s", "aria-labelledby": "pin-title" },
    h("h2", { id: "pin-title" }, t("change_pin_title")),
    h(
      "form",
      { class: "stack-s", novalidate: true, on: { submit: onSubmit } },
      oldPin.wrap,
      newPin.wrap,
      again.wrap,
      submit,
      result,
    ),
  );
}

function accountSection() {
  if (!state.publicId) return null;
  return h(
    "section",
    { class: "card stack-s", "aria-labelledby": "account-title" },
    h("h2", { id: "account-title" }, t("account_title")),
    h("p", null, t("account_id", { id: state.publicId })),
    h("p", { class: "hint" }, t("account_id_hint")),
  );
}

function logoutSection() {
  const start = h("button", { type: "button", class: "btn btn-danger" }, t("logout_button"));
  const yes = h("button", { type: "button", class: "btn btn-danger" }, t("logout_yes"));
  const no = h("button", { type: "button", class: "btn btn-secondary" }, t("logout_no"));
  const question = h("p", { id: "logout-question", class: "confirm-question", tabindex: "-1" },
    h("span", { "aria-hidden": "true" }, "⚠ "), t("logout_confirm"));
  const confirmBox = h("div", { class: "confirm stack-s", hidden: true }, question,
    h("div", { class: "button-row" }, yes, no));
  start.addEventListener("click", () => {
    start.hidden = true;
    confirmBox.hidden = false;
    question.focus();
  });
  no.addEventListener("click", () => {
    confirmBox.hidden = true;
    start.hidden = false;
    start.focus();
  });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    no.disabled = true;
    await releasePayCode();
    await disconnect("logout");
  });
  return h(
    "section",
    { class: "card stack-s", "aria-labelledby": "logout-title" },
    h("h2", { id: "logout-title" }, t("logout_title")),
    h("p", null, t("logout_text")),
    start,
    confirmBox,
  );
}

export default function settingsView() {
  const el = h(
    "section",
    { class: "view view-settings stack" },
    h("h1", { tabindex: "-1" }, t("settings_title")),
    languageSection(),
    changePinSection(),
    accountSection(),
    logoutSection(),
    h("p", { class: "muted" }, t("version", { v: VERSION })),
  );
  return { el, title: t("settings_title") };
}
