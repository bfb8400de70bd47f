// The sandbox page: draws the chats from the server's event stream and sends
// what the person does back to it. Message HTML arrives already escaped and
// reduced to Telegram's tags by the server (src/sandbox/render.ts).
"use strict";

const chats = new Map(); // chat id → { view, element, typingTimer }
let activeChatId = null;
let zone = "UTC";

const $ = (selector, root = document) => root.querySelector(selector);

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const result = await response.json().catch(() => ({}));
  if (!response.ok) {
    notice(result.error || `The sandbox answered ${response.status}`, true);
    throw new Error(result.error);
  }
  return result;
}

function notice(text, isError = false) {
  const element = $("#notice");
  element.textContent = text;
  element.className = isError ? "error" : "";
  element.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => (element.hidden = true), 6000);
}

function showClock(iso) {
  const date = new Date(iso);
  $("#clock").textContent = new Intl.DateTimeFormat("en-CA", { timeZone: zone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(date) + ` (${zone})`;
  $("#clock").dataset.iso = iso;
}

// ---------------------------------------------------------------------------
// Chats

function addChat(view) {
  const element = $("#chat-template").content.firstElementChild.cloneNode(true);
  element.dataset.chatId = String(view.id);
  element.dataset.kind = view.kind;
  $(".avatar", element).textContent = view.name.slice(0, 1).toUpperCase();
  $(".title", element).textContent = view.kind === "staff" ? `Staff chat — ${view.name}` : view.name;
  $(".subtitle", element).textContent = view.kind === "staff" ? "staff member" : `patient · ${view.language === "fr" ? "Français" : "English"}`;
  const entry = { view, element, typingTimer: undefined, commands: [] };
  chats.set(view.id, entry);
  const form = $(".composer", element);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.elements.text;
    const text = input.value;
    if (text.trim() === "") return;
    input.value = "";
    $(".command-menu", element).hidden = true;
    void post("/api/send", { chatId: view.id, text });
  });
  $(".menu-button", element).addEventListener("click", () => toggleMenu(entry));
  // Patients first, staff last, in order of creation.
  const main = $("#chats");
  const staff = [...main.children].find((child) => child.dataset.kind === "staff");
  if (view.kind === "patient" && staff) main.insertBefore(element, staff);
  else main.appendChild(element);
  for (const message of view.messages || []) showMessage(entry, message);
  showEmptyHint(entry);
  setKeyboard(entry, view.keyboard);
  entry.commands = view.commands || [];
  setMenuButton(entry, view.menuButton);
  renderTabs();
  if (activeChatId === null || view.kind === "patient") activate(view.id);
  return entry;
}

function showEmptyHint(entry) {
  const messages = $(".messages", entry.element);
  const hint = $(".empty", messages);
  if (messages.children.length === 0) {
    const empty = document.createElement("div");
    empty.className = "empty";
    empty.textContent = entry.view.kind === "staff" ? "Appointment requests arrive here. Try /broadcast to send an announcement." : "Send /start to begin, or press ☰ for the commands.";
    messages.appendChild(empty);
  } else if (hint && messages.children.length > 1) hint.remove();
}

function renderTabs() {
  const tabs = $("#tabs");
  tabs.replaceChildren(
    ...[...chats.values()]
      .sort((a, b) => (a.view.kind === b.view.kind ? a.view.id - b.view.id : a.view.kind === "patient" ? -1 : 1))
      .map(({ view }) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = view.kind === "staff" ? "Staff" : view.name;
        button.dataset.chatId = String(view.id);
        button.className = view.id === activeChatId ? "active" : "";
        button.addEventListener("click", () => activate(view.id));
        return button;
      }),
  );
}

function activate(chatId) {
  activeChatId = chatId;
  for (const [id, entry] of chats) entry.element.classList.toggle("active", id === chatId);
  renderTabs();
}

function messageElement(entry, message) {
  const element = document.createElement("div");
  element.className = `message ${message.fromBot ? "bot" : "me"}`;
  element.dataset.messageId = String(message.id);
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (message.document) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = `/files/${encodeURIComponent(message.document.fileId)}`;
    link.download = message.document.name;
    link.innerHTML = '<span class="icon">⬇</span><span><span class="name"></span><br><span class="size"></span></span>';
    $(".name", link).textContent = message.document.name;
    $(".size", link).textContent = message.document.size ? `${Math.max(1, Math.round(message.document.size / 1024))} KB` : "";
    bubble.appendChild(link);
  }
  if (message.photo) bubble.insertAdjacentHTML("beforeend", '<div class="photo">🖼 Photo</div>');
  if (message.contact) {
    const contact = document.createElement("div");
    contact.className = "contact";
    contact.textContent = `📞 ${message.contact}`;
    bubble.appendChild(contact);
  }
  const text = document.createElement("div");
  text.className = "text";
  text.innerHTML = message.html; // Built and escaped by the server.
  bubble.appendChild(text);
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = (message.edited ? "edited · " : "") + message.time;
  bubble.appendChild(meta);
  element.appendChild(bubble);
  if (message.buttons.length > 0) {
    const keyboard = document.createElement("div");
    keyboard.className = "inline-keyboard";
    for (const row of message.buttons) {
      const rowElement = document.createElement("div");
      rowElement.className = "row";
      for (const button of row) rowElement.appendChild(inlineButton(entry, message, button));
      keyboard.appendChild(rowElement);
    }
    element.appendChild(keyboard);
  }
  return element;
}

function inlineButton(entry, message, button) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = button.text + (button.url ? " ↗" : "");
  element.addEventListener("click", () => {
    if (button.data) void post("/api/press", { chatId: entry.view.id, messageId: message.id, data: button.data });
    else if (button.webApp) openWebApp(button.text, button.webApp, entry.view.id);
    else if (button.url) window.open(button.url, "_blank", "noopener");
  });
  return element;
}

function showMessage(entry, message) {
  const messages = $(".messages", entry.element);
  const existing = messages.querySelector(`[data-message-id="${message.id}"]`);
  const element = messageElement(entry, message);
  if (existing) existing.replaceWith(element);
  else messages.appendChild(element);
  showEmptyHint(entry);
  messages.scrollTop = messages.scrollHeight;
}

function setKeyboard(entry, keyboard) {
  const area = $(".reply-keyboard", entry.element);
  area.replaceChildren();
  area.hidden = !keyboard;
  if (!keyboard) return;
  for (const row of keyboard.keyboard) {
    const rowElement = document.createElement("div");
    rowElement.className = "row";
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      if (button.request_contact) element.title = "Shares a made-up phone number";
      element.addEventListener("click", () => {
        if (button.request_contact) void post("/api/contact", { chatId: entry.view.id });
        else void post("/api/send", { chatId: entry.view.id, text: button.text });
      });
      rowElement.appendChild(element);
    }
    area.appendChild(rowElement);
  }
}

function toggleMenu(entry) {
  const menu = $(".command-menu", entry.element);
  if (!menu.hidden) return void (menu.hidden = true);
  menu.replaceChildren(
    ...entry.commands.map(({ command, description }) => {
      const button = document.createElement("button");
      button.type = "button";
      button.innerHTML = '<span class="command"></span><span class="description"></span>';
      $(".command", button).textContent = `/${command}`;
      $(".description", button).textContent = description;
      button.addEventListener("click", () => {
        menu.hidden = true;
        void post("/api/send", { chatId: entry.view.id, text: `/${command}` });
      });
      return button;
    }),
  );
  if (entry.commands.length === 0) menu.textContent = "The bot has set no commands yet.";
  menu.hidden = false;
}

const ACTION_LABELS = { typing: "typing…", upload_document: "sending a file…", upload_photo: "sending a photo…" };

function showTyping(entry, action) {
  const typing = $(".typing", entry.element);
  typing.textContent = ACTION_LABELS[action] || "typing…";
  typing.hidden = false;
  clearTimeout(entry.typingTimer);
  // Telegram shows a chat action for about 5 seconds, or until the next message.
  entry.typingTimer = setTimeout(() => (typing.hidden = true), 5000);
}

// A Mini App opens in a frame; /webapp adds the launch data Telegram would pass, signed by the sandbox.
function openWebApp(title, url, chatId) {
  const overlay = $("#webapp");
  $(".webapp-title", overlay).textContent = title;
  $("iframe", overlay).src = `/webapp?url=${encodeURIComponent(url)}&chatId=${chatId}`;
  overlay.hidden = false;
}

function setMenuButton(entry, menuButton) {
  const button = $(".webapp-button", entry.element);
  button.hidden = !menuButton;
  if (!menuButton) return;
  button.textContent = menuButton.text;
  button.onclick = () => openWebApp(menuButton.text, menuButton.webApp, entry.view.id);
}

// ---------------------------------------------------------------------------
// Live events

function onEvent(event) {
  const entry = "chatId" in event ? chats.get(event.chatId) : undefined;
  switch (event.type) {
    case "message":
      if (!entry) return;
      $(".typing", entry.element).hidden = true;
      showMessage(entry, event.message);
      return;
    case "edited":
      if (entry) showMessage(entry, event.message);
      return;
    case "deleted":
      entry?.element.querySelector(`[data-message-id="${event.messageId}"]`)?.remove();
      return;
    case "typing":
      if (entry) showTyping(entry, event.action);
      return;
    case "keyboard":
      if (entry) setKeyboard(entry, event.keyboard);
      return;
    case "commands":
      if (!entry) return;
      entry.commands = event.commands;
      setMenuButton(entry, event.menuButton);
      return;
    case "chat":
      if (!chats.has(event.chat.id)) addChat(event.chat);
      return;
    case "clock":
      showClock(event.clock);
      notice("The clock moved: what is due by then is being sent.");
      return;
    case "crowd":
      $("#crowd-total").textContent = `${event.total} made-up patients`;
      return;
  }
}

function connect() {
  const source = new EventSource("/events");
  source.addEventListener("snapshot", (event) => {
    const snapshot = JSON.parse(event.data);
    zone = snapshot.zone;
    showClock(snapshot.clock);
    for (const entry of chats.values()) entry.element.remove();
    chats.clear();
    for (const chat of snapshot.chats) addChat(chat);
    document.body.dataset.ready = "true";
  });
  source.onmessage = (event) => onEvent(JSON.parse(event.data));
}

// ---------------------------------------------------------------------------
// Controls

for (const button of document.querySelectorAll("[data-clock]")) {
  button.addEventListener("click", () => void post("/api/clock", { to: button.dataset.clock }));
}
$("#new-patient").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  void post("/api/patients", { name: form.elements.name.value, language: form.elements.language.value }).then(() => {
    // At a phone's width the controls make room for the new chat.
    if (phoneWidth.matches) $(".controls").open = false;
  });
});
$("#crowd").addEventListener("submit", (event) => {
  event.preventDefault();
  const count = Number(event.target.elements.count.value);
  void post("/api/crowd", { count }).then(({ added }) => notice(`${added} made-up patients are starting the bot. Send /broadcast in the staff chat to announce something to them.`));
});
$("#webapp-close").addEventListener("click", () => {
  $("#webapp").hidden = true;
  $("#webapp iframe").src = "about:blank";
});
const phoneWidth = window.matchMedia("(max-width: 700px)");
if (phoneWidth.matches) $(".controls").open = false;
connect();
