// One movement of the wallet in plain words: "La Cagette  −12,40 €".

import { h, srOnly } from "../dom.js";
import { t, money, allocationLabel, dayMonth, timeOfDay } from "../i18n.js";

export function movementLabel(m) {
  switch (m.kind) {
    case "payment":
      return m.shop_name || t("mv_payment");
    case "allocation":
      return allocationLabel(m.month);
    case "refund":
      return m.shop_name ? t("mv_refund", { shop: m.shop_name }) : t("mv_refund_plain");
    case "contribution":
      return t("mv_contribution");
    case "adjustment":
      return t("mv_adjustment");
    default:
      return t("mv_other");
  }
}

export function movementItem(m) {
  const cents = Math.trunc(Number(m.amount_cents) || 0);
  const at = new Date(m.at);
  const when = Number.isNaN(at.getTime()) ? "" : `${dayMonth(at)}, ${timeOfDay(at)}`;
  const words = t(cents < 0 ? "sr_spent" : "sr_received", { amount: money(Math.abs(cents)) });
  return h(
    "li",
    { class: "movement" },
    h(
      "span",
      { class: "mv-main" },
      h("span", { class: "mv-label" }, movementLabel(m)),
      when ? h("span", { class: "mv-date" }, when) : null,
    ),
    h(
      "span",
      { class: `mv-amount ${cents < 0 ? "is-out" : "is-in"}` },
      h("span", { "aria-hidden": "true" }, money(cents, { signed: true })),
      srOnly(words),
    ),
  );
}
