// A live story's new updates, shown without a reload (live/includes/updates.html).
//
// Every few seconds the page asks for the story's latest updates
// (<story>/updates/latest/). The answer is stored by the page cache and
// carries an ETag, so until an update is posted each ask is a 304 that
// never reaches Django (bench/live.py: 1,000 readers, 0.3 of a core).
//
// New updates are not pushed in above what the reader is reading: a button
// says how many there are (announced politely to screen readers) and shows
// them, moving focus to the newest. An edited or corrected update already
// on the page is replaced where it is; a deleted one is removed.
// Without JavaScript, a reload shows everything.
const EVERY_MS = 2000;

const section = document.querySelector("[data-live-following]");

// The page's own words for N new updates ({"3": {"show": …, "status": …}}),
// rendered in its language with its plural forms (live/includes/updates.html);
// English for a count it has no words for.
function readPhrases() {
  try {
    return JSON.parse(section.querySelector("#live-phrases")?.textContent || "{}");
  } catch {
    return {};
  }
}

if (section) {
  const phrases = readPhrases();
  const english = (count) => (count === 1 ? "1 new update" : `${count} new updates`);
  const said = (count) => phrases[count]?.status || english(count);
  const showLabel = (count) => phrases[count]?.show || `Show ${english(count)}`;
  const url = section.dataset.liveUpdates;
  const list = section.querySelector("[data-live-list]");
  const status = section.querySelector("[data-live-status]");
  const button = section.querySelector("[data-live-show]");
  const note = section.querySelector("[data-live-note]");
  const waiting = new Map(); // id -> html of updates not shown yet, newest first
  let lastAnswer = "";
  let timer = null;
  let ended = false; // the coverage has ended: nothing more will come

  const shown = () => new Map([...list.querySelectorAll("[data-update]")].map((el) => [el.dataset.update, el]));

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function announce() {
    // The button takes the note's place in the band: nothing below moves.
    note.hidden = waiting.size > 0;
    button.hidden = waiting.size === 0;
    if (waiting.size === 0) {
      status.textContent = "";
      return;
    }
    button.textContent = showLabel(waiting.size);
    status.textContent = said(waiting.size);
  }

  function apply(answer) {
    const onPage = shown();
    const latest = answer.updates; // newest first
    const latestIds = new Set(latest.map((update) => String(update.id)));
    waiting.clear();
    for (const update of latest) {
      const id = String(update.id);
      const element = onPage.get(id);
      if (!element) {
        waiting.set(id, update.html);
      } else if (element.dataset.changed !== update.changed) {
        element.replaceWith(fromHtml(update.html));
      }
    }
    // Deleted: shown, newer than the oldest of the answer, yet not in it.
    const oldest = latest.length > 0 ? onPage.get(String(latest[latest.length - 1].id)) : null;
    if (oldest) {
      for (const [id, element] of onPage) {
        const newer = oldest.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING;
        if (newer && !latestIds.has(id)) element.remove();
      }
    }
    ended = answer.ended;
    announce();
  }

  async function poll() {
    try {
      // "no-cache": the browser asks again with its ETag; a 304 reuses its copy.
      const response = await fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } });
      if (response.ok) {
        const text = await response.text();
        if (text !== lastAnswer) {
          lastAnswer = text;
          apply(JSON.parse(text));
        }
      }
    } catch {
      // Offline for a moment: ask again next time.
    }
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = document.hidden || ended ? null : setTimeout(poll, EVERY_MS);
  }

  button.addEventListener("click", () => {
    const fresh = [...waiting.values()].map(fromHtml);
    waiting.clear();
    const empty = section.querySelector("[data-live-empty]");
    if (empty) empty.remove();
    list.prepend(...fresh);
    announce();
    if (fresh.length > 0) fresh[0].focus();
  });

  // A tab in the background stops asking; it catches up when looked at.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
    else schedule();
  });

  schedule();
}
