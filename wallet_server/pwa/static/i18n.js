// Every word the participant app shows, in French (first) and English, and the formats of
// money, dates and times. Plain words, short sentences: many participants read French as a
// second language. Money is integer cents everywhere: never a float.

const LANG_KEY = "caisse-commune.app.lang";
export const LANGS = ["fr", "en"];

const STRINGS = {
  fr: {
    app_name: "Caisse Commune",
    skip_link: "Aller au contenu",
    nav_label: "Menu principal",
    nav_home: "Accueil",
    nav_pay: "Payer",
    nav_history: "Historique",
    nav_shops: "Commerces",
    nav_settings: "Réglages",
    loading: "Chargement…",
    please_wait: "Un instant…",
    retry: "Réessayer",
    error_generic: "Quelque chose n'a pas marché. Réessayez dans un moment.",
    error_network: "Pas de connexion internet. Réessayez quand vous aurez du réseau.",
    error_crypto:
      "Ce navigateur ne peut pas protéger vos données ici. Ouvrez le lien dans Chrome ou Firefox, à une adresse qui commence par https.",

    offline: "Hors ligne",
    offline_since: "mise à jour : {when}",
    offline_never: "pas encore de données",
    went_offline: "Connexion perdue. L'application marche hors ligne avec les dernières informations.",
    went_online: "Connexion revenue.",

    when_date_time: "{date} à {time}",

    // Activation
    activate_title: "Relier ce téléphone",
    activate_intro:
      "Cette étape relie ce téléphone à votre compte Caisse Commune, pour payer dans les commerces.",
    activate_already:
      "Ce téléphone est déjà relié à un compte. Si vous continuez, le nouveau code remplacera l'ancien lien.",
    activate_code_label: "Code d'activation",
    activate_code_hint: "Il est écrit sur la feuille remise par la coordination.",
    activate_code_given: "Code d'activation : {code}",
    activate_pin_legend: "Choisissez un code secret",
    activate_pin_hint:
      "4 à 6 chiffres. Il protège votre argent si vous perdez votre téléphone. Ne le donnez à personne.",
    pin_new_label: "Code secret",
    pin_confirm_label: "Retapez le code secret",
    activate_submit: "Relier ce téléphone",
    activate_working: "Connexion au serveur…",
    activate_done: "C'est fait : ce téléphone est relié à votre compte.",
    err_code_missing: "Tapez le code d'activation.",
    err_pin_format: "Le code secret doit avoir de 4 à 6 chiffres, sans lettres.",
    err_pin_mismatch: "Les deux codes secrets ne sont pas pareils. Tapez-les encore.",
    err_activate_offline:
      "Pas de connexion internet. Il faut une connexion pour relier ce téléphone. Réessayez quand vous aurez du réseau.",
    wiped_disconnected:
      "Ce téléphone n'est plus relié à votre compte. Demandez un nouveau code d'activation à la coordination.",
    wiped_too_many: "Trop d'essais : demandez un nouveau code d'activation à la coordination.",
    wiped_logout:
      "Ce téléphone est déconnecté. Pour payer à nouveau avec, demandez un nouveau code d'activation à la coordination.",

    // PIN
    pin_title: "Code secret",
    pin_intro: "Tapez votre code secret pour ouvrir Caisse Commune.",
    pin_label: "Code secret (4 à 6 chiffres)",
    pin_submit: "Ouvrir",
    pin_checking: "Vérification…",
    pin_wrong_many: "Code secret faux. Il reste {n} essais.",
    pin_wrong_one: "Code secret faux. Il reste 1 essai.",
    pin_empty: "Tapez votre code secret.",
    pin_forgot: "Code secret oublié ?",
    pin_forgot_text:
      "Demandez un nouveau code d'activation à la coordination. Avec ce code, vous pourrez relier ce téléphone à nouveau et choisir un autre code secret.",
    pin_reactivate: "J'ai un nouveau code d'activation",

    // Home
    home_title: "Votre solde",
    balance_label: "Vous avez",
    held_text: "dont {amount} réservés pour votre code de paiement",
    next_allocation: "Prochaine allocation : {date}",
    offline_balance: "Hors ligne — solde du {when}",
    pay_button: "Payer",
    recent_title: "Derniers mouvements",
    recent_empty: "Pas encore de mouvement.",
    see_history: "Voir tout l'historique",
    no_data_yet:
      "Le solde n'est pas encore là. Il faut une connexion internet la première fois.",

    // Movements
    mv_allocation: "Allocation {of_month}",
    mv_allocation_plain: "Allocation",
    mv_payment: "Paiement",
    mv_refund: "Remboursement {shop}",
    mv_refund_plain: "Remboursement",
    mv_contribution: "Cotisation",
    mv_adjustment: "Ajustement",
    mv_other: "Mouvement",
    sr_spent: "{amount} dépensés",
    sr_received: "{amount} reçus",

    // History
    history_title: "Historique",
    history_more: "Voir plus",
    history_more_done: "{n} mouvements de plus.",
    history_end: "C'est tout : il n'y a pas de mouvement plus ancien.",
    history_empty: "Pas encore de mouvement.",
    history_stale: "Hors ligne — historique du {when}",
    history_offline:
      "Hors ligne : l'historique n'est pas disponible. Il faut une connexion internet.",

    // Pay
    pay_title: "Payer",
    pay_intro: "Montrez ce code au commerçant.",
    pay_qr_label: "Code de paiement à montrer au commerçant",
    pay_cap: "Peut payer jusqu'à {amount}",
    pay_valid_hm: "Valable encore {h} h {m} min",
    pay_valid_m: "Valable encore {m} min",
    pay_valid_s: "Valable encore {s} s",
    pay_expired: "Ce code a expiré.",
    pay_brightness: "Montez la luminosité de l'écran",
    pay_offline: "Hors ligne : ce code marche quand même chez les commerçants",
    pay_preparing: "Préparation de votre code de paiement…",
    pay_need_connection:
      "Il faut une connexion internet pour préparer votre code de paiement. Ensuite, il marchera aussi sans connexion.",
    pay_expired_offline:
      "Votre code de paiement a expiré. Il faut une connexion internet pour en avoir un nouveau.",
    pay_no_funds: "Votre solde est à 0 €. Vous ne pouvez pas payer pour l'instant.",
    pay_no_funds_next: "Prochaine allocation : {date}.",
    pay_held_elsewhere:
      "Votre argent est réservé par un autre code de paiement, par exemple sur un autre téléphone.",
    pay_too_many: "Vous avez déjà trop de codes de paiement en attente.",
    pay_release: "Annuler les autres codes et créer un code ici",
    pay_release_note: "Si vous les annulez, les autres codes ne marcheront plus.",
    pay_renew: "Nouveau code",
    pay_renew_label: "Nouveau code : à demander si le commerçant dit que ce code est refusé",
    pay_new_ready: "Nouveau code de paiement prêt.",
    pay_error: "Le code de paiement n'a pas pu être préparé.",

    // Shops
    shops_title: "Commerces",
    shops_intro: "Vous pouvez payer dans ces commerces.",
    shops_search_label: "Chercher un commerce",
    shops_search_hint: "Nom, adresse ou type (par exemple : boulangerie).",
    shops_count_many: "{n} commerces",
    shops_count_one: "1 commerce",
    shops_count_none: "Aucun commerce trouvé.",
    shops_hours: "Horaires : {hours}",
    shops_categories: "Type : {cats}",
    shops_map: "Ouvrir le plan",
    shops_osm: "Voir sur OpenStreetMap",
    shops_offline: "Hors ligne — liste du {when}",
    shops_unavailable:
      "Hors ligne : la liste des commerces n'est pas disponible. Il faut une connexion internet une première fois.",
    new_window: "(s'ouvre dans une autre fenêtre)",

    // Settings
    settings_title: "Réglages",
    lang_title: "Langue",
    lang_label: "Langue de l'application",
    change_pin_title: "Changer le code secret",
    pin_old_label: "Code secret actuel",
    pin_new2_label: "Nouveau code secret (4 à 6 chiffres)",
    pin_new2_confirm_label: "Retapez le nouveau code secret",
    change_pin_submit: "Changer le code secret",
    change_pin_done: "C'est fait : votre code secret est changé.",
    change_pin_wrong_many: "Code secret actuel faux. Il reste {n} essais.",
    change_pin_wrong_one: "Code secret actuel faux. Il reste 1 essai.",
    account_title: "Votre compte",
    account_id: "Votre numéro : {id}",
    account_id_hint: "Donnez ce numéro à la coordination si vous avez une question.",
    logout_title: "Déconnecter ce téléphone",
    logout_text:
      "Efface de ce téléphone vos informations et votre code de paiement. Votre argent reste sur votre compte. Pour utiliser ce téléphone à nouveau, il faudra un nouveau code d'activation de la coordination.",
    logout_button: "Déconnecter ce téléphone",
    logout_confirm: "Vraiment déconnecter ce téléphone ?",
    logout_yes: "Oui, déconnecter",
    logout_no: "Non, annuler",
    version: "Version {v}",
  },
  en: {
    app_name: "Caisse Commune",
    skip_link: "Skip to content",
    nav_label: "Main menu",
    nav_home: "Home",
    nav_pay: "Pay",
    nav_history: "History",
    nav_shops: "Shops",
    nav_settings: "Settings",
    loading: "Loading…",
    please_wait: "One moment…",
    retry: "Try again",
    error_generic: "Something went wrong. Try again in a moment.",
    error_network: "No internet connection. Try again when you have a signal.",
    error_crypto:
      "This browser cannot protect your data here. Open the link in Chrome or Firefox, at an address starting with https.",

    offline: "Offline",
    offline_since: "updated: {when}",
    offline_never: "no data yet",
    went_offline: "Connection lost. The app works offline with the latest information.",
    went_online: "Connection is back.",

    when_date_time: "{date} at {time}",

    activate_title: "Connect this phone",
    activate_intro:
      "This step connects this phone to your Caisse Commune account, so you can pay in shops.",
    activate_already:
      "This phone is already connected to an account. If you go on, the new code will replace the old link.",
    activate_code_label: "Activation code",
    activate_code_hint: "It is written on the sheet the coordinators gave you.",
    activate_code_given: "Activation code: {code}",
    activate_pin_legend: "Choose a PIN",
    activate_pin_hint:
      "4 to 6 digits. It protects your money if you lose your phone. Never give it to anyone.",
    pin_new_label: "PIN",
    pin_confirm_label: "Type the PIN again",
    activate_submit: "Connect this phone",
    activate_working: "Contacting the server…",
    activate_done: "Done: this phone is connected to your account.",
    err_code_missing: "Type the activation code.",
    err_pin_format: "The PIN must have 4 to 6 digits, no letters.",
    err_pin_mismatch: "The two PINs are not the same. Type them again.",
    err_activate_offline:
      "No internet connection. You need a connection to connect this phone. Try again when you have a signal.",
    wiped_disconnected:
      "This phone is no longer connected to your account. Ask the coordinators for a new activation code.",
    wiped_too_many: "Too many tries: ask the coordinators for a new activation code.",
    wiped_logout:
      "This phone is disconnected. To pay with it again, ask the coordinators for a new activation code.",

    pin_title: "PIN",
    pin_intro: "Type your PIN to open Caisse Commune.",
    pin_label: "PIN (4 to 6 digits)",
    pin_submit: "Open",
    pin_checking: "Checking…",
    pin_wrong_many: "Wrong PIN. {n} tries left.",
    pin_wrong_one: "Wrong PIN. 1 try left.",
    pin_empty: "Type your PIN.",
    pin_forgot: "Forgot your PIN?",
    pin_forgot_text:
      "Ask the coordinators for a new activation code. With it, you can connect this phone again and choose another PIN.",
    pin_reactivate: "I have a new activation code",

    home_title: "Your balance",
    balance_label: "You have",
    held_text: "including {amount} reserved for your pay code",
    next_allocation: "Next allocation: {date}",
    offline_balance: "Offline — balance from {when}",
    pay_button: "Pay",
    recent_title: "Latest movements",
    recent_empty: "No movements yet.",
    see_history: "See all history",
    no_data_yet: "Your balance is not here yet. You need an internet connection the first time.",

    mv_allocation: "{month} allocation",
    mv_allocation_plain: "Allocation",
    mv_payment: "Payment",
    mv_refund: "Refund {shop}",
    mv_refund_plain: "Refund",
    mv_contribution: "Contribution",
    mv_adjustment: "Adjustment",
    mv_other: "Movement",
    sr_spent: "{amount} spent",
    sr_received: "{amount} received",

    history_title: "History",
    history_more: "See more",
    history_more_done: "{n} more movements.",
    history_end: "That's all: there are no older movements.",
    history_empty: "No movements yet.",
    history_stale: "Offline — history from {when}",
    history_offline: "Offline: the history is not available. You need an internet connection.",

    pay_title: "Pay",
    pay_intro: "Show this code to the shopkeeper.",
    pay_qr_label: "Pay code to show to the shopkeeper",
    pay_cap: "Can pay up to {amount}",
    pay_valid_hm: "Valid for {h} h {m} min",
    pay_valid_m: "Valid for {m} min",
    pay_valid_s: "Valid for {s} s",
    pay_expired: "This code has expired.",
    pay_brightness: "Turn up the screen brightness",
    pay_offline: "Offline: this code still works in the shops",
    pay_preparing: "Preparing your pay code…",
    pay_need_connection:
      "You need an internet connection to prepare your pay code. After that, it also works without a connection.",
    pay_expired_offline:
      "Your pay code has expired. You need an internet connection to get a new one.",
    pay_no_funds: "Your balance is €0. You cannot pay for now.",
    pay_no_funds_next: "Next allocation: {date}.",
    pay_held_elsewhere:
      "Your money is reserved by another pay code, for example on another phone.",
    pay_too_many: "You already have too many pay codes waiting.",
    pay_release: "Cancel the other codes and make a code here",
    pay_release_note: "If you cancel them, the other codes will stop working.",
    pay_renew: "New code",
    pay_renew_label: "New code: ask for one if the shopkeeper says this code is refused",
    pay_new_ready: "New pay code ready.",
    pay_error: "The pay code could not be prepared.",

    shops_title: "Shops",
    shops_intro: "You can pay in these shops.",
    shops_search_label: "Search for a shop",
    shops_search_hint: "Name, address or type (for example: bakery).",
    shops_count_many: "{n} shops",
    shops_count_one: "1 shop",
    shops_count_none: "No shop found.",
    shops_hours: "Opening hours: {hours}",
    shops_categories: "Type: {cats}",
    shops_map: "Open in maps",
    shops_osm: "See on OpenStreetMap",
    shops_offline: "Offline — list from {when}",
    shops_unavailable:
      "Offline: the list of shops is not available. You need an internet connection the first time.",
    new_window: "(opens in another window)",

    settings_title: "Settings",
    lang_title: "Language",
    lang_label: "Language of the app",
    change_pin_title: "Change your PIN",
    pin_old_label: "Current PIN",
    pin_new2_label: "New PIN (4 to 6 digits)",
    pin_new2_confirm_label: "Type the new PIN again",
    change_pin_submit: "Change the PIN",
    change_pin_done: "Done: your PIN is changed.",
    change_pin_wrong_many: "Wrong current PIN. {n} tries left.",
    change_pin_wrong_one: "Wrong current PIN. 1 try left.",
    account_title: "Your account",
    account_id: "Your number: {id}",
    account_id_hint: "Give this number to the coordinators if you have a question.",
    logout_title: "Disconnect this phone",
    logout_text:
      "Erases your information and your pay code from this phone. Your money stays in your account. To use this phone again, you will need a new activation code from the coordinators.",
    logout_button: "Disconnect this phone",
    logout_confirm: "Really disconnect this phone?",
    logout_yes: "Yes, disconnect",
    logout_no: "No, cancel",
    version: "Version {v}",
  },
};

const MONTHS = {
  fr: [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
  ],
  en: [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
  ],
};

let current = readLang();

function readLang() {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (LANGS.includes(saved)) return saved;
  } catch (_) {
    /* storage blocked: French */
  }
  return "fr";
}

export function lang() {
  return current;
}

export function setLang(next) {
  if (!LANGS.includes(next)) return;
  current = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch (_) {
    /* not remembered, still applied */
  }
  document.documentElement.lang = next;
}

/** The string for `key`, with `{name}` replaced from `vars`. */
export function t(key, vars) {
  let text = STRINGS[current][key] ?? STRINGS.fr[key] ?? key;
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }
  return text;
}

/** A server refusal in the current language: `messages[lang]`, else `message`. */
export function serverMessage(body) {
  if (body && body.messages && body.messages[current]) return body.messages[current];
  if (body && body.message) return body.message;
  return t("error_generic");
}

// ---- money: integer cents only --------------------------------------------------------

const MINUS = "\u2212"; // a real minus sign
const NARROW_NBSP = "\u202f";

function groupThousands(intPart, sep) {
  const digits = String(intPart);
  let out = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/**
 * "12,40 €" (fr) or "€12.40" (en). `signed` adds "+" before a positive amount; a negative
 * one always shows a real minus "−". Integer arithmetic only.
 */
export function money(cents, { signed = false } = {}) {
  const value = Math.trunc(Number(cents) || 0);
  const abs = Math.abs(value);
  const rest = abs % 100;
  const units = (abs - rest) / 100;
  const cc = rest < 10 ? `0${rest}` : String(rest);
  const body =
    current === "en"
      ? `€${groupThousands(units, ",")}.${cc}`
      : `${groupThousands(units, NARROW_NBSP)},${cc} €`;
  if (value < 0) return MINUS + body;
  if (signed && value > 0) return `+${body}`;
  return body;
}

// ---- dates and times ------------------------------------------------------------------

export function monthName(index) {
  return MONTHS[current][index];
}

/** "Novembre 2026" / "November 2026" for a Date. */
export function monthHeading(date) {
  const name = MONTHS[current][date.getMonth()];
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${date.getFullYear()}`;
}

/** "de décembre" / "d'avril" (fr) or "December" (en), for "YYYY-MM". */
export function allocationLabel(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || "");
  if (!m) return t("mv_allocation_plain");
  const index = Number(m[2]) - 1;
  if (index < 0 || index > 11) return t("mv_allocation_plain");
  const name = MONTHS[current][index];
  if (current === "en") return t("mv_allocation", { month: name });
  const ofMonth = /^[aeiouyéh]/i.test(name) ? `d'${name}` : `de ${name}`;
  return t("mv_allocation", { of_month: ofMonth });
}

function pad2(n) {
  return n < 10 ? `0${n}` : String(n);
}

/** "14 h 05" / "14:05". */
export function timeOfDay(date) {
  return current === "en"
    ? `${pad2(date.getHours())}:${pad2(date.getMinutes())}`
    : `${date.getHours()}\u00a0h\u00a0${pad2(date.getMinutes())}`;
}

/** "23/11" in both languages (day first, as in the rest of Europe). */
export function shortDate(date) {
  return `${pad2(date.getDate())}/${pad2(date.getMonth() + 1)}`;
}

/** "23/11 à 14 h 05" / "23/11 at 14:05". */
export function dateTime(date) {
  return t("when_date_time", { date: shortDate(date), time: timeOfDay(date) });
}

/** "1er décembre" / "23 novembre" / "1 December", from a Date. */
export function dayMonth(date) {
  const day = date.getDate();
  const name = MONTHS[current][date.getMonth()];
  if (current === "en") return `${day} ${name}`;
  return `${day === 1 ? "1er" : day} ${name}`;
}

/** A "YYYY-MM-DD" calendar date as a local Date (not UTC midnight), or null. */
export function parseDay(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Removes accents and case, for searching: "Épicerie" → "epicerie". */
export function fold(text) {
  return String(text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}
