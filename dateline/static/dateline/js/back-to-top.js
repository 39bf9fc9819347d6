// Enhances the footer's "Back to top" link (which works without JavaScript):
// it floats once the reader has scrolled a screen, scrolls smoothly unless
// the reader prefers reduced motion, and moves keyboard focus to the top.
const link = document.querySelector("[data-back-to-top]");
const top = document.getElementById("top");

if (link && top) {
  link.classList.add("back-to-top--floating");

  const showAfter = () => window.innerHeight * 0.75;
  const update = () => link.classList.toggle("is-visible", window.scrollY > showAfter());
  window.addEventListener("scroll", update, { passive: true });
  update();
  requestAnimationFrame(() => requestAnimationFrame(() => link.classList.add("back-to-top--animated")));

  link.addEventListener("click", (event) => {
    event.preventDefault();
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollTo({ top: 0, behavior: reduceMotion ? "auto" : "smooth" });
    top.focus({ preventScroll: true });
  });
}
