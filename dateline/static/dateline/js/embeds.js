// Click-to-load embeds: the provider's markup waits, inert, in a <template>
// until the reader presses "Load it here", so no request reaches the
// provider before the reader asks for it.
for (const embed of document.querySelectorAll("[data-embed]")) {
  const template = embed.querySelector("template");
  const button = embed.querySelector("[data-embed-load]");
  if (!template || !button) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const frame = embed.querySelector("[data-embed-frame]");
    frame.replaceChildren(template.content.cloneNode(true));
    frame.setAttribute("tabindex", "-1");
    frame.focus();
  });
}
