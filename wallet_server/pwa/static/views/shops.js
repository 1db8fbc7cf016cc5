// #/shops: the approved shops, searchable without accents or case, with a link to the
// phone's map app. The list is kept by the service worker for offline use.

import { h, clear, field, announce, srOnly } from "../dom.js";
import { t, fold, dateTime, serverMessage } from "../i18n.js";
import { api, ApiError, NetworkError } from "../api.js";
import { request } from "../core.js";

function shopItem(shop) {
  const address = shop.address || "";
  const categories = Array.isArray(shop.categories) ? shop.categories.filter(Boolean) : [];
  const links = address
    ? h(
        "p",
        { class: "shop-links" },
        h("a", { href: `geo:0,0?q=${encodeURIComponent(address)}`, class: "link-button" },
          t("shops_map")),
        h(
          "a",
          {
            href: `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`,
            target: "_blank",
            rel: "noopener noreferrer",
            class: "link-button",
          },
          t("shops_osm"),
          " ",
          srOnly(t("new_window")),
        ),
      )
    : null;
  return h(
    "li",
    { class: "card shop" },
    h("h2", null, shop.name || ""),
    address ? h("p", { class: "shop-address" }, address) : null,
    shop.opening_hours ? h("p", null, t("shops_hours", { hours: shop.opening_hours })) : null,
    categories.length ? h("p", null, t("shops_categories", { cats: categories.join(", ") })) : null,
    links,
  );
}

export default function shopsView() {
  const search = field({
    id: "shops-search",
    label: t("shops_search_label"),
    hint: t("shops_search_hint"),
    input: { type: "search", autocomplete: "off", spellcheck: "false", enterkeyhint: "search" },
  });
  const count = h("p", { class: "shops-count" });
  const status = h("div");
  const list = h("ul", { id: "shops-list", class: "shops" });
  let shops = [];
  let items = [];
  let gone = false;
  let announceTimer = 0;

  function filter({ speak = false } = {}) {
    const words = fold(search.control.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    items.forEach(({ el, text }) => {
      const match = words.every((w) => text.includes(w));
      el.hidden = !match;
      if (match) shown += 1;
    });
    let summary = t("shops_count_many", { n: shown });
    if (shown === 0) summary = t("shops_count_none");
    else if (shown === 1) summary = t("shops_count_one");
    count.textContent = summary;
    if (speak) {
      clearTimeout(announceTimer);
      announceTimer = setTimeout(() => announce(summary), 700);
    }
  }

  search.control.addEventListener("input", () => filter({ speak: true }));
  search.control.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });

  async function load() {
    status.textContent = t("loading");
    try {
      const { data, cachedAt } = await request(api.shops());
      if (gone) return;
      clear(status);
      if (cachedAt) {
        status.append(
          h("p", { class: "stale" }, h("span", { "aria-hidden": "true" }, "⊘ "),
            t("shops_offline", { when: dateTime(new Date(cachedAt)) })),
        );
      }
      shops = (data && data.shops) || [];
      clear(list);
      items = shops.map((shop) => {
        const el = shopItem(shop);
        list.append(el);
        const categories = Array.isArray(shop.categories) ? shop.categories.join(" ") : "";
        return { el, text: fold(`${shop.name} ${shop.address} ${categories}`) };
      });
      filter();
    } catch (error) {
      if (gone) return;
      clear(status);
      let text = t("error_generic");
      if (error instanceof NetworkError) text = t("shops_unavailable");
      else if (error instanceof ApiError) text = serverMessage(error.body);
      status.append(h("p", { class: "notice-inline", role: "alert" },
        h("span", { "aria-hidden": "true" }, "⚠ "), text));
    }
  }
  load();

  const el = h(
    "section",
    { class: "view view-shops stack" },
    h("h1", { tabindex: "-1" }, t("shops_title")),
    h("p", { class: "lead" }, t("shops_intro")),
    h("form", { role: "search", class: "stack-s", on: { submit: (e) => e.preventDefault() } },
      search.wrap),
    count,
    status,
    list,
  );
  return {
    el,
    title: t("shops_title"),
    destroy() {
      gone = true;
      clearTimeout(announceTimer);
    },
  };
}
