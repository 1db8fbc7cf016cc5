// #/home: the balance, big; what is reserved for the pay code; the next allocation; the
// five latest movements; a big button to pay.

import { h, clear, svgIcon, notice } from "../dom.js";
import { t, money, dayMonth, parseDay, dateTime, serverMessage } from "../i18n.js";
import { state, on } from "../core.js";
import { movementItem } from "./movements.js";

const PAY_ICON =
  "M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm8-2h2v2h-2zm2 2h2v2h-2zm-2 2h2v2h-2zm4 0h2v4h-4v-2h2zm0-4h2v2h-2z";

export default function homeView() {
  const balance = h("p", { id: "balance", class: "balance" });
  const details = h("div", { class: "balance-details" });
  const recent = h("ul", { id: "recent-movements", class: "movements" });
  const recentStatus = h("p", { class: "muted" });

  function renderBalance() {
    const me = state.me;
    clear(details);
    if (!me && state.meError) {
      balance.textContent = "—";
      details.append(notice("error", serverMessage(state.meError)));
      return;
    }
    if (!me) {
      balance.textContent = state.offline ? "—" : "…";
      details.append(h("p", null, state.offline ? t("no_data_yet") : t("loading")));
      return;
    }
    balance.textContent = money(me.balance_cents);
    if (me.held_cents > 0) {
      details.append(h("p", { id: "held" }, t("held_text", { amount: money(me.held_cents) })));
    }
    const next = parseDay(me.next_allocation_on);
    if (next) details.append(h("p", null, t("next_allocation", { date: dayMonth(next) })));
    if (state.offline && state.meAt) {
      details.append(
        h(
          "p",
          { class: "stale" },
          h("span", { "aria-hidden": "true" }, "⊘ "),
          t("offline_balance", { when: dateTime(new Date(state.meAt)) }),
        ),
      );
    }
  }

  function renderRecent() {
    clear(recent);
    recentStatus.textContent = "";
    if (state.recent === null) {
      recentStatus.textContent = state.offline ? "" : t("loading");
      return;
    }
    if (state.recent.length === 0) {
      recentStatus.textContent = t("recent_empty");
      return;
    }
    for (const m of state.recent.slice(0, 5)) recent.append(movementItem(m));
  }

  renderBalance();
  renderRecent();
  const stops = [on("me", renderBalance), on("network", renderBalance), on("recent", renderRecent)];

  const el = h(
    "section",
    { class: "view view-home stack" },
    h(
      "div",
      { class: "card balance-card" },
      h("h1", { tabindex: "-1" }, t("home_title")),
      balance,
      details,
    ),
    h("a", { href: "./#/pay", class: "btn btn-pay" }, svgIcon(PAY_ICON), h("span", null, t("pay_button"))),
    h(
      "section",
      { class: "stack-s", "aria-labelledby": "recent-title" },
      h("h2", { id: "recent-title" }, t("recent_title")),
      recent,
      recentStatus,
      h("p", null, h("a", { href: "./#/history" }, t("see_history"))),
    ),
  );

  return {
    el,
    title: t("home_title"),
    destroy() {
      for (const stop of stops) stop();
    },
  };
}

