/*! Sportello chat widget: one dependency-free file, embedded with
 * <script src=".../widget.js" data-sportello-url="..." data-lang="it" async></script>
 * (attributes: data-sportello-url, data-lang, data-title, data-color, data-mode="launcher"|"inline",
 * data-target="#id"). Everything lives in an open shadow root, so the host page's CSS cannot reach
 * it and its CSS cannot leak. Untrusted text is only ever set with textContent: no innerHTML.
 * Receipts for a reimbursement claim are sent as files (the paperclip, or dropped on the panel):
 * docs/web.md, "Claims". */
(function () {
  "use strict";

  var TEXT = {
    it: {
      title: "Sportello", open: "Apri la chat", close: "Chiudi la chat", agree: "Accetto",
      privacyHeading: "Prima di iniziare", policy: "Informativa privacy",
      privacy: "Per risponderti conserviamo i messaggi di questa conversazione. Non scrivere dati personali che non servono.",
      inputLabel: "Scrivi la tua domanda", send: "Invia", human: "Parla con una persona",
      humanText: "Vorrei parlare con una persona dello sportello.", newChat: "Nuova conversazione",
      newChatDone: "Nuova conversazione iniziata.", suggestions: "Domande frequenti", sources: "Fonti",
      you: "Tu", assistant: "Assistente", staff: "Operatore", system: "Avviso", page: "p.",
      newTab: "(si apre in una nuova scheda)", up: "Risposta utile", down: "Risposta non utile",
      thanks: "Grazie, riscontro registrato.", typing: "Sto scrivendo…",
      rateLimited: "Troppi messaggi, riprova tra {n} secondi.",
      error: "Qualcosa non ha funzionato. Riprova tra poco.",
      offline: "Connessione non riuscita. Controlla la rete e riprova.",
      tooLong: "Il messaggio è troppo lungo: prova ad accorciarlo.",
      expired: "La sessione è scaduta. Accetta di nuovo per ricominciare.",
      handoff: "La conversazione è stata passata a un operatore.",
      answered: "Un operatore ti ha risposto.", unread: "nuovi messaggi", options: "Scegli un'opzione",
      conversation: "Conversazione", erase: "Cancella i miei dati", eraseHeading: "Cancellare i tuoi dati?",
      eraseText: "Cancelleremo questa conversazione, le tue richieste allo sportello e i tuoi riscontri. Non si può annullare.",
      eraseYes: "Sì, cancella", eraseNo: "Annulla", erased: "I tuoi dati sono stati cancellati.",
      retrying: "Non ancora inviato: riprovo appena possibile…",
      attach: "Allega documenti (PDF, DOCX, JPG, PNG)", dropHere: "Rilascia qui i documenti della pratica",
      claim: "Pratica di rimborso", claimFiles: "{n} documenti", claimFile: "1 documento", claimReading: "{n} in arrivo",
      claimSent: "inviata allo staff", claimClosed: "chiusa", checking: "Controllo la pratica…", missions: "Scegli la missione",
      waiting: "In attesa di invio", sending: "Invio in corso…", sendingPct: "Invio in corso… {n}%",
      reading: "Lettura in corso…", received: "Ricevuto", unusable: "Non utilizzabile", uploadWait: "In attesa: riprovo tra {n} secondi…",
      wrongType: "«{name}»: posso ricevere solo file PDF, DOCX, JPG o PNG.",
      tooBig: "«{name}» supera il limite di {mb} MB per file.", emptyFile: "«{name}» è vuoto.",
      lost: "«{name}» non è stato inviato: allegalo di nuovo.", kb: "KB", mb: "MB"
    },
    en: {
      title: "Help desk", open: "Open the chat", close: "Close the chat", agree: "I agree",
      privacyHeading: "Before we start", policy: "Privacy notice",
      privacy: "To answer you we keep the messages of this conversation. Please do not share personal data we do not need.",
      inputLabel: "Type your question", send: "Send", human: "Talk to a person",
      humanText: "I would like to talk to a person at the help desk.", newChat: "New conversation",
      newChatDone: "New conversation started.", suggestions: "Suggested questions", sources: "Sources",
      you: "You", assistant: "Assistant", staff: "Staff", system: "Notice", page: "p.",
      newTab: "(opens in a new tab)", up: "Helpful answer", down: "Unhelpful answer",
      thanks: "Thanks, your feedback was recorded.", typing: "Typing…",
      rateLimited: "Too many messages, please try again in {n} seconds.",
      error: "Something went wrong. Please try again shortly.",
      offline: "Could not connect. Check your connection and try again.",
      tooLong: "The message is too long: please shorten it.",
      expired: "Your session expired. Please agree again to start over.",
      handoff: "Your conversation was passed to a member of staff.",
      answered: "A member of staff replied.", unread: "new messages", options: "Choose an option",
      conversation: "Conversation", erase: "Delete my data", eraseHeading: "Delete your data?",
      eraseText: "We will delete this conversation, your requests to the help desk and your feedback. This cannot be undone.",
      eraseYes: "Yes, delete", eraseNo: "Cancel", erased: "Your data has been deleted.",
      retrying: "Not sent yet: trying again as soon as possible…",
      attach: "Attach documents (PDF, DOCX, JPG, PNG)", dropHere: "Drop the claim's documents here",
      claim: "Reimbursement claim", claimFiles: "{n} documents", claimFile: "1 document", claimReading: "{n} on the way",
      claimSent: "sent to the staff", claimClosed: "closed", checking: "Checking the claim…", missions: "Choose the mission",
      waiting: "Waiting to be sent", sending: "Sending…", sendingPct: "Sending… {n}%",
      reading: "Reading…", received: "Received", unusable: "Not usable", uploadWait: "Waiting: trying again in {n} seconds…",
      wrongType: "«{name}»: I can only receive PDF, DOCX, JPG or PNG files.",
      tooBig: "«{name}» is over the limit of {mb} MB per file.", emptyFile: "«{name}» is empty.",
      lost: "«{name}» was not sent: please attach it again.", kb: "KB", mb: "MB"
    },
    fr: {
      title: "Guichet", open: "Ouvrir le chat", close: "Fermer le chat", agree: "J'accepte",
      privacyHeading: "Avant de commencer", policy: "Politique de confidentialité",
      privacy: "Pour vous répondre, nous conservons les messages de cette conversation. N'indiquez pas de données personnelles inutiles.",
      inputLabel: "Écrivez votre question", send: "Envoyer", human: "Parler à une personne",
      humanText: "Je voudrais parler à une personne du guichet.", newChat: "Nouvelle conversation",
      newChatDone: "Nouvelle conversation commencée.", suggestions: "Questions fréquentes", sources: "Sources",
      you: "Vous", assistant: "Assistant", staff: "Opérateur", system: "Avis", page: "p.",
      newTab: "(s'ouvre dans un nouvel onglet)", up: "Réponse utile", down: "Réponse pas utile",
      thanks: "Merci, votre avis est enregistré.", typing: "Rédaction…",
      rateLimited: "Trop de messages, réessayez dans {n} secondes.",
      error: "Un problème est survenu. Réessayez dans un instant.",
      offline: "Connexion impossible. Vérifiez le réseau et réessayez.",
      tooLong: "Le message est trop long : raccourcissez-le.",
      expired: "La session a expiré. Acceptez à nouveau pour recommencer.",
      handoff: "La conversation a été transmise à un opérateur.",
      answered: "Un opérateur vous a répondu.", unread: "nouveaux messages", options: "Choisissez une option",
      conversation: "Conversation", erase: "Effacer mes données", eraseHeading: "Effacer vos données ?",
      eraseText: "Nous effacerons cette conversation, vos demandes au guichet et vos avis. C'est irréversible.",
      eraseYes: "Oui, effacer", eraseNo: "Annuler", erased: "Vos données ont été effacées.",
      retrying: "Pas encore envoyé : nouvel essai dès que possible…",
      attach: "Joindre des documents (PDF, DOCX, JPG, PNG)", dropHere: "Déposez ici les documents du dossier",
      claim: "Demande de remboursement", claimFiles: "{n} documents", claimFile: "1 document", claimReading: "{n} en cours d'envoi",
      claimSent: "envoyée à l'équipe", claimClosed: "clôturée", checking: "Vérification du dossier…", missions: "Choisissez la mission",
      waiting: "En attente d'envoi", sending: "Envoi en cours…", sendingPct: "Envoi en cours… {n} %",
      reading: "Lecture en cours…", received: "Reçu", unusable: "Inutilisable", uploadWait: "En attente : nouvel essai dans {n} secondes…",
      wrongType: "« {name} » : je ne peux recevoir que des fichiers PDF, DOCX, JPG ou PNG.",
      tooBig: "« {name} » dépasse la limite de {mb} Mo par fichier.", emptyFile: "« {name} » est vide.",
      lost: "« {name} » n'a pas été envoyé : joignez-le à nouveau.", kb: "Ko", mb: "Mo"
    }
  };

  // What a claim's documents may be (the server checks again, from the bytes), and the paperclip.
  var FILE_TYPES = [".pdf", ".docx", ".jpg", ".jpeg", ".png"];
  var CLIP = "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z";

  // ---- configuration from the script tag -------------------------------------------------
  var script = document.currentScript;
  if (!script || !script.hasAttribute("data-sportello-url")) {
    var candidates = document.querySelectorAll("script[data-sportello-url]");
    script = null;
    for (var c = 0; c < candidates.length; c++) {
      if (!candidates[c].hasAttribute("data-sportello-started")) { script = candidates[c]; break; }
    }
    if (!script) script = document.currentScript;
  }
  if (!script || script.hasAttribute("data-sportello-started")) return;
  script.setAttribute("data-sportello-started", "");

  function attr(name) { return (script.getAttribute("data-" + name) || "").trim(); }

  function baseUrl() {
    var raw = attr("sportello-url");
    try {
      var u = new URL(raw || script.src || location.href, location.href);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
      return raw ? (u.origin + u.pathname).replace(/\/+$/, "") : u.origin;
    } catch (e) {
      return location.origin;
    }
  }

  function pickLang() {
    var wanted = [attr("lang"), navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var l = wanted[i].toLowerCase().slice(0, 2);
      if (TEXT[l]) return l;
    }
    return "it";
  }

  var BASE = baseUrl();
  var LANG = pickLang();
  var T = TEXT[LANG];
  var TITLE = attr("title") || T.title;
  var CUSTOM_TITLE = !!attr("title");
  var MODE = attr("mode") === "inline" ? "inline" : "launcher";
  var STORE_KEY = "sportello:" + BASE;

  // ---- colours: the accent comes from data-color, text on it is chosen for contrast -------
  function parseHex(value) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value || "");
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  function luminance(rgb) {
    var v = rgb.map(function (x) {
      x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function hex(rgb) {
    return "#" + rgb.map(function (x) { return ("0" + Math.round(x).toString(16)).slice(-2); }).join("");
  }
  // Move a colour away from a background (darker on light, lighter on dark) until it reaches 4.5:1.
  function readableOn(rgb, bg) {
    var c = rgb.slice(), light = luminance(bg) > 0.18;
    for (var i = 0; i < 40 && contrast(c, bg) < 4.5; i++) {
      c = c.map(function (x) { return light ? x * 0.9 : x + (255 - x) * 0.15; });
    }
    return c;
  }
  var DARK = [26, 26, 26], WHITE = [255, 255, 255], BUBBLE = [240, 242, 245];
  var accent = parseHex(attr("color")) || [11, 92, 173];
  var onAccent = contrast(accent, WHITE) >= contrast(accent, DARK) ? WHITE : DARK;
  if (contrast(accent, onAccent) < 4.5) accent = readableOn(accent, onAccent);
  var ink = readableOn(accent, BUBBLE);

  var CSS = [
    ":host{all:initial;display:block}",
    "*{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    ".root{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1a1a1a;",
    "--accent:" + hex(accent) + ";--on-accent:" + hex(onAccent) + ";--ink:" + hex(ink) + "}",
    ".sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    "button,textarea{font:inherit;color:inherit}",
    "button{cursor:pointer}",
    ":focus-visible{outline:3px solid var(--ink);outline-offset:2px}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;",
    "background:var(--accent);color:var(--on-accent);box-shadow:0 4px 14px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center}",
    ".launcher:focus-visible{outline:3px solid var(--ink);outline-offset:3px;box-shadow:0 0 0 3px #fff,0 4px 14px rgba(0,0,0,.3)}",
    ".launcher svg{width:28px;height:28px;fill:currentColor}",
    ".badge{position:absolute;top:-2px;right:-2px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b00020;",
    "color:#fff;font-size:13px;font-weight:700;line-height:22px;text-align:center}",
    ".panel{display:flex;flex-direction:column;background:#fff;overflow:hidden}",
    ".floating{position:fixed;right:20px;bottom:92px;z-index:2147483000;width:380px;max-width:calc(100vw - 40px);",
    "height:600px;max-height:calc(100vh - 112px);border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.28)}",
    ".inline{position:relative;width:100%;height:560px;max-height:90vh;border:1px solid #c4c9d0;border-radius:12px}",
    "@media (max-width:480px){.floating{left:0;right:0;top:0;bottom:0;width:100%;max-width:100%;height:100%;max-height:100%;border-radius:0}",
    ".inline{height:80vh}}",
    ".head{display:flex;align-items:center;gap:6px;padding:10px 10px 10px 16px;background:var(--accent);color:var(--on-accent)}",
    ".head h2{flex:1;margin:0;font-size:17px;font-weight:700;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
    ".head button{background:transparent;border:1px solid currentColor;border-radius:6px;padding:4px 8px;color:inherit;font-size:13px;min-height:32px}",
    ".head .x,.head .ico{border-color:transparent;font-size:22px;line-height:1;width:36px;height:36px;padding:0;display:flex;align-items:center;justify-content:center}",
    ".head svg{width:20px;height:20px;fill:currentColor}",
    ".head :focus-visible{outline-color:var(--on-accent)}",
    ".banner{padding:8px 16px;background:#fff4d6;border-bottom:1px solid #e6cf8a;font-size:14px}",
    ".log{flex:1;overflow-y:auto;padding:12px 12px 4px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}",
    ".msg{max-width:88%;padding:8px 12px;border-radius:12px;overflow-wrap:anywhere}",
    ".msg p{margin:0 0 8px}.msg p:last-child{margin-bottom:0}",
    ".msg ul{margin:0 0 8px;padding-left:20px}",
    ".user{align-self:flex-end;background:var(--accent);color:var(--on-accent);white-space:pre-wrap;border-bottom-right-radius:4px}",
    ".assistant{align-self:flex-start;background:#f0f2f5;border-bottom-left-radius:4px}",
    ".staff{align-self:flex-start;background:#fff4d6;border:1px solid #e6cf8a;border-bottom-left-radius:4px}",
    ".system{align-self:center;background:transparent;color:#4a4f57;font-size:14px;text-align:center;font-style:italic}",
    ".notice{align-self:center;background:#fdecee;color:#8a0015;border:1px solid #f3b8c0;font-size:14px}",
    ".who{display:block;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.03em;margin-bottom:2px}",
    ".msg a{color:var(--ink);text-decoration:underline}",
    ".typing{color:#4a4f57;font-style:italic}",
    ".pending-note{display:block;margin-top:4px;font-size:12px;font-style:italic;opacity:.85}",
    ".sources{margin:8px 0 0;padding:6px 0 0;border-top:1px solid #c4c9d0;font-size:13px}",
    ".sources h3{margin:0 0 2px;font-size:13px}",
    ".sources ol{margin:0;padding:0;list-style:none}",
    ".sources li{margin:2px 0}",
    ".tools{display:flex;align-items:center;gap:6px;margin-top:6px;font-size:13px;color:#4a4f57}",
    ".tools button{border:1px solid #8a9099;background:#fff;border-radius:6px;min-width:36px;min-height:32px;padding:2px 8px}",
    ".tools button[aria-pressed=true]{background:var(--accent);color:var(--on-accent);border-color:var(--accent)}",
    ".tools svg{width:16px;height:16px;fill:currentColor;vertical-align:middle}.down svg{transform:rotate(180deg)}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}",
    ".chip,.choices button{border:1px solid var(--ink);color:var(--ink);background:#fff;border-radius:16px;padding:6px 12px;text-align:left;min-height:32px}",
    ".chip:hover,.choices button:hover{background:#eef3fa}",
    ".suggest{padding:0 12px 8px}",
    ".suggest h3,.consent h3{margin:4px 0;font-size:14px}",
    ".consent{padding:12px 16px;border-top:1px solid #c4c9d0;font-size:14px}",
    ".consent p{margin:0 0 10px}",
    ".primary{background:var(--accent);color:var(--on-accent);border:0;border-radius:8px;padding:10px 18px;font-weight:700;min-height:44px}",
    ".composer{border-top:1px solid #c4c9d0;padding:8px}",
    ".row{display:flex;gap:8px;align-items:flex-end}",
    "textarea{flex:1;resize:none;min-height:44px;max-height:140px;padding:10px;border:1px solid #6b7280;border-radius:8px;background:#fff}",
    ".composer .primary{padding:10px 14px}",
    ".link{background:none;border:0;color:var(--ink);text-decoration:underline;padding:6px 2px;font-size:14px;min-height:32px}",
    ".links{display:flex;justify-content:space-between;flex-wrap:wrap;gap:4px}",
    ".erase-confirm{padding:12px 16px;border-top:1px solid #c4c9d0;font-size:14px}",
    ".erase-confirm h3{margin:4px 0;font-size:14px}.erase-confirm p{margin:0 0 10px}",
    ".erase-confirm .row{align-items:center}",
    ".danger{background:#b00020;color:#fff;border:0;border-radius:8px;padding:10px 18px;font-weight:700;min-height:44px}",
    ".secondary{background:#fff;color:var(--ink);border:1px solid var(--ink);border-radius:8px;padding:10px 18px;min-height:44px}",
    ".attach{flex:none;width:44px;height:44px;padding:0;border:1px solid #6b7280;border-radius:8px;background:#fff;color:var(--ink);",
    "display:flex;align-items:center;justify-content:center}",
    ".attach svg{width:22px;height:22px;fill:currentColor}",
    ".file .name{font-weight:600}.file .size{opacity:.85}",
    ".file svg{width:16px;height:16px;fill:currentColor;vertical-align:-3px;margin-right:4px}",
    ".file-state{display:block;margin-top:4px;font-size:12px;font-style:italic;opacity:.9}",
    ".file.failed{background:#fdecee;color:#8a0015;border:1px solid #f3b8c0}",
    ".file.failed .file-state{font-style:normal;opacity:1}",
    ".claimbar{display:flex;flex-wrap:wrap;align-items:center;gap:6px 8px;padding:8px 12px;border-top:1px solid #c4c9d0;background:#f7f9fc;font-size:14px}",
    ".claimbar .summary{flex:1 1 100%}",
    ".claimbar .acts{flex:1 1 100%;display:flex;flex-wrap:wrap;gap:6px}",
    ".claimbar .acts:empty{display:none}",
    ".claimbar button{min-height:36px;padding:6px 9px;border-radius:8px;font-size:13px}",
    ".claimbar button[aria-disabled=true],.missions button[aria-disabled=true]{opacity:.55;cursor:default}",
    ".drop{position:absolute;inset:0;z-index:2;display:flex;align-items:center;justify-content:center;padding:24px;text-align:center;",
    "background:rgba(255,255,255,.93);border:3px dashed var(--ink);border-radius:inherit;color:var(--ink);font-weight:700;pointer-events:none}",
    "@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s}.launcher:hover{transform:scale(1.05)}}"
  ].join("\n");

  // ---- small DOM helpers (textContent only) ----------------------------------------------
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (!Object.prototype.hasOwnProperty.call(props, k) || props[k] == null) continue;
        if (k === "text") node.textContent = props[k];
        else if (k === "class") node.className = props[k];
        else if (k === "on") for (var ev in props.on) node.addEventListener(ev, props.on[ev]);
        else if (k === "hidden") node.hidden = !!props[k];
        else node.setAttribute(k, props[k]);
      }
    }
    (children || []).forEach(function (ch) { if (ch) node.appendChild(typeof ch === "string" ? document.createTextNode(ch) : ch); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(s, n) { return s.replace("{n}", String(n)); }
  function fill(s, values) {
    return s.replace(/\{(\w+)\}/g, function (all, k) { return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : all; });
  }

  function safeUrl(raw) {
    try {
      var u = new URL(String(raw));
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  function link(url, children) {
    var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, children);
    a.appendChild(el("span", { class: "sr", text: " " + T.newTab }));
    return a;
  }

  // ---- a tiny, safe Markdown subset: paragraphs, "- " lists, **bold**, links --------------
  var INLINE = /\*\*([^*\n][^*]*?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"']+)/.source;
  function inline(text, parent, depth) {
    var last = 0, m, re = new RegExp(INLINE, "g");
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] != null) {
        var strong = el("strong");
        if (depth < 2) inline(m[1], strong, depth + 1); else strong.textContent = m[1];
        parent.appendChild(strong);
        last = re.lastIndex;
      } else if (m[2] != null) {
        var url = safeUrl(m[3]);
        parent.appendChild(url ? link(url, [m[2]]) : document.createTextNode(m[2]));
        last = re.lastIndex;
      } else {
        // A bare URL: trailing punctuation belongs to the sentence, not the link.
        var raw = m[4].replace(/[.,;:!?)\]]+$/, "");
        var bare = safeUrl(raw);
        parent.appendChild(bare ? link(bare, [raw]) : document.createTextNode(raw));
        last = m.index + raw.length;
        re.lastIndex = last;
      }
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function markdown(text) {
    var frag = document.createDocumentFragment();
    String(text || "").replace(/\r\n?/g, "\n").split(/\n[ \t]*\n+/).forEach(function (block) {
      var lines = block.split("\n"), list = null, para = null;
      lines.forEach(function (line) {
        var item = /^\s*[-*•]\s+(.*)$/.exec(line);
        if (item) {
          para = null;
          if (!list) { list = el("ul"); frag.appendChild(list); }
          var li = el("li");
          inline(item[1], li, 0);
          list.appendChild(li);
        } else if (line.trim()) {
          list = null;
          if (!para) { para = el("p"); frag.appendChild(para); } else para.appendChild(el("br"));
          inline(line, para, 0);
        }
      });
    });
    return frag;
  }

  // ---- storage that survives a browser refusing localStorage ------------------------------
  var memory = {};
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function save(key, value) {
    try {
      if (value == null) window.localStorage.removeItem(key); else window.localStorage.setItem(key, value);
    } catch (e) {
      if (value == null) delete memory[key]; else memory[key] = value;
    }
  }

  // ---- messages the server has not answered yet -----------------------------------------
  // Each message gets a client id before it is sent and stays here (with its text) until its
  // answer arrives: after a dropped connection or a server restart it is sent again with the
  // same id, and the server returns the turn it stored instead of running a second one.
  var PENDING_KEY = STORE_KEY + ":pending";
  function pendingList() {
    try {
      var list = JSON.parse(load(PENDING_KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (p) { return p && typeof p.id === "string" && typeof p.text === "string"; }) : [];
    } catch (e) { return []; }
  }
  function setPending(list) { save(PENDING_KEY, list.length ? JSON.stringify(list) : null); }
  function dropPending(id) { setPending(pendingList().filter(function (p) { return p.id !== id; })); }
  function clientId() {
    var bytes = new Uint8Array(16), out = "";
    window.crypto.getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) out += ("0" + bytes[i].toString(16)).slice(-2);
    return out;
  }

  // ---- HTTP and server-sent events -------------------------------------------------------
  function ApiError(status, code, retryAfter) {
    this.status = status; this.code = code; this.retryAfter = retryAfter;
  }
  function request(method, path, body, extra) {
    var headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    for (var h in extra || {}) if (h !== "signal") headers[h] = extra[h];
    return fetch(BASE + path, {
      method: method, headers: headers, credentials: "omit", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body), signal: (extra && extra.signal) || undefined
    }).catch(function () {
      throw new ApiError(0, "network");
    }).then(function (res) {
      if (res.ok) return res;
      return res.json().catch(function () { return {}; }).then(function (data) {
        var err = (data && data.error) || {};
        var after = parseInt(res.headers.get("Retry-After") || "", 10);
        if (isNaN(after)) after = parseInt(err.retry_after != null ? err.retry_after : data && data.retry_after, 10);
        throw new ApiError(res.status, err.code || "http_" + res.status, isNaN(after) ? null : after);
      });
    });
  }
  function getJson(method, path, body) {
    return request(method, path, body).then(function (res) { return res.json(); });
  }
  // Reads a text/event-stream body; onEvent(name, data) per event, data parsed as JSON when it is JSON.
  function readEvents(res, onEvent) {
    var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "", name = "", data = [];
    function dispatch() {
      if (data.length) {
        var payload = data.join("\n"), parsed;
        try { parsed = JSON.parse(payload); } catch (e) { parsed = payload; }
        onEvent(name || "message", parsed);
      }
      name = ""; data = [];
    }
    function line(text) {
      if (text === "") return dispatch();
      if (text.charAt(0) === ":") return;
      var i = text.indexOf(":"), field = i < 0 ? text : text.slice(0, i), value = i < 0 ? "" : text.slice(i + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          buffer += decoder.decode();
          if (buffer) { line(buffer); buffer = ""; }
          dispatch();
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        // A trailing "\r" may be the first half of "\r\n": hold it until the next chunk.
        var held = buffer.charAt(buffer.length - 1) === "\r";
        var parts = (held ? buffer.slice(0, -1) : buffer).split(/\r\n|\r|\n/);
        buffer = parts.pop() + (held ? "\r" : "");
        parts.forEach(line);
        return pump();
      });
    }
    return pump();
  }

  // ---- state ----------------------------------------------------------------------------
  var state = {
    token: load(STORE_KEY), consented: false, busy: false, lastId: 0, seen: {}, open: false,
    config: null, unread: 0, events: null, backoff: 1000, retryTimer: null, asked: false,
    resendTimer: null, resendBackoff: 1000, escalation: null,
    claim: null, claimActions: null, claimBusy: false, maxFileMb: 10,
    uploads: [], uploading: false, uploadTimer: null, uploadBackoff: 1000, uploadXhr: null, resumed: false
  };
  if (state.token) state.consented = true;

  // ---- the DOM --------------------------------------------------------------------------
  var host = document.createElement("sportello-chat");
  var shadow = host.attachShadow({ mode: "open" });
  var root = el("div", { class: "root", lang: LANG });
  // A constructed stylesheet is not subject to the host page's CSP style-src; <style> is the fallback.
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch (e) {
    shadow.appendChild(el("style", { text: CSS }));
  }
  shadow.appendChild(root);

  var ui = {};
  ui.live = el("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true" });
  ui.title = el("h2", { text: TITLE });
  ui.newChat = el("button", { type: "button", class: "new ico", "aria-label": T.newChat, title: T.newChat, on: { click: startOver } },
    [svgIcon("M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z")]);
  ui.close = MODE === "launcher"
    ? el("button", { type: "button", class: "x", "aria-label": T.close, text: "×", on: { click: function () { setOpen(false); } } })
    : null;
  ui.banner = el("div", { class: "banner", role: "status", hidden: true });
  // role=log is implicitly polite; it is set to off so streamed tokens are not read out piece by
  // piece: finished answers and staff replies are announced once through ui.live instead.
  ui.log = el("div", { class: "log", role: "log", "aria-live": "off", "aria-label": T.conversation, tabindex: "0" });
  ui.suggest = el("div", { class: "suggest", hidden: true });
  ui.consentText = el("p", { id: "sp-privacy", text: T.privacy });
  ui.agree = el("button", { type: "button", class: "primary agree", "aria-describedby": "sp-privacy", text: T.agree, on: { click: consent } });
  ui.consentHeading = el("h3", { text: T.privacyHeading });
  ui.consent = el("div", { class: "consent", hidden: true }, [ui.consentHeading, ui.consentText, ui.agree]);
  ui.input = el("textarea", { id: "sp-input", rows: "2", "aria-label": T.inputLabel, placeholder: T.inputLabel, maxlength: "4000" });
  ui.send = el("button", { type: "submit", class: "primary send", text: T.send });
  ui.human = el("button", { type: "button", class: "link human", text: T.human, on: { click: handoff } });
  // Shown while this browser holds a session: there is something stored to erase.
  ui.erase = el("button", { type: "button", class: "link erase", text: T.erase, hidden: !state.token, on: { click: askErase } });
  // Receipts for a reimbursement claim: the paperclip opens the file chooser (the input itself is
  // out of the tab order: the button is what keyboards and screen readers use), or drop them on the panel.
  ui.files = el("input", {
    type: "file", class: "files", multiple: "", accept: FILE_TYPES.join(","), tabindex: "-1", "aria-hidden": "true", hidden: true,
    on: { change: function () { attachFiles(ui.files.files); ui.files.value = ""; } }
  });
  ui.attach = el("button", { type: "button", class: "attach", "aria-label": T.attach, title: T.attach, on: { click: function () { ui.files.click(); } } },
    [svgIcon(CLIP)]);
  ui.form = el("form", { class: "composer", hidden: true, on: { submit: function (e) { e.preventDefault(); submit(); } } },
    [el("div", { class: "row" }, [ui.input, ui.attach, ui.send, ui.files]), el("div", { class: "links" }, [ui.human, ui.erase])]);
  // The claim: how many documents, and what may be pressed now (the desk's "check" and "submit").
  ui.claimSummary = el("span", { class: "summary" });
  ui.claimActs = el("div", { class: "acts" });
  ui.claim = el("div", { class: "claimbar", role: "group", "aria-label": T.claim, hidden: true }, [ui.claimSummary, ui.claimActs]);
  ui.drop = el("div", { class: "drop", "aria-hidden": "true", hidden: true, text: T.dropHere });
  // Where each file is (sending, reading), for screen readers; the desk's messages go through ui.live.
  ui.uploadLive = el("div", { class: "sr uploads", role: "status" });
  // Erasure asks first, in the panel itself (no browser dialog): what goes, and that it cannot be undone.
  ui.eraseYes = el("button", { type: "button", class: "danger erase-yes", text: T.eraseYes, on: { click: erase } });
  ui.eraseNo = el("button", { type: "button", class: "secondary erase-no", text: T.eraseNo, on: { click: cancelErase } });
  ui.eraseConfirm = el("div", {
    class: "erase-confirm", role: "group", "aria-labelledby": "sp-erase-h", "aria-describedby": "sp-erase-p", hidden: true,
    on: { keydown: function (e) { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); cancelErase(); } } }
  }, [ui.eraseHeading = el("h3", { id: "sp-erase-h", text: T.eraseHeading }),
    ui.eraseText = el("p", { id: "sp-erase-p", text: T.eraseText }), el("div", { class: "row" }, [ui.eraseYes, ui.eraseNo])]);
  ui.panel = el("div", {
    class: "panel " + (MODE === "launcher" ? "floating" : "inline"), id: "sp-panel",
    role: MODE === "launcher" ? "dialog" : "region", "aria-label": TITLE, hidden: MODE === "launcher"
  }, [el("div", { class: "head" }, [ui.title, ui.newChat, ui.close]), ui.banner, ui.log, ui.claim, ui.suggest, ui.consent, ui.form,
    ui.eraseConfirm, ui.drop]);

  if (MODE === "launcher") {
    ui.badge = el("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    ui.launcher = el("button", {
      type: "button", class: "launcher", "aria-label": T.open + ": " + TITLE, "aria-expanded": "false",
      "aria-controls": "sp-panel", on: { click: function () { setOpen(!state.open); } }
    }, [icon(), ui.badge]);
    root.appendChild(ui.launcher);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && state.open) { e.preventDefault(); setOpen(false); }
    });
  }
  root.appendChild(ui.panel);
  root.appendChild(ui.live);
  root.appendChild(ui.uploadLive);

  ui.input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  });

  // Decorative icons, built from constant path data.
  function svgIcon(d) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
    return svg;
  }
  function icon() {
    return svgIcon("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z");
  }
  function thumb() {
    return svgIcon("M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.5-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z");
  }

  function mount() {
    var target = null, sel = attr("target");
    if (sel) { try { target = document.querySelector(sel); } catch (e) { target = null; } }
    if (target) target.appendChild(host);
    else if (MODE === "inline" && script.parentNode && script.parentNode !== document.head) script.parentNode.insertBefore(host, script.nextSibling);
    else document.body.appendChild(host);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  // ---- announcing and the panel ---------------------------------------------------------
  function announce(text) {
    ui.live.textContent = "";
    setTimeout(function () { ui.live.textContent = text; }, 50);
  }
  function setOpen(open) {
    if (MODE !== "launcher") return;
    state.open = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.setAttribute("aria-label", (open ? T.close : T.open) + ": " + TITLE);
    if (open) {
      state.unread = 0;
      ui.badge.hidden = true;
      start().then(focusFirst);
      focusFirst();
      scrollDown();
    } else {
      ui.launcher.focus();
    }
  }
  function focusFirst() {
    if (MODE === "launcher" && !state.open) return;
    if (!ui.consent.hidden) ui.agree.focus();
    else if (!ui.form.hidden) ui.input.focus();
  }
  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  // ---- start: config, history, live events ------------------------------------------------
  var starting = null;
  function start() {
    if (!starting) {
      starting = getJson("GET", "/api/config?lang=" + encodeURIComponent(LANG)).then(function (cfg) {
        state.config = cfg || {};
        if (cfg && typeof cfg.privacy === "string" && cfg.privacy.trim()) ui.consentText.textContent = cfg.privacy;
        var policy = cfg && cfg.privacy_url ? safeUrl(cfg.privacy_url) : null;
        if (policy && !ui.policy) {
          ui.policyText = document.createTextNode(T.policy);
          ui.policy = link(policy, [ui.policyText]);
          ui.consent.insertBefore(el("p", { class: "policy" }, [ui.policy]), ui.agree);
        }
      }, function () {
        state.config = {};
      }).then(function () {
        return state.token ? loadHistory() : null;
      }).then(function () {
        if (!state.consented) { ui.consent.hidden = false; ui.form.hidden = true; }
        else ui.form.hidden = false;
        showSuggestions(suggestionsFrom(state.config));
      });
    }
    return starting;
  }
  function suggestionsFrom(obj) {
    return obj && Array.isArray(obj.suggestions) ? obj.suggestions.filter(function (s) { return typeof s === "string" && s.trim(); }) : [];
  }
  function showSuggestions(list) {
    clear(ui.suggest);
    if (!state.consented || state.asked || !list.length) { ui.suggest.hidden = true; return; }
    var chips = el("div", { class: "chips" });
    list.slice(0, 6).forEach(function (q) {
      chips.appendChild(el("button", { type: "button", class: "chip", text: q, on: { click: function () { send(q); } } }));
    });
    ui.suggest.appendChild(el("h3", { id: "sp-sugg", text: T.suggestions }));
    chips.setAttribute("role", "group");
    chips.setAttribute("aria-labelledby", "sp-sugg");
    ui.suggest.appendChild(chips);
    ui.suggest.hidden = false;
  }

  function loadHistory() {
    return getJson("GET", "/api/history").then(function (hist) {
      // The conversation's language once it has one; the page's until the first message.
      if (hist.messages && hist.messages.length) useLanguage(hist.language);
      clear(ui.log);
      state.seen = {};
      var stored = {};
      (hist.messages || []).forEach(function (m) {
        if (m.role === "user") state.asked = true;
        if (m.role === "user" && typeof m.client_id === "string") stored[m.client_id] = m;
        renderMessage(m);
      });
      // A message stored and answered while this page was away is done; the others go again.
      setPending(pendingList().filter(function (p) { return !stored[p.id] || stored[p.id].pending; }));
      showEscalation(hist.escalation);
      scrollDown();
      listen();
      setTimeout(resendPending, 0);
      return refreshClaim(true).then(resumeUploads);
    }, function (err) {
      if (err.status === 401) { forget(); notice(T.expired); }
      else notice(messageFor(err));
    });
  }

  function forget() {
    stopListening();
    state.token = null;
    ui.erase.hidden = true;
    state.consented = false;
    state.asked = false;
    state.lastId = 0;
    save(STORE_KEY, null);
    setPending([]);
    clearTimeout(state.resendTimer);
    forgetClaim();
    ui.consent.hidden = false;
    ui.form.hidden = true;
    ui.suggest.hidden = true;
  }

  var consenting = false;
  function consent() {
    if (consenting) return;
    consenting = true;
    createSession().then(function () {
      ui.consent.hidden = true;
      ui.form.hidden = false;
      ui.input.focus();
    }, function (err) {
      notice(messageFor(err));
    }).then(function () { consenting = false; });
  }
  function createSession() {
    return getJson("POST", "/api/sessions", { consent: true, language: LANG }).then(function (data) {
      if (!data || typeof data.token !== "string") throw new ApiError(500, "bad_session");
      state.token = data.token;
      state.consented = true;
      ui.erase.hidden = false;
      save(STORE_KEY, data.token);
      if (data.welcome) renderMessage({ role: "assistant", text: data.welcome, citations: [] });
      var sugg = suggestionsFrom(data);
      showSuggestions(sugg.length ? sugg : suggestionsFrom(state.config));
      listen();
    });
  }

  // ---- erasure: everything stored for this session is deleted, then the widget forgets it ----
  function askErase() {
    if (state.busy || !state.token) return;
    ui.form.hidden = true;
    ui.suggest.hidden = true;
    ui.eraseConfirm.hidden = false;
    ui.eraseNo.focus();
  }
  function cancelErase() {
    ui.eraseConfirm.hidden = true;
    ui.form.hidden = !state.consented;
    if (!ui.form.hidden) ui.erase.focus();
  }
  var erasing = false;
  function erase() {
    if (erasing) return;
    erasing = true;
    ui.eraseYes.setAttribute("aria-disabled", "true");
    stopListening();
    getJson("POST", "/api/erase", { confirm: true }).then(erased, function (err) {
      // 401: the session is already gone (erased elsewhere, or expired): nothing is left of it either.
      if (err && err.status === 401) return erased();
      cancelErase();
      notice(messageFor(err));
      listen();
    }).then(function () {
      erasing = false;
      ui.eraseYes.removeAttribute("aria-disabled");
    });
  }
  function erased() {
    ui.eraseConfirm.hidden = true;
    forget();
    clear(ui.log);
    state.seen = {};
    showEscalation(null);
    ui.log.appendChild(el("div", { class: "msg system erased", text: T.erased }));
    announce(T.erased);
    focusFirst();
  }

  function startOver() {
    stopListening();
    state.token = null;
    ui.erase.hidden = true;
    if (!ui.eraseConfirm.hidden) { ui.eraseConfirm.hidden = true; ui.form.hidden = !state.consented; }
    state.asked = false;
    state.lastId = 0;
    state.seen = {};
    save(STORE_KEY, null);
    setPending([]);
    clearTimeout(state.resendTimer);
    forgetClaim();
    clear(ui.log);
    showEscalation(null);
    showSuggestions(suggestionsFrom(state.config));
    announce(T.newChatDone);
    focusFirst();
  }

  // ---- the conversation's language --------------------------------------------------------
  // Labels follow the language the conversation is held in (each reply says which), not only
  // the page's: a French SME on an Italian page reads French everywhere once it has written.
  function useLanguage(lang) {
    var l = typeof lang === "string" ? lang.toLowerCase().slice(0, 2) : "";
    if (!TEXT[l] || l === LANG) return;
    LANG = l;
    T = TEXT[l];
    if (!CUSTOM_TITLE) TITLE = T.title;
    relabel();
  }
  function relabel() {
    root.setAttribute("lang", LANG);
    ui.title.textContent = TITLE;
    ui.panel.setAttribute("aria-label", TITLE);
    ui.newChat.setAttribute("aria-label", T.newChat);
    ui.newChat.setAttribute("title", T.newChat);
    if (ui.close) ui.close.setAttribute("aria-label", T.close);
    if (ui.launcher) ui.launcher.setAttribute("aria-label", (state.open ? T.close : T.open) + ": " + TITLE);
    ui.log.setAttribute("aria-label", T.conversation);
    ui.consentHeading.textContent = T.privacyHeading;
    if (ui.policy) {
      ui.policyText.textContent = T.policy;
      ui.policy.lastChild.textContent = " " + T.newTab;
    }
    ui.agree.textContent = T.agree;
    ui.input.setAttribute("aria-label", T.inputLabel);
    ui.input.setAttribute("placeholder", T.inputLabel);
    ui.send.textContent = T.send;
    ui.human.textContent = T.human;
    ui.erase.textContent = T.erase;
    ui.eraseHeading.textContent = T.eraseHeading;
    ui.eraseText.textContent = T.eraseText;
    ui.eraseYes.textContent = T.eraseYes;
    ui.eraseNo.textContent = T.eraseNo;
    var heading = ui.suggest.querySelector("h3");
    if (heading) heading.textContent = T.suggestions;
    each(".msg[data-role] > .who", function (who) { who.textContent = label(who.parentNode.getAttribute("data-role")) + ":"; });
    each(".sources > h3", function (h) { h.textContent = T.sources; });
    each("a .sr", function (span) { span.textContent = " " + T.newTab; });
    each(".fb.up", function (b) { b.setAttribute("aria-label", T.up); });
    each(".fb.down", function (b) { b.setAttribute("aria-label", T.down); });
    each(".choices", function (g) { g.setAttribute("aria-label", T.options); });
    each(".missions", function (g) { g.setAttribute("aria-label", T.missions); });
    ui.attach.setAttribute("aria-label", T.attach);
    ui.attach.setAttribute("title", T.attach);
    ui.drop.textContent = T.dropHere;
    ui.claim.setAttribute("aria-label", T.claim);
    renderClaim();
    showEscalation(state.escalation);
  }
  function each(selector, change) {
    Array.prototype.forEach.call(ui.log.querySelectorAll(selector), change);
  }

  // ---- rendering messages ---------------------------------------------------------------
  function label(role) {
    return { user: T.you, assistant: T.assistant, staff: T.staff, system: T.system }[role] || T.system;
  }
  // A staff message is signed with its author's name, as on Telegram ("Anna · Operatore").
  function bubble(role, author) {
    var name = role === "staff" && typeof author === "string" && author ? author + " · " + label(role) : label(role);
    var who = el("span", { class: role === "staff" || role === "system" ? "who" : "who sr", text: name + ":" });
    var body = el("div", { class: "body" });
    var node = el("div", { class: "msg " + role, "data-role": role }, [who, body]);
    ui.log.appendChild(node);
    return { node: node, body: body };
  }
  function renderMessage(m) {
    var role = ["user", "assistant", "staff", "system"].indexOf(m.role) >= 0 ? m.role : "system";
    if (m.id != null) {
      if (state.seen[m.id]) return null;
      state.seen[m.id] = true;
      state.lastId = Math.max(state.lastId, Number(m.id) || 0);
    }
    var b = bubble(role, m.author);
    if (role === "user") b.body.textContent = String(m.text || "");
    else b.body.appendChild(markdown(m.text));
    if (m.id != null) b.node.setAttribute("data-id", String(m.id));
    if (role === "user" && typeof m.client_id === "string") b.node.setAttribute("data-client-id", m.client_id);
    if (role === "assistant" || role === "staff") renderSources(b.node, m.citations);
    if (role === "assistant" && m.id != null && m.decision === "answer") renderFeedback(b.node, m.id);
    scrollDown();
    return b;
  }
  // "Title — Section, p. 3"
  function citationText(c) {
    var text = [c.title, c.section].filter(Boolean).map(String).join(" — ");
    return c.page != null && c.page !== "" ? text + ", " + T.page + " " + c.page : text;
  }
  function renderSources(node, citations) {
    if (!Array.isArray(citations) || !citations.length) return;
    var list = el("ol");
    citations.forEach(function (c, i) {
      if (!c || typeof c !== "object") return;
      var n = c.n != null ? c.n : i + 1;
      var url = c.url ? safeUrl(c.url) : null;
      var text = citationText(c);
      list.appendChild(el("li", null, ["[" + n + "] ", url ? link(url, [text]) : el("span", { text: text })]));
    });
    node.appendChild(el("div", { class: "sources" }, [el("h3", { text: T.sources }), list]));
  }
  function renderFeedback(node, messageId) {
    var status = el("span", { class: "fb-status", role: "status" });
    var up = el("button", { type: "button", class: "fb up", "aria-label": T.up, "aria-pressed": "false" }, [thumb()]);
    var down = el("button", { type: "button", class: "fb down", "aria-label": T.down, "aria-pressed": "false" }, [thumb()]);
    function rate(rating, button, other) {
      getJson("POST", "/api/feedback", { message_id: messageId, rating: rating, comment: null }).then(function () {
        button.setAttribute("aria-pressed", "true");
        other.setAttribute("aria-pressed", "false");
        status.textContent = T.thanks;
      }, function (err) {
        status.textContent = messageFor(err);
      });
    }
    up.addEventListener("click", function () { rate("up", up, down); });
    down.addEventListener("click", function () { rate("down", down, up); });
    node.appendChild(el("div", { class: "tools" }, [up, down, status]));
  }
  function renderOptions(node, options) {
    if (!Array.isArray(options) || !options.length) return;
    var group = el("div", { class: "chips choices", role: "group", "aria-label": T.options });
    options.forEach(function (o) {
      if (!o || typeof o.label !== "string") return;
      group.appendChild(el("button", { type: "button", text: o.label, on: { click: function () { send(o.label); } } }));
    });
    node.appendChild(group);
  }
  function notice(text) {
    var node = el("div", { class: "msg notice", role: "alert", text: text });
    ui.log.appendChild(node);
    scrollDown();
    return node;
  }
  function showEscalation(esc) {
    state.escalation = esc && typeof esc === "object" && esc.status !== "resolved" ? esc : null;
    clear(ui.banner);
    if (!state.escalation) {
      ui.banner.hidden = true;
      ui.banner.removeAttribute("data-state");
      return;
    }
    // One state at a time: waiting for the staff (with when a reply may come), or answered by them.
    var answered = state.escalation.status === "answered";
    ui.banner.setAttribute("data-state", answered ? "answered" : "waiting");
    ui.banner.appendChild(el("strong", { text: answered ? T.answered : T.handoff }));
    if (!answered && state.escalation.expected_reply) {
      ui.banner.appendChild(el("span", { class: "expected", text: " " + state.escalation.expected_reply }));
    }
    ui.banner.hidden = false;
  }
  function messageFor(err) {
    if (err && err.status === 429) return fmt(T.rateLimited, err.retryAfter != null ? err.retryAfter : 30);
    if (err && err.status === 413) return T.tooLong;
    if (err && err.status === 0) return T.offline;
    return T.error;
  }

  // ---- a finished reply (from the stream's `done` or a JSON answer) -----------------------
  function finishReply(b, reply, citations) {
    useLanguage(reply.language);
    clear(b.body);
    b.body.appendChild(markdown(reply.text));
    var cites = Array.isArray(reply.citations) && reply.citations.length ? reply.citations : citations;
    renderSources(b.node, cites);
    renderOptions(b.node, reply.options);
    if (reply.message_id != null) {
      state.seen[reply.message_id] = true;
      state.lastId = Math.max(state.lastId, Number(reply.message_id) || 0);
      b.node.setAttribute("data-id", String(reply.message_id));
      if (reply.decision === "answer") renderFeedback(b.node, reply.message_id);  // not on a question or a handoff
    }
    b.node.setAttribute("data-done", "");
    if (reply.escalation) showEscalation(reply.escalation);
    announce(b.body.innerText || b.body.textContent);
    showFrom(b.node);
  }
  // A long answer is read from its start, not from its end.
  function showFrom(node) {
    scrollDown();
    if (node.offsetHeight > ui.log.clientHeight) {
      ui.log.scrollTop += node.getBoundingClientRect().top - ui.log.getBoundingClientRect().top - 8;
    }
  }

  // ---- sending --------------------------------------------------------------------------
  function submit() {
    var text = ui.input.value.trim();
    if (!text || state.busy) return;
    ui.input.value = "";  // the widget keeps it now (pending), until the answer comes
    send(text).then(function (outcome) {
      if (outcome === "refused" && !ui.input.value) ui.input.value = text;
    });
  }
  function ensureSession() {
    return state.token ? Promise.resolve() : createSession();
  }
  function userBubble(item) {
    var nodes = ui.log.querySelectorAll(".msg.user[data-client-id]");
    for (var i = 0; i < nodes.length; i++) if (nodes[i].getAttribute("data-client-id") === item.id) return nodes[i];
    var user = renderMessage({ role: "user", text: item.text });
    user.node.setAttribute("data-client-id", item.id);
    return user.node;
  }
  function beginTurn(item) {
    state.busy = true;
    state.asked = true;
    ui.send.setAttribute("aria-disabled", "true");
    ui.log.setAttribute("aria-busy", "true");
    ui.suggest.hidden = true;
    var user = userBubble(item);
    var status = user.querySelector(".pending-note");
    if (status) status.remove();
    var b = bubble("assistant");
    b.user = user;
    b.body.appendChild(el("span", { class: "typing", text: T.typing }));
    scrollDown();
    return b;
  }
  function endTurn() {
    state.busy = false;
    ui.send.removeAttribute("aria-disabled");
    ui.log.removeAttribute("aria-busy");
  }
  // Refused for good (too long, too many, the session gone): the server stored nothing, so the
  // message leaves the queue and its text goes back to the input. Anything else (no network,
  // the server restarting, a broken stream) leaves it queued, to be sent again with its id.
  function refused(err) {
    return err && err.status >= 400 && err.status < 500;
  }
  function failTurn(b, err, accepted, item) {
    if (err && err.status === 401) {
      b.user.remove();
      b.node.remove();
      forget();
      notice(T.expired);
      focusFirst();
      return "refused";
    }
    if (refused(err)) {
      dropPending(item.id);
      if (!accepted) b.user.remove();
      b.node.className = "msg notice";
      b.node.removeAttribute("data-role");
      b.node.setAttribute("role", "alert");
      b.node.textContent = messageFor(err);
      return "refused";
    }
    b.node.remove();
    if (!b.user.querySelector(".pending-note")) {
      b.user.appendChild(el("span", { class: "pending-note", role: "status", text: T.retrying }));
    }
    var wait = err && err.retryAfter ? err.retryAfter * 1000 : state.resendBackoff;
    state.resendBackoff = Math.min(state.resendBackoff * 2, 30000);
    clearTimeout(state.resendTimer);
    state.resendTimer = setTimeout(resendPending, wait);
    return "queued";
  }
  function resendPending() {
    clearTimeout(state.resendTimer);
    if (state.busy || !state.token) return;
    var next = pendingList()[0];
    if (next) send(next.text, next);
  }

  // Resolves "answered", "queued" (kept, sent again later) or "refused".
  function send(text, item) {
    if (state.busy || !state.consented) return Promise.resolve(item ? "queued" : "refused");
    var b = null, accepted = false;
    return ensureSession().then(function () {
      if (!item) {
        item = { id: clientId(), text: text };
        setPending(pendingList().concat([item]));
      }
      b = beginTurn(item);
      return request("POST", "/api/messages", { text: item.text, client_id: item.id }, { Accept: "text/event-stream" });
    }).then(function (res) {
      accepted = true;
      b.user.setAttribute("data-received", "");
      var type = res.headers.get("Content-Type") || "";
      if (type.indexOf("text/event-stream") < 0 || !res.body) {
        return res.json().then(function (data) { finishReply(b, data.reply || data, []); return true; });
      }
      var draft = "", citations = [], finished = false, failed = null;
      return readEvents(res, function (name, data) {
        if (finished || failed) return;
        if (name === "token" && data && typeof data.text === "string") {
          draft += data.text;
          b.body.textContent = draft;
          scrollDown();
        } else if (name === "citation" && data && typeof data === "object") {
          citations.push(data);
        } else if (name === "decision" && data && typeof data.decision === "string") {
          b.node.setAttribute("data-decision", data.decision);
        } else if (name === "done" && data && typeof data === "object") {
          finished = true;
          finishReply(b, data.reply && typeof data.reply === "object" ? data.reply : data, citations);
        } else if (name === "error") {
          failed = new ApiError(500, (data && data.code) || "stream_error");
        }
      }).then(function () {
        if (!finished) throw failed || new ApiError(500, "incomplete");
        return true;
      });
    }).then(function () {
      dropPending(item.id);
      state.resendBackoff = 1000;
      return "answered";
    }, function (err) {
      if (b) return failTurn(b, err, accepted, item);
      notice(messageFor(err));
      return item ? "queued" : "refused";
    }).then(function (outcome) {
      endTurn();
      if (outcome === "answered") setTimeout(resendPending, 0);
      return outcome;
    });
  }

  // Asking for a person is a button, not a queued message: a failure says so and the SME presses it again.
  function handoff() {
    if (state.busy || !state.consented) return;
    var b = null;
    ensureSession().then(function () {
      b = beginTurn({ id: clientId(), text: T.humanText });
      return getJson("POST", "/api/handoff", {});
    }).then(function (data) {
      finishReply(b, (data && data.reply) || {}, []);
    }, function (err) {
      if (!b) return notice(messageFor(err));
      b.user.remove();
      b.node.remove();
      if (err && err.status === 401) { forget(); notice(T.expired); } else notice(messageFor(err));
    }).then(endTurn);
  }

  // ---- reimbursement claims: receipts sent one at a time, the desk's checklist ------------
  // Each file gets a client id before it is sent; the id (in localStorage) and the file itself (in
  // IndexedDB, when the browser allows it) are kept until the server acknowledges the file, so a
  // network failure or a reload sends it again with the same id, and the server returns what it
  // stored instead of a second copy. One file per request, one after another.
  var UPLOADS_KEY = STORE_KEY + ":uploads";
  function uploadList() {
    try {
      var list = JSON.parse(load(UPLOADS_KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (u) { return u && typeof u.id === "string" && typeof u.name === "string"; }) : [];
    } catch (e) { return []; }
  }
  function setUploads(list) { save(UPLOADS_KEY, list.length ? JSON.stringify(list) : null); }
  function dropUpload(id) {
    setUploads(uploadList().filter(function (u) { return u.id !== id; }));
    blobs("readwrite", function (s) { return s.delete(STORE_KEY + ":" + id); });
  }

  var database = null;
  function idb() {
    if (!database) {
      database = new Promise(function (resolve) {
        try {
          var req = window.indexedDB.open("sportello-uploads", 1);
          req.onupgradeneeded = function () { req.result.createObjectStore("files"); };
          req.onsuccess = function () { resolve(req.result); };
          req.onerror = req.onblocked = function () { resolve(null); };
        } catch (e) { resolve(null); }
      });
    }
    return database;
  }
  // One request on the files store; resolves its result, or null when IndexedDB is unavailable.
  function blobs(mode, action) {
    return idb().then(function (db) {
      if (!db) return null;
      return new Promise(function (resolve) {
        try {
          var tx = db.transaction("files", mode), req = action(tx.objectStore("files"));
          tx.oncomplete = function () { resolve(req.result == null ? null : req.result); };
          tx.onerror = tx.onabort = function () { resolve(null); };
        } catch (e) { resolve(null); }
      });
    });
  }

  function sizeText(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " " + T.kb;
    return (bytes / 1048576).toLocaleString(LANG, { maximumFractionDigits: 1 }) + " " + T.mb;
  }
  // Refused here, before sending, with the reason: a type the desk cannot read, empty, too large.
  function refusalOf(file) {
    var name = String(file.name || ""), dot = name.lastIndexOf(".");
    var ext = dot < 0 ? "" : name.slice(dot).toLowerCase();
    if (FILE_TYPES.indexOf(ext) < 0) return fill(T.wrongType, { name: name });
    if (!file.size) return fill(T.emptyFile, { name: name });
    if (file.size > state.maxFileMb * 1024 * 1024) return fill(T.tooBig, { name: name, mb: state.maxFileMb });
    return null;
  }

  function attachFiles(list) {
    var files = Array.prototype.slice.call(list || []);
    if (!files.length || !state.consented) return;
    ensureSession().then(function () {
      return state.claim ? null : refreshClaim(true);  // the limits, before the first file is checked
    }).then(function () {
      var kept = [];
      files.forEach(function (file) {
        var problem = refusalOf(file);
        if (problem) { notice(problem); return; }
        var item = { id: clientId(), name: String(file.name), size: file.size, type: file.type || "", file: file };
        setUploads(uploadList().concat([{ id: item.id, name: item.name, size: item.size, type: item.type }]));
        kept.push(blobs("readwrite", function (s) { return s.put(file, STORE_KEY + ":" + item.id); }));
        queueUpload(item);
      });
      return Promise.all(kept).then(pumpUploads);
    }, function (err) { notice(messageFor(err)); });
  }
  // After a reload: what was not acknowledged goes again, with its id, if the browser kept the file.
  function resumeUploads() {
    if (state.resumed || !state.token) return;
    state.resumed = true;
    var waiting = uploadList();
    Promise.all(waiting.map(function (u) {
      return blobs("readonly", function (s) { return s.get(STORE_KEY + ":" + u.id); }).then(function (blob) {
        if (blob) { u.file = blob; queueUpload(u); } else { dropUpload(u.id); notice(fill(T.lost, { name: u.name })); }
      });
    })).then(pumpUploads);
  }
  function queueUpload(item) {
    var who = el("span", { class: "who sr", text: T.you + ":" });
    item.state = el("span", { class: "file-state", text: T.waiting });
    item.node = el("div", { class: "msg user file", "data-upload": item.id }, [who, el("div", { class: "body" }, [
      svgIcon(CLIP), el("span", { class: "name", text: item.name }), el("span", { class: "size", text: " (" + sizeText(item.size) + ")" }),
      item.state])]);
    ui.log.appendChild(item.node);
    state.asked = true;
    ui.suggest.hidden = true;
    state.uploads.push(item);
    renderClaim();
    scrollDown();
  }
  function uploadState(item, text, announced) {
    item.state.textContent = text;
    if (announced) announceUpload(item.name + ": " + text);
  }
  function announceUpload(text) {
    ui.uploadLive.textContent = "";
    setTimeout(function () { ui.uploadLive.textContent = text; }, 50);
  }

  function pumpUploads() {
    clearTimeout(state.uploadTimer);
    if (state.uploading || !state.token) return;
    var item = state.uploads[0];
    if (!item) { ui.uploadLive.textContent = ""; renderClaim(); return; }
    state.uploading = true;
    var token = state.token;
    uploadState(item, T.sending, true);
    postFile(item).then(function (data) {
      dropUpload(item.id);
      state.uploadBackoff = 1000;
      var file = data.file || {}, claim = state.claim || { status: "open", files: [] };
      // Kept for the staff, but the reader refused it (not a document, damaged): it does not count.
      uploadState(item, file.usable === false ? T.unusable : T.received, false);
      if (file.usable === false) item.node.classList.add("failed");
      item.node.setAttribute("data-received", "");
      if (claim.id != null && file.claim_id != null && claim.id !== file.claim_id) {
        // Another claim than the bar's: the next one, opened by this file after the staff closed the
        // bar's (or a late resend of an earlier claim's file): the server says which is current.
        refreshClaim(false);
      } else {
        var files = (claim.files || []).filter(function (f) { return f.id !== file.id; });
        files.push({ id: file.id, name: file.name, size: file.size, read: true, usable: file.usable !== false });
        state.claim = { id: file.claim_id != null ? file.claim_id : claim.id, status: claim.status || "open", files: files };
      }
      if (Array.isArray(data.actions)) state.claimActions = data.actions;
      if (data.message) deskMessage(data.message, [], item.node);
      return "done";
    }, function (err) {
      if (token !== state.token) return "gone";
      if (err.status === 401) { forget(); notice(T.expired); focusFirst(); return "gone"; }
      if (err.status === 0 || err.status >= 500 || err.status === 429) {
        var wait = err.retryAfter ? err.retryAfter * 1000 : state.uploadBackoff;
        state.uploadBackoff = Math.min(state.uploadBackoff * 2, 30000);
        uploadState(item, err.status === 429 ? fmt(T.uploadWait, Math.ceil(wait / 1000)) : T.retrying, true);
        return wait;
      }
      // Refused for good (413, 422): the server stored nothing; its reason is in the SME's words.
      dropUpload(item.id);
      item.node.classList.add("failed");
      item.state.setAttribute("role", "alert");
      uploadState(item, err.text || (err.status === 413 ? fill(T.tooBig, { name: item.name, mb: state.maxFileMb }) : T.error), false);
      return "refused";
    }).then(function (outcome) {
      state.uploading = false;
      state.uploadXhr = null;
      if (outcome === "gone") return;
      if (typeof outcome === "number") { state.uploadTimer = setTimeout(pumpUploads, outcome); renderClaim(); return; }
      state.uploads.shift();
      renderClaim();
      pumpUploads();
    });
  }
  // XMLHttpRequest rather than fetch: its upload events tell "sending" from "reading".
  function postFile(item) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      state.uploadXhr = xhr;
      xhr.open("POST", BASE + "/api/claim/files?name=" + encodeURIComponent(item.name) + "&client_id=" + encodeURIComponent(item.id));
      xhr.setRequestHeader("Authorization", "Bearer " + state.token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Content-Type", item.type || "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && e.total) uploadState(item, fmt(T.sendingPct, Math.floor(100 * e.loaded / e.total)), false);
      };
      xhr.upload.onload = function () { uploadState(item, T.reading, true); };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300 && data) return resolve(data);
        var error = (data && data.error) || {}, after = parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
        var err = new ApiError(xhr.status, error.code || "http_" + xhr.status, isNaN(after) ? null : after);
        if (typeof error.message === "string" && xhr.status === 422) err.text = error.message;
        reject(err);
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { reject(new ApiError(0, "network")); };
      xhr.send(item.file);
    });
  }

  // A message of the desk's: an assistant bubble (once, whether the live events brought it first or
  // not), with the missions to choose from as chips; a file's, right under the file.
  function deskMessage(m, missions, file) {
    if (!m || m.id == null) return;
    useLanguage(m.language);
    var b = renderMessage(m), node = b ? b.node : null;
    if (!node) {
      var nodes = ui.log.querySelectorAll(".msg[data-id]");
      for (var i = 0; i < nodes.length; i++) if (nodes[i].getAttribute("data-id") === String(m.id)) node = nodes[i];
    }
    if (node && Array.isArray(missions) && missions.length && !node.querySelector(".missions")) {
      var group = el("div", { class: "chips missions", role: "group", "aria-label": T.missions });
      missions.forEach(function (mission) {
        if (!mission || typeof mission.id !== "string") return;
        group.appendChild(el("button", { type: "button", text: String(mission.title || mission.id), on: { click: function () {
          claimStep("/api/claim/mission", mission.id);
        } } }));
      });
      node.appendChild(group);
    }
    if (node && file && file.parentNode === ui.log) ui.log.insertBefore(node, file.nextSibling);
    if (b) announce(b.body.innerText || b.body.textContent);
    if (file) scrollDown(); else if (node) showFrom(node);
    renderClaim();
  }

  // "check", "submit" or a mission's choice: a button, not a queued message (a failure says so).
  function claimStep(path, missionId) {
    if (state.claimBusy || state.uploads.length || !state.token) return;
    state.claimBusy = true;
    renderClaim();
    var body = { client_id: clientId() };
    if (missionId) body.mission_id = missionId;
    var b = bubble("assistant");
    b.body.appendChild(el("span", { class: "typing", text: T.checking }));
    ui.log.setAttribute("aria-busy", "true");
    scrollDown();
    getJson("POST", path, body).then(function (data) {
      b.node.remove();
      if (Array.isArray(data.actions)) state.claimActions = data.actions;
      deskMessage(data.message, data.missions);
      if (path === "/api/claim/submit") return refreshClaim(false);
    }, function (err) {
      b.node.remove();
      if (err && err.status === 401) { forget(); notice(T.expired); focusFirst(); } else notice(messageFor(err));
    }).then(function () {
      state.claimBusy = false;
      ui.log.removeAttribute("aria-busy");
      renderClaim();
    });
  }

  // The claim as the server has it (after a reload, or a message the live events brought);
  // withActions: take its buttons too, rather than those of the last answer.
  function refreshClaim(withActions) {
    if (!state.token) return Promise.resolve();
    return getJson("GET", "/api/claim").then(function (data) {
      if (!data || typeof data !== "object") return;
      state.claim = { id: data.id, status: data.status || null, files: Array.isArray(data.files) ? data.files : [] };
      if (state.claim.files.length) { state.asked = true; ui.suggest.hidden = true; }
      if (withActions || !state.claimActions) state.claimActions = Array.isArray(data.actions) ? data.actions : [];
      var mb = data.limits && Number(data.limits.max_file_mb);
      if (mb > 0) state.maxFileMb = mb;
      renderClaim();
    }, function () { /* the bar stays as it was; the next message or reload tries again */ });
  }
  function renderClaim() {
    var claim = state.claim || {}, files = (Array.isArray(claim.files) ? claim.files : []).filter(function (f) {
      return f && f.usable !== false;  // a file the reader refused is the staff's, not a document of the claim
    });
    if (!files.length && !state.uploads.length) { ui.claim.hidden = true; return; }
    // "3 documenti, 2 in arrivo": stored, and still on their way (waiting, sent, being read).
    var unread = files.filter(function (f) { return f && f.read === false; }).length + state.uploads.length;
    var parts = files.length || !unread ? [files.length === 1 ? T.claimFile : fmt(T.claimFiles, files.length)] : [];
    if (unread) parts.push(fmt(T.claimReading, unread));
    if (claim.status === "submitted") parts.push(T.claimSent);
    if (claim.status === "resolved") parts.push(T.claimClosed);
    ui.claimSummary.textContent = T.claim + ": " + parts.join(", ");
    var focusedAction = shadow.activeElement && shadow.activeElement.getAttribute("data-action");
    clear(ui.claimActs);
    var waiting = state.claimBusy || state.uploads.length > 0;
    (state.claimActions || []).forEach(function (a) {
      if (!a || (a.action !== "check" && a.action !== "submit") || typeof a.label !== "string") return;
      var button = el("button", {
        type: "button", class: (a.action === "submit" ? "primary" : "secondary") + " claim-" + a.action, "data-action": a.action,
        text: a.label, "aria-disabled": waiting ? "true" : null,
        on: { click: function () { claimStep("/api/claim/" + a.action); } }
      });
      ui.claimActs.appendChild(button);
      if (focusedAction === a.action) button.focus();
    });
    ui.claim.hidden = false;
  }
  function forgetClaim() {
    clearTimeout(state.uploadTimer);
    if (state.uploadXhr) state.uploadXhr.abort();
    state.uploads.forEach(function (u) { dropUpload(u.id); });
    uploadList().forEach(function (u) { dropUpload(u.id); });
    state.uploads = [];
    state.uploading = false;
    state.claim = null;
    state.claimActions = null;
    state.resumed = false;
    renderClaim();
  }

  // Files dropped anywhere on the panel join the claim.
  function dragsFiles(e) {
    var types = e.dataTransfer && e.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }
  var dragDepth = 0;
  ui.panel.addEventListener("dragenter", function (e) {
    if (!dragsFiles(e)) return;
    e.preventDefault();
    dragDepth += 1;
    ui.drop.hidden = !state.consented;
  });
  ui.panel.addEventListener("dragover", function (e) {
    if (!dragsFiles(e)) return;
    e.preventDefault();  // else the browser opens the file in place of the page
    e.dataTransfer.dropEffect = state.consented ? "copy" : "none";
  });
  ui.panel.addEventListener("dragleave", function (e) {
    if (!dragsFiles(e)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) ui.drop.hidden = true;
  });
  ui.panel.addEventListener("drop", function (e) {
    if (!dragsFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    ui.drop.hidden = true;
    attachFiles(e.dataTransfer.files);
  });

  // ---- live staff replies: a long-lived GET /api/events, reconnected with backoff ----------
  function listen() {
    if (!state.token || state.events) return;
    clearTimeout(state.retryTimer);
    var ctrl = new AbortController(), token = state.token;
    state.events = ctrl;
    request("GET", "/api/events?after=" + state.lastId, undefined, { Accept: "text/event-stream", signal: ctrl.signal })
      .then(function (res) {
        if (!res.body) throw new ApiError(0, "no_body");
        return readEvents(res, function (name, data) {
          if (ctrl.signal.aborted) return;
          state.backoff = 1000;
          if (name === "message" && data && typeof data === "object") {
            // The desk's notices and the claim desk's messages are in the conversation's language.
            if (data.role === "system" || data.role === "assistant") useLanguage(data.language);
            liveMessage(data);
          }
          // {"escalation": Escalation | null}; a bare Escalation is accepted too.
          else if (name === "escalation" && data && typeof data === "object") showEscalation("escalation" in data ? data.escalation : data);
        });
      })
      .then(null, function (err) { return err; })
      .then(function (err) {
        if (state.events === ctrl) state.events = null;
        if (ctrl.signal.aborted || token !== state.token) return;
        if (err && err.status === 401) return;
        var wait = state.backoff;
        state.backoff = Math.min(state.backoff * 2, 30000);
        state.retryTimer = setTimeout(listen, wait);
      });
  }
  function stopListening() {
    clearTimeout(state.retryTimer);
    if (state.events) { state.events.abort(); state.events = null; }
    state.backoff = 1000;
  }
  function liveMessage(m) {
    // The user's own turns and the assistant's replies arrive through POST /api/messages; the
    // only assistant messages the server streams are the claim desk's (a file read after a
    // restart, or read while its upload's answer is still on its way).
    if (m.role !== "staff" && m.role !== "system" && m.role !== "assistant") {
      if (m.id != null) state.lastId = Math.max(state.lastId, Number(m.id) || 0);
      return;
    }
    var b = renderMessage(m);
    if (!b) return;
    // A staff message may be a claim's outcome (submitted or not): the bar then says it is closed.
    if (m.role === "assistant" || (m.role === "staff" && state.claim && state.claim.status && state.claim.status !== "resolved"))
      refreshClaim(!state.uploads.length && !state.claimBusy);
    announce(b.node.querySelector(".who").textContent + " " + (b.body.innerText || b.body.textContent));
    if (MODE === "launcher" && !state.open) {
      state.unread += 1;
      ui.badge.textContent = String(state.unread);
      ui.badge.hidden = false;
      ui.launcher.setAttribute("aria-label", T.open + ": " + TITLE + " (" + state.unread + " " + T.unread + ")");
    }
  }

  // A returning visitor sees their conversation (and live replies) without opening anything first.
  if (state.token || MODE === "inline") start();
})();
