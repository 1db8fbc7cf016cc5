// Every word the cashier screen shows, in French (first) and English, and the formats of
// money and time. Plain words: the people at the till may read little; keep sentences short.

const STORAGE_KEY = "caisse-commune.pos.lang";
export const LANGS = ["fr", "en"];

const STRINGS = {
  fr: {
    app_name: "Caisse Commune",
    page_title: "Caisse Commune — {shop}",
    skip_link: "Aller au contenu",
    lang_toggle: "English",
    lang_toggle_label: "Switch to English",
    nav_label: "Écrans de la caisse",
    nav_pay: "Encaisser",
    nav_recent: "Derniers paiements",
    nav_report: "Rapport du jour",

    net_online: "● En ligne",
    net_offline: "○ Hors ligne",
    net_unknown: "… Connexion ?",
    net_till_down: "⚠ Caisse injoignable",
    net_went_online: "Connexion revenue. Les paiements en attente vont partir.",
    net_went_offline: "Connexion perdue. Les paiements sont acceptés hors ligne, dans certaines limites.",
    net_till_down_long: "La caisse ne répond plus. Vérifiez que le programme de caisse tourne.",
    unsynced_one: "paiement à envoyer",
    unsynced_many: "paiements à envoyer",
    last_sync: "Dernier envoi : {time}",
    last_sync_never: "Dernier envoi : jamais",
    storage_persistent: "Journal protégé sur cet appareil",
    storage_best_effort: "⚠ Journal effaçable par le navigateur : installez la caisse sur l'écran d'accueil",

    problems_title: "⚠ À vérifier",
    problems_intro: "Le serveur n'a pas validé ces paiements. Parlez-en au responsable de la caisse commune, puis appuyez sur « C'est noté ».",
    problems_announce: "À vérifier : {n} paiement(s).",
    problem_ref: "Réf. {id}",
    problem_seen: "C'est noté",
    problem_seen_label: "C'est noté : {amount} de {time}",
    problem_seen_error: "Pas pu enregistrer. Réessayez.",

    pay_title: "Encaisser",
    step_amount: "1. Tapez le montant",
    step_scan: "2. Scannez le code du participant",
    keypad_label: "Clavier pour taper le montant",
    key_back: "Corriger",
    key_back_label: "Corriger : effacer le dernier chiffre",
    key_clear: "Effacer tout",
    scan_label: "Scanner le code",
    scan_hint: "Le lecteur de codes écrit ici tout seul. Au clavier, les chiffres tapés ici vont dans le montant.",
    or: "ou",
    camera_open: "Scanner avec la caméra",
    camera_close: "Fermer la caméra",
    camera_switch: "Changer de caméra",
    camera_video_label: "Image de la caméra",
    camera_starting: "Ouverture de la caméra…",
    camera_help: "Montrez le code QR du participant devant la caméra.",
    camera_none: "Pas de caméra trouvée sur cet appareil. Utilisez le lecteur de codes ou le code PIN.",
    camera_denied: "La caméra est bloquée. Autorisez la caméra dans les réglages du navigateur, puis réessayez.",
    camera_busy: "La caméra est déjà utilisée par une autre application. Fermez-la, puis réessayez.",
    camera_insecure: "La caméra ne marche que si la caisse est ouverte à l'adresse de ce poste (localhost) ou en https.",
    camera_load_error: "Le lecteur de la caméra n'a pas pu se charger. Rechargez la page.",
    camera_error: "La caméra ne marche pas. Utilisez le lecteur de codes ou le code PIN.",
    camera_cannot_open: "La caméra ne s'ouvre pas. Autorisez la caméra dans les réglages du navigateur, ou fermez l'application qui l'utilise, puis réessayez.",
    camera_policy: "La caméra ne peut pas lire les codes sur ce poste (réglage de sécurité de la caisse). Utilisez le lecteur de codes ou le code PIN.",
    camera_not_pay_code: "Ce code n'est pas un code de paiement Caisse Commune. Montrez le bon code.",
    pin_open: "Payer avec code PIN",
    pin_title: "Paiement avec code PIN",
    pin_intro: "Pour un participant sans téléphone. Il tape lui-même son code PIN.",
    pin_offline_note: "⚠ Sans connexion, le paiement par code PIN ne marche pas.",
    pin_participant: "Numéro du participant",
    pin_participant_hint: "Il commence par P-, par exemple P-7KX2-M9QD.",
    pin_code: "Code PIN (4 à 6 chiffres)",
    pin_submit: "Payer",
    cancel: "Annuler",
    pin_bad_participant: "Le numéro du participant doit ressembler à P-7KX2-M9QD.",
    pin_bad_code: "Le code PIN a 4 à 6 chiffres.",
    amount_first: "Tapez d'abord le montant.",

    checking: "Vérification…",
    result_accepted: "✔ Paiement accepté",
    result_accepted_offline: "✔ Accepté hors ligne",
    result_refused: "✖ Paiement refusé",
    result_receipt: "Reçu n° {n}",
    result_auto: "L'écran revient tout seul au clavier.",
    new_payment: "Nouveau paiement",
    retry_same: "Réessayer avec le même montant",
    amount_zero: "Tapez d'abord le montant, puis scannez le code.",
    scanner_layout: "Le lecteur de codes n'est pas réglé pour le clavier de ce poste (AZERTY ou QWERTY). Réglez-le, ou utilisez la caméra.",
    till_error: "Erreur du poste de caisse. Avant de recommencer, regardez dans « Derniers paiements » si le paiement y est.",
    refused_code: "Paiement refusé (code : {code}).",

    recent_title: "Derniers paiements",
    recent_refresh: "Mettre à jour",
    recent_empty: "Aucun paiement pour le moment.",
    recent_error: "Impossible de lire les derniers paiements. Réessayez.",
    loading: "Chargement…",
    mode_online: "en ligne",
    mode_offline: "hors ligne",
    mode_pin: "code PIN",
    state_synced: "✔ envoyé",
    state_pending_sync: "↻ à envoyer",
    state_rejected: "✖ refusé par le serveur",
    state_conflict: "⚠ conflit",
    refunded: "Déjà remboursé : {amount}",
    refund_button: "Rembourser",
    refund_button_label: "Rembourser le paiement de {amount} de {time}",
    refund_full: "Remboursé en entier",

    refund_title: "Rembourser",
    refund_of: "Paiement de {amount} ({time})",
    refund_amount: "Montant à rembourser",
    refund_max: "Au plus {amount}.",
    refund_next: "Continuer",
    refund_question: "Rembourser {amount} au participant ?",
    refund_confirm: "Oui, rembourser",
    refund_back: "Non, revenir",
    refund_zero: "Le montant doit être plus grand que 0.",
    refund_too_much: "C'est plus que le reste à rembourser ({amount}).",
    refund_sending: "Envoi du remboursement…",
    refund_accepted: "✔ Remboursement fait",
    refund_queued: "↻ Remboursement enregistré, il partira plus tard",
    refund_refused: "✖ Remboursement refusé",
    close: "Fermer",

    report_title: "Rapport du jour",
    report_day: "Jour",
    report_print: "Imprimer",
    report_shop: "Commerce : {name}",
    report_device: "Poste de caisse : {name}",
    report_printed: "Édité le {date}",
    report_what: "Quoi",
    report_count: "Nombre",
    report_amount: "Montant",
    report_payments: "Paiements encaissés",
    report_synced: "dont envoyés au serveur",
    report_unsynced: "dont encore à envoyer",
    report_refunds: "Remboursements",
    report_rejected: "Refusés par le serveur",
    report_conflicts: "Conflits",
    report_error: "Impossible de lire le rapport. Réessayez.",
    noscript: "Cette page a besoin de JavaScript.",
    // the browser till only (served under /till/)
    insecure_title: "Caisse impossible ici",
    insecure_text: "Cette page n'est pas protégée (HTTPS). Ouvrez l'adresse en https:// donnée par la coordination.",
    pair_title: "Associer cette caisse",
    pair_intro: "Tapez le code d'association donné par la coordination (console, page du commerce).",
    pair_code: "Code d'association",
    pair_name: "Nom de cette caisse",
    pair_name_default: "Caisse tablette",
    pair_submit: "Associer",
    pair_scan: "Scanner le code",
    pair_scan_stop: "Arrêter la caméra",
    pair_scan_help: "Montrez à la caméra le QR code affiché par la console.",
    pair_scan_not_code: "Ce QR code n'est pas un code d'association. Montrez celui de la console.",
    pair_busy: "Association…",
    pair_refused: "Code refusé : {message}",
    pair_unreachable: "Serveur injoignable : vérifiez la connexion et réessayez.",
    pair_revoked: "Cette caisse a été révoquée par la coordination : ses paiements non envoyés sont gardés. Associez-la de nouveau pour continuer.",
    till_start_failed: "La caisse n'a pas pu démarrer : {error}",
  },
  en: {
    app_name: "Caisse Commune",
    page_title: "Caisse Commune — {shop}",
    skip_link: "Skip to content",
    lang_toggle: "Français",
    lang_toggle_label: "Passer en français",
    nav_label: "Till screens",
    nav_pay: "Take payment",
    nav_recent: "Recent payments",
    nav_report: "Day report",

    net_online: "● Online",
    net_offline: "○ Offline",
    net_unknown: "… Connection?",
    net_till_down: "⚠ Till not responding",
    net_went_online: "Back online. Waiting payments will be sent.",
    net_went_offline: "Connection lost. Payments are accepted offline, within limits.",
    net_till_down_long: "The till does not answer. Check that the till program is running.",
    unsynced_one: "payment to send",
    unsynced_many: "payments to send",
    last_sync: "Last sent: {time}",
    last_sync_never: "Last sent: never",
    storage_persistent: "Journal kept safe on this device",
    storage_best_effort: "⚠ The browser may clear the journal: add the till to the home screen",

    problems_title: "⚠ To check",
    problems_intro: "The server did not confirm these payments. Tell the food fund's coordinator, then press “Noted”.",
    problems_announce: "To check: {n} payment(s).",
    problem_ref: "Ref. {id}",
    problem_seen: "Noted",
    problem_seen_label: "Noted: {amount} at {time}",
    problem_seen_error: "Could not save that. Try again.",

    pay_title: "Take payment",
    step_amount: "1. Type the amount",
    step_scan: "2. Scan the participant's code",
    keypad_label: "Keypad to type the amount",
    key_back: "Correct",
    key_back_label: "Correct: remove the last digit",
    key_clear: "Clear all",
    scan_label: "Scan the code",
    scan_hint: "The code reader types here by itself. On a keyboard, digits typed here go to the amount.",
    or: "or",
    camera_open: "Scan with camera",
    camera_close: "Close camera",
    camera_switch: "Switch camera",
    camera_video_label: "Camera picture",
    camera_starting: "Opening the camera…",
    camera_help: "Hold the participant's QR code in front of the camera.",
    camera_none: "No camera found on this device. Use the code reader or the PIN.",
    camera_denied: "The camera is blocked. Allow the camera in the browser settings, then try again.",
    camera_busy: "Another app is using the camera. Close it, then try again.",
    camera_insecure: "The camera only works when the till is opened at this device's address (localhost) or over https.",
    camera_load_error: "The camera reader could not load. Reload the page.",
    camera_error: "The camera does not work. Use the code reader or the PIN.",
    camera_cannot_open: "The camera does not open. Allow the camera in the browser settings, or close the app that uses it, then try again.",
    camera_policy: "The camera cannot read codes on this till (a security setting of the till). Use the code reader or the PIN.",
    camera_not_pay_code: "This is not a Caisse Commune pay code. Show the right code.",
    pin_open: "Pay with PIN",
    pin_title: "Pay with PIN",
    pin_intro: "For a participant without a phone. They type their PIN themselves.",
    pin_offline_note: "⚠ Without a connection, paying with a PIN does not work.",
    pin_participant: "Participant number",
    pin_participant_hint: "It starts with P-, for example P-7KX2-M9QD.",
    pin_code: "PIN (4 to 6 digits)",
    pin_submit: "Pay",
    cancel: "Cancel",
    pin_bad_participant: "The participant number should look like P-7KX2-M9QD.",
    pin_bad_code: "The PIN has 4 to 6 digits.",
    amount_first: "Type the amount first.",

    checking: "Checking…",
    result_accepted: "✔ Payment accepted",
    result_accepted_offline: "✔ Accepted offline",
    result_refused: "✖ Payment refused",
    result_receipt: "Receipt no. {n}",
    result_auto: "The screen goes back to the keypad by itself.",
    new_payment: "New payment",
    retry_same: "Try again with the same amount",
    amount_zero: "Type the amount first, then scan the code.",
    scanner_layout: "The code reader is not set for this till's keyboard (AZERTY or QWERTY). Set it, or use the camera.",
    till_error: "Till error. Before trying again, look in “Recent payments” to see whether the payment is there.",
    refused_code: "Payment refused (code: {code}).",

    recent_title: "Recent payments",
    recent_refresh: "Refresh",
    recent_empty: "No payments yet.",
    recent_error: "Could not read the recent payments. Try again.",
    loading: "Loading…",
    mode_online: "online",
    mode_offline: "offline",
    mode_pin: "PIN",
    state_synced: "✔ synced",
    state_pending_sync: "↻ to send",
    state_rejected: "✖ rejected",
    state_conflict: "⚠ conflict",
    refunded: "Already refunded: {amount}",
    refund_button: "Refund",
    refund_button_label: "Refund the payment of {amount} at {time}",
    refund_full: "Fully refunded",

    refund_title: "Refund",
    refund_of: "Payment of {amount} ({time})",
    refund_amount: "Amount to refund",
    refund_max: "At most {amount}.",
    refund_next: "Continue",
    refund_question: "Refund {amount} to the participant?",
    refund_confirm: "Yes, refund",
    refund_back: "No, go back",
    refund_zero: "The amount must be more than 0.",
    refund_too_much: "That is more than what is left to refund ({amount}).",
    refund_sending: "Sending the refund…",
    refund_accepted: "✔ Refund done",
    refund_queued: "↻ Refund saved, it will be sent later",
    refund_refused: "✖ Refund refused",
    close: "Close",

    report_title: "Day report",
    report_day: "Day",
    report_print: "Print",
    report_shop: "Shop: {name}",
    report_device: "Till: {name}",
    report_printed: "Printed on {date}",
    report_what: "What",
    report_count: "Count",
    report_amount: "Amount",
    report_payments: "Payments taken",
    report_synced: "of which sent to the server",
    report_unsynced: "of which still to send",
    report_refunds: "Refunds",
    report_rejected: "Rejected by the server",
    report_conflicts: "Conflicts",
    report_error: "Could not read the report. Try again.",
    noscript: "This page needs JavaScript.",
    // the browser till only (served under /till/)
    insecure_title: "The till cannot run here",
    insecure_text: "This page is not protected (HTTPS). Open the https:// address the coordinators gave you.",
    pair_title: "Pair this till",
    pair_intro: "Type the pairing code the coordinators gave you (console, the shop's page).",
    pair_code: "Pairing code",
    pair_name: "Name of this till",
    pair_name_default: "Tablet till",
    pair_submit: "Pair",
    pair_scan: "Scan the code",
    pair_scan_stop: "Stop the camera",
    pair_scan_help: "Show the camera the QR code the console displays.",
    pair_scan_not_code: "This QR code is not a pairing code. Show the console's one.",
    pair_busy: "Pairing…",
    pair_refused: "Code refused: {message}",
    pair_unreachable: "Server out of reach: check the connection and try again.",
    pair_revoked: "The coordinators revoked this till: its unsent payments are kept. Pair it again to go on.",
    till_start_failed: "The till could not start: {error}",
  },
};

function storedLang() {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(value) ? value : "fr";
  } catch {
    return "fr"; // storage blocked: French
  }
}

let current = storedLang();

export function getLang() {
  return current;
}

export function setLang(lang) {
  current = LANGS.includes(lang) ? lang : "fr";
  try {
    window.localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not remembered, still switched
  }
  return current;
}

/** The string `key` in the current language, `{name}` replaced by params.name. */
export function t(key, params = {}) {
  const text = STRINGS[current][key] ?? STRINGS.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A server message {"fr": ..., "en": ...} in the current language ("" if there is none). */
export function pick(message) {
  if (!message || typeof message !== "object") return "";
  const text = message[current] || message.fr || message.en;
  return typeof text === "string" ? text : "";
}

/** The word for a count: French takes the singular for 0 and 1, English for 1 only. */
export function plural(n, oneKey, manyKey) {
  const one = current === "fr" ? n <= 1 : n === 1;
  return t(one ? oneKey : manyKey);
}

function groupThousands(digits, separator) {
  let out = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += separator;
    out += digits[i];
  }
  return out;
}

/** Integer cents as money: 1240 -> "12,40 €" (fr) or "€12.40" (en). No floats. */
export function formatCents(cents, lang = current) {
  const value = Number.isSafeInteger(cents) ? cents : 0;
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const euros = String(Math.trunc(abs / 100));
  const rest = String(abs % 100).padStart(2, "0");
  if (lang === "en") return `${sign}€${groupThousands(euros, ",")}.${rest}`;
  // narrow no-break space between thousands; a plain space before € (amounts never wrap: CSS)
  return `${sign}${groupThousands(euros, "\u202f")},${rest} €`;
}

function locale() {
  return current === "fr" ? "fr-FR" : "en-GB";
}

function parseDate(iso) {
  if (typeof iso !== "string" || iso === "") return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function sameDay(a, b) {
  return (
    a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  );
}

/** "14:32" for today, "22/11 14:32" for another day (local time); the raw text if unreadable. */
export function formatWhen(iso, now = new Date()) {
  const date = parseDate(iso);
  if (!date) return typeof iso === "string" ? iso : "";
  const time = new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(date);
  if (sameDay(date, now)) return time;
  const day = new Intl.DateTimeFormat(locale(), { day: "2-digit", month: "2-digit" }).format(date);
  return `${day} ${time}`;
}

/** A full date and time, for the printed report. */
export function formatDateTime(date) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeStyle: "short" }).format(date);
}

/** "YYYY-MM-DD" as a long local date, "lundi 23 novembre 2026". */
export function formatDay(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!match) return day || "";
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(date);
}

/** Today's local date as "YYYY-MM-DD". */
export function todayLocal(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// What the browser till's engine says for the outcomes and refusals it decides itself:
// the words of pos_client/messages.py, code for code (tests/till_web checks they match).
export const TILL_MESSAGES = {
  accepted_online: {
    fr: "Paiement accepté.",
    en: "Payment accepted.",
  },
  accepted_offline: {
    fr: "Accepté hors ligne : il sera envoyé au serveur dès le retour de la connexion.",
    en: "Accepted offline: it will be sent to the server when the connection returns.",
  },
  refund_accepted: {
    fr: "Remboursement effectué.",
    en: "Refund done.",
  },
  refund_queued: {
    fr: "Remboursement enregistré : il sera envoyé au retour de la connexion.",
    en: "Refund recorded: it will be sent when the connection returns.",
  },
  conflict_paid: {
    fr: "Payé au commerce, mais ce code avait déjà servi ailleurs : la coordination est prévenue.",
    en: "Paid to the shop, but this code had been used elsewhere: the coordinators are told.",
  },
  offline_too_long: {
    fr: "Hors ligne depuis trop longtemps : reconnectez la caisse pour accepter des paiements.",
    en: "Offline for too long: reconnect the till to accept payments.",
  },
  offline_limit: {
    fr: "Limite hors ligne atteinte : ce paiement attendra le retour de la connexion.",
    en: "Offline limit reached: this payment must wait for the connection.",
  },
  token_online_only: {
    fr: "Ce code ne peut pas servir hors ligne : demandez un code « hors ligne ».",
    en: "This code cannot be used offline: ask for an offline code.",
  },
  token_already_used: {
    fr: "Ce code a déjà servi à cette caisse.",
    en: "This code was already used at this till.",
  },
  amount_exceeds_cap: {
    fr: "Le montant dépasse ce que ce code peut payer.",
    en: "The amount exceeds what this code can pay.",
  },
  amount_missing: {
    fr: "Saisissez d'abord le montant.",
    en: "Enter the amount first.",
  },
  pin_needs_connection: {
    fr: "Pas de connexion : le paiement par code PIN est impossible. Le participant n'a rien payé.",
    en: "No connection: PIN payment is not possible. The participant was not charged.",
  },
  not_paid_no_connection: {
    fr: "Pas de connexion et paiement hors ligne impossible : rien n'a été payé.",
    en: "No connection and offline payment not possible: nothing was paid.",
  },
  refund_too_large: {
    fr: "Le remboursement dépasse ce qui reste de ce paiement.",
    en: "The refund exceeds what is left of this payment.",
  },
  payment_not_found: {
    fr: "Paiement introuvable à cette caisse.",
    en: "Payment not found at this till.",
  },
  payment_not_refundable: {
    fr: "Ce paiement a été refusé : il n'y a rien à rembourser.",
    en: "This payment was refused: there is nothing to refund.",
  },
  auto_refunded: {
    fr: "Le serveur avait reçu ce paiement refusé à la caisse : il a été remboursé.",
    en: "The server had received this payment the till refused: it was refunded.",
  },
  not_received: {
    fr: "Le serveur n'a jamais reçu ce paiement : rien n'a été payé.",
    en: "The server never received this payment: nothing was paid.",
  },
  server_error: {
    fr: "Le serveur a répondu par une erreur inattendue.",
    en: "The server answered with an error.",
  },
  too_large: {
    fr: "Ce n'est pas un code de paiement.",
    en: "This is not a pay code.",
  },
  bad_prefix: {
    fr: "Ce n'est pas un code de paiement.",
    en: "This is not a pay code.",
  },
  malformed: {
    fr: "Code illisible : scannez-le encore.",
    en: "Unreadable code: scan it again.",
  },
  unsupported_algorithm: {
    fr: "Code non reconnu.",
    en: "Code not recognised.",
  },
  unsupported_version: {
    fr: "Code d'une version inconnue : mettez la caisse à jour.",
    en: "Code from an unknown version: update the till.",
  },
  unknown_key: {
    fr: "Code signé par une clé inconnue de cette caisse.",
    en: "Code signed by a key this till does not know.",
  },
  key_not_valid: {
    fr: "Code signé par une clé qui n'est plus valable.",
    en: "Code signed by a key no longer valid.",
  },
  bad_signature: {
    fr: "Code falsifié ou abîmé : refusé.",
    en: "Forged or damaged code: refused.",
  },
  token_expired: {
    fr: "Ce code a expiré : demandez un nouveau code.",
    en: "This code has expired: ask for a new one.",
  },
  token_not_yet_valid: {
    fr: "Ce code n'est pas encore valable : vérifiez l'heure de la caisse.",
    en: "This code is not valid yet: check the till's clock.",
  },
  token_revoked: {
    fr: "Ce code de paiement a été annulé.",
    en: "This pay code was revoked.",
  },
  wallet_blocked: {
    fr: "Ce porte-monnaie est bloqué : orientez la personne vers la coordination.",
    en: "This wallet is blocked: refer the person to the coordinators.",
  },
};

/** A till message {fr, en} by its code (the server's error words when unknown). */
export function tillMessage(code) {
  const words = TILL_MESSAGES[code] ?? TILL_MESSAGES.server_error;
  return { fr: words.fr, en: words.en };
}
