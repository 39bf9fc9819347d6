// Enhances the comment form on article pages, which may be served from a
// cache and so carry no per-reader tokens. The form works without this
// script (the server then asks for one more click); with it:
// - tokens (CSRF and a signed one-time form token) are fetched once the
//   reader starts writing, so the first "Post Comment" publishes;
// - "Reply" moves the form under the comment, "Cancel reply" moves it back;
// - name, email and website are remembered in this browser only if asked;
// - the form closes by itself when the article's comment period ends.
const form = document.querySelector("[data-comment-form]");
const respond = document.querySelector("[data-comment-respond]");
const STORE = "dateline.commenter";

if (form && respond) {
  const home = document.createComment("respond");
  respond.before(home);
  const field = (name) => form.elements.namedItem(name);
  const cancelWrapper = respond.querySelector("[data-cancel-reply-wrapper]");
  const replyingTo = respond.querySelector("[data-replying-to]");

  let tokens = null;
  const fetchTokens = async () => {
    if (!tokens) {
      tokens = fetch(form.dataset.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
        .catch((error) => {
          tokens = null; // the server will ask for one more click instead
          throw error;
        });
    }
    return tokens;
  };
  const fillTokens = async () => {
    const { csrf, token } = await fetchTokens();
    field("token").value = token;
    let csrfInput = field("csrfmiddlewaretoken");
    if (!csrfInput) {
      csrfInput = Object.assign(document.createElement("input"), { type: "hidden", name: "csrfmiddlewaretoken" });
      form.prepend(csrfInput);
    }
    csrfInput.value = csrf;
  };
  form.addEventListener("focusin", () => fillTokens().catch(() => {}), { once: true });
  form.addEventListener("submit", async (event) => {
    if (!field("token").value) {
      event.preventDefault();
      try {
        await fillTokens();
      } catch {
        // Submit anyway: the server shows the form again with fresh tokens.
      }
      remember();
      form.submit();
      return;
    }
    remember();
  });

  // Remembered in this browser only, and only when the reader asks.
  const remember = () => {
    if (field("remember").checked) {
      const details = { name: field("name").value, email: field("email").value, website: field("website").value };
      localStorage.setItem(STORE, JSON.stringify(details));
    } else {
      localStorage.removeItem(STORE);
    }
  };
  try {
    const saved = JSON.parse(localStorage.getItem(STORE) || "null");
    if (saved) {
      for (const name of ["name", "email", "website"]) {
        if (!field(name).value) field(name).value = saved[name] || "";
      }
      field("remember").checked = true;
    }
  } catch {
    localStorage.removeItem(STORE);
  }

  const cancelReply = () => {
    field("parent").value = "";
    replyingTo.hidden = true;
    cancelWrapper.hidden = true;
    home.after(respond);
  };
  for (const link of document.querySelectorAll("[data-reply-to]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      field("parent").value = link.dataset.replyTo;
      replyingTo.querySelector("bdi").textContent = link.dataset.replyName;
      replyingTo.hidden = false;
      cancelWrapper.hidden = false;
      link.closest(".comment__card").after(respond);
      field("comment").focus();
    });
  }
  respond.querySelector("[data-cancel-reply]")?.addEventListener("click", (event) => {
    event.preventDefault();
    cancelReply();
    field("comment").focus();
  });

  // Close on time, even on a page cached before the comment period ended.
  const closesAt = form.dataset.closesAt ? Date.parse(form.dataset.closesAt) : NaN;
  if (!Number.isNaN(closesAt)) {
    const close = () => {
      const notice = Object.assign(document.createElement("p"), {
        className: "comments__closed",
        textContent: form.dataset.closedMessage || "Comments are closed.",
      });
      respond.replaceWith(notice);
      for (const link of document.querySelectorAll("[data-reply-to]")) link.remove();
    };
    const wait = closesAt - Date.now();
    if (wait <= 0) close();
    else if (wait < 2 ** 31 - 1) setTimeout(close, wait);
  }
}
