"""Checks for a page shown right to left (Arabic): what a reader sees, not the text's order."""

#: the characters of an element as they stand on screen, left to right: bidi controls and
#: spaces left out. "12,50 €" garbled by the bidi algorithm would read "€12,50" here.
SEEN_LEFT_TO_RIGHT = """(selector) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i += 1) {
      if (/[\\s\\u2066-\\u2069]/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      seen.push([node.data[i], range.getBoundingClientRect().left]);
    }
  }
  return seen.sort((a, b) => a[1] - b[1]).map(([character]) => character).join("");
}"""

#: what sticks out of the screen on either side (right to left, overflow goes left)
OUTSIDE = """(width) => [...document.querySelectorAll("body *")]
  .filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.left < -1 || box.right > width + 1)
      && !e.closest(".table-scroll, .visually-hidden, .skip-link");
  })
  .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)"""


def seen(page, selector: str) -> str:
    return page.evaluate(SEEN_LEFT_TO_RIGHT, selector)


def sticking_out(page, width: int) -> list[str]:
    return page.evaluate(OUTSIDE, width)
