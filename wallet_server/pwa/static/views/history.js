// #/history: every movement, newest first, under month headings; more with the cursor.

import { h, clear, announce } from "../dom.js";
import { t, monthHeading, serverMessage, dateTime } from "../i18n.js";
import { api, ApiError, NetworkError } from "../api.js";
import { request, state } from "../core.js";
import { movementItem } from "./movements.js";

const PAGE = 20;

export default function historyView() {
  const list = h("div", { id: "history-list", class: "history" });
  const status = h("div", { class: "history-status" });
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true },
    t("history_more"));
  let cursor = null;
  let lastKey = null;
  let lastList = null;
  let count = 0;
  let loading = false;
  let gone = false;

  function add(movements) {
    let first = null;
    for (const m of movements) {
      const at = new Date(m.at);
      const key = Number.isNaN(at.getTime()) ? "?" : `${at.getFullYear()}-${at.getMonth()}`;
      if (key !== lastKey) {
        lastKey = key;
        const headingId = `month-${key}`;
        lastList = h("ul", { class: "movements" });
        list.append(
          h(
            "section",
            { class: "month", "aria-labelledby": headingId },
            h("h2", { id: headingId }, key === "?" ? "—" : monthHeading(at)),
            lastList,
          ),
        );
      }
      const item = movementItem(m);
      first = first || item;
      lastList.append(item);
      count += 1;
    }
    return first;
  }

  async function load() {
    if (loading) return;
    loading = true;
    more.disabled = true;
    const firstPage = count === 0;
    if (firstPage) status.textContent = t("loading");
    try {
      const { data, cachedAt } = await request(api.history(PAGE, cursor));
      if (gone) return;
      const movements = (data && data.movements) || [];
      clear(status);
      if (cachedAt && firstPage) {
        status.append(
          h("p", { class: "stale" }, h("span", { "aria-hidden": "true" }, "⊘ "),
            t("history_stale", { when: dateTime(new Date(cachedAt)) })),
        );
      }
      const first = add(movements);
      cursor = (data && data.next_cursor) || null;
      more.hidden = !cursor;
      more.textContent = t("history_more");
      if (count === 0) status.append(h("p", null, t("history_empty")));
      else if (!cursor && !firstPage) status.append(h("p", null, t("history_end")));
      if (!firstPage) {
        announce(t("history_more_done", { n: movements.length }));
        if (!cursor && first) {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      }
    } catch (error) {
      if (gone) return;
      clear(status);
      let text = t("error_generic");
      if (error instanceof NetworkError) text = firstPage ? t("history_offline") : t("error_network");
      else if (error instanceof ApiError) text = serverMessage(error.body);
      status.append(
        h("p", { class: "notice-inline", role: "alert" }, h("span", { "aria-hidden": "true" }, "⚠ "), text),
      );
      if (firstPage) {
        more.textContent = t("retry");
        more.hidden = false;
      }
    } finally {
      loading = false;
      more.disabled = false;
    }
  }

  more.addEventListener("click", load);
  if (state.unlocked) load();

  const el = h(
    "section",
    { class: "view view-history stack" },
    h("h1", { tabindex: "-1" }, t("history_title")),
    list,
    status,
    more,
  );
  return {
    el,
    title: t("history_title"),
    destroy() {
      gone = true;
    },
  };
}
