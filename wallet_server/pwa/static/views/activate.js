// #/activate/CODE (or #/activate with a field for the code): links this phone to the
// participant's account and protects the credential with a PIN the participant chooses.

import { h, field, notice, announce, replaceChildren, clear } from "../dom.js";
import { t, serverMessage } from "../i18n.js";
import * as vault from "../vault.js";
import { api, ApiError, NetworkError } from "../api.js";
import { openSession } from "../core.js";

const WIPED_TEXT = {
  disconnected: "wiped_disconnected",
  too_many: "wiped_too_many",
  logout: "wiped_logout",
};

/** What the coordinators see in the list of this participant's devices. */
function deviceLabel() {
  const ua = navigator.userAgent || "";
  if (/iPhone/.test(ua)) return "iPhone";
  if (/iPad/.test(ua)) return "iPad";
  if (/Android/.test(ua)) return /Mobile/.test(ua) ? "Téléphone Android" : "Tablette Android";
  return "Téléphone";
}

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

export default function activateView({ arg, onUnlocked }) {
  const codeFromUrl = (arg || "").trim();
  const reason = vault.wipedReason();

  const codeField = field({
    id: "activate-code",
    label: t("activate_code_label"),
    hint: t("activate_code_hint"),
    input: {
      type: "text",
      dir: "ltr", // a code of Latin letters and digits, in Arabic too
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      required: true,
    },
  });
  const codeGiven = h("p", { class: "code-given" }, t("activate_code_given", { code: codeFromUrl }));
  const codeSlot = h("div", null, codeFromUrl ? codeGiven : codeField.wrap);

  const pinNew = field({
    id: "pin-new",
    label: t("pin_new_label"),
    input: pinInput("new-password"),
  });
  const pinConfirm = field({
    id: "pin-confirm",
    label: t("pin_confirm_label"),
    input: pinInput("new-password"),
  });
  const formError = h("div", { class: "form-error", role: "alert" });
  const submit = h("button", { id: "activate-submit", type: "submit", class: "btn btn-primary" },
    t("activate_submit"));

  let useCodeField = !codeFromUrl;
  let busy = false;

  function showCodeField() {
    if (useCodeField) return;
    useCodeField = true;
    replaceChildren(codeSlot, codeField.wrap);
  }

  function setBusy(on) {
    busy = on;
    submit.disabled = on;
    submit.textContent = on ? t("activate_working") : t("activate_submit");
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (busy) return;
    clear(formError);
    codeField.setError(null);
    pinNew.setError(null);
    pinConfirm.setError(null);

    const code = useCodeField ? codeField.control.value.trim() : codeFromUrl;
    const pin = pinNew.control.value;
    const again = pinConfirm.control.value;
    let firstBad = null;
    if (!code) {
      codeField.setError(t("err_code_missing"));
      firstBad = firstBad || codeField.control;
    }
    if (!vault.isValidPin(pin)) {
      pinNew.setError(t("err_pin_format"));
      firstBad = firstBad || pinNew.control;
    } else if (pin !== again) {
      pinConfirm.setError(t("err_pin_mismatch"));
      pinConfirm.control.value = "";
      firstBad = firstBad || pinConfirm.control;
    }
    if (firstBad) {
      firstBad.focus();
      return;
    }
    if (!vault.cryptoAvailable()) {
      formError.append(notice("error", t("error_crypto")));
      return;
    }

    setBusy(true);
    try {
      const keyInfo = await vault.newKey(pin); // before the code is spent
      const { data } = await api.activate(code, deviceLabel());
      const secret = { credential: data.credential, public_id: data.public_id };
      await vault.wipe(null);
      await vault.store(keyInfo, secret);
      await openSession(keyInfo.key, secret);
      announce(t("activate_done"));
      onUnlocked();
    } catch (error) {
      setBusy(false);
      if (error instanceof NetworkError) {
        formError.append(notice("error", t("err_activate_offline")));
      } else if (error instanceof ApiError && error.code === "invalid_activation_code") {
        showCodeField();
        codeField.setError(serverMessage(error.body));
        codeField.control.focus();
      } else if (error instanceof ApiError) {
        formError.append(notice("error", serverMessage(error.body)));
      } else {
        formError.append(notice("error", t("error_generic")));
      }
    }
  }

  const form = h(
    "form",
    { class: "stack", novalidate: true, on: { submit: onSubmit } },
    codeSlot,
    h(
      "fieldset",
      { class: "stack" },
      h("legend", null, t("activate_pin_legend")),
      h("p", { class: "hint" }, t("activate_pin_hint")),
      pinNew.wrap,
      pinConfirm.wrap,
    ),
    formError,
    submit,
  );

  const el = h(
    "section",
    { class: "view view-activate stack" },
    h("h1", { tabindex: "-1" }, t("activate_title")),
    reason && WIPED_TEXT[reason] ? notice("warning", t(WIPED_TEXT[reason])) : null,
    h("p", { class: "lead" }, t("activate_intro")),
    vault.isActivated() ? notice("info", t("activate_already")) : null,
    form,
  );

  return { el, title: t("activate_title") };
}
