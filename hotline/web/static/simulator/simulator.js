// The simulator page: send what staff type to /simulator/send, show the bot's replies.
"use strict";
(function () {
  const list = document.getElementById("messages");
  const composer = document.getElementById("composer");
  const input = document.getElementById("text");
  const button = document.getElementById("send");
  const sender = document.getElementById("sender");
  const language = document.getElementById("language");
  const channel = document.getElementById("channel");
  const shownSender = document.getElementById("phone-sender");
  const queue = [];
  let busy = false;

  function bubble(kind, text, meta) {
    const item = document.createElement("li");
    item.className = "bubble " + kind;
    const body = document.createElement("div");
    body.className = "body";
    body.textContent = text;
    item.appendChild(body);
    if (meta) {
      const line = document.createElement("div");
      line.className = "meta";
      line.textContent = meta;
      item.appendChild(line);
    }
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function cost(reply, via) {
    if (via === "whatsapp") {
      return "WhatsApp · " + reply.units + " characters (as SMS: " + reply.encoding + ", " +
        reply.segments + " SMS)";
    }
    return reply.encoding + " · " + reply.segments + " SMS · " + reply.units +
      " characters";
  }

  async function deliver(text) {
    const via = channel.value;
    bubble("worker", text === "" ? "(empty message)" : text);
    let answer;
    try {
      const response = await fetch(composer.dataset.send, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        credentials: "same-origin",
        body: JSON.stringify({sender: sender.value, text: text, channel: via}),
      });
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      answer = await response.json();
    } catch (error) {
      answer = {error: "could not reach the hotline (" + error + ")"};
    }
    if (answer.error) {
      bubble("system", answer.error);
      return;
    }
    if (!answer.replies.length) {
      bubble("system", "(no reply)");
    }
    for (const reply of answer.replies) {
      const item = bubble("bot", reply.body, cost(reply, via));
      item.dataset.encoding = reply.encoding;
      item.dataset.segments = String(reply.segments);
      if (via === "sms" && reply.segments > 2) {
        item.classList.add("costly");
      }
    }
  }

  async function pump() {
    if (busy) {
      return;
    }
    busy = true;
    list.dataset.state = "busy";
    button.disabled = true;
    while (queue.length) {
      await deliver(queue.shift());
    }
    busy = false;
    button.disabled = false;
    list.dataset.state = "idle";
    input.focus();
  }

  function send(text) {
    queue.push(text);
    pump();
  }

  function newConversation(number) {
    if (number) {
      sender.value = number;
    }
    list.replaceChildren();
    shownSender.textContent = sender.value;
  }

  function randomNumber() {
    return "+121355501" + String(Math.floor(Math.random() * 100)).padStart(2, "0");
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });
  language.addEventListener("change", function () {
    if (channel.value === "call") {
      return;  // a caller picks the language on the call itself
    }
    const chosen = language.selectedOptions[0];
    if (chosen && chosen.dataset.word) {
      send(chosen.dataset.word);
    }
  });
  document.getElementById("new-worker").addEventListener("click", function () {
    newConversation(randomNumber());
    language.value = "";
  });
  sender.addEventListener("change", function () {
    newConversation();
  });
  shownSender.textContent = sender.value;
  input.focus();

  // -- call mode: the voice line's menu, walked with a keypad ---------------------------
  const keypad = document.getElementById("keypad");
  const dial = document.getElementById("dial");
  const wait = document.getElementById("wait");
  const leave = document.getElementById("leave");
  const hangUp = document.getElementById("hang-up");
  const keys = Array.from(keypad.querySelectorAll(".key"));
  let call = null;   // the pretend call's sid
  let next = null;   // what the voice line waits for: {kind, action, silence, ...}

  function heardMeta(item) {
    if (item.kind === "play") {
      return "recorded prompt · " + item.language + " · " + item.file;
    }
    return "spoken · " + item.language + " · " + item.voice;
  }

  function controls() {
    const waiting = next && next.kind === "keys";
    keys.forEach(function (key) { key.disabled = !waiting; });
    wait.disabled = !waiting;
    leave.disabled = !(next && next.kind === "record");
    hangUp.disabled = !call;
    dial.disabled = !!call;
  }

  function describe(then) {
    if (then.kind === "keys") {
      const how = then.input && then.input.indexOf("speech") >= 0 ? "a key or a spoken number"
        : "a key";
      return "Waiting for " + how + " (" + then.timeout + " s)";
    }
    if (then.kind === "record") {
      return "Recording after a beep, up to " + then.max_length + " s (" +
        then.finish_on_key + " ends it)";
    }
    return "The line hangs up";
  }

  async function callStep(body, shown) {
    if (shown) {
      bubble("worker", shown);
    }
    list.dataset.state = "busy";
    let answer;
    try {
      const response = await fetch(keypad.dataset.step, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        credentials: "same-origin",
        body: JSON.stringify(Object.assign({sender: sender.value, call: call}, body)),
      });
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      answer = await response.json();
    } catch (error) {
      answer = {error: "could not reach the hotline (" + error + ")"};
    }
    list.dataset.state = "idle";
    if (answer.error) {
      bubble("system", answer.error);
      return;
    }
    call = answer.call;
    for (const item of answer.heard) {
      const said = bubble("bot", item.kind === "play" ? "(" + item.file + ")" : item.text,
        heardMeta(item));
      said.dataset.language = item.language || "";
      said.dataset.voice = item.voice || "";
      if (item.kind === "play") {
        said.classList.add("play");
      }
    }
    next = answer.then;
    bubble("system", describe(next));
    if (next.kind === "hangup") {
      call = null;
      next = null;
    }
    controls();
  }

  let calling = false;

  function setMode() {
    const now = channel.value === "call";
    keypad.hidden = !now;
    composer.hidden = now;
    if (now !== calling) {  // a call and a chat are different conversations
      list.replaceChildren();
      call = null;
      next = null;
    }
    calling = now;
    controls();
  }

  dial.addEventListener("click", function () {
    list.replaceChildren();
    callStep({}, "(calls the hotline)");
  });
  keys.forEach(function (key) {
    key.addEventListener("click", function () {
      callStep({url: next.action, key: key.dataset.key}, "pressed " + key.dataset.key);
    });
  });
  wait.addEventListener("click", function () {
    callStep({url: next.silence}, "(says nothing)");
  });
  leave.addEventListener("click", function () {
    callStep({url: next.action, message: true}, "(leaves a message, then presses #)");
  });
  hangUp.addEventListener("click", function () {
    bubble("worker", "(hangs up)");
    call = null;
    next = null;
    controls();
  });
  channel.addEventListener("change", setMode);
  setMode();
})();
