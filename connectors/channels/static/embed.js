/*
 * moien chat widget: the <moien-chat> custom element.
 *
 * Embed (one line; the API is wherever this file is served from):
 *
 *   <script src="https://moien.example.lu/embed.js" data-site="mpk_…" data-assistant="general" async></script>
 *
 * or place the element yourself (the script must still be loaded once):
 *
 *   <moien-chat site="mpk_…" assistant="general" api="https://moien.example.lu" lang="fr"></moien-chat>
 *
 * Attributes (data-* on the script tag, plain on the element):
 *   site       the site's publishable key (mpk_…); it works only from the origins the site lists.
 *   assistant  the assistant to talk to ("general", "education", …); "auto" lets moien choose (default).
 *   api        where the API is (default: the origin this script was loaded from).
 *   lang       lb, fr, de or en (default: the host page's <html lang>, e.g. lb-LU → lb; Luxembourgish otherwise).
 *   token      optional single sign-on: a short-lived JWT minted by the intranet's backend for the signed-in
 *              user (or set it from script: document.querySelector("moien-chat").token = jwt).
 *   mode       "page" shows the chat open, without the launcher (the iframe variant uses it).
 *
 * Theming: set these CSS custom properties on the page (e.g. `moien-chat { --moien-accent: #7a0019; }`).
 * The defaults meet WCAG 2.1 AA contrast (4.5:1 for text); keep that true when you change them.
 *   --moien-accent     launcher, user messages, send button      (default #00509e, 7.6:1 on white)
 *   --moien-accent-fg  text on the accent colour                  (default #ffffff)
 *   --moien-bg         panel background                           (default #ffffff)
 *   --moien-fg         text colour                                (default #1b1b1b)
 *   --moien-font       font family (the page's fonts; nothing is downloaded)  (default system-ui stack)
 *   --moien-radius     corner radius                              (default 10px)
 *
 * What this file never does: load anything from anywhere but the API (no fonts, no CDN), evaluate strings as
 * code, or write HTML from strings (every text goes in with textContent), so it runs under a strict
 * Content-Security-Policy and a model's answer can never inject markup. Styles live in the Shadow DOM
 * (a constructable stylesheet where the browser has them, which CSP's style-src does not govern).
 *
 * Accessibility (WCAG 2.1 AA / EN 301 549), the choices in one place:
 *   - The transcript is role="log" (polite live region). Only whole messages are ever added to it: the answer
 *     streams into a look-alike bubble OUTSIDE the log that is aria-hidden and inert, and when the answer is
 *     finished it is moved into the log in one piece. A screen reader announces each answer once, complete,
 *     instead of token by token (the complaint in every peer widget's issue tracker).
 *   - role="status" says "moien is thinking…" / "writing…"; errors go to a role="alert" region.
 *   - The launcher is a real <button> with aria-expanded; the panel is a non-modal dialog: focus moves to the
 *     question field on open, Escape closes it and gives focus back to the launcher, and Tab leaves it freely.
 *   - Each answer carries lang = the reply's language (3.1.2 Language of Parts), the widget chrome the UI
 *     language; every language button carries its own lang so its name is pronounced right.
 *   - :focus-visible rings are two-tone (dark outline, white halo) so they show on any host background;
 *     animation stops under prefers-reduced-motion; the panel fits a 320 px wide viewport (1.4.10 Reflow).
 */
(function () {
  "use strict";

  if (!window.customElements || customElements.get("moien-chat")) {
    return; // no custom elements (very old browser), or the script is on the page twice
  }

  // document.currentScript is only set while this file first runs: capture where it came from now.
  var SCRIPT = document.currentScript;
  var SCRIPT_ORIGIN = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href).origin : location.origin;

  var LANGS = ["lb", "fr", "de", "en"];
  var STORE_PREFIX = "moien-chat:v1:"; // a moien-specific prefix, so we never collide with the host page's keys

  // The only strings not fetched from /widget/config: what to say when /widget/config itself cannot be loaded.
  var OFFLINE = {
    close: { lb: "Zoumaachen", fr: "Fermer", de: "Schließen", en: "Close" },
    error: {
      lb: "Den Assistent ass net erreechbar. Probéiert et w.e.g. méi spéit nach eng Kéier.",
      fr: "L'assistant est injoignable. Réessayez plus tard.",
      de: "Der Assistent ist nicht erreichbar. Bitte versuchen Sie es später erneut.",
      en: "The assistant cannot be reached. Please try again later."
    }
  };

  /** A page's lang ("lb-LU", "fr_BE", "ltz") as one of moien's four languages; Luxembourgish otherwise.
   *  Mirrors widget_lang() in widget.py. */
  function uiLang(value) {
    var primary = String(value || "").trim().toLowerCase().replace("_", "-").split("-")[0];
    if (primary === "ltz") return "lb";
    return LANGS.indexOf(primary) >= 0 ? primary : "lb";
  }

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function storeGet(key) {
    try { return window.sessionStorage.getItem(STORE_PREFIX + key); } catch (e) { return null; }
  }

  function storeSet(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(STORE_PREFIX + key);
      else window.sessionStorage.setItem(STORE_PREFIX + key, value);
    } catch (e) { /* storage switched off: the conversation simply does not survive a page change */ }
  }

  /** Element builder: h("p", {class: "x", lang: "fr"}, ["text", child]). Text goes in as text nodes, never HTML. */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        el.setAttribute(name, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  /** A small decorative icon (hidden from assistive technology: the button's text names it). */
  function icon(pathData) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }
  var CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 2v10h2v2l2.5-2H20V6z";
  var CLOSE_ICON = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";

  var CSS = [
    ":host { --_accent: var(--moien-accent, #00509e); --_accent-fg: var(--moien-accent-fg, #ffffff);",
    "  --_bg: var(--moien-bg, #ffffff); --_fg: var(--moien-fg, #1b1b1b); --_radius: var(--moien-radius, 10px);",
    "  --_font: var(--moien-font, system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif);",
    "  --_muted: #4a4f57; --_bubble: #eef1f5; --_line: #8a919b; --_focus: #1b1b1b; --_error: #a4000f;",
    "  position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000; display: block;",
    "  font: 1rem/1.5 var(--_font); color: var(--_fg); }",
    ":host([mode='page']) { position: static; height: 100%; }",
    ":host([mode='page']) .wrap { height: 100%; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    "[hidden] { display: none !important; }",
    /* Visually hidden but read by screen readers (speaker names, full language names). */
    ".sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;",
    "  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    "button, textarea { font: inherit; color: inherit; }",
    /* Two-tone focus ring: a dark outline with a white halo is visible on light and dark backgrounds alike. */
    ":focus { outline: none; }",
    ":focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; box-shadow: 0 0 0 2px #ffffff; }",
    ".launcher { display: inline-flex; align-items: center; gap: .5rem; min-height: 44px; padding: .6rem 1rem;",
    "  border: 2px solid transparent; border-radius: 999px; background: var(--_accent); color: var(--_accent-fg);",
    "  font-weight: 600; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.25); float: right; }",
    ".panel { position: absolute; right: 0; bottom: calc(100% + .75rem); display: flex; flex-direction: column;",
    "  width: min(24rem, calc(100vw - 2rem)); height: min(36rem, calc(100vh - 6rem));",
    "  background: var(--_bg); color: var(--_fg); border: 1px solid var(--_line); border-radius: var(--_radius);",
    "  box-shadow: 0 8px 28px rgba(0,0,0,.28); overflow: hidden; animation: moien-in .18s ease-out; }",
    ":host([mode='page']) .panel { position: static; width: 100%; height: 100%; border-radius: 0;",
    "  box-shadow: none; animation: none; }",
    "@keyframes moien-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }",
    /* Header: title and close button on the first row, the language switch on the second (DOM order = visual). */
    ".head { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .5rem; padding: .5rem .75rem;",
    "  border-bottom: 3px solid var(--_accent); }",
    ".title { flex: 1 1 0; min-width: 0; margin: 0; font-size: 1.05rem; line-height: 1.3; }",
    ".langs { flex: 1 1 100%; display: flex; gap: .25rem; }",
    ".langs button, .close { min-width: 44px; min-height: 44px; padding: .25rem .4rem; border: 1px solid var(--_line);",
    "  border-radius: 6px; background: var(--_bg); cursor: pointer; font-size: .875rem; font-weight: 600; }",
    ".langs button[aria-pressed='true'] { background: var(--_accent); color: var(--_accent-fg);",
    "  border-color: var(--_accent); }",
    ".close { display: inline-flex; align-items: center; justify-content: center; }",
    ".scroll { position: relative; flex: 1 1 auto; overflow-y: auto; padding: .75rem; }",
    ".disclosure { margin: 0 0 .75rem; padding: .6rem .75rem; border-left: 4px solid var(--_accent);",
    "  background: var(--_bubble); border-radius: 4px; font-size: .9rem; }",
    ".log, .stream { display: flex; flex-direction: column; gap: .6rem; }",
    ".stream:not(:empty) { margin-top: .6rem; }",
    ".msg { max-width: 92%; padding: .5rem .75rem; border-radius: var(--_radius); overflow-wrap: anywhere; }",
    ".msg.user { align-self: flex-end; background: var(--_accent); color: var(--_accent-fg); }",
    ".msg.bot { align-self: flex-start; background: var(--_bubble); color: var(--_fg); }",
    ".text { margin: 0; white-space: pre-wrap; }",
    ".ai { margin: .35rem 0 0; font-size: .8rem; color: var(--_muted); }",
    ".sources { margin: .4rem 0 0; font-size: .875rem; }",
    ".notice { margin: 0 0 .3rem; font-size: .875rem; font-style: italic; }",
    ".sources p { margin: 0; font-weight: 600; }",
    ".sources ul { margin: .15rem 0 0; padding-left: 1.1rem; }",
    ".sources a { color: #003d7a; }",
    ".sources summary { cursor: pointer; }",
    ".snippet { margin: .25rem 0; color: var(--_muted); }",
    ".status { min-height: 1.5em; margin: 0; padding: 0 .75rem; font-size: .875rem; color: var(--_muted); }",
    ".status:not(:empty)::after { content: ''; display: inline-block; width: .5em; height: .5em; margin-left: .4em;",
    "  border-radius: 50%; background: currentColor; animation: moien-pulse 1s ease-in-out infinite alternate; }",
    "@keyframes moien-pulse { from { opacity: .2; } to { opacity: 1; } }",
    ".alert:not(:empty) { margin: 0 .75rem .5rem; padding: .5rem .75rem; border: 2px solid var(--_error);",
    "  border-radius: 6px; color: var(--_error); background: #fff5f5; font-size: .9rem; }",
    "form { padding: .5rem .75rem .6rem; border-top: 1px solid var(--_line); }",
    "label { display: block; font-weight: 600; font-size: .9rem; }",
    ".row { display: flex; gap: .5rem; align-items: flex-end; }",
    "textarea { flex: 1 1 auto; min-width: 0; min-height: 2.75rem; max-height: 8rem; resize: vertical;",
    "  padding: .45rem .6rem; border: 1px solid var(--_line); border-radius: 6px; background: var(--_bg); }",
    ".send { min-height: 44px; padding: .5rem .9rem; border: 2px solid transparent; border-radius: 6px;",
    "  background: var(--_accent); color: var(--_accent-fg); font-weight: 600; cursor: pointer; }",
    ".send[aria-disabled='true'] { opacity: .75; cursor: progress; }",
    ".hint { margin: .25rem 0 0; font-size: .8rem; color: var(--_muted); }",
    /* Reflow at 320 CSS px: the panel takes the viewport's width, the launcher keeps only its icon's room. */
    "@media (max-width: 30rem) {",
    "  :host(:not([mode='page'])) { right: .5rem; bottom: .5rem; }",
    "  .panel { width: calc(100vw - 1rem); height: calc(100vh - 5rem); }",
    "}",
    "@media (prefers-reduced-motion: reduce) {",
    "  *, *::before, *::after { animation: none !important; transition: none !important; }",
    "}",
    /* Windows high contrast: keep borders that carried meaning through colour alone. */
    "@media (forced-colors: active) {",
    "  .msg, .launcher, .send { border: 1px solid CanvasText; }",
    "  .langs button[aria-pressed='true'] { outline: 2px solid Highlight; }",
    "}"
  ].join("\n");

  var sharedSheet = null;
  /** Adopt one constructable stylesheet for every instance (not subject to CSP style-src); <style> otherwise. */
  function applyStyles(root) {
    try {
      if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
        if (!sharedSheet) {
          sharedSheet = new CSSStyleSheet();
          sharedSheet.replaceSync(CSS);
        }
        root.adoptedStyleSheets = [sharedSheet];
        return;
      }
    } catch (e) { /* fall through to a <style> element */ }
    root.appendChild(h("style", null, [CSS]));
  }

  /** Server-sent events from a fetch body: yields each event's data (lines joined) and its event name.
   *  Hand-written because EventSource cannot POST or send an Authorization header. */
  async function* sseEvents(body) {
    var reader = body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    try {
      for (;;) {
        var step = await reader.read();
        if (step.done) break;
        buffer += decoder.decode(step.value, { stream: true });
        // Normalise line ends, but keep a trailing "\r": its "\n" may arrive in the next chunk.
        var tail = buffer.endsWith("\r") ? "\r" : "";
        buffer = buffer.slice(0, buffer.length - tail.length).replace(/\r\n?/g, "\n") + tail;
        var cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          var block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          var data = [];
          var name = "message";
          block.split("\n").forEach(function (line) {
            if (line.startsWith(":")) return; // comment: a keep-alive
            var colon = line.indexOf(":");
            var field = colon < 0 ? line : line.slice(0, colon);
            var value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "data") data.push(value);
            else if (field === "event") name = value;
          });
          if (data.length) yield { event: name, data: data.join("\n") };
        }
      }
    } finally {
      reader.releaseLock();
    }
  }

  /** An error the API reported: HTTP status, OpenAI-style code, and seconds to wait when it said so. */
  function ApiError(status, code, retryAfter) {
    this.status = status;
    this.code = code || "";
    this.retryAfter = retryAfter;
  }

  class MoienChat extends HTMLElement {
    constructor() {
      super();
      this._token = null;
      this._busy = false;
      this._config = null;
      this._abort = null;
      this._built = false;
    }

    static get observedAttributes() { return ["token"]; }

    attributeChangedCallback(name, old, value) {
      if (name === "token") this._token = value;
    }

    /** The SSO token (a JWT from the host's backend); set it from script, e.g. after refreshing it. */
    get token() { return this._token; }
    set token(value) { this._token = value ? String(value) : null; }

    get api() { return (this.getAttribute("api") || SCRIPT_ORIGIN).replace(/\/+$/, ""); }
    get site() { return this.getAttribute("site") || ""; }
    get assistant() { return this.getAttribute("assistant") || "auto"; }
    get pageMode() { return this.getAttribute("mode") === "page"; }

    connectedCallback() {
      if (this._built) return;
      this._built = true;
      this._token = this._token || this.getAttribute("token");
      var root = this.shadowRoot || this.attachShadow({ mode: "open" }); // open: audit tools can see inside
      applyStyles(root);
      var stored = storeGet("lang");
      this._lang = stored && LANGS.indexOf(stored) >= 0 ? stored
        : uiLang(this.getAttribute("lang") || (document.documentElement && document.documentElement.lang));
      var self = this;
      fetch(this.api + "/widget/config?lang=" + encodeURIComponent(this._lang), { credentials: "omit" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (config) { self._config = config; self._render(root); })
        .catch(function () { self._renderOffline(root); });
    }

    disconnectedCallback() {
      if (this._abort) this._abort.abort();
    }

    /** The UI string `key` in the current language. */
    _t(key, values) {
      var table = (this._config && this._config.strings[this._lang]) || {};
      return fill(table[key] || key, values);
    }

    _title() {
      var name = this.assistant;
      var found = (this._config.assistants || []).filter(function (a) { return a.name === name; })[0];
      return found ? "moien – " + (found.title[this._lang] || found.name) : "moien";
    }

    _sessionKey() { return "session:" + this.site + ":" + this.assistant; }

    // ---- building the widget ------------------------------------------------------------------------------

    _render(root) {
      var self = this;
      var ids = { panel: "moien-panel", title: "moien-title", input: "moien-input", hint: "moien-hint" };
      this._wrap = h("div", { class: "wrap", lang: this._lang });

      this._launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false",
        "aria-controls": ids.panel }, [icon(CHAT_ICON), h("span", null, [""])]);
      this._launcher.addEventListener("click", function () { self._isOpen() ? self.close() : self.open(); });

      this._titleEl = h("h2", { class: "title", id: ids.title });
      // The language switch: one button per language, aria-pressed marks the current one. Each shows the short
      // code and carries the language's own name for screen readers (and speech input: the name contains the code).
      this._langGroup = h("div", { class: "langs", role: "group" });
      this._langButtons = LANGS.map(function (code) {
        var name = (self._config.langs || []).filter(function (l) { return l.code === code; })[0];
        var button = h("button", { type: "button", lang: code, "data-lang": code }, [
          h("span", { "aria-hidden": "true" }, [code.toUpperCase()]),
          h("span", { class: "sr" }, [code.toUpperCase() + " " + (name ? name.name : code)])
        ]);
        button.addEventListener("click", function () { self.setLang(code); });
        self._langGroup.appendChild(button);
        return button;
      });
      this._closeButton = h("button", { type: "button", class: "close" }, [icon(CLOSE_ICON)]);
      this._closeButton.addEventListener("click", function () { self.close(); });
      if (this.pageMode) this._closeButton.hidden = true;

      this._disclosure = h("p", { class: "disclosure" });
      // The transcript. Polite live region; only complete messages are appended (see the header comment).
      this._log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
      // Where an answer streams: looks like the log's last message, but hidden from assistive technology and
      // inert (its links cannot take focus) until the finished answer replaces it inside the log.
      this._stream = h("div", { class: "stream", "aria-hidden": "true", inert: true });
      // Scrollable and focusable, so keyboard users can scroll a long answer that has no link in it.
      this._scroll = h("div", { class: "scroll", tabindex: "0", role: "region" },
        [this._disclosure, this._log, this._stream]);

      this._status = h("p", { class: "status", role: "status" });
      this._alert = h("div", { class: "alert", role: "alert" });

      this._label = h("label", { for: ids.input });
      this._input = h("textarea", { id: ids.input, rows: "2", "aria-describedby": ids.hint, autocomplete: "off" });
      this._send = h("button", { type: "submit", class: "send" });
      this._hint = h("p", { class: "hint", id: ids.hint });
      this._form = h("form", { novalidate: true }, [this._label, h("div", { class: "row" }, [this._input, this._send]),
        this._hint]);
      this._form.addEventListener("submit", function (event) { event.preventDefault(); self._submit(); });
      this._input.addEventListener("keydown", function (event) {
        // Enter sends, Shift+Enter is a new line; never while an input method is composing a character.
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          self._submit();
        }
      });

      this._panel = h("section", { class: "panel", id: ids.panel, role: "dialog", "aria-modal": "false",
        "aria-labelledby": ids.title, hidden: !this.pageMode },
        [h("div", { class: "head" }, [this._titleEl, this._closeButton, this._langGroup]), this._scroll,
          this._status, this._alert, this._form]);
      this._panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !event.isComposing && !self.pageMode) {
          event.preventDefault();
          self.close();
        }
      });

      if (!this.pageMode) this._wrap.appendChild(this._launcher);
      this._wrap.appendChild(this._panel);
      root.appendChild(this._wrap);
      this._applyLang();
      if (this.hasAttribute("open") && !this.pageMode) this.open();
    }

    _renderOffline(root) {
      var lang = this._lang;
      var launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false",
        "aria-controls": "moien-panel" }, [icon(CHAT_ICON), h("span", null, ["moien"])]);
      var panel = h("section", { class: "panel", id: "moien-panel", role: "dialog", "aria-label": "moien",
        hidden: !this.pageMode }, [h("div", { class: "alert", role: "alert" }, [OFFLINE.error[lang]])]);
      launcher.addEventListener("click", function () {
        panel.hidden = !panel.hidden;
        launcher.setAttribute("aria-expanded", String(!panel.hidden));
      });
      panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { panel.hidden = true; launcher.setAttribute("aria-expanded", "false"); launcher.focus(); }
      });
      var wrap = h("div", { class: "wrap", lang: lang }, this.pageMode ? [panel] : [launcher, panel]);
      root.appendChild(wrap);
    }

    /** Puts every UI string in the current language (called on start and by the language switch). */
    _applyLang() {
      var self = this;
      this._wrap.setAttribute("lang", this._lang);
      this._launcher.lastChild.textContent = this._t("launcher");
      this._titleEl.textContent = this._title();
      this._langGroup.setAttribute("aria-label", this._t("language"));
      this._langButtons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === self._lang));
      });
      this._closeButton.setAttribute("aria-label", this._t("close"));
      this._closeButton.setAttribute("title", this._t("close"));
      this._disclosure.textContent = this._config.disclosure[this._lang];
      this._scroll.setAttribute("aria-label", this._t("log"));
      this._label.textContent = this._t("input");
      this._send.textContent = this._t("send");
      this._hint.textContent = this._t("hint");
    }

    // ---- public behaviour -----------------------------------------------------------------------------------

    /** Switch the UI language (and the language hint sent with each question). */
    setLang(code) {
      if (LANGS.indexOf(code) < 0 || !this._config) return;
      this._lang = code;
      storeSet("lang", code);
      this._applyLang();
    }

    _isOpen() { return this._panel && !this._panel.hidden; }

    open() {
      if (!this._panel) return;
      this._panel.hidden = false;
      this._launcher.setAttribute("aria-expanded", "true");
      this._input.focus(); // a non-modal dialog: focus goes in, but Tab may leave it (no trap)
    }

    /** Close the panel and give focus back to the launcher (it was the control that opened it). */
    close() {
      if (!this._panel || this.pageMode) return;
      this._panel.hidden = true;
      this._launcher.setAttribute("aria-expanded", "false");
      this._launcher.focus();
    }

    // ---- a turn -------------------------------------------------------------------------------------------------

    _nearBottom() {
      var s = this._scroll;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 48;
    }

    _scrollDown(force) {
      // Follow a growing answer only if the reader is at the bottom: never yank them away from what they read.
      if (force || this._nearBottom()) this._scroll.scrollTop = this._scroll.scrollHeight;
    }

    /** Show a new answer from its start when it is taller than the view (read from the top), else its end. */
    _reveal(message) {
      var s = this._scroll;
      s.scrollTop = message.offsetHeight > s.clientHeight ? message.offsetTop - 8 : s.scrollHeight;
    }

    _setStatus(key) { this._status.textContent = key ? this._t(key) : ""; }

    _showError(text) { this._alert.textContent = text; }

    _submit() {
      var text = this._input.value;
      if (this._busy || !text.trim()) {
        if (!text.trim()) this._input.focus();
        return;
      }
      this._input.value = "";
      this._ask(text);
    }

    _appendUser(text) {
      // The speaker is said to screen readers; sighted readers see it from the bubble's side and colour.
      this._log.appendChild(h("div", { class: "msg user", "data-role": "user" }, [
        h("span", { class: "sr" }, [this._t("you") + ": "]),
        h("p", { class: "text" }, [text])
      ]));
      this._scrollDown(true);
    }

    /** The sources list: a safe link for web addresses, the source's text (collapsible) for anything else. */
    _sources(sources) {
      var self = this;
      if (!sources || !sources.length) return null;
      var items = sources.map(function (source) {
        var uri = null;
        try {
          var parsed = new URL(source.uri || "", self.api);
          if (source.uri && (parsed.protocol === "https:" || parsed.protocol === "http:")) uri = parsed.href;
        } catch (e) { uri = null; }
        var title = source.title || source.id || "";
        if (uri) {
          // A new tab keeps the conversation; rel=noopener stops the opened page from reaching back into this one.
          return h("li", null, [h("a", { href: uri, target: "_blank", rel: "noopener noreferrer" },
            [title, h("span", { class: "sr" }, [" " + self._t("new_tab")])])]);
        }
        return h("li", null, [h("details", null, [h("summary", null, [title]),
          source.snippet ? h("p", { class: "snippet" }, [source.snippet]) : null])]);
      });
      return h("div", { class: "sources", lang: this._lang }, [h("p", null, [this._t("sources")]),
        h("ul", null, items)]);
    }

    /** One assistant message: its text in the reply's language, the AI label and sources in the UI's. */
    _botMessage(text, meta, withLinks) {
      var lang = (meta && meta.lang) || this._lang;
      var children = [h("span", { class: "sr", lang: this._lang }, ["moien: "])];
      // Why the answer is in another language than the question (the model cannot write it): in the user's.
      if (meta && meta.notice) children.push(h("p", { class: "notice", lang: meta.requested_lang || this._lang },
        [meta.notice]));
      children.push(h("p", { class: "text" }, [text]));
      var message = h("div", { class: "msg bot", "data-role": "assistant", lang: lang }, children);
      if (meta && meta.ai_generated !== false) message.appendChild(h("p", { class: "ai", lang: this._lang },
        [this._t("ai_label")]));
      var sources = withLinks ? this._sources(meta && meta.sources) : null;
      if (sources) message.appendChild(sources);
      return message;
    }

    async _ask(text) {
      var self = this;
      this._busy = true;
      this._send.setAttribute("aria-disabled", "true");
      this._showError("");
      this._appendUser(text);
      this._setStatus("thinking");

      var meta = {};
      var answer = "";
      var bubble = null;
      var bubbleText = null;
      var finished = false;
      this._abort = new AbortController();

      function render() {
        // The streaming look-alike (outside the log): rebuilt when the metadata changes, text appended as it comes.
        if (!bubble) {
          bubble = self._botMessage("", meta, true);
          bubbleText = bubble.querySelector(".text");
          self._stream.appendChild(bubble);
        }
        bubbleText.textContent = answer;
        self._scrollDown(false);
      }

      try {
        var headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
        if (this.site) headers.Authorization = "Bearer " + this.site;
        if (this._token) headers["X-Moien-User-Token"] = this._token;
        var extension = { lang: this._lang };
        var session = storeGet(this._sessionKey());
        if (session) extension.session_id = session;
        var response = await fetch(this.api + "/v1/chat/completions", {
          method: "POST",
          headers: headers,
          credentials: "omit",
          cache: "no-store",
          signal: this._abort.signal,
          body: JSON.stringify({
            model: this.assistant,
            messages: [{ role: "user", content: text }],
            stream: true,
            moien: extension
          })
        });
        if (!response.ok || !response.body) {
          var code = "";
          try { code = ((await response.json()).error || {}).code || ""; } catch (e) { code = ""; }
          var wait = parseInt(response.headers.get("Retry-After") || "", 10);
          throw new ApiError(response.status, code, isNaN(wait) ? null : wait);
        }
        for await (var event of sseEvents(response.body)) {
          if (event.data === "[DONE]") { finished = true; break; }
          var chunk;
          try { chunk = JSON.parse(event.data); } catch (e) { continue; }
          if (chunk.error || event.event === "error") {
            // An error after the stream began (OpenAI's shape): no HTTP status to go by, only its code.
            var error = chunk.error || {};
            throw new ApiError(typeof error.code === "number" ? error.code : 0, String(error.code || ""), null);
          }
          if (chunk.moien) {
            // Trust fields (first chunk): sources before the text, the reply's language, the session to continue.
            Object.keys(chunk.moien).forEach(function (key) { meta[key] = chunk.moien[key]; });
            if (meta.session_id) storeSet(self._sessionKey(), String(meta.session_id));
            // The answer guardrail retracted the answer: keep only the notice, its last paragraph (the final text).
            var cut = meta.kind === "unverified" ? answer.lastIndexOf("\n\n") : -1;
            if (cut >= 0) answer = answer.slice(cut + 2);
            if (bubble) { bubble.remove(); bubble = null; }
            render();
          }
          var choice = (chunk.choices || [])[0];
          var piece = choice && choice.delta && choice.delta.content;
          if (piece) {
            answer += piece;
            if (!bubble) render();
            self._setStatus("writing");
            bubbleText.textContent = answer;
            self._scrollDown(false);
          }
        }
      } catch (error) {
        if (error instanceof ApiError) this._showError(this._errorText(error));
        else if (error && error.name === "AbortError") return;
        else this._showError(this._t(answer ? "err_interrupted" : "err_network"));
      } finally {
        // The finished answer goes into the log once, in one piece; the look-alike goes in the same frame.
        var follow = this._nearBottom();
        if (bubble) bubble.remove();
        if (answer) {
          var message = this._log.appendChild(this._botMessage(answer, meta, true));
          if (!finished && !this._alert.textContent) this._showError(this._t("err_interrupted"));
          if (follow) this._reveal(message);
        }
        this._setStatus(null);
        this._busy = false;
        this._abort = null;
        this._send.removeAttribute("aria-disabled");
      }
    }

    /** A refusal in words a visitor can act on, in the UI language. */
    _errorText(error) {
      if (error.code === "session_not_yours") {
        storeSet(this._sessionKey(), null); // start afresh next time
        return this._t("err_session");
      }
      // An error inside an answering stream (status 0: the HTTP status was 200 already): the answer broke off.
      if (error.code === "stream_failed" || (!error.status && !error.code)) return this._t("err_interrupted");
      var seconds = error.retryAfter || 60;
      var byCode = { rate_limit_exceeded: 429, server_busy: 503, busy: 503, context_length_exceeded: 413,
        request_too_large: 413, model_not_found: 404, invalid_api_key: 401, origin_not_allowed: 403 };
      switch (error.status || byCode[error.code]) {
        case 401: case 403: return this._t("err_denied");
        case 404: return this._t("err_unknown");
        case 413: return this._t("err_too_long");
        case 429: return this._t("err_rate", { seconds: seconds });
        case 503: return this._t("err_busy", { seconds: seconds });
        default: return this._t("err_other", { status: error.status });
      }
    }
  }

  customElements.define("moien-chat", MoienChat);

  // The one-line embed: a script tag with data-site / data-assistant inserts the element itself.
  if (SCRIPT && (SCRIPT.hasAttribute("data-site") || SCRIPT.hasAttribute("data-assistant"))) {
    var insert = function () {
      var chat = document.createElement("moien-chat");
      ["site", "assistant", "lang", "token", "mode", "api"].forEach(function (name) {
        var value = SCRIPT.getAttribute("data-" + name);
        if (value) chat.setAttribute(name, value);
      });
      document.body.appendChild(chat);
    };
    if (document.body) insert();
    else document.addEventListener("DOMContentLoaded", insert);
  }
})();
