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
})();
