import { ESCAPED_CHARACTER } from '../../core/cards/markdown.js';
import { translator, type Locale, type MessageKey } from '../../core/i18n/index.js';
import type { Persona } from './routes.js';

const PAGE_KEYS: MessageKey[] = [
  'playground.title',
  'playground.demoNotice',
  'playground.persona',
  'playground.language',
  'playground.placeholder',
  'playground.send',
  'playground.you',
  'playground.bot',
  'playground.error',
  'playground.notification',
  'playground.clock',
  'playground.clockForward',
  'playground.channel',
];

/** The playground page. Every visible text comes from the catalogue; data goes in as escaped JSON. */
export function playgroundPage(locale: Locale, personas: Persona[]): string {
  const t = translator(locale);
  const texts = Object.fromEntries(PAGE_KEYS.map((k) => [k, t(k)]));
  const boot = safeJson({ locale, personas, texts });
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('playground.title'))}</title>
<style>
  body { font-family: "Segoe UI", system-ui, sans-serif; margin: 0; background: #f5f5f5; color: #242424; }
  header { background: #2f4858; color: #fff; padding: 12px 20px; }
  header h1 { margin: 0; font-size: 20px; }
  .notice { background: #fff4ce; border-bottom: 1px solid #e6d38a; padding: 8px 20px; font-size: 14px; }
  .bar { display: flex; gap: 16px; align-items: center; padding: 10px 20px; background: #fff; border-bottom: 1px solid #ddd; }
  .layout { display: flex; gap: 16px; justify-content: center; align-items: flex-start; padding: 0 20px 120px; }
  #log { flex: 1 1 560px; max-width: 760px; padding-top: 16px; }
  #channel { flex: 0 1 440px; padding-top: 16px; }
  #channel:empty { display: none; }
  #channel h2 { font-size: 15px; margin: 0 0 4px; color: #444; }
  @media (max-width: 900px) { .layout { flex-direction: column; } #channel { width: 100%; } }
  .msg { margin: 10px 0; }
  .msg .who { font-size: 12px; color: #666; }
  .msg .text { white-space: pre-wrap; background: #fff; border-radius: 6px; padding: 8px 12px; display: inline-block; max-width: 100%; }
  .msg.me { text-align: right; }
  .msg.me .text { background: #dbe9f6; }
  .card { background: #fff; border-radius: 6px; padding: 4px; margin-top: 4px; max-width: 520px; }
  .welcome { background: #fff; border-radius: 6px; padding: 4px; margin: 8px 0; max-width: 520px; }
  form { position: fixed; bottom: 0; left: 0; right: 0; display: flex; gap: 8px; padding: 12px 20px; background: #fff; border-top: 1px solid #ddd; }
  form input { flex: 1; font-size: 16px; padding: 8px; }
  .error { color: #a4262c; }
</style>
</head>
<body>
<header><h1>${escapeHtml(t('playground.title'))}</h1></header>
<div class="notice" role="note">${escapeHtml(t('playground.demoNotice'))}</div>
<div class="bar">
  <label>${escapeHtml(t('playground.persona'))} <select id="persona"></select></label>
  <label>${escapeHtml(t('playground.language'))}
    <select id="lang"><option value="nl">Nederlands</option><option value="en">English</option></select></label>
  <span>${escapeHtml(t('playground.clock'))}: <span id="clock"></span> <button id="forward" type="button">${escapeHtml(t('playground.clockForward'))}</button></span>
</div>
<section id="welcome" class="welcome" aria-label="welkom"></section>
<section id="waiting" class="welcome" aria-label="${escapeHtml(t('waiting.title'))}"></section>
<div class="layout">
<main id="log" aria-live="polite"></main>
<aside id="channel" aria-label="${escapeHtml(t('playground.channel'))}"></aside>
</div>
<form id="composer">
  <input id="text" autocomplete="off" placeholder="${escapeHtml(t('playground.placeholder'))}" aria-label="${escapeHtml(t('playground.placeholder'))}">
  <button type="submit">${escapeHtml(t('playground.send'))}</button>
</form>
<script src="/playground/adaptivecards.js"></script>
<script>
const boot = ${boot};
const log = document.getElementById('log');
const personaSelect = document.getElementById('persona');
const langSelect = document.getElementById('lang');
langSelect.value = boot.locale;
langSelect.addEventListener('change', () => { location.search = '?lang=' + langSelect.value; });
for (const p of boot.personas) {
  const o = document.createElement('option');
  o.value = p.id; o.textContent = p.label; personaSelect.appendChild(o);
}
const saved = sessionStorage.getItem('zorgpad.persona');
if (saved && boot.personas.some(p => p.id === saved)) personaSelect.value = saved;
personaSelect.addEventListener('change', () => { sessionStorage.setItem('zorgpad.persona', personaSelect.value); log.innerHTML = ''; document.getElementById('channel').innerHTML = ''; welcome(); pollInbox(); });
// A welcome with what this persona can start, on opening and after switching persona.
async function welcome() {
  const holder = document.getElementById('welcome');
  holder.innerHTML = '';
  try {
    const res = await fetch('/playground/api/welcome?personaId=' + encodeURIComponent(personaSelect.value) + '&lang=' + boot.locale);
    const waiting = document.getElementById('waiting');
    waiting.innerHTML = '';
    if (res.ok) {
      const body = await res.json();
      renderInto(holder, body.card);
      if (body.waiting) renderInto(waiting, body.waiting);
    }
  } catch (e) { /* the chat works without it */ }
}

function add(who, text, mine) {
  const div = document.createElement('div');
  div.className = 'msg' + (mine ? ' me' : '');
  const w = document.createElement('div'); w.className = 'who'; w.textContent = who;
  const t = document.createElement('div'); t.className = 'text'; t.textContent = text;
  div.append(w, t); log.appendChild(div); div.scrollIntoView();
  return div;
}
// Card texts are markdown in which Zorgpad escaped what people typed (src/core/cards/markdown.ts). This
// renderer has no markdown processor and shows texts as they come: read the escapes first, so that it
// shows what was typed, as plain text.
const escapedCharacter = new RegExp(${safeJson(ESCAPED_CHARACTER.source)}, 'g');
const asTyped = (text) => (typeof text === 'string' ? text.replace(escapedCharacter, '$1') : text);
function plainTexts(node) {
  if (Array.isArray(node)) return node.map(plainTexts);
  if (!node || typeof node !== 'object') return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) copy[key] = plainTexts(value);
  if (copy.type === 'TextBlock') copy.text = asTyped(copy.text);
  if (copy.type === 'FactSet' && Array.isArray(copy.facts)) copy.facts = copy.facts.map((f) => ({ ...f, title: asTyped(f.title), value: asTyped(f.value) }));
  return copy;
}
function renderInto(holder, json) {
  const card = new AdaptiveCards.AdaptiveCard();
  card.onExecuteAction = (action) => {
    if (action instanceof AdaptiveCards.ExecuteAction || action instanceof AdaptiveCards.SubmitAction) {
      // A card action may answer with the card that takes this one's place (kernteam votes).
      send({ card: action.data }, action.title, (replacement) => { holder.innerHTML = ''; renderInto(holder, replacement); });
    }
  };
  card.parse(plainTexts(json));
  holder.appendChild(card.render());
}
// Channel cards by key, so that an update (votes so far, the outcome) takes the card's place.
const placed = {};
// The last question's card, which a typed answer settles.
let lastQuestion = null;
function addCard(json, key, where) {
  const holder = document.createElement('div');
  holder.className = 'card';
  renderInto(holder, json);
  (where || log).appendChild(holder); holder.scrollIntoView();
  if (key) placed[key] = holder;
  return holder;
}
async function send(body, shown, replaceCard) {
  add(boot.texts['playground.you'], shown, true);
  try {
    const res = await fetch('/playground/api/messages', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personaId: personaSelect.value, locale: boot.locale, deliveryId: crypto.randomUUID(), ...body }),
    });
    if (!res.ok) { add(boot.texts['playground.bot'], boot.texts['playground.error']).classList.add('error'); return; }
    const reply = await res.json();
    if (reply.card && replaceCard) replaceCard(reply.card);
    // An answered question settles in place: its answer, no buttons (typed: the last question asked).
    else if (reply.settled && replaceCard) replaceCard(reply.settled);
    else if (reply.settled && lastQuestion && lastQuestion.isConnected) { lastQuestion.innerHTML = ''; renderInto(lastQuestion, reply.settled); }
    lastQuestion = null;
    for (const m of reply.messages) {
      if (m.card) { const holder = addCard(m.card); if (m.question) lastQuestion = holder; }
      else add(boot.texts['playground.bot'], m.text);
    }
  } catch (e) {
    add(boot.texts['playground.bot'], boot.texts['playground.error']).classList.add('error');
  }
}
// Notifications for the chosen persona (what Teams or Slack would deliver proactively).
async function pollInbox() {
  try {
    const res = await fetch('/playground/api/inbox?personaId=' + encodeURIComponent(personaSelect.value));
    if (!res.ok) return;
    const inbox = await res.json();
    for (const m of inbox.messages) {
      const target = m.replaces && placed[m.replaces];
      if (m.card && target && target.isConnected) { target.innerHTML = ''; renderInto(target, m.card); continue; }
      // The kernteam channel, for its members: beside the chat, as in Teams or Slack.
      if (m.channel === 'kernteam') {
        const aside = document.getElementById('channel');
        if (!aside.firstChild) { const h = document.createElement('h2'); h.textContent = boot.texts['playground.channel']; aside.appendChild(h); }
        if (m.card) addCard(m.card, m.key, aside); else add(boot.texts['playground.channel'], m.text);
        continue;
      }
      add(boot.texts['playground.notification'], m.card ? '' : m.text).classList.add('notification');
      if (m.card) addCard(m.card, m.key);
    }
  } catch (e) { /* the next poll tries again */ }
}
document.getElementById('forward').addEventListener('click', async () => {
  const res = await fetch('/playground/api/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 7 }) });
  if (res.ok) { document.getElementById('clock').textContent = (await res.json()).now.slice(0, 10); pollInbox(); }
});
setInterval(pollInbox, 2000);
welcome();
pollInbox();
document.getElementById('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send({ text }, text);
});
</script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe to place inside a script element. */
function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
