// The breaking-news banner (includes/breaking_news.html) can be dismissed.
// The dismissal is kept in this browser's localStorage, never in a cookie:
// pages are stored and shared by every reader, and a cookie would be sent
// with every request for nothing. It names the banner (data-banner), which
// changes with the banner's text, link or expiry, so a new banner shows again.
const KEY = "dateline:breaking-news:dismissed";
const banner = document.querySelector("[data-breaking-news]");

function dismissed() {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null; // storage refused (a private window, a strict setting)
  }
}

function remember(id) {
  try {
    window.localStorage.setItem(KEY, id);
  } catch {
    // Dismissed for this page view only.
  }
}

if (banner) {
  const id = banner.dataset.banner;
  const button = banner.querySelector("[data-breaking-news-dismiss]");
  if (dismissed() === id) {
    banner.hidden = true;
  } else {
    // A live region's first content is not announced: put it back once the
    // page has loaded, so that screen readers say it, politely.
    const status = banner.querySelector('[role="status"]');
    if (status) {
      requestAnimationFrame(() => status.replaceChildren(...status.childNodes));
    }
    if (button) {
      button.hidden = false;
      button.addEventListener("click", () => {
        remember(id);
        const hadFocus = banner.contains(document.activeElement);
        banner.hidden = true;
        // Focus would fall to the page's start: take it to the masthead,
        // which came next.
        const next = document.getElementById("top") || document.getElementById("main");
        if (hadFocus && next) {
          next.focus();
        }
      });
    }
  }
}
